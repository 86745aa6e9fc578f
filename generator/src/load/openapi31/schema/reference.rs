//! A schema `$ref` with keywords beside it, which 3.1 applies together with the target and 3.0
//! ignores.
//!
//! Beside a reference, keywords that only document (`description`, `title`, `examples`,
//! `deprecated`, `$comment`, `x-…`) are dropped: the reference stays a bare `$ref`, which the
//! generator turns into the target's type (the target has its own documentation). Any other
//! keyword (`nullable`, `readOnly`, `default`, `maxLength`, …) changes what the schema
//! means, so the reference becomes `allOf: [{$ref}]` with all its siblings kept beside, the
//! form OpenAPI 3.0 tools use for a nullable reference.

use serde_json::{Map, Value, json};

use super::{ANNOTATIONS, hoist_defs, lower_object};
use crate::error::Error;
use crate::load::openapi31::context::{DEFINITIONS, Lowering};
use crate::load::pointer;
use crate::load::typed::Kind;

/// Identifiers that name the schema rather than describe what it admits.
const IDENTIFIERS: [&str; 6] = ["$id", "$schema", "$anchor", "$dynamicAnchor", "$defs", "definitions"];

/// Lowers the schema `object` at `at`, which has a `$ref`.
pub(super) fn lower(
    cx: &Lowering<'_>,
    object: &Map<String, Value>,
    reference: &Value,
    at: &str,
    base: &str,
) -> Result<Value, Error> {
    let ref_at = pointer::child(at, "$ref");
    let Value::String(reference) = reference else {
        return Err(cx.invalid(&ref_at, format!("`$ref` must be a string, found {}", pointer::describe(reference))));
    };
    let target = json!({ "$ref": cx.schema_ref(reference, &ref_at, base)? });
    let siblings: Map<String, Value> =
        object.iter().filter(|(key, _)| *key != "$ref").map(|(key, value)| (key.clone(), value.clone())).collect();
    if !siblings.iter().any(|(key, value)| changes_meaning(key, value)) {
        for keyword in DEFINITIONS {
            match siblings.get(keyword) {
                Some(defs) if keyword == "$defs" || defs.is_object() => hoist_defs(cx, keyword, defs, at, base)?,
                _ => {}
            }
        }
        return Ok(target);
    }
    let Value::Object(mut wrapper) = lower_object(cx, &siblings, at, base)? else {
        return Ok(target);
    };
    match wrapper.get_mut("allOf") {
        Some(Value::Array(parts)) => parts.insert(0, target),
        _ => {
            wrapper.insert("allOf".into(), Value::Array(vec![target]));
        }
    }
    let wrapper = Value::Object(wrapper);
    cx.check_node(Kind::Schema, &wrapper, object, at)?;
    Ok(wrapper)
}

/// Whether a keyword beside `$ref` changes what the schema admits or how it is used.
fn changes_meaning(key: &str, value: &Value) -> bool {
    match key {
        // Flags that say something only when set.
        "nullable" | "readOnly" | "writeOnly" => value != &Value::Bool(false),
        "default" => true,
        key if key.starts_with("x-") || key == "summary" => false,
        key => !ANNOTATIONS.contains(&key) && !IDENTIFIERS.contains(&key),
    }
}
