//! The OpenAPI objects around schemas (path items, operations, parameters, bodies, responses,
//! components, …), which 3.1 shapes as 3.0 does but for three things: a reference may carry a
//! `summary` and `description` (dropped: 3.0 references are `$ref` alone), a path item may be a
//! reference (inlined: the model has no place for one), and an operation may omit `responses`.
//!
//! Every other member is copied, so a pointer into the lowered object is one into the 3.1 object.

use serde_json::{Map, Value, json};

use super::context::Lowering;
use super::schema;
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::{self, Kind};

/// An OpenAPI object that holds schemas somewhere below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Object {
    Components,
    PathItem,
    Operation,
    Callback,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Header,
    MediaType,
    Encoding,
}

/// What a member of an object holds.
enum Member {
    One(Object),
    /// A map of names to objects.
    Named(Object),
    List(Object),
    /// A map of names to objects that are only ever copied, but may be references.
    NamedLeaves,
    Schema,
    NamedSchemas,
}

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn member(object: Object, key: &str) -> Option<Member> {
    use Member::*;
    use Object::*;
    Some(match (object, key) {
        (_, key) if key.starts_with("x-") => return None,
        (Components, "schemas") => NamedSchemas,
        (Components, "responses") => Named(Response),
        (Components, "parameters") => Named(Parameter),
        (Components, "requestBodies") => Named(RequestBody),
        (Components, "headers") => Named(Header),
        (Components, "callbacks") => Named(Callback),
        (Components, "pathItems") => Named(PathItem),
        (Components, "examples" | "links" | "securitySchemes") => NamedLeaves,
        (PathItem | Operation, "parameters") => List(Parameter),
        (PathItem, method) if HTTP_METHODS.contains(&method) => One(Operation),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => One(Responses),
        (Operation, "callbacks") => Named(Callback),
        (Callback, _) => One(PathItem),
        (Parameter | Header | MediaType, "schema") => Schema,
        (Parameter | Header | RequestBody | Response, "content") => Named(MediaType),
        (Parameter | Header | MediaType, "examples") => NamedLeaves,
        (Responses, _) => One(Response),
        (Response, "headers") | (Encoding, "headers") => Named(Header),
        (Response, "links") => NamedLeaves,
        (MediaType, "encoding") => Named(Encoding),
        _ => return None,
    })
}

/// Whether a reference may stand in for the object.
fn may_be_reference(object: Object) -> bool {
    !matches!(object, Object::Components | Object::Operation | Object::Responses | Object::MediaType | Object::Encoding)
}

/// Lowers the object at `at`.
pub(super) fn lower(cx: &Lowering<'_>, object: Object, value: &Value, at: &str) -> Result<Value, Error> {
    if object == Object::PathItem {
        return lower_path_item(cx, value, at);
    }
    let Value::Object(members) = value else {
        // Not an object: the check against the 3.0 model names it, at the same place.
        return Ok(value.clone());
    };
    if may_be_reference(object)
        && let Some(reference) = members.get("$ref")
    {
        return lower_reference(cx, reference, at);
    }
    let mut lowered = lower_members(cx, object, members, at)?;
    if object == Object::Operation && !lowered.contains_key("responses") {
        // Optional in 3.1, required in 3.0.
        lowered.insert("responses".into(), json!({}));
    }
    Ok(Value::Object(lowered))
}

