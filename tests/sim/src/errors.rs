//! ASP.NET Web API 2-shaped error replies (`{"Message":…}`), and the JSON reply helper.

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::store::StoreError;

/// `Content-Type` of every JSON reply, as Web API writes it.
pub(crate) const JSON_UTF8: &str = "application/json; charset=utf-8";

/// A JSON reply with Web API's content type.
pub(crate) fn json_reply(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    response
}

/// A `200 OK` JSON reply.
pub(crate) fn ok(body: &Value) -> Response {
    json_reply(StatusCode::OK, body)
}

/// Every way an API operation can fail.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    #[error("authorization has been denied")]
    Unauthorized,
    #[error("no route matches '{uri}'")]
    NoRoute { uri: String, detail: String },
    #[error("method '{method}' is not supported here")]
    MethodNotAllowed { method: Method },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("invalid request: {detail}")]
    InvalidRequest { detail: String },
}

impl ApiError {
    pub fn invalid(detail: impl Into<String>) -> ApiError {
        ApiError::InvalidRequest { detail: detail.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized => json_reply(
                StatusCode::UNAUTHORIZED,
                &json!({"Message": "Authorization has been denied for this request."}),
            ),
            ApiError::NoRoute { uri, detail } => json_reply(
                StatusCode::NOT_FOUND,
                &json!({
                    "Message": format!("No HTTP resource was found that matches the request URI '{uri}'."),
                    "MessageDetail": detail,
                }),
            ),
            ApiError::MethodNotAllowed { method } => json_reply(
                StatusCode::METHOD_NOT_ALLOWED,
                &json!({"Message": format!("The requested resource does not support http method '{method}'.")}),
            ),
            ApiError::Store(error @ StoreError::NotFound { .. }) => {
                json_reply(StatusCode::NOT_FOUND, &json!({"Message": error.to_string()}))
            }
            ApiError::Store(error) => invalid_request(&error.to_string()),
            ApiError::InvalidRequest { detail } => invalid_request(&detail),
        }
    }
}

fn invalid_request(detail: &str) -> Response {
    json_reply(StatusCode::BAD_REQUEST, &json!({"Message": "The request is invalid.", "MessageDetail": detail}))
}
