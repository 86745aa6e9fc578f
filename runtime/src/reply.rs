//! Turning an API reply into a typed value or an [`Error`] that carries the server's message.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny};
use serde_json::Value;

use crate::Error;
use crate::envelope::{Member, PageEnvelope};
use crate::error::shorten;
use crate::records::Page;

/// Error bodies longer than this are cut, so one huge HTML page does not flood the logs.
const MAX_KEPT_BODY_CHARS: usize = 16 * 1024;
/// How much of the body around a decoding failure is shown.
const SNIPPET_CHARS: usize = 240;

/// Maps a completed reply: 2xx is decoded as `T`, 401 becomes `Unauthorized`, the rest `Api`.
pub(crate) fn interpret<T: DeserializeOwned>(operation: &'static str, status: u16, body: &[u8]) -> Result<T, Error> {
    match status {
        200..=299 => decode(operation, body),
        401 => Err(Error::Unauthorized { operation, message: server_message(body) }),
        _ => Err(Error::Api {
            operation,
            status,
            message: server_message(body),
            body: shorten(&String::from_utf8_lossy(body), MAX_KEPT_BODY_CHARS),
        }),
    }
}

/// Maps a non-2xx reply to its error, as [`interpret`] does; 2xx passes.
pub(crate) fn check_status(operation: &'static str, status: u16, body: &[u8]) -> Result<(), Error> {
    match status {
        200..=299 => Ok(()),
        _ => interpret::<serde::de::IgnoredAny>(operation, status, body).map(|_| ()),
    }
}

/// Decodes JSON, naming the failing location (`Ticket.1.Value`); an empty body reads as `null`.
pub(crate) fn decode<T: DeserializeOwned>(operation: &'static str, body: &[u8]) -> Result<T, Error> {
    decode_seed(operation, body, PhantomData::<T>)
}

/// Decodes the member `key` of a reply object (`{"Ticket": {…}}`) as `T`, skipping the others.
///
/// A failure names its location from the top, `Ticket.22.Value`; a missing member is a
/// `Decode` error at `key`.
pub(crate) fn decode_member<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    key: &'static str,
) -> Result<T, Error> {
    match decode_seed(operation, body, Member::new(key))? {
        Some(value) => Ok(value),
        None => Err(missing_member(operation, body, key)),
    }
}

/// Decodes a page envelope `{"<count>": n, "<items>": […]}`: absent items are an empty page.
/// An absent count is an error: streams stop at the count, so guessing it (say, as the number
/// of items) would end them after the first page without a word.
pub(crate) fn decode_page<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    items: &'static str,
    count: &'static str,
) -> Result<Page<T>, Error> {
    let parts = decode_seed(operation, body, PageEnvelope::new(items, count))?;
    let Some(count) = parts.count else { return Err(missing_member(operation, body, count)) };
    Ok(Page { count, items: parts.items.unwrap_or_default() })
}

/// Tracking the location costs an allocation per object key, so the body is decoded plainly
/// first and only a failure is decoded again with tracking, to name where it went wrong.
fn decode_seed<'de, S>(operation: &'static str, body: &'de [u8], seed: S) -> Result<S::Value, Error>
where
    S: DeserializeSeed<'de> + Clone,
{
    let is_blank = body.iter().all(u8::is_ascii_whitespace);
    let json: &'de [u8] = if is_blank { b"null" } else { body };
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    match seed.clone().deserialize(&mut deserializer).and_then(|value| deserializer.end().map(|()| value)) {
        Ok(value) => Ok(value),
        Err(_) => decode_tracking_the_path(operation, json, seed),
    }
}

fn decode_tracking_the_path<'de, S: DeserializeSeed<'de>>(
    operation: &'static str,
    json: &'de [u8],
    seed: S,
) -> Result<S::Value, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let mut track = serde_path_to_error::Track::new();
    let value = seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut deserializer, &mut track))
        .map_err(|source| decode_error(operation, json, track.path().to_string(), source))?;
    // Trailing data after the value means the reply is not what we think it is.
    deserializer.end().map_err(|source| decode_error(operation, json, ".".to_owned(), source))?;
    Ok(value)
}

