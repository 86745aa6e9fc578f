//! JSON Schema 2020-12, as OpenAPI 3.1 uses it, written as OpenAPI 3.0 schemas.
//!
//! Keywords are copied and only the differences rewritten, so a lowered schema keeps its input's
//! keys and a pointer into one is a pointer into the other. Each lowered schema is checked
//! against `openapiv3` as soon as it is built (its subschemas were checked before it), so
//! failures name the 3.1 document's places even where lowering restructured a schema.
//!
//! What 3.0 has no keyword for is kept as an `x-` extension of the same name (`x-if`,
//! `x-prefixItems`, …) next to the nearest 3.0 equivalent, if any. Extensions hold the 3.1
//! value as written: lowered too, nested tuples or patterns would double in size per level.

mod keywords;
mod reference;
mod types;

use serde_json::{Map, Value, json};

use self::keywords::{Bound, Draft};
use super::context::Lowering;
use crate::error::Error;
use crate::load::pointer;

/// JSON Schema keywords without an OpenAPI 3.0 counterpart, kept as `x-{keyword}`, unlowered.
const KEPT_AS_EXTENSIONS: [&str; 21] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$vocabulary",
    "$comment",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "contentSchema",
    "$recursiveRef",
    "$recursiveAnchor",
];

/// Keywords that only document a schema; a reference or a `null` branch carrying only these
/// means no more than it would without them.
const ANNOTATIONS: [&str; 9] =
    ["title", "description", "$comment", "deprecated", "readOnly", "writeOnly", "examples", "example", "default"];

/// Lowers the schema at `at`. `base` is the pointer of the enclosing schema with an `$id`
/// (against which JSON Schema resolves `#…` references), or `""` for the document.
pub(super) fn lower(cx: &Lowering<'_>, schema: &Value, at: &str, base: &str) -> Result<Value, Error> {
    let object = match schema {
        Value::Bool(true) => return Ok(json!({})),
        Value::Bool(false) => return Ok(json!({ "not": {} })),
        Value::Object(object) => object,
        other => {
            return Err(
                cx.invalid(at, format!("a schema must be an object or a boolean, found {}", pointer::describe(other)))
            );
        }
    };
    let base = if object.get("$id").is_some_and(Value::is_string) { at } else { base };
    if let Some(reference) = object.get("$ref") {
        return reference::lower(cx, object, reference, at, base);
    }
    lower_object(cx, object, at, base)
}

