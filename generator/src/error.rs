//! The generator's one error type: every variant names the document and the place in it.

/// Why a document could not be turned into a client.
///
/// `pointer` is an RFC 6901 JSON pointer into the document as given (empty for the root), so a
/// message reads like `swagger.json#/paths/~1tickets/post/parameters/0: body parameter has no schema`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are neither JSON nor YAML.
    #[error("{document}: cannot parse as JSON or YAML at line {line}, column {column}: {message}")]
    Syntax {
        /// Name of the document (file name or URL).
        document: String,
        /// 1-based line of the syntax error.
        line: usize,
        /// 1-based column of the syntax error.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// Parsed, but not a valid Swagger 2.0 / OpenAPI 3.x document at that place.
    #[error("{document}#{pointer}: {reason}")]
    Invalid {
        /// Name of the document (file name or URL).
        document: String,
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is wrong there.
        reason: String,
    },
    /// Valid, but a construct the generator does not support.
    #[error("{document}#{pointer}: not supported: {reason}")]
    Unsupported {
        /// Name of the document (file name or URL).
        document: String,
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is not supported, and why.
        reason: String,
    },
    /// `generator.toml` is not valid, or names something the document does not have.
    #[error("{file}: {}{reason}", if key.is_empty() { String::new() } else { format!("{key}: ") })]
    Config {
        /// The options file.
        file: String,
        /// The option, as a dotted TOML key (empty when the file as a whole is at fault).
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// The generator produced code it cannot parse: a bug in the generator, not in the document.
    #[error("internal error while printing {file}: {message} (please report this with the document)")]
    Internal {
        /// The generated file that failed.
        file: String,
        /// The parser's complaint.
        message: String,
    },
}
