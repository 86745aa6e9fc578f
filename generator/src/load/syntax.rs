//! Bytes to a JSON value: encoding checks and the JSON-or-YAML choice.

use serde_json::Value;

use super::yaml;
use crate::error::Error;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a document as JSON when it starts with `{` or `[`, as YAML otherwise.
pub(super) fn parse(bytes: &[u8], document: &str) -> Result<Value, Error> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(syntax(document, 1, 1, "the document is UTF-16 encoded; save it as UTF-8".into()));
    }
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let (line, column) = line_and_column(&bytes[..error.valid_up_to()]);
        syntax(document, line, column, "invalid UTF-8 byte sequence".into())
    })?;
    let start = text.trim_start();
    if start.is_empty() {
        return Err(invalid(document, "", "the document is empty".into()));
    }
    if start.starts_with('<') && start[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '!' || c == '?') {
        return Err(invalid(document, "", markup_reason(start).into()));
    }
    if start.starts_with(['{', '[']) {
        return serde_json::from_str(text)
            .map_err(|error| syntax(document, error.line(), error.column(), without_location(&error.to_string())));
    }
    let mut value = serde_yaml::from_str::<yaml::JsonFromYaml>(text)
        .map_err(|error| {
            let (line, column) = error.location().map_or((1, 1), |at| (at.line(), at.column()));
            syntax(document, line, column, without_location(&error.to_string()))
        })?
        .0;
    if text.contains("<<") {
        yaml::apply_merge_keys(&mut value).map_err(|(at, reason)| invalid(document, &at, reason))?;
    }
    Ok(value)
}

/// Explains a document that is markup: usually the Swagger UI page instead of its JSON.
fn markup_reason(start: &str) -> &'static str {
    let head: String = start.chars().take(512).collect::<String>().to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.contains("<html") {
        "this is an HTML page, not a Swagger/OpenAPI document (the Swagger UI page? \
         Swashbuckle serves the JSON document at `swagger/docs/v1` or `swagger/docs/v2`)"
    } else {
        "this is HTML or XML markup, not a Swagger/OpenAPI document"
    }
}

/// 1-based line and column just after `prefix`.
fn line_and_column(prefix: &[u8]) -> (usize, usize) {
    let line = 1 + prefix.iter().filter(|&&byte| byte == b'\n').count();
    let line_start = prefix.iter().rposition(|&byte| byte == b'\n').map_or(0, |newline| newline + 1);
    let column = 1 + String::from_utf8_lossy(&prefix[line_start..]).chars().count();
    (line, column)
}

/// The parser's message without the " at line L column C" parts it embeds (the error has its own
/// line and column; libyaml adds a second position for its context).
fn without_location(message: &str) -> String {
    const MARKER: &str = " at line ";
    let mut kept = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(MARKER) {
        let after = &rest[at + MARKER.len()..];
        let line_digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let column_part = after[line_digits..].strip_prefix(" column ");
        let column_digits =
            column_part.map_or(0, |part| part.len() - part.trim_start_matches(|c: char| c.is_ascii_digit()).len());
        kept.push_str(&rest[..at]);
        match column_part {
            Some(part) if line_digits > 0 && column_digits > 0 => rest = &part[column_digits..],
            _ => {
                kept.push_str(MARKER);
                rest = after;
            }
        }
    }
    kept.push_str(rest);
    kept
}

fn syntax(document: &str, line: usize, column: usize, message: String) -> Error {
    Error::Syntax { document: document.to_owned(), line, column, message }
}

fn invalid(document: &str, pointer: &str, reason: String) -> Error {
    Error::Invalid { document: document.to_owned(), pointer: pointer.to_owned(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_parsers_location_suffix() {
        assert_eq!(without_location("expected `,` or `}` at line 3 column 7"), "expected `,` or `}`");
        assert_eq!(without_location("found at line ending"), "found at line ending");
        assert_eq!(
            without_location(
                "did not find expected key at line 3 column 5, while parsing a block mapping at line 1 column 1"
            ),
            "did not find expected key, while parsing a block mapping"
        );
    }

    #[test]
    fn counts_lines_and_characters() {
        assert_eq!(line_and_column(b""), (1, 1));
        assert_eq!(line_and_column(b"{\n  \"\xC3\xA9"), (2, 5));
    }
}
