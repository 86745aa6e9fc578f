//! Token endpoint, bearer check, refresh, revocation, expiry and logout.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use serde_json::json;
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, SimUser, WINDOWS_DEMO_PASSWORD, WINDOWS_DEMO_USER};

use crate::Harness;

#[tokio::test]
async fn password_grant_replies_like_katana() {
    let harness = Harness::start().await;
    let reply = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    let keys: Vec<&str> = reply.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "username",
            "usergroupname",
            "First Name",
            "Last Name",
            "Phone",
            "Extension",
            "EMail Address",
            "Alternate Phone",
            "ServerLanguage",
            "PriorityHeirarchy",
            ".issued",
            ".expires",
        ]
    );
    assert_eq!(reply["token_type"], "bearer");
    assert_eq!(reply["expires_in"], 1799);
    assert_eq!(reply["username"], "JPIKE");
    assert_eq!(reply["usergroupname"], "HELP DESK");
    assert_eq!(reply["First Name"], "Jordan");
    assert_eq!(reply["Last Name"], "Pike");
    assert_eq!(reply["ServerLanguage"], "en-US");
    assert!(reply["access_token"].as_str().is_some_and(|token| token.len() >= 32));
    assert!(reply["refresh_token"].is_string());
    let issued = httpdate::parse_http_date(reply[".issued"].as_str().expect("issued")).expect("RFC 1123");
    let expires = httpdate::parse_http_date(reply[".expires"].as_str().expect("expires")).expect("RFC 1123");
    assert_eq!(expires.duration_since(issued).ok(), Some(Duration::from_secs(1800)));
    assert!(SystemTime::now().duration_since(issued).is_ok_and(|age| age < Duration::from_secs(5)));
}

#[tokio::test]
async fn windows_and_extra_users_can_log_in() {
    let mut config = SimConfig::default();
    config.users.push(SimUser::parse("SUPPORT\\BWAYNE:cave").expect("valid spec"));
    let harness = Harness::start_with(config).await;
    let windows = harness.login_as(WINDOWS_DEMO_USER, WINDOWS_DEMO_PASSWORD).await;
    assert_eq!(windows["username"], "CORP\\asmith");
    assert_eq!(windows["usergroupname"], "HELP DESK");
    let extra = harness.login_as("SUPPORT\\BWAYNE", "cave").await;
    assert_eq!(extra["username"], "BWAYNE");
}