/// Names the members that are there, so a renamed envelope (`Tickets`) is spotted at once.
// Only the keys are wanted: a JSON object reads into a map, not a set, so values are skipped.
#[allow(clippy::zero_sized_map_values)]
fn missing_member(operation: &'static str, body: &[u8], key: &'static str) -> Error {
    let present = serde_json::from_slice::<BTreeMap<String, IgnoredAny>>(body)
        .map(|members| members.keys().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    let reason = match present.as_str() {
        "" => "the reply has no members".to_owned(),
        names => format!("the member is missing; the reply has {}", shorten(names, 200)),
    };
    Error::Decode {
        operation,
        path: key.to_owned(),
        snippet: snippet_around(body, 1, 1),
        source: <serde_json::Error as serde::de::Error>::custom(reason),
    }
}

fn decode_error(operation: &'static str, json: &[u8], path: String, source: serde_json::Error) -> Error {
    Error::Decode { operation, path, snippet: snippet_around(json, source.line(), source.column()), source }
}

/// ASP.NET's `Message`, or OAuth's `error_description`, from an error body.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    let json = serde_json::from_slice::<Value>(body).ok()?;
    ["Message", "error_description", "error"]
        .into_iter()
        .find_map(|key| json.get(key).and_then(Value::as_str))
        .map(|text| shorten(text, 1000))
}

/// Up to `SNIPPET_CHARS` characters centred on a 1-based line and column from `serde_json`.
fn snippet_around(body: &[u8], line: usize, column: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let offset = (line_start + column.saturating_sub(1)).min(text.len());
    let chars_before = text[..floor_char_boundary(&text, offset)].chars().count();
    let skip = chars_before.saturating_sub(SNIPPET_CHARS / 2);
    let snippet: String = text.chars().skip(skip).take(SNIPPET_CHARS).collect();
    if skip > 0 { format!("…{snippet}") } else { snippet }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Field {
        #[serde(rename = "Value")]
        value: i64,
    }

    #[test]
    fn success_bodies_decode() {
        let value: Value = interpret("Ticket_Get", 200, br#"{"Ticket":{}}"#).expect("decodes");
        assert_eq!(value["Ticket"], serde_json::json!({}));
        let unit: () = interpret("Ticket_Delete", 204, b"").expect("empty is null");
        assert_eq!(unit, ());
        let nothing: Option<Value> = interpret("Ticket_Delete", 200, b"  \n").expect("null");
        assert_eq!(nothing, None);
    }

    #[test]
    fn decode_errors_name_the_path_and_show_the_spot() {
        let body = br#"{"Ticket":{"1":{"DisplayName":"Ticket ID","Value":"oops"}}}"#;
        let error = interpret::<BTreeMap<String, BTreeMap<String, Field>>>("Ticket_Get", 200, body)
            .expect_err("string is not an integer");
        let Error::Decode { path, snippet, .. } = &error else {
            panic!("expected Decode, got {error:?}");
        };
        assert_eq!(path, "Ticket.1.Value");
        assert!(snippet.contains("\"oops\""), "{snippet}");
        assert!(error.to_string().contains("Ticket_Get"), "{error}");
    }

    #[test]
    fn trailing_garbage_is_a_decode_error() {
        let error = interpret::<Value>("Ticket_Get", 200, b"{} x").expect_err("trailing data");
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }

    #[test]
    fn errors_carry_the_server_message() {
        let body = br#"{"Message":"No HTTP resource was found.","MessageDetail":"No action."}"#;
        let error = interpret::<Value>("Ticket_Get", 404, body).expect_err("404");
        assert!(matches!(
            &error,
            Error::Api { status: 404, message: Some(message), .. } if message == "No HTTP resource was found."
        ));
        let error =
            interpret::<Value>("Ticket_Get", 401, br#"{"Message":"Authorization has been denied for this request."}"#)
                .expect_err("401");
        assert_eq!(
            error.to_string(),
            "Ticket_Get was not authorized even after logging in again: \
             Authorization has been denied for this request."
        );
        let error = interpret::<Value>("Ticket_Get", 500, b"<html>boom</html>").expect_err("500");
        assert!(matches!(&error, Error::Api { message: None, body, .. } if body == "<html>boom</html>"));
    }

    #[test]
    fn huge_error_bodies_are_truncated() {
        let body = "x".repeat(MAX_KEPT_BODY_CHARS + 10);
        let error = interpret::<Value>("Search_Search", 500, body.as_bytes()).expect_err("500");
        let Error::Api { body, .. } = error else {
            panic!("expected Api");
        };
        assert!(body.ends_with("… (10 more characters)"), "{}", &body[body.len() - 40..]);
    }

    #[test]
    fn snippets_are_centred_on_multiline_positions() {
        let body = format!("{{\n{}\"bad\": x\n}}", " ".repeat(500));
        let snippet = snippet_around(body.as_bytes(), 2, 509);
        assert!(snippet.starts_with('…'));
        assert!(snippet.contains("\"bad\": x"), "{snippet}");
    }
}