/// Lowers a schema object without `$ref`.
fn lower_object(cx: &Lowering<'_>, object: &Map<String, Value>, at: &str, base: &str) -> Result<Value, Error> {
    let mut draft = Draft::default();
    for (key, value) in object {
        let member_at = pointer::child(at, key);
        let subschema = |value: &Value, at: &str| lower(cx, value, at, base);
        match key.as_str() {
            "type" => draft.read_types(cx, value, &member_at)?,
            "nullable" => {
                draft.nullable |= value == &Value::Bool(true);
                draft.out.insert(key.clone(), value.clone());
            }
            "const" => {
                // 3.0 admits a `null` value only with `nullable: true`.
                draft.nullable |= value.is_null();
                draft.out.insert("enum".into(), Value::Array(vec![value.clone()]));
            }
            "enum" if object.contains_key("const") => {}
            "enum" => {
                draft.nullable |= value.as_array().is_some_and(|values| values.contains(&Value::Null));
                draft.out.insert(key.clone(), value.clone());
            }
            "examples" => {
                let Value::Array(examples) = value else {
                    return Err(cx.invalid(
                        &member_at,
                        format!("a schema's `examples` must be an array, found {}", pointer::describe(value)),
                    ));
                };
                if let (Some(first), false) = (examples.first(), object.contains_key("example")) {
                    draft.out.insert("example".into(), first.clone());
                }
                draft.extension(key, value.clone());
            }
            "exclusiveMinimum" | "exclusiveMaximum" => match value {
                Value::Bool(_) => {
                    draft.out.insert(key.clone(), value.clone());
                }
                Value::Number(_) => {}
                other => {
                    return Err(
                        cx.invalid(&member_at, format!("`{key}` must be a number, found {}", pointer::describe(other)))
                    );
                }
            },
            "contentEncoding" | "contentMediaType" => {
                if !value.is_string() {
                    return Err(
                        cx.invalid(&member_at, format!("`{key}` must be a string, found {}", pointer::describe(value)))
                    );
                }
                draft.extension(key, value.clone());
            }
            "$defs" => hoist_defs(cx, key, value, at, base)?,
            // Not a keyword since 2019-09, but where older schemas keep theirs.
            "definitions" if value.is_object() => hoist_defs(cx, key, value, at, base)?,
            "properties" => {
                let value = match value {
                    Value::Object(properties) => named_subschemas(properties, &member_at, subschema)?,
                    other => other.clone(),
                };
                draft.out.insert(key.clone(), value);
            }
            "items" => match value {
                // The tuple form of drafts before 2020-12: `prefixItems` now.
                Value::Array(items) => {
                    draft.prefix_items = Some(subschemas(items, &member_at, subschema)?);
                    draft.extension("prefixItems", value.clone());
                }
                Value::Object(_) | Value::Bool(_) => {
                    draft.out.insert(key.clone(), subschema(value, &member_at)?);
                }
                other => {
                    draft.out.insert(key.clone(), other.clone());
                }
            },
            "prefixItems" => {
                let Value::Array(items) = value else {
                    return Err(cx.invalid(
                        &member_at,
                        format!("`prefixItems` must be an array of schemas, found {}", pointer::describe(value)),
                    ));
                };
                draft.prefix_items = Some(subschemas(items, &member_at, subschema)?);
                draft.extension(key, value.clone());
            }
            "patternProperties" => {
                let Value::Object(patterns) = value else {
                    return Err(cx.invalid(
                        &member_at,
                        format!("`patternProperties` must be an object, found {}", pointer::describe(value)),
                    ));
                };
                let lowered = patterns
                    .iter()
                    .map(|(pattern, schema)| subschema(schema, &pointer::child(&member_at, pattern)))
                    .collect::<Result<_, Error>>()?;
                draft.pattern_properties = Some(lowered);
                draft.extension(key, value.clone());
            }
            "additionalProperties" | "not" if value.is_object() || (key == "not" && value.is_boolean()) => {
                draft.out.insert(key.clone(), subschema(value, &member_at)?);
            }
            "allOf" | "anyOf" | "oneOf" => {
                let value = match value {
                    Value::Array(parts) => {
                        let kept: Vec<(usize, &Value)> = if key == "allOf" {
                            parts.iter().enumerate().collect()
                        } else {
                            parts.iter().enumerate().filter(|(_, part)| !is_null_schema(part)).collect()
                        };
                        if kept.len() < parts.len() {
                            // `{type: null}` as a choice: nullable in 3.0.
                            draft.nullable = true;
                            draft.null_dropped_from.push(key.clone());
                        }
                        let lowered = kept
                            .into_iter()
                            .map(|(i, part)| subschema(part, &pointer::index(&member_at, i)))
                            .collect::<Result<Vec<_>, Error>>()?;
                        Value::Array(lowered)
                    }
                    other => other.clone(),
                };
                draft.out.insert(key.clone(), value);
            }
            key if KEPT_AS_EXTENSIONS.contains(&key) => draft.extension(key, value.clone()),
            _ => {
                draft.out.insert(key.clone(), value.clone());
            }
        }
    }
    draft.bound(object, Bound::Lower);
    draft.bound(object, Bound::Upper);
    draft.content_format(object);
    draft.fold_prefix_items(object);
    draft.fold_pattern_properties();
    draft.fold_single_choices();
    let lowered = types::apply(cx, draft, object, at)?;
    cx.check_node(crate::load::typed::Kind::Schema, &lowered, object, at)?;
    Ok(lowered)
}

