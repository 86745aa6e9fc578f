//! `type` lists as OpenAPI 3.0 says them: `null` as `nullable: true`, one other type as
//! `type`, several as an `anyOf` with one branch per type that carries the keywords applying
//! to that type (and the `enum` values of that type); the rest stay on the schema itself.

use serde_json::{Map, Value, json};

use super::keywords::Draft;
use crate::error::Error;
use crate::load::openapi31::context::Lowering;
use crate::load::typed::Kind;

/// Validation keywords that only apply to some types.
const STRING_KEYWORDS: [&str; 3] = ["minLength", "maxLength", "pattern"];
const NUMBER_KEYWORDS: [&str; 5] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const OBJECT_KEYWORDS: [&str; 5] = ["properties", "required", "additionalProperties", "minProperties", "maxProperties"];
const ARRAY_KEYWORDS: [&str; 4] = ["items", "minItems", "maxItems", "uniqueItems"];

/// The finished schema: `draft`'s members with its types and nullability written the 3.0 way.
pub(super) fn apply(cx: &Lowering<'_>, draft: Draft, source: &Map<String, Value>, at: &str) -> Result<Value, Error> {
    let Draft { mut out, types, nullable, .. } = draft;
    if nullable {
        out.insert("nullable".into(), Value::Bool(true));
    }
    match types.as_slice() {
        [] => {}
        [only] => {
            out.insert("type".into(), json!(only));
        }
        several => split(cx, &mut out, several, source, at)?,
    }
    Ok(Value::Object(out))
}

/// Moves the type-specific keywords of `out` into one branch per type, under `anyOf`.
fn split(
    cx: &Lowering<'_>,
    out: &mut Map<String, Value>,
    types: &[String],
    source: &Map<String, Value>,
    at: &str,
) -> Result<(), Error> {
    let mut branches: Vec<(String, Map<String, Value>)> =
        types.iter().map(|name| (name.clone(), Map::from_iter([("type".to_owned(), json!(name))]))).collect();
    let keys: Vec<String> = out.keys().cloned().collect();
    for key in keys {
        let takers: Vec<usize> = branches
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| applies(&key, out.get(&key), name, types))
            .map(|(i, _)| i)
            .collect();
        if takers.is_empty() {
            continue;
        }
        let Some(value) = out.shift_remove(&key) else { continue };
        for i in takers {
            branches[i].1.insert(key.clone(), value.clone());
        }
    }
    split_enum(out, &mut branches);
    if let [(_, only)] = branches.as_mut_slice() {
        // The enumeration left one type: no choice.
        out.extend(std::mem::take(only));
        return Ok(());
    }
    let mut choices = Vec::with_capacity(branches.len());
    for (_, branch) in branches {
        let branch = Value::Object(branch);
        // A branch holds the schema's own keywords, so a failure names the schema's member.
        cx.check_node(Kind::Schema, &branch, source, at)?;
        choices.push(branch);
    }
    let choices = Value::Array(choices);
    if out.contains_key("anyOf") {
        let wrapped = json!({ "anyOf": choices });
        match out.get_mut("allOf") {
            Some(Value::Array(parts)) => parts.push(wrapped),
            _ => {
                out.insert("allOf".into(), Value::Array(vec![wrapped]));
            }
        }
    } else {
        out.insert("anyOf".into(), choices);
    }
    Ok(())
}

/// Whether keyword `key` (with `value`) belongs on the branch of type `name` among `types`.
fn applies(key: &str, value: Option<&Value>, name: &str, types: &[String]) -> bool {
    let listed = |wanted: &str| types.iter().any(|listed| listed == wanted);
    match key {
        "format" => {
            // The type a format is written for, else the first listed it could go with.
            let format = value.and_then(Value::as_str).unwrap_or_default();
            let preferred: &[&str] = match format {
                "int32" | "int64" => &["integer", "number"],
                "float" | "double" => &["number", "integer"],
                _ => &["string"],
            };
            preferred.iter().find(|wanted| listed(wanted)).is_some_and(|wanted| *wanted == name)
        }
        key if STRING_KEYWORDS.contains(&key) => name == "string",
        key if NUMBER_KEYWORDS.contains(&key) => name == "number" || name == "integer",
        key if OBJECT_KEYWORDS.contains(&key) => name == "object",
        key if ARRAY_KEYWORDS.contains(&key) => name == "array",
        _ => false,
    }
}

/// Gives each branch the `enum` values of its type, and drops branches left with none (their
/// type admits no value). When no value fits any branch, the `enum` stays where it was.
fn split_enum(out: &mut Map<String, Value>, branches: &mut Vec<(String, Map<String, Value>)>) {
    let Some(Value::Array(values)) = out.get("enum") else { return };
    let per_branch: Vec<Vec<Value>> = branches
        .iter()
        .map(|(name, _)| values.iter().filter(|value| is_of_type(value, name)).cloned().collect())
        .collect();
    if per_branch.iter().all(Vec::is_empty) {
        return;
    }
    out.shift_remove("enum");
    let mut per_branch = per_branch.into_iter();
    branches.retain_mut(|(_, branch)| match per_branch.next() {
        Some(values) if !values.is_empty() => {
            branch.insert("enum".into(), Value::Array(values));
            true
        }
        _ => false,
    });
}

/// Whether `value` is of the JSON Schema type `name` (unknown type names admit everything).
fn is_of_type(value: &Value, name: &str) -> bool {
    match name {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|number| number.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn formats_go_to_the_type_they_are_written_for() {
        let listed = types(&["string", "integer", "number"]);
        let taker =
            |format: &str| listed.iter().find(|name| applies("format", Some(&json!(format)), name, &listed)).cloned();
        assert_eq!(taker("int64").as_deref(), Some("integer"));
        assert_eq!(taker("double").as_deref(), Some("number"));
        assert_eq!(taker("date-time").as_deref(), Some("string"));
        let numbers = types(&["number", "boolean"]);
        assert!(applies("format", Some(&json!("int32")), "number", &numbers), "the next best type");
        assert!(!applies("format", Some(&json!("uuid")), "number", &numbers), "no string: stays on the schema");
    }

    #[test]
    fn enum_values_go_to_the_branch_of_their_type() {
        let mut out = Map::from_iter([("enum".to_owned(), json!(["a", 1, 2.5, true]))]);
        let mut branches: Vec<(String, Map<String, Value>)> =
            ["integer", "object", "string"].iter().map(|name| ((*name).to_owned(), Map::new())).collect();
        split_enum(&mut out, &mut branches);
        assert!(!out.contains_key("enum"));
        let kept: Vec<(&str, &Value)> =
            branches.iter().map(|(name, branch)| (name.as_str(), &branch["enum"])).collect();
        assert_eq!(kept, [("integer", &json!([1])), ("string", &json!(["a"]))], "no object value: no object branch");
    }
}
