//! JSON values into `openapiv3` types, with the JSON pointer of whatever does not fit.
//!
//! `openapiv3` flattens and untags much of its model. Serde buffers such input before reading
//! it, which hides the path below that point from `serde_path_to_error`, and `ReferenceOr`
//! reads a failing item twice to word its error, which doubles the work at every nesting
//! level. So a value is first checked node by node, each node read on its own with its typed
//! children replaced by minimal valid stand-ins: that finds the failing place, costs time
//! linear in the size of the document, and recurses only through this module. Only a value
//! that passes is then read whole.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::pointer;
use crate::error::Error;

/// What sits at a place in an OpenAPI 3.0 document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Document,
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
    Schema,
    SecurityScheme,
    Example,
    Link,
    Info,
    Tags,
    ExternalDocs,
    SecurityRequirements,
}

/// Where a value does not fit its type, relative to the value checked, and why.
#[derive(Debug)]
pub(crate) struct Failure {
    /// JSON pointer relative to the value checked.
    pub pointer: String,
    /// The deserializer's complaint.
    pub message: String,
}

impl Failure {
    /// The failure as an [`Error::Invalid`], its pointer appended to `base`.
    pub(crate) fn into_error(self, document: &str, base: &str) -> Error {
        Error::Invalid {
            document: document.to_owned(),
            pointer: format!("{base}{}", self.pointer),
            reason: self.message,
        }
    }
}

/// Reads a whole OpenAPI 3.0 document.
pub(crate) fn document(value: &Value) -> Result<openapiv3::OpenAPI, Failure> {
    check(Kind::Document, value)?;
    // Every node fits on its own, so a failure here would be about how they combine.
    assembled_document(value)
}

/// Reads a whole OpenAPI 3.0 document assembled from pieces that were each [`check`]ed.
pub(crate) fn assembled_document(value: &Value) -> Result<openapiv3::OpenAPI, Failure> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let pointer = error_pointer(value, error.path());
        Failure { pointer, message: error.into_inner().to_string() }
    })
}

/// Checks that `value` reads as the type `kind` stands for, node by node.
pub(crate) fn check(kind: Kind, value: &Value) -> Result<(), Failure> {
    let mut pending = vec![(kind, value, String::new())];
    while let Some((kind, node, at)) = pending.pop() {
        let slots = slots(kind, node);
        check_alone(kind, node, &slots)
            .map_err(|failure| Failure { pointer: format!("{at}{}", failure.pointer), ..failure })?;
        // Reversed so that the first child in document order is checked first.
        for slot in slots.into_iter().rev() {
            pending.push((slot.kind, slot.value, format!("{at}{}", slot.pointer)));
        }
    }
    Ok(())
}

/// Checks `value` as `kind` on its own, its typed children replaced by stand-ins: for a caller
/// that checked the children already, and whose failures must name a member of this node.
pub(crate) fn check_node(kind: Kind, value: &Value) -> Result<(), Failure> {
    check_alone(kind, value, &slots(kind, value))
}

