//! The router, wrapped so that paths match case-insensitively as on IIS.

use axum::Router;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, any, get};
use tower::util::MapRequest;

use crate::errors::{ApiError, ok};
use crate::state::SharedState;
use crate::{auth, docs, faults, protect, routes};

/// [`crate::BASE_PATH`] lowercased: routes are declared in lower case.
pub(crate) const BASE_LOWER: &str = "/trackit/webapi";

/// The whole HTTP service: the router behind the path-lowercasing wrapper.
pub(crate) type Service = MapRequest<Router, fn(Request) -> Request>;

/// Builds the [`Service`] for one simulator.
pub(crate) fn service(state: SharedState) -> Service {
    MapRequest::new(router(state), fold_path_case as fn(Request) -> Request)
}

/// A route under the Web API base, e.g. `api("/tickets/{id}")`.
pub(crate) fn api(path: &str) -> String {
    format!("{BASE_LOWER}{path}")
}

/// An API operation's method router, answering other methods with Web API's 405.
pub(crate) fn operation(methods: MethodRouter<SharedState>) -> MethodRouter<SharedState> {
    methods.fallback(method_not_allowed)
}

fn router(state: SharedState) -> Router {
    Router::new()
        .merge(docs::routes())
        .route(&api("/token"), any(auth::token_endpoint))
        .route("/_sim/stats", get(stats))
        .merge(routes::tickets::routes())
        .merge(routes::assignments::routes())
        .merge(routes::other::routes())
        .fallback(no_route)
        .layer(axum::middleware::from_fn_with_state(state.clone(), protect::guard_documents))
        .layer(axum::middleware::from_fn_with_state(state.clone(), faults::inject_api_faults))
        .with_state(state)
}

/// IIS matches paths case-insensitively; routing on a lowercased path does the same. The
/// original URI is kept for error messages (axum's `OriginalUri` is set only if absent).
fn fold_path_case(mut request: Request) -> Request {
    let original = request.uri().clone();
    let path = original.path();
    if path.bytes().any(|byte| byte.is_ascii_uppercase()) {
        let folded = match original.query() {
            Some(query) => format!("{}?{query}", path.to_ascii_lowercase()),
            None => path.to_ascii_lowercase(),
        };
        if let Ok(folded) = folded.parse::<Uri>() {
            *request.uri_mut() = folded;
        }
    }
    request.extensions_mut().insert(OriginalUri(original));
    request
}

async fn stats(State(state): State<SharedState>) -> Response {
    ok(&serde_json::json!(state.stats.snapshot()))
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed { method }
}

/// Unknown paths: Web API's 404 under the base, IIS's HTML 404 elsewhere.
async fn no_route(request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let path = parts.uri.path();
    if path == BASE_LOWER || path.starts_with(&format!("{BASE_LOWER}/")) {
        crate::extract::no_route(&parts).into_response()
    } else {
        (StatusCode::NOT_FOUND, Html(docs::IIS_NOT_FOUND)).into_response()
    }
}
