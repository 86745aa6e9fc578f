//! Request extractors with Web API semantics: int-constrained route values (404 when they
//! do not parse), case-insensitive query names, and JSON bodies that may be absent.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Path, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::errors::ApiError;

/// Route values (all `{…:int}` in Track-It!); any parse failure is "no route", as a
/// failed route constraint is in Web API.
pub(crate) struct RoutePath<T>(pub T);

impl<T, S> FromRequestParts<S> for RoutePath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(values)) => Ok(RoutePath(values)),
            Err(_) => Err(no_route(parts)),
        }
    }
}

/// The 404 Web API gives when no route matches, naming the controller when the first
/// segment after the base is a known one.
pub(crate) fn no_route(parts: &Parts) -> ApiError {
    let uri = display_uri(parts);
    let lower_path = parts.uri.path();
    let segment = lower_path
        .strip_prefix(crate::app::BASE_LOWER)
        .and_then(|rest| rest.trim_start_matches('/').split('/').next())
        .unwrap_or_default();
    let detail = match controller_name(segment) {
        Some(controller) => {
            format!("No action was found on the controller '{controller}' that matches the request.")
        }
        None => {
            let original = original_segment(parts, segment.len());
            format!("No type was found that matches the controller named '{original}'.")
        }
    };
    ApiError::NoRoute { uri, detail }
}

fn controller_name(segment: &str) -> Option<&'static str> {
    Some(match segment {
        "tickets" => "Ticket",
        "assignments" => "Assignment",
        "attachment" => "Attachment",
        "module" => "Module",
        "priorityheirarchy" => "PriorityHierarchy",
        "searches" => "Search",
        "solutions" => "Solution",
        "technicians" => "Technician",
        _ => return None,
    })
}

/// The first segment after the base as the client spelled it.
fn original_segment(parts: &Parts, len: usize) -> String {
    let original = original_uri(parts);
    let path = original.path();
    let start = crate::app::BASE_LOWER.len() + 1;
    path.get(start..start + len).unwrap_or_default().to_owned()
}

fn original_uri(parts: &Parts) -> axum::http::Uri {
    parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.clone(), |original| original.0.clone())
}

/// `http://host/Original/Path?query`, as Web API echoes it in error messages.
pub(crate) fn display_uri(parts: &Parts) -> String {
    let original = original_uri(parts);
    let host = request_host(&parts.headers);
    let path_and_query = original.path_and_query().map_or("/", |pq| pq.as_str());
    format!("http://{host}{path_and_query}")
}

/// The request's `Host` header, `localhost` when missing.
pub(crate) fn request_host(headers: &axum::http::HeaderMap) -> String {
    headers.get(header::HOST).and_then(|host| host.to_str().ok()).unwrap_or("localhost").to_owned()
}

/// Query string pairs whose names match case-insensitively (ASP.NET model binding).
pub(crate) struct CiQuery(Vec<(String, String)>);

impl CiQuery {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// An integer parameter, `default` when absent or empty; 400 when malformed.
    pub fn integer(&self, name: &str, default: i32) -> Result<i32, ApiError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(default),
            Some(text) => {
                text.parse().map_err(|_| ApiError::invalid(format!("The value '{text}' is not valid for {name}.")))
            }
        }
    }

    /// A boolean parameter (`true`/`false`, any case), `default` when absent or empty.
    pub fn boolean(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(default),
            Some(text) if text.eq_ignore_ascii_case("true") => Ok(true),
            Some(text) if text.eq_ignore_ascii_case("false") => Ok(false),
            Some(text) => Err(ApiError::invalid(format!("The value '{text}' is not valid for {name}."))),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CiQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        Ok(CiQuery(pairs))
    }
}

/// A JSON request body; `None` when the body is empty (optional bodies such as `Close`).
pub(crate) struct JsonBody(pub Option<Value>);

impl JsonBody {
    /// The body, which the operation requires.
    pub fn required(self) -> Result<Value, ApiError> {
        match self.0 {
            Some(Value::Null) | None => Err(ApiError::invalid("The request body is required.")),
            Some(value) => Ok(value),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::invalid("The request body could not be read."))?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonBody(None));
        }
        // Clients send application/json; like JSON.NET, parse the body whatever its label.
        serde_json::from_slice(&body)
            .map(|value| JsonBody(Some(value)))
            .map_err(|error| ApiError::invalid(format!("The request body is not valid JSON: {error}.")))
    }
}
