//! The OWIN OAuth token endpoint (`POST /token`) and the bearer-token check every API
//! operation performs.

use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::clock;
use crate::errors::{ApiError, json_reply};
use crate::state::{AppState, SharedState};
use crate::stats::StatsCounters;
use crate::store::Actor;
use crate::tokens::UserIndex;
use crate::users::SimUser;

/// Technician sequence numbers start here (JPIKE is 17 in the examples).
const FIRST_TECHNICIAN_SEQ: i64 = 17;
/// Reply values Track-It! puts in every token reply.
const SERVER_LANGUAGE: &str = "en-US";
const PRIORITY_HIERARCHY: &str = "Category,Requestor,Location,Department";

/// `POST` (or any method, Katana does not check) `/TrackIt/WebApi/token`.
pub(crate) async fn token_endpoint(State(state): State<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    StatsCounters::bump(&state.stats.token_requests);
    if let Some(faulty_reply) = state.faults.token_reply().await {
        return faulty_reply;
    }
    let form = TokenForm::parse(&headers, &body);
    match form.get("grant_type") {
        Some("password") => password_grant(&state, &form),
        Some("refresh_token") => refresh_grant(&state, &form),
        _ => token_error(json!({"error": "unsupported_grant_type"})),
    }
}

fn password_grant(state: &AppState, form: &TokenForm) -> Response {
    let username = form.get("username").unwrap_or_default();
    let password = form.get("password").unwrap_or_default();
    let user = state.config.users.iter().position(|user| user.username == username && user.password == password);
    match user {
        Some(user) => {
            StatsCounters::bump(&state.stats.password_grants);
            tracing::info!(%username, "password grant");
            token_reply(state, user)
        }
        None => {
            tracing::info!(%username, "password grant refused");
            token_error(json!({
                "error": "invalid_grant",
                "error_description": "The user name or password is incorrect.",
            }))
        }
    }
}

fn refresh_grant(state: &AppState, form: &TokenForm) -> Response {
    let refresh_token = form.get("refresh_token").unwrap_or_default();
    let user = state.tokens().redeem_refresh_token(refresh_token);
    match user {
        Some(user) => {
            StatsCounters::bump(&state.stats.refresh_grants);
            tracing::info!("refresh grant");
            token_reply(state, user)
        }
        None => token_error(json!({"error": "invalid_grant"})),
    }
}

/// The 200 reply, keys in Katana's order: token fields, custom properties, dates.
fn token_reply(state: &AppState, user_index: UserIndex) -> Response {
    let config = &state.config;
    let token_lifetime = state.faults.token_lifetime_or(config.token_lifetime);
    let issued = state.tokens().issue(user_index, token_lifetime, config.refresh_token_lifetime);
    let Some(user) = config.users.get(user_index) else {
        return token_error(json!({"error": "invalid_grant"}));
    };
    let now = skewed_now(state.faults.clock_skew_secs());
    // Katana reports the whole seconds left once the reply is written: 1799 for 30 minutes.
    let expires_in = token_lifetime.as_secs().saturating_sub(1);
    let expires_in =
        if state.faults.writes_expires_in_as_string() { json!(expires_in.to_string()) } else { json!(expires_in) };
    let body = json!({
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "refresh_token": issued.refresh_token,
        "username": user.login_id(),
        "usergroupname": user.group(),
        "First Name": user.first_name,
        "Last Name": user.last_name,
        "Phone": format!("555-01{:02}", user_index % 100),
        "Extension": format!("{}", 101 + user_index),
        "EMail Address": user.email,
        "Alternate Phone": "",
        "ServerLanguage": SERVER_LANGUAGE,
        "PriorityHeirarchy": PRIORITY_HIERARCHY,
        ".issued": clock::rfc1123(now),
        ".expires": clock::rfc1123(now + token_lifetime),
    });
    with_no_cache(json_reply(StatusCode::OK, &body))
}

/// The server's clock, `skew_secs` ahead of (or behind) this machine's.
fn skewed_now(skew_secs: i64) -> SystemTime {
    let skew = Duration::from_secs(skew_secs.unsigned_abs());
    let now = SystemTime::now();
    if skew_secs >= 0 { now + skew } else { now.checked_sub(skew).unwrap_or(now) }
}

fn token_error(body: Value) -> Response {
    with_no_cache(json_reply(StatusCode::BAD_REQUEST, &body))
}

/// Katana marks token replies as uncacheable.
fn with_no_cache(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, HeaderValue::from_static("-1"));
    response
}

/// The url-encoded token request. Any other content type reads as an empty form, as in
/// Katana. Field names match case-insensitively (OWIN's form collection), values exactly.
struct TokenForm(Vec<(String, String)>);

impl TokenForm {
    fn parse(headers: &HeaderMap, body: &[u8]) -> TokenForm {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !is_form {
            return TokenForm(Vec::new());
        }
        TokenForm(url::form_urlencoded::parse(body).into_owned().collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// The authenticated technician of an API request. Extracting it counts the request and
/// answers 401 when the bearer token is missing, unknown, expired or revoked.
pub(crate) struct Session {
    pub access_token: String,
    pub actor: Actor,
}

impl FromRequestParts<SharedState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        StatsCounters::bump(&state.stats.requests);
        let session = bearer_token(&parts.headers).and_then(|token| {
            let user_index = state.tokens().user_of_access_token(token)?;
            let user = state.config.users.get(user_index)?;
            Some(Session { access_token: token.to_owned(), actor: actor(user, user_index) })
        });
        session.ok_or_else(|| {
            StatsCounters::bump(&state.stats.unauthorized);
            ApiError::Unauthorized
        })
    }
}

/// The token of an `Authorization: Bearer …` header (scheme matched case-insensitively).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn actor(user: &SimUser, user_index: UserIndex) -> Actor {
    Actor {
        login: user.login_id().to_owned(),
        group: user.group().to_owned(),
        full_name: user.full_name(),
        seq: FIRST_TECHNICIAN_SEQ + i64::try_from(user_index).unwrap_or_default(),
    }
}