fn check_alone(kind: Kind, node: &Value, slots: &[Slot<'_>]) -> Result<(), Failure> {
    let alone = stand_in_children(node, slots);
    attempt(kind, &alone).map_err(|message| Failure { pointer: blame_member(kind, &alone, &message), message })
}

/// Which member of an object that fails is at fault: the one whose removal makes it read, or
/// the one whose value the message quotes (``invalid type: integer `7` ``, ``unknown variant
/// `formData` ``). Empty: the object itself.
fn blame_member(kind: Kind, value: &Value, message: &str) -> String {
    let Value::Object(object) = value else { return String::new() };
    let culprit = object
        .keys()
        .find(|key| {
            let mut without = object.clone();
            without.shift_remove(key.as_str());
            attempt(kind, &Value::Object(without)).is_ok()
        })
        .or_else(|| object.iter().find(|(_, member)| is_quoted(member, message)).map(|(key, _)| key));
    culprit.map(|key| pointer::child("", key)).unwrap_or_default()
}

/// Whether a serde message quotes this scalar, as serde writes them (`` `7` ``, `"text"`).
fn is_quoted(member: &Value, message: &str) -> bool {
    match member {
        Value::String(text) => message.contains(&format!("`{text}`")) || message.contains(&format!("{text:?}")),
        Value::Number(number) => message.contains(&format!("`{number}`")),
        Value::Bool(flag) => message.contains(&format!("`{flag}`")),
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

/// Deserializes `value` as `kind`'s type, keeping only the message.
fn attempt(kind: Kind, value: &Value) -> Result<(), String> {
    use openapiv3::*;
    fn as_type<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
        T::deserialize(value).map(drop).map_err(|error| error.to_string())
    }
    match kind {
        Kind::Document => as_type::<OpenAPI>(value),
        Kind::Components => as_type::<Components>(value),
        Kind::PathItem => as_type::<ReferenceOr<PathItem>>(value),
        Kind::Operation => as_type::<Operation>(value),
        Kind::Callback => as_type::<ReferenceOr<Callback>>(value),
        Kind::Parameter => as_type::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => as_type::<ReferenceOr<RequestBody>>(value),
        Kind::Responses => as_type::<Responses>(value),
        Kind::Response => as_type::<ReferenceOr<Response>>(value),
        Kind::Header => as_type::<ReferenceOr<Header>>(value),
        Kind::MediaType => as_type::<MediaType>(value),
        Kind::Encoding => as_type::<Encoding>(value),
        Kind::Schema => as_type::<ReferenceOr<Schema>>(value),
        Kind::SecurityScheme => as_type::<ReferenceOr<SecurityScheme>>(value),
        Kind::Example => as_type::<ReferenceOr<Example>>(value),
        Kind::Link => as_type::<ReferenceOr<Link>>(value),
        Kind::Info => as_type::<Info>(value),
        Kind::Tags => as_type::<Vec<Tag>>(value),
        Kind::ExternalDocs => as_type::<ExternalDocumentation>(value),
        Kind::SecurityRequirements => as_type::<Vec<SecurityRequirement>>(value),
    }
}

/// The smallest value that reads as `kind` wherever `kind` can sit (as an item or, where
/// allowed, a `$ref`).
fn stand_in(kind: Kind) -> Value {
    match kind {
        Kind::Operation => json!({ "responses": {} }),
        Kind::Info => json!({ "title": "", "version": "" }),
        Kind::ExternalDocs => json!({ "url": "" }),
        Kind::Tags | Kind::SecurityRequirements => json!([]),
        // Only ever reached through `ReferenceOr`, and with required members of their own.
        Kind::Parameter | Kind::Response | Kind::Header | Kind::Link | Kind::SecurityScheme => json!({ "$ref": "#" }),
        Kind::Document => json!({ "openapi": "3.0.0", "info": { "title": "", "version": "" }, "paths": {} }),
        Kind::Components
        | Kind::PathItem
        | Kind::Callback
        | Kind::RequestBody
        | Kind::Responses
        | Kind::MediaType
        | Kind::Encoding
        | Kind::Schema
        | Kind::Example => json!({}),
    }
}

/// A typed place directly inside a node.
struct Slot<'v> {
    kind: Kind,
    value: &'v Value,
    /// Relative pointer: `/key`, `/key/name` or `/key/3`.
    pointer: String,
    /// Where it sits, to put a stand-in there.
    place: Place,
}

enum Place {
    Member(String),
    Entry(String, String),
    Item(String, usize),
}

/// `node` with each typed child replaced by its stand-in.
fn stand_in_children(node: &Value, slots: &[Slot<'_>]) -> Value {
    let Value::Object(object) = node else { return node.clone() };
    if slots.is_empty() {
        return node.clone();
    }
    let mut alone: Map<String, Value> = object
        .iter()
        .map(|(key, member)| {
            let holds_children = slots.iter().any(|slot| match &slot.place {
                Place::Member(_) => false,
                Place::Entry(container, _) | Place::Item(container, _) => container == key,
            });
            let member = match member {
                // Copied without their entries' subtrees, which the stand-ins replace below.
                Value::Object(entries) if holds_children => {
                    Value::Object(entries.keys().map(|name| (name.clone(), Value::Null)).collect())
                }
                Value::Array(items) if holds_children => Value::Array(vec![Value::Null; items.len()]),
                _ if slots.iter().any(|slot| matches!(&slot.place, Place::Member(own) if own == key)) => Value::Null,
                other => other.clone(),
            };
            (key.clone(), member)
        })
        .collect();
    for slot in slots {
        let stand_in = stand_in(slot.kind);
        let target = match &slot.place {
            Place::Member(key) => alone.get_mut(key),
            Place::Entry(key, name) => alone.get_mut(key).and_then(|entries| entries.get_mut(name)),
            Place::Item(key, index) => alone.get_mut(key).and_then(|items| items.get_mut(*index)),
        };
        if let Some(target) = target {
            *target = stand_in;
        }
    }
    Value::Object(alone)
}

/// The typed places directly inside `node` when it is read as `kind`.
fn slots(kind: Kind, node: &Value) -> Vec<Slot<'_>> {
    let Value::Object(object) = node else { return Vec::new() };
    let may_be_reference = !matches!(
        kind,
        Kind::Document | Kind::Components | Kind::Operation | Kind::Responses | Kind::MediaType | Kind::Encoding
    );
    if may_be_reference && object.get("$ref").is_some_and(Value::is_string) {
        // A reference: its other members are ignored.
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut member = |key: &str, child_kind: Kind| {
        if let Some(child) = object.get(key) {
            found.push(Slot {
                kind: child_kind,
                value: child,
                pointer: pointer::child("", key),
                place: Place::Member(key.to_owned()),
            });
        }
    };
    match kind {
        Kind::Document => {
            member("info", Kind::Info);
            member("tags", Kind::Tags);
            member("externalDocs", Kind::ExternalDocs);
            member("security", Kind::SecurityRequirements);
            member("components", Kind::Components);
        }
        Kind::Operation => {
            member("externalDocs", Kind::ExternalDocs);
            member("requestBody", Kind::RequestBody);
            member("responses", Kind::Responses);
            member("security", Kind::SecurityRequirements);
        }
        Kind::Parameter | Kind::Header | Kind::MediaType => member("schema", Kind::Schema),
        Kind::Schema => {
            member("items", Kind::Schema);
            member("not", Kind::Schema);
            if object.get("additionalProperties").is_some_and(Value::is_object) {
                member("additionalProperties", Kind::Schema);
            }
            member("externalDocs", Kind::ExternalDocs);
        }
        _ => {}
    }
    let mut entries = |key: &str, child_kind: Kind, accept: fn(&str) -> bool| {
        if let Some(Value::Object(map)) = object.get(key) {
            let map_at = pointer::child("", key);
            found.extend(map.iter().filter(|(name, _)| accept(name)).map(|(name, child)| Slot {
                kind: child_kind,
                value: child,
                pointer: pointer::child(&map_at, name),
                place: Place::Entry(key.to_owned(), name.clone()),
            }));
        }
    };
    let any = |_: &str| true;
    match kind {
        // `openapiv3` skips members of `paths` that do not start with `/`.
        Kind::Document => entries("paths", Kind::PathItem, |path| path.starts_with('/')),
        Kind::Components => {
            entries("schemas", Kind::Schema, any);
            entries("responses", Kind::Response, any);
            entries("parameters", Kind::Parameter, any);
            entries("examples", Kind::Example, any);
            entries("requestBodies", Kind::RequestBody, any);
            entries("headers", Kind::Header, any);
            entries("securitySchemes", Kind::SecurityScheme, any);
            entries("links", Kind::Link, any);
            entries("callbacks", Kind::Callback, any);
        }
        Kind::Operation => entries("callbacks", Kind::Callback, any),
        Kind::Response => {
            entries("headers", Kind::Header, any);
            entries("content", Kind::MediaType, any);
            entries("links", Kind::Link, any);
        }
        Kind::Parameter | Kind::Header => {
            entries("content", Kind::MediaType, any);
            entries("examples", Kind::Example, any);
        }
        Kind::RequestBody => entries("content", Kind::MediaType, any),
        Kind::MediaType => {
            entries("examples", Kind::Example, any);
            entries("encoding", Kind::Encoding, any);
        }
        Kind::Encoding => entries("headers", Kind::Header, any),
        Kind::Schema => entries("properties", Kind::Schema, any),
        _ => {}
    }
    let mut items = |key: &str, child_kind: Kind| {
        if let Some(Value::Array(list)) = object.get(key) {
            let list_at = pointer::child("", key);
            found.extend(list.iter().enumerate().map(|(i, child)| Slot {
                kind: child_kind,
                value: child,
                pointer: pointer::index(&list_at, i),
                place: Place::Item(key.to_owned(), i),
            }));
        }
    };
    match kind {
        Kind::PathItem | Kind::Operation => items("parameters", Kind::Parameter),
        Kind::Schema => {
            items("allOf", Kind::Schema);
            items("oneOf", Kind::Schema);
            items("anyOf", Kind::Schema);
        }
        _ => {}
    }
    // Members known by their key's shape: operations, status codes, callback expressions.
    for (key, child) in object {
        let child_kind = match kind {
            Kind::PathItem if HTTP_METHODS.contains(&key.as_str()) => Kind::Operation,
            Kind::Responses if !key.starts_with("x-") => Kind::Response,
            Kind::Callback => Kind::PathItem,
            _ => continue,
        };
        found.push(Slot {
            kind: child_kind,
            value: child,
            pointer: pointer::child("", key),
            place: Place::Member(key.clone()),
        });
    }
    found
}

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The longest prefix of serde's path that names a place in `value`, as a pointer.
fn error_pointer(value: &Value, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut at = String::new();
    let mut current = value;
    for segment in path.iter() {
        let next = match (segment, current) {
            (Segment::Seq { index }, Value::Array(items)) => {
                items.get(*index).map(|item| (item, pointer::index(&at, *index)))
            }
            (Segment::Map { key } | Segment::Enum { variant: key }, Value::Object(object)) => {
                object.get(key).map(|member| (member, pointer::child(&at, key)))
            }
            _ => None,
        };
        match next {
            Some((member, member_at)) => {
                current = member;
                at = member_at;
            }
            None => break,
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_read_as_their_kind() {
        for kind in [
            Kind::Document,
            Kind::Components,
            Kind::PathItem,
            Kind::Operation,
            Kind::Callback,
            Kind::Parameter,
            Kind::RequestBody,
            Kind::Responses,
            Kind::Response,
            Kind::Header,
            Kind::MediaType,
            Kind::Encoding,
            Kind::Schema,
            Kind::SecurityScheme,
            Kind::Example,
            Kind::Link,
            Kind::Info,
            Kind::Tags,
            Kind::ExternalDocs,
            Kind::SecurityRequirements,
        ] {
            assert_eq!(attempt(kind, &stand_in(kind)), Ok(()), "{kind:?}");
        }
    }

    #[test]
    fn a_failure_deep_inside_is_found_in_linear_time() {
        let mut schema = json!({ "type": "string", "maxLength": "x" });
        for _ in 0..60 {
            schema = json!({ "type": "array", "items": schema });
        }
        let failure = check(Kind::Schema, &schema).expect_err("maxLength is no number");
        assert_eq!(failure.pointer, format!("{}/maxLength", "/items".repeat(60)));
    }
}