/// Each member lowered as what it holds; the others copied.
fn lower_members(
    cx: &Lowering<'_>,
    object: Object,
    members: &Map<String, Value>,
    at: &str,
) -> Result<Map<String, Value>, Error> {
    let mut lowered = Map::with_capacity(members.len());
    for (key, value) in members {
        let member_at = pointer::child(at, key);
        let value = match (member(object, key), value) {
            (Some(Member::One(inner)), _) => lower(cx, inner, value, &member_at)?,
            (Some(Member::Schema), _) => schema::lower(cx, value, &member_at, "")?,
            (Some(Member::Named(inner)), Value::Object(entries)) => {
                each_entry(entries, &member_at, |entry, entry_at| lower(cx, inner, entry, entry_at))?
            }
            (Some(Member::NamedSchemas), Value::Object(entries)) => {
                each_entry(entries, &member_at, |entry, entry_at| schema::lower(cx, entry, entry_at, ""))?
            }
            (Some(Member::NamedLeaves), Value::Object(entries)) => {
                each_entry(entries, &member_at, |entry, entry_at| {
                    match entry.as_object().and_then(|entry| entry.get("$ref")) {
                        Some(reference) => lower_reference(cx, reference, entry_at),
                        None => Ok(entry.clone()),
                    }
                })?
            }
            (Some(Member::List(inner)), Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| lower(cx, inner, item, &pointer::index(&member_at, i)))
                    .collect::<Result<_, Error>>()?,
            ),
            // A container of the wrong kind: the check against the 3.0 model names it.
            _ => value.clone(),
        };
        lowered.insert(key.clone(), value);
    }
    Ok(lowered)
}

fn each_entry(
    entries: &Map<String, Value>,
    at: &str,
    mut lower_entry: impl FnMut(&Value, &str) -> Result<Value, Error>,
) -> Result<Value, Error> {
    entries
        .iter()
        .map(|(name, entry)| Ok((name.clone(), lower_entry(entry, &pointer::child(at, name))?)))
        .collect::<Result<Map<_, _>, Error>>()
        .map(Value::Object)
}

/// A reference to an object other than a schema or path item: `$ref` alone, its `summary`
/// and `description` dropped (they only override the target's for display).
fn lower_reference(cx: &Lowering<'_>, reference: &Value, at: &str) -> Result<Value, Error> {
    let ref_at = pointer::child(at, "$ref");
    let Value::String(reference) = reference else {
        return Err(cx.invalid(&ref_at, format!("`$ref` must be a string, found {}", pointer::describe(reference))));
    };
    cx.resolve(reference, &ref_at)?;
    Ok(json!({ "$ref": reference }))
}

/// A path item, with a `$ref` to another (in `components/pathItems` or anywhere in the
/// document) replaced by that one, its own members taking precedence.
pub(super) fn lower_path_item(cx: &Lowering<'_>, value: &Value, at: &str) -> Result<Value, Error> {
    let Value::Object(members) = value else {
        return Ok(value.clone());
    };
    let Some(reference) = members.get("$ref") else {
        return lower_members(cx, Object::PathItem, members, at).map(Value::Object);
    };
    let ref_at = pointer::child(at, "$ref");
    let Value::String(reference) = reference else {
        return Err(cx.invalid(&ref_at, format!("`$ref` must be a string, found {}", pointer::describe(reference))));
    };
    let target = cx.resolve(reference, &ref_at)?;
    if !cx.open_path_item(&target.pointer) {
        return Err(cx.invalid(&ref_at, format!("path item reference `{reference}` leads back to itself")));
    }
    let resolved = lower_path_item(cx, target.value, &target.pointer);
    cx.close_path_item();
    let mut merged = match resolved? {
        Value::Object(resolved) => resolved,
        other => {
            return Err(
                cx.invalid(&ref_at, format!("`{reference}` names {}, not a path item", pointer::describe(&other)))
            );
        }
    };
    let own: Map<String, Value> =
        members.iter().filter(|(key, _)| *key != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
    let own_lowered = lower_members(cx, Object::PathItem, &own, at)?;
    merged.extend(own_lowered);
    let merged = Value::Object(merged);
    if !cx.checks_as_built() {
        return Ok(merged);
    }
    // Checked here, where it is known which member came from where.
    typed::check(Kind::PathItem, &merged).map_err(|failure| {
        let first = failure.pointer.split('/').nth(1).unwrap_or_default();
        let from_own = first.is_empty() || own.keys().any(|key| pointer::escape(key) == first);
        failure.into_error(cx.document, if from_own { at } else { &target.pointer })
    })?;
    Ok(merged)
}
