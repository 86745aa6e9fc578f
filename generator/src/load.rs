//! Reads a Swagger 2.0, OpenAPI 3.0 or OpenAPI 3.1 document (JSON or YAML) into the OpenAPI 3.0
//! model.
//!
//! Swagger 2.0 and OpenAPI 3.1 are lowered here, once, so nothing after this module knows there
//! were three versions. Every failure names the document and an RFC 6901 pointer into it (into
//! the document as given, whatever its version).

mod openapi31;
pub(crate) mod pointer;
mod syntax;
pub(crate) mod typed;
mod yaml;

use serde_json::Value;

use crate::error::Error;

/// Parses `bytes` and returns the document in the OpenAPI 3.0 model.
///
/// The format is chosen by the first byte that is not whitespace: `{` or `[` means JSON,
/// anything else YAML. A UTF-8 byte-order mark is ignored. `swagger: "2.0"` and
/// `openapi: "3.1.x"` documents are lowered to OpenAPI 3.0 (and then say `openapi: "3.0.3"`);
/// `openapi: "3.0.x"` documents are read as they are. `document` names the input in error
/// messages (a file name or URL).
///
/// # Errors
///
/// - [`Error::Syntax`] when the bytes are neither JSON nor YAML, with the parser's line and column;
/// - [`Error::Invalid`] when they parse but are not a valid document (an HTML page, a missing
///   field, a field of the wrong type, a `$ref` to nothing), with the JSON pointer of the place;
/// - [`Error::Unsupported`] for valid documents the generator cannot read (OpenAPI 3.2 and
///   later, Swagger 1.x, references to other files).
pub fn load(bytes: &[u8], document: &str) -> Result<openapiv3::OpenAPI, Error> {
    // Reading recurses as deep as the document nests (the parsers stop at 128 levels), and serde
    // in a debug build needs more stack for that than a test thread's 2 MiB: so read on a thread
    // with room to spare. The stack is only reserved; pages are used as needed.
    const STACK_BYTES: usize = 64 << 20;
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("load".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || load_here(bytes, document));
        match reader {
            Ok(reader) => reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: read here, which only deep documents would notice.
            Err(_) => load_here(bytes, document),
        }
    })
}

fn load_here(bytes: &[u8], document: &str) -> Result<openapiv3::OpenAPI, Error> {
    let value = syntax::parse(bytes, document)?;
    match detect_version(&value, document)? {
        Version::Swagger2 => crate::swagger2::lower(&value, document),
        Version::OpenApi30 => typed::document(&value).map_err(|failure| failure.into_error(document, "")),
        Version::OpenApi31 => openapi31::lower(&value, document),
    }
}

/// The document versions `load` reads.
enum Version {
    Swagger2,
    OpenApi30,
    OpenApi31,
}

/// Decides the version from the top-level `swagger` / `openapi` field.
fn detect_version(value: &Value, document: &str) -> Result<Version, Error> {
    let invalid = |pointer: &str, reason: String| Error::Invalid {
        document: document.to_owned(),
        pointer: pointer.to_owned(),
        reason,
    };
    let unsupported = |pointer: &str, reason: String| Error::Unsupported {
        document: document.to_owned(),
        pointer: pointer.to_owned(),
        reason,
    };
    let Value::Object(root) = value else {
        return Err(invalid(
            "",
            format!(
                "expected an object with a `swagger: \"2.0\"` or `openapi: \"3.x.y\"` field at the top level, found {}",
                pointer::describe(value)
            ),
        ));
    };
    match (root.get("swagger"), root.get("openapi")) {
        (Some(_), Some(_)) => Err(invalid(
            "",
            "the document has both a `swagger` and an `openapi` field; a document is either Swagger 2.0 or OpenAPI 3.x"
                .into(),
        )),
        (Some(Value::String(version)), None) => match version.as_str() {
            "2.0" => Ok(Version::Swagger2),
            v if v.starts_with('3') => Err(invalid(
                "/swagger",
                format!("`swagger` is \"{v}\", but OpenAPI 3 documents name their version in an `openapi` field"),
            )),
            v => Err(unsupported(
                "/swagger",
                format!("Swagger version \"{v}\"; only Swagger 2.0 and OpenAPI 3.0/3.1 documents can be read"),
            )),
        },
        (Some(other), None) => Err(invalid(
            "/swagger",
            format!(
                "`swagger` must be the string \"2.0\", found {} (in YAML write it quoted: swagger: \"2.0\")",
                pointer::describe(other)
            ),
        )),
        (None, Some(Value::String(version))) => {
            let version = version.as_str();
            if version == "3.0" || version.starts_with("3.0.") {
                Ok(Version::OpenApi30)
            } else if version == "3.1" || version.starts_with("3.1.") {
                Ok(Version::OpenApi31)
            } else if version.starts_with('2') {
                Err(invalid(
                    "/openapi",
                    format!("`openapi` is \"{version}\", but Swagger 2.0 documents say `swagger: \"2.0\"`"),
                ))
            } else {
                Err(unsupported(
                    "/openapi",
                    format!("OpenAPI version \"{version}\"; only OpenAPI 3.0.x, 3.1.x and Swagger 2.0 can be read"),
                ))
            }
        }
        (None, Some(other)) => Err(invalid(
            "/openapi",
            format!(
                "`openapi` must be a version string like \"3.0.3\", found {} (in YAML write it quoted: openapi: \"3.0.3\")",
                pointer::describe(other)
            ),
        )),
        (None, None) if root.contains_key("swaggerVersion") => Err(unsupported(
            "/swaggerVersion",
            "Swagger 1.x resource listings; only Swagger 2.0 and OpenAPI 3.0/3.1 documents can be read".into(),
        )),
        (None, None) => {
            const SHOWN_KEYS: usize = 8;
            let mut keys: Vec<String> = root.keys().take(SHOWN_KEYS).map(|key| format!("`{key}`")).collect();
            if root.len() > SHOWN_KEYS {
                keys.push("…".into());
            }
            let found = if keys.is_empty() {
                "an empty object".to_owned()
            } else {
                format!("top-level keys {}", keys.join(", "))
            };
            Err(invalid(
                "",
                format!(
                    "not a Swagger/OpenAPI document: expected a `swagger: \"2.0\"` or `openapi: \"3.x.y\"` field at the top level, found {found}"
                ),
            ))
        }
    }
}