/// Lowers the entries of a `$defs` or `definitions` (`keyword`, at `at`) and keeps them to
/// become component schemas: OpenAPI 3.0 has no place for schemas inside schemas, and
/// `openapiv3` would drop them, leaving references to them dangling.
fn hoist_defs(cx: &Lowering<'_>, keyword: &str, defs: &Value, at: &str, base: &str) -> Result<(), Error> {
    let defs_at = pointer::child(at, keyword);
    let Value::Object(defs) = defs else {
        return Err(cx.invalid(&defs_at, format!("`{keyword}` must be an object, found {}", pointer::describe(defs))));
    };
    for (name, definition) in defs {
        let entry_at = pointer::child(&defs_at, name);
        let hoisted_name = cx.defs_name(&entry_at);
        let lowered = lower_definition(cx, definition, &entry_at, base)?;
        cx.hoist(hoisted_name, lowered);
    }
    Ok(())
}

/// Lowers the `$defs` or `definitions` entry at `at`.
///
/// `definitions` is no keyword since 2019-09: the document does not promise that its entries
/// are schemas, and 3.0 readers ignore them. So an entry there that does not read as a schema
/// becomes an unconstrained one, with the reason in `x-unreadable`, rather than refusing the
/// document.
pub(super) fn lower_definition(cx: &Lowering<'_>, definition: &Value, at: &str, base: &str) -> Result<Value, Error> {
    let legacy = at.rsplit('/').nth(1) == Some("definitions");
    if !legacy {
        return lower(cx, definition, at, base);
    }
    // Checked whole here, whatever `cx` checks, so that the outcome does not depend on it.
    let lowered = lower(cx, definition, at, base)
        .and_then(|lowered| cx.check(crate::load::typed::Kind::Schema, &lowered, at).map(|()| lowered));
    Ok(lowered.unwrap_or_else(|error| json!({ "x-unreadable": error.to_string() })))
}

fn subschemas(
    items: &[Value],
    at: &str,
    lower_one: impl Fn(&Value, &str) -> Result<Value, Error>,
) -> Result<Vec<Value>, Error> {
    items.iter().enumerate().map(|(i, item)| lower_one(item, &pointer::index(at, i))).collect()
}

fn named_subschemas(
    entries: &Map<String, Value>,
    at: &str,
    lower_one: impl Fn(&Value, &str) -> Result<Value, Error>,
) -> Result<Value, Error> {
    entries
        .iter()
        .map(|(name, entry)| Ok((name.clone(), lower_one(entry, &pointer::child(at, name))?)))
        .collect::<Result<Map<_, _>, Error>>()
        .map(Value::Object)
}

/// A choice that only admits `null`: `{type: "null"}`, `{type: ["null"]}` or `{const: null}`,
/// with nothing but annotations beside.
fn is_null_schema(schema: &Value) -> bool {
    let Value::Object(object) = schema else { return false };
    let null_type = match object.get("type") {
        Some(Value::String(name)) => name == "null",
        Some(Value::Array(names)) => names.len() == 1 && names[0] == "null",
        _ => false,
    };
    let null_const = object.get("const") == Some(&Value::Null) && !object.contains_key("type");
    (null_type || null_const)
        && object
            .keys()
            .all(|key| key == "type" || key == "const" || key.starts_with("x-") || ANNOTATIONS.contains(&key.as_str()))
}

/// `schemas` as one: itself if there is one (or all are equal), else their `anyOf`.
fn union(mut schemas: Vec<Value>) -> Option<Value> {
    let mut distinct: Vec<Value> = Vec::with_capacity(schemas.len());
    for schema in schemas.drain(..) {
        if !distinct.contains(&schema) {
            distinct.push(schema);
        }
    }
    match distinct.len() {
        0 => None,
        1 => distinct.pop(),
        _ => Some(json!({ "anyOf": distinct })),
    }
}
