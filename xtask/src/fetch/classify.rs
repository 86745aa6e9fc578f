//! What a reply is: a Swagger/OpenAPI document (JSON or YAML, by content, not by label), a
//! Swagger UI page, an error status, or something else worth naming in an error.

use reqwest::StatusCode;
use url::Url;

use super::transport::Reply;
use super::ui;
use super::{DocumentFormat, FetchError, SpecKind, YamlLocation};

/// What a reply turned out to be.
pub(super) enum Answer {
    Document { format: DocumentFormat, spec: SpecKind },
    SwaggerUi(ui::Page),
    Status(StatusCode),
    Html,
    NotSwagger { detail: String },
    InvalidJson { line: usize, column: usize, reason: String },
    InvalidYaml { location: Option<(usize, usize)>, reason: String },
    Other { content_type: String },
}

impl Answer {
    /// A short phrase for the route and for error lists.
    pub(super) fn describe(&self) -> String {
        match self {
            Self::Document { spec, .. } => format!("{spec} document"),
            Self::SwaggerUi(page) => format!("Swagger UI, {}", page.flavour),
            Self::Status(status) => status.to_string(),
            Self::Html => "an HTML page".to_owned(),
            Self::NotSwagger { .. } => "JSON that is not Swagger/OpenAPI".to_owned(),
            Self::InvalidJson { line, column, .. } => {
                format!("invalid JSON at line {line}, column {column}")
            }
            Self::InvalidYaml { .. } => "invalid YAML".to_owned(),
            Self::Other { content_type } => format!("a {content_type} reply"),
        }
    }

    /// The error for an address that should have been a document.
    pub(super) fn into_error(self, url: Url) -> FetchError {
        let url = Box::new(url);
        match self {
            Self::Status(status) => FetchError::Status { url, status },
            Self::NotSwagger { detail } => FetchError::NotSwagger { url, detail },
            Self::InvalidJson { line, column, reason } => FetchError::InvalidJson { url, line, column, reason },
            Self::InvalidYaml { location, reason } => {
                FetchError::InvalidYaml { url, location: YamlLocation(location), reason }
            }
            other => FetchError::NotADocument { found: other.describe(), url },
        }
    }
}

/// Sniffs a reply by content: servers label Swagger documents `text/plain`, `application/octet-stream`…
pub(super) fn classify(reply: &Reply) -> Answer {
    if !reply.status.is_success() {
        return Answer::Status(reply.status);
    }
    let content_type = reply.content_type.as_deref().unwrap_or("");
    let body = reply.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&reply.body);
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) || content_type.contains("json") {
        return classify_json(body);
    }
    if first == Some(&b'<') || content_type.contains("html") {
        return match ui::Page::parse(&String::from_utf8_lossy(body)) {
            Some(page) => Answer::SwaggerUi(page),
            None => Answer::Html,
        };
    }
    classify_yaml(body, content_type)
}

fn classify_json(body: &[u8]) -> Answer {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            let message = error.to_string();
            // serde_json appends " at line L column C", which the error states separately.
            let reason = message.rsplit_once(" at line ").map_or(message.as_str(), |(reason, _)| reason).to_owned();
            return Answer::InvalidJson { line: error.line(), column: error.column(), reason };
        }
    };
    let Some(object) = value.as_object() else {
        return Answer::NotSwagger { detail: "the top level is not an object".to_owned() };
    };
    let field = |name: &str| object.get(name).map(json_scalar);
    match spec_kind(field("swagger"), field("openapi")) {
        Ok(spec) => Answer::Document { format: DocumentFormat::Json, spec },
        Err(detail) => Answer::NotSwagger { detail },
    }
}

fn classify_yaml(body: &[u8], content_type: &str) -> Answer {
    let labelled_yaml = content_type.contains("yaml") || content_type.contains("yml");
    let other = || Answer::Other {
        content_type: match content_type.split(';').next().map(str::trim) {
            Some(essence) if !essence.is_empty() => essence.to_owned(),
            _ => "unlabelled".to_owned(),
        },
    };
    match serde_yaml::from_slice::<serde_yaml::Value>(body) {
        Ok(serde_yaml::Value::Mapping(mapping)) => {
            let field = |name: &str| mapping.get(name).map(yaml_scalar);
            match spec_kind(field("swagger"), field("openapi")) {
                Ok(spec) => Answer::Document { format: DocumentFormat::Yaml, spec },
                Err(detail) if labelled_yaml => Answer::NotSwagger { detail },
                Err(_) => other(),
            }
        }
        Ok(_) => other(),
        Err(error) if labelled_yaml => Answer::InvalidYaml {
            location: error.location().map(|location| (location.line(), location.column())),
            reason: error.to_string(),
        },
        Err(_) => other(),
    }
}

/// Decides from the top-level `swagger` and `openapi` values; `Err` explains the mismatch.
fn spec_kind(swagger: Option<String>, openapi: Option<String>) -> Result<SpecKind, String> {
    match (swagger, openapi) {
        (Some(version), _) if version == "2.0" || version == "2" => Ok(SpecKind::Swagger2),
        (_, Some(version)) if version.starts_with("3.") => Ok(SpecKind::OpenApi3 { version }),
        (Some(version), _) => Err(format!("\"swagger\" is {version:?}; only Swagger 2.0 and OpenAPI 3 are supported")),
        (None, Some(version)) => {
            Err(format!("\"openapi\" is {version:?}; only Swagger 2.0 and OpenAPI 3 are supported"))
        }
        (None, None) => Err("it has no top-level \"swagger\" or \"openapi\" field".to_owned()),
    }
}

fn json_scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// YAML allows `swagger: 2.0` unquoted, which parses as a number.
fn yaml_scalar(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(text) => text.clone(),
        serde_yaml::Value::Number(number) if number.as_f64() == Some(2.0) => "2.0".to_owned(),
        serde_yaml::Value::Number(number) => number.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_versions() {
        assert_eq!(spec_kind(Some("2.0".into()), None), Ok(SpecKind::Swagger2));
        assert!(matches!(spec_kind(None, Some("3.0.1".into())), Ok(SpecKind::OpenApi3 { .. })));
        assert!(spec_kind(Some("1.2".into()), None).is_err());
        assert!(spec_kind(None, None).is_err());
    }
}
