//! Request bodies other than JSON: HTML forms, multipart forms and raw bytes.
//!
//! Every body is encoded to bytes once, when the call is built, so the auth layer can replay
//! the request after a 401 (a `reqwest::multipart::Form` could not be cloned for that).

use serde::Serialize;
use serde_json::Value;

/// `application/x-www-form-urlencoded` from a struct or map of scalars.
pub(crate) fn form(body: &impl Serialize) -> Result<Vec<u8>, String> {
    let fields = fields(body)?;
    let mut encoder = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &fields {
        encoder.append_pair(name, value);
    }
    Ok(encoder.finish().into_bytes())
}

/// `multipart/form-data` with one text part per field (lists repeat the field); returns the
/// body and its content type with the boundary.
pub(crate) fn multipart(body: &impl Serialize) -> Result<(Vec<u8>, String), String> {
    let fields = fields(body)?;
    let boundary = boundary(&fields);
    let mut out = Vec::new();
    for (name, value) in &fields {
        let name = name.replace(['"', '\r', '\n'], "_");
        out.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        );
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((out, format!("multipart/form-data; boundary={boundary}")))
}

/// A boundary that occurs in no value, so no part can end early.
// Finite values contain finitely many candidates, so the search over the counter ends.
#[allow(clippy::maybe_infinite_iter)]
fn boundary(fields: &[(String, String)]) -> String {
    (0u32..)
        .map(|attempt| format!("trackit-boundary-{attempt:08x}"))
        .find(|candidate| fields.iter().all(|(_, value)| !value.contains(candidate.as_str())))
        .unwrap_or_default()
}

/// Flattens a serialisable value into (name, text) pairs: scalars as text, lists repeated,
/// nested objects as JSON text; `null` fields are left out.
fn fields(body: &impl Serialize) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(body).map_err(|error| error.to_string())?;
    let Value::Object(object) = value else {
        return Err("a form body must be an object with named fields".to_owned());
    };
    let mut pairs = Vec::new();
    for (name, value) in object {
        match value {
            Value::Null => {}
            Value::Array(items) => pairs.extend(items.into_iter().map(|item| (name.clone(), scalar_text(item)))),
            other => pairs.push((name, scalar_text(other))),
        }
    }
    Ok(pairs)
}

/// The text of a form value: strings unquoted, everything else as JSON.
pub(crate) fn scalar_text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn forms_encode_scalars_lists_and_skip_nulls() {
        let body = json!({"name": "HELP DESK", "ids": [1, 2], "skip": null, "on": true});
        assert_eq!(String::from_utf8(form(&body).unwrap()).unwrap(), "name=HELP+DESK&ids=1&ids=2&on=true");
        assert!(form(&json!([1])).is_err());
    }

    #[test]
    fn multipart_has_one_part_per_value_and_a_safe_boundary() {
        let (bytes, content_type) = multipart(&json!({"a": "x", "b": ["1", "2"]})).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 3);
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(text.contains("name=\"b\"\r\n\r\n2\r\n"));
    }
}
