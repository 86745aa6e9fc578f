//! Swagger 2.0 responses and their headers as OpenAPI 3.0 ones: the one `schema` is repeated
//! for every produced media type, and `examples` (keyed by media type) go with it.

use serde_json::{Map, Value, json};

use super::context::{Lowering, copy_extensions, copy_members};
use super::{COLLECTION_FORMAT_EXTENSION, schema};
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::Kind;

/// An operation's `responses`, written at `at`, whose bodies come in `produces`.
pub(super) fn lower_responses(
    cx: &Lowering<'_>,
    responses: &Value,
    at: &str,
    produces: &[String],
) -> Result<Value, Error> {
    let responses = cx.object(responses, at, "`responses`")?;
    let mut lowered = Map::with_capacity(responses.len());
    for (status, response) in responses {
        let response_at = pointer::child(at, status);
        if status.starts_with("x-") {
            lowered.insert(status.clone(), response.clone());
            continue;
        }
        if !is_status(status) {
            return Err(cx.invalid(&response_at, format!("`{status}` is not an HTTP status code (or `default`)")));
        }
        let object = cx.object(response, &response_at, "a response")?;
        let response = match object.get("$ref") {
            None => lower_response(cx, object, &response_at, produces)?,
            Some(Value::String(reference)) => {
                let (name, target) = cx.section_entry(reference, &pointer::child(&response_at, "$ref"), "responses")?;
                if produces == cx.document_media_types("produces") {
                    json!({ "$ref": format!("#/components/responses/{name}") })
                } else {
                    // The component was built for the document's media types, not this operation's.
                    let target_object = cx.object(target.value, &target.pointer, "a response")?;
                    lower_response(cx, target_object, &target.pointer, produces)?
                }
            }
            Some(other) => {
                return Err(cx.invalid(
                    &pointer::child(&response_at, "$ref"),
                    format!("`$ref` must be a string, found {}", pointer::describe(other)),
                ));
            }
        };
        lowered.insert(status.clone(), response);
    }
    Ok(Value::Object(lowered))
}

/// `default`, a code from 100 to 999, or a range like `4XX` (as `openapiv3` reads them).
fn is_status(status: &str) -> bool {
    let bytes = status.as_bytes();
    status == "default"
        || (bytes.len() == 3
            && bytes[0].is_ascii_digit()
            && bytes[0] != b'0'
            && bytes[1..].iter().all(u8::is_ascii_digit))
        || (bytes.len() == 3 && bytes[0].is_ascii_digit() && bytes[1..].eq_ignore_ascii_case(b"XX"))
}

/// One response object, whose body (if any) comes in `produces`.
pub(super) fn lower_response(
    cx: &Lowering<'_>,
    response: &Map<String, Value>,
    at: &str,
    produces: &[String],
) -> Result<Value, Error> {
    let mut lowered = Map::new();
    // 2.0 requires a description; an absent one is read as empty rather than refused.
    lowered.insert("description".into(), response.get("description").cloned().unwrap_or_else(|| json!("")));
    let headers = match cx.optional_object(response, "headers", at)? {
        Some(headers) => {
            let headers_at = pointer::child(at, "headers");
            headers
                .iter()
                .map(|(name, header)| {
                    let header_at = pointer::child(&headers_at, name);
                    let header = lower_header(cx, cx.object(header, &header_at, "a header")?, &header_at)?;
                    Ok((name.clone(), header))
                })
                .collect::<Result<Map<_, _>, Error>>()?
        }
        None => Map::new(),
    };
    if !headers.is_empty() {
        lowered.insert("headers".into(), Value::Object(headers));
    }
    let schema = match response.get("schema") {
        Some(schema) => Some(schema::lower_checked(cx, schema, &pointer::child(at, "schema"))?),
        None => None,
    };
    let examples = cx.optional_object(response, "examples", at)?;
    let mut content = Map::new();
    if let Some(schema) = &schema {
        for media_type in produces {
            let mut media = Map::new();
            media.insert("schema".into(), schema.clone());
            if let Some(example) = examples.and_then(|examples| examples.get(media_type)) {
                media.insert("example".into(), example.clone());
            }
            content.insert(media_type.clone(), Value::Object(media));
        }
    }
    // Examples for media types the operation does not list still say what comes back.
    for (media_type, example) in examples.into_iter().flatten() {
        if !content.contains_key(media_type) {
            let mut media = Map::new();
            if let Some(schema) = &schema {
                media.insert("schema".into(), schema.clone());
            }
            media.insert("example".into(), example.clone());
            content.insert(media_type.clone(), Value::Object(media));
        }
    }
    if !content.is_empty() {
        lowered.insert("content".into(), Value::Object(content));
    }
    copy_extensions(response, &mut lowered);
    let lowered = Value::Object(lowered);
    cx.check(Kind::Response, &lowered, at)?;
    Ok(lowered)
}

/// A response header: its type fields become its schema.
fn lower_header(cx: &Lowering<'_>, header: &Map<String, Value>, at: &str) -> Result<Value, Error> {
    let mut lowered = Map::new();
    copy_members(header, &mut lowered, &["description"]);
    copy_extensions(header, &mut lowered);
    if let Some(format) = header.get("collectionFormat") {
        lowered.insert(COLLECTION_FORMAT_EXTENSION.into(), format.clone());
    }
    lowered.insert("schema".into(), schema::simple(cx, header, at, false)?);
    let lowered = Value::Object(lowered);
    cx.check_within(Kind::Header, &lowered, at, "/schema")?;
    Ok(lowered)
}
