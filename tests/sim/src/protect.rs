//! Protected-document mode: the Swagger UI and document answer 401 unless the request carries
//! a bearer token from `/token` or Basic `GROUP\LOGINID:password`, as on servers where IIS or
//! Swashbuckle's own filter locks the documentation down.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::app::api;
use crate::auth::bearer_token;
use crate::errors::ApiError;
use crate::state::{AppState, SharedState};

/// Which challenge the 401 carries; either kind of credential is accepted in both modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentLogin {
    /// `WWW-Authenticate: Bearer` with Web API's JSON body, as Swashbuckle behind OWIN answers.
    Bearer,
    /// `WWW-Authenticate: Basic realm="…"` with IIS's HTML page, as IIS Basic authentication answers.
    Basic,
}

/// Middleware guarding every path under `…/WebApi/swagger` (paths arrive lower-cased).
pub(crate) async fn guard_documents(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let Some(mode) = state.config.document_login else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    let swagger = api("/swagger");
    let guarded = path == swagger || path.starts_with(&format!("{swagger}/"));
    if !guarded || is_authorized(&state, request.headers()) {
        return next.run(request).await;
    }
    challenge(mode)
}

fn is_authorized(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(token) = bearer_token(headers) {
        return state.tokens().user_of_access_token(token).is_some();
    }
    basic_credentials(headers).is_some_and(|(username, password)| {
        state.config.users.iter().any(|user| user.username == username && user.password == password)
    })
}

/// `Authorization: Basic base64(user:password)`, split at the first `:` (RFC 7617).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (username, password) = decoded.split_once(':')?;
    Some((username.to_owned(), password.to_owned()))
}

fn challenge(mode: DocumentLogin) -> Response {
    match mode {
        DocumentLogin::Bearer => {
            let mut response = ApiError::Unauthorized.into_response();
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
        DocumentLogin::Basic => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"127.0.0.1\"")],
            Html(IIS_UNAUTHORIZED),
        )
            .into_response(),
    }
}

const IIS_UNAUTHORIZED: &str = "<!DOCTYPE html>\n<html><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head>\n<body><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>\n<p>You do not have permission to view this directory or page using the credentials that you supplied.</p></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_split_at_the_first_colon() {
        let mut headers = HeaderMap::new();
        let encoded = STANDARD.encode("HELP DESK\\JPIKE:pass:word");
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Basic {encoded}")).unwrap());
        assert_eq!(basic_credentials(&headers), Some(("HELP DESK\\JPIKE".into(), "pass:word".into())));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(basic_credentials(&headers), None);
    }
}