#[tokio::test]
async fn bad_credentials_and_grants_are_refused() {
    let harness = Harness::start().await;
    let invalid_grant =
        json!({"error": "invalid_grant", "error_description": "The user name or password is incorrect."});
    for (user, password) in
        [(DEMO_USER, "wrong"), ("help desk\\jpike", DEMO_PASSWORD), ("HELP DESK\\NOBODY", DEMO_PASSWORD)]
    {
        let reply =
            harness.token_request(&[("grant_type", "password"), ("username", user), ("password", password)]).await;
        assert_eq!(reply, (StatusCode::BAD_REQUEST, invalid_grant.clone()));
    }
    let unsupported = (StatusCode::BAD_REQUEST, json!({"error": "unsupported_grant_type"}));
    assert_eq!(harness.token_request(&[("grant_type", "client_credentials")]).await, unsupported);
    assert_eq!(harness.token_request(&[("username", DEMO_USER)]).await, unsupported);
    // A JSON body is not a form: Katana reads it as empty.
    let response = harness
        .http
        .post(harness.url("/token"))
        .json(&json!({"grant_type": "password", "username": DEMO_USER, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("token request");
    assert_eq!(crate::read(response).await, unsupported);
    let refused = harness.token_request(&[("grant_type", "refresh_token"), ("refresh_token", "nope")]).await;
    assert_eq!(refused, (StatusCode::BAD_REQUEST, json!({"error": "invalid_grant"})));
}

#[tokio::test]
async fn refresh_grant_rotates_the_refresh_token() {
    let harness = Harness::start().await;
    let first = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    let old_refresh = first["refresh_token"].as_str().expect("refresh token");
    let (status, second) =
        harness.token_request(&[("grant_type", "refresh_token"), ("refresh_token", old_refresh)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["username"], "JPIKE");
    let new_access = second["access_token"].as_str().expect("access token");
    assert_eq!(harness.get("/tickets/1042", new_access).await.0, StatusCode::OK);
    let (status, body) =
        harness.token_request(&[("grant_type", "refresh_token"), ("refresh_token", old_refresh)]).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!({"error": "invalid_grant"})));
    let stats = harness.sim.stats();
    assert_eq!((stats.password_grants, stats.refresh_grants, stats.token_requests), (1, 1, 3));
}

#[tokio::test]
async fn server_side_revocation_kills_access_and_refresh_tokens() {
    let harness = Harness::start().await;
    let reply = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    let access = reply["access_token"].as_str().expect("access token");
    let refresh = reply["refresh_token"].as_str().expect("refresh token");
    assert_eq!(harness.get("/tickets/1042", access).await.0, StatusCode::OK);
    harness.sim.revoke_all_tokens();
    assert_eq!(harness.get("/tickets/1042", access).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = harness.token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn tokens_expire_after_their_lifetime() {
    let config = SimConfig {
        token_lifetime: Duration::from_secs(1),
        refresh_token_lifetime: Duration::from_secs(2),
        ..SimConfig::default()
    };
    let harness = Harness::start_with(config).await;
    let first = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    assert_eq!(first["expires_in"], 0);
    let access = first["access_token"].as_str().expect("access token");
    assert_eq!(harness.get("/tickets/1042", access).await.0, StatusCode::OK);
    let second = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(harness.get("/tickets/1042", access).await.0, StatusCode::UNAUTHORIZED);
    // The refresh token outlives the access token.
    let refresh = first["refresh_token"].as_str().expect("refresh token");
    let (status, renewed) = harness.token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(status, StatusCode::OK);
    let renewed_access = renewed["access_token"].as_str().expect("access token");
    assert_eq!(harness.get("/tickets/1042", renewed_access).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let stale = second["refresh_token"].as_str().expect("refresh token");
    let (status, body) = harness.token_request(&[("grant_type", "refresh_token"), ("refresh_token", stale)]).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, json!({"error": "invalid_grant"})));
}

#[tokio::test]
async fn bearer_scheme_is_case_insensitive_and_required() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = harness
            .http
            .get(harness.url("/tickets/1042"))
            .header("Authorization", format!("{scheme} {token}"))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), StatusCode::OK, "scheme {scheme}");
    }
    let denied = json!({"Message": "Authorization has been denied for this request."});
    let anonymous = harness.http.get(harness.url("/tickets/1042")).send().await.expect("GET");
    assert_eq!(crate::read(anonymous).await, (StatusCode::UNAUTHORIZED, denied.clone()));
    let basic = harness
        .http
        .get(harness.url("/tickets/1042"))
        .header("Authorization", format!("Basic {token}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(harness.get("/tickets/1042", "not-a-token").await, (StatusCode::UNAUTHORIZED, denied));
    assert_eq!(harness.sim.stats().unauthorized, 3);
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let harness = Harness::start().await;
    let reply = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    let access = reply["access_token"].as_str().expect("access token");
    let other = harness.token().await;
    assert_eq!(harness.get("/technicians/logout", access).await, (StatusCode::OK, json!({"success": true})));
    assert_eq!(harness.get("/tickets/1042", access).await.0, StatusCode::UNAUTHORIZED);
    let refresh = reply["refresh_token"].as_str().expect("refresh token");
    let (status, _) = harness.token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Other sessions are untouched.
    assert_eq!(harness.get("/tickets/1042", &other).await.0, StatusCode::OK);
}
