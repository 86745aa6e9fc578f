//! Swagger 2.0 schemas, and the type fields of parameters, headers and items, as OpenAPI 3.0
//! schemas.
//!
//! 2.0 schemas are JSON Schema nearly as 3.0 has it, so keywords are copied and only the
//! differences are rewritten: `$ref` targets, `type: file`, `x-nullable`, and the string form
//! of `discriminator`. Every output keeps its input's keys, so a pointer into the lowered schema
//! is also a pointer into the 2.0 one.

use serde_json::{Map, Value, json};

use super::COLLECTION_FORMAT_EXTENSION;
use super::context::{Lowering, copy_extensions};
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::Kind;

/// Keywords of 2.0 parameters, headers and items that mean the same in a 3.0 schema.
const SIMPLE_KEYWORDS: [&str; 15] = [
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// Lowers a 2.0 schema and checks that it reads as an OpenAPI 3.0 schema.
pub(super) fn lower_checked(cx: &Lowering<'_>, schema: &Value, at: &str) -> Result<Value, Error> {
    let lowered = lower(cx, schema, at)?;
    cx.check(Kind::Schema, &lowered, at)?;
    Ok(lowered)
}

/// Lowers a 2.0 schema found at `at`.
pub(super) fn lower(cx: &Lowering<'_>, schema: &Value, at: &str) -> Result<Value, Error> {
    let object = cx.object(schema, at, "a schema")?;
    if let Some(reference) = object.get("$ref") {
        return lower_reference(cx, object, reference, at);
    }
    let mut lowered = Map::with_capacity(object.len());
    for (key, value) in object {
        let member_at = pointer::child(at, key);
        let value = match key.as_str() {
            "type" if value == "file" => {
                // 2.0's file upload type; 3.0 says binary string.
                lowered.entry("format").or_insert_with(|| json!("binary"));
                json!("string")
            }
            "x-nullable" => {
                if value == &Value::Bool(true) {
                    lowered.entry("nullable").or_insert(Value::Bool(true));
                }
                value.clone()
            }
            "discriminator" => match value {
                Value::String(property) => json!({ "propertyName": property }),
                _ => value.clone(),
            },
            "properties" => match value {
                Value::Object(properties) => Value::Object(
                    properties
                        .iter()
                        .map(|(name, property)| {
                            Ok((name.clone(), lower(cx, property, &pointer::child(&member_at, name))?))
                        })
                        .collect::<Result<_, Error>>()?,
                ),
                _ => value.clone(),
            },
            "items" | "not" => match value {
                Value::Object(_) => lower(cx, value, &member_at)?,
                // A tuple `items` is no 2.0 (nor 3.0) schema; the typed check says so.
                _ => value.clone(),
            },
            "additionalProperties" => match value {
                Value::Object(_) => lower(cx, value, &member_at)?,
                _ => value.clone(),
            },
            "allOf" | "oneOf" | "anyOf" => match value {
                Value::Array(parts) => Value::Array(
                    parts
                        .iter()
                        .enumerate()
                        .map(|(i, part)| lower(cx, part, &pointer::index(&member_at, i)))
                        .collect::<Result<_, Error>>()?,
                ),
                _ => value.clone(),
            },
            _ => value.clone(),
        };
        lowered.insert(key.clone(), value);
    }
    Ok(Value::Object(lowered))
}

/// A `$ref` schema. JSON Schema ignores members beside `$ref`, but `x-nullable: true` there is
/// how .NET tools mark a nullable reference, so that case becomes `allOf: [$ref]` + `nullable`.
fn lower_reference(
    cx: &Lowering<'_>,
    object: &Map<String, Value>,
    reference: &Value,
    at: &str,
) -> Result<Value, Error> {
    let ref_at = pointer::child(at, "$ref");
    let Value::String(reference) = reference else {
        return Err(cx.invalid(&ref_at, format!("`$ref` must be a string, found {}", pointer::describe(reference))));
    };
    let target = json!({ "$ref": cx.schema_ref(reference, &ref_at)? });
    if object.get("x-nullable") != Some(&Value::Bool(true)) {
        return Ok(target);
    }
    let mut wrapper = Map::new();
    wrapper.insert("allOf".into(), Value::Array(vec![target]));
    for (key, value) in object {
        if key != "$ref" {
            let sibling = Map::from_iter([(key.clone(), value.clone())]);
            if let Value::Object(lowered) = lower(cx, &Value::Object(sibling), at)? {
                wrapper.extend(lowered);
            }
        }
    }
    wrapper.insert("nullable".into(), Value::Bool(true));
    Ok(Value::Object(wrapper))
}

/// The schema of a 2.0 non-body parameter, response header or `items`: built from its type
/// fields (`type`, `format`, `items`, `enum`, `default`, `minimum`, …).
///
/// `nested` marks an `items` object, whose `collectionFormat` and extensions stay on the schema
/// (a parameter or header keeps its own on itself).
pub(super) fn simple(cx: &Lowering<'_>, object: &Map<String, Value>, at: &str, nested: bool) -> Result<Value, Error> {
    if !object.contains_key("type") {
        // Not 2.0, but written by some tools: a schema in place of the type fields, or
        // `items: {}` for "anything".
        match (object.get("schema"), object.contains_key("$ref")) {
            (Some(schema), _) => return lower(cx, schema, &pointer::child(at, "schema")),
            (None, true) => return lower(cx, &Value::Object(object.clone()), at),
            (None, false) if !nested => {
                return Err(cx.invalid(at, "no `type` (parameters other than `in: body`, and headers, need one)"));
            }
            (None, false) => {}
        }
    }
    let mut schema = Map::new();
    for key in SIMPLE_KEYWORDS {
        if let Some(value) = object.get(key) {
            schema.insert(key.into(), value.clone());
        }
    }
    if schema.get("type") == Some(&json!("file")) {
        schema.insert("type".into(), json!("string"));
        schema.insert("format".into(), json!("binary"));
    }
    if let Some(items) = object.get("items") {
        let items_at = pointer::child(at, "items");
        let items = simple(cx, cx.object(items, &items_at, "`items`")?, &items_at, true)?;
        schema.insert("items".into(), items);
    }
    if object.get("x-nullable") == Some(&Value::Bool(true)) {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    if nested {
        if let Some(format) = object.get("collectionFormat") {
            schema.insert(COLLECTION_FORMAT_EXTENSION.into(), format.clone());
        }
        copy_extensions(object, &mut schema);
    }
    Ok(Value::Object(schema))
}
