//! RFC 6901 JSON pointers: building them while walking a document, and following `$ref`s.

use std::borrow::Cow;

use serde_json::Value;

/// `parent` extended by one reference token, escaped (`~` → `~0`, `/` → `~1`).
pub(crate) fn child(parent: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(parent.len() + token.len() + 1);
    pointer.push_str(parent);
    pointer.push('/');
    pointer.push_str(&escape(token));
    pointer
}

/// `parent` extended by an array index.
pub(crate) fn index(parent: &str, index: usize) -> String {
    format!("{parent}/{index}")
}

/// One reference token, escaped for use in a pointer.
pub(crate) fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// A local `$ref` (`#/definitions/Foo`) resolved against `root`.
pub(crate) struct LocalTarget<'a> {
    /// The pointer that found the target, without `#`: the reference as written, or its
    /// percent-decoded form when only that names something (`List%5BFoo%5D` → `List[Foo]`).
    pub pointer: String,
    /// The value the reference names.
    pub value: &'a Value,
}

/// Why a `$ref` cannot be followed.
pub(crate) enum RefProblem {
    /// Not a fragment of this document (`other.json#/Foo`, `http://…`).
    External,
    /// A fragment that names nothing in the document.
    Dangling,
}

/// Follows `reference` (a URI fragment like `#/definitions/Foo`) inside `root`.
pub(crate) fn resolve_local<'a>(root: &'a Value, reference: &str) -> Result<LocalTarget<'a>, RefProblem> {
    let fragment = reference.strip_prefix('#').ok_or(RefProblem::External)?;
    if let Some(value) = root.pointer(fragment) {
        return Ok(LocalTarget { pointer: fragment.to_owned(), value });
    }
    // A fragment is a URI part, so tools may percent-encode characters like `[` or space.
    let decoded = percent_decode(fragment).ok_or(RefProblem::Dangling)?;
    let value = root.pointer(&decoded).ok_or(RefProblem::Dangling)?;
    Ok(LocalTarget { pointer: decoded, value })
}

/// Decodes `%XX` escapes; `None` when there are none, or they do not decode to UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes.get(at + 1..at + 3).and_then(|pair| std::str::from_utf8(pair).ok());
        match (bytes[at], hex.and_then(|pair| u8::from_str_radix(pair, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

/// "an array", "the number 2", … for messages about a value of the wrong kind.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(flag) => format!("the boolean {flag}"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => format!("the string {text:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn escapes_tilde_before_slash() {
        assert_eq!(child("/paths", "/a~b/{id}"), "/paths/~1a~0b~1{id}");
        assert_eq!(index("/tags", 3), "/tags/3");
    }

    #[test]
    fn resolves_escaped_and_percent_encoded_fragments() {
        let root = json!({"definitions": {"List[Foo]": {}, "a/b": {"x": 1}}});
        assert_eq!(
            resolve_local(&root, "#/definitions/List[Foo]").ok().map(|t| t.pointer),
            Some("/definitions/List[Foo]".into())
        );
        assert_eq!(
            resolve_local(&root, "#/definitions/List%5BFoo%5D").ok().map(|t| t.pointer),
            Some("/definitions/List[Foo]".into())
        );
        assert_eq!(resolve_local(&root, "#/definitions/a~1b/x").ok().map(|t| t.value.clone()), Some(json!(1)));
        assert!(matches!(resolve_local(&root, "#/definitions/Nope"), Err(RefProblem::Dangling)));
        assert!(matches!(resolve_local(&root, "other.json#/Foo"), Err(RefProblem::External)));
        assert!(matches!(resolve_local(&root, "#/definitions/%ZZ%"), Err(RefProblem::Dangling)));
    }
}
