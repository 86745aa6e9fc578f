//! Injected faults: each switch changes exactly what it says, and `clear` restores the server.

use std::error::Error as _;
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use trackit_sim::{DEMO_PASSWORD, DEMO_USER};

use crate::Harness;

const PASSWORD_FORM: [(&str, &str); 3] =
    [("grant_type", "password"), ("username", DEMO_USER), ("password", DEMO_PASSWORD)];

#[tokio::test]
async fn a_slow_token_endpoint_still_answers() {
    let harness = Harness::start().await;
    harness.sim.faults().token_delay(Duration::from_millis(300));
    let started = Instant::now();
    let (status, reply) = harness.token_request(&PASSWORD_FORM).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn token_endpoint_errors_have_the_servers_shapes() {
    let harness = Harness::start().await;
    let faults = harness.sim.faults();

    faults.token_status(500);
    let (status, reply) = harness.token_request(&PASSWORD_FORM).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply["Message"], "An error has occurred.");

    faults.token_body_malformed();
    let response = harness.http.post(harness.url("/token")).form(&PASSWORD_FORM).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err(), "{body}");

    faults.token_html_error_page();
    let response = harness.http.post(harness.url("/token")).form(&PASSWORD_FORM).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.text().await.unwrap().contains("<title>IIS 10.0 Detailed Error - 500.19"));

    faults.token_redirect("http://127.0.0.1:9/elsewhere");
    let response = harness.http.post(harness.url("/token")).form(&PASSWORD_FORM).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "http://127.0.0.1:9/elsewhere");

    faults.clear();
    let (status, _) = harness.token_request(&PASSWORD_FORM).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(harness.sim.stats().token_requests, 5, "faulty replies are counted as token requests");
    assert_eq!(harness.sim.stats().password_grants, 1);
}

#[tokio::test]
async fn token_replies_can_use_a_string_lifetime_a_skewed_clock_and_another_lifetime() {
    let harness = Harness::start().await;
    harness.sim.faults().expires_in_as_string(true).server_clock_skew(-7200).token_lifetime(Duration::from_secs(600));
    let reply = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    assert_eq!(reply["expires_in"], "599");
    let issued = httpdate::parse_http_date(reply[".issued"].as_str().unwrap()).unwrap();
    let behind = SystemTime::now().duration_since(issued).unwrap();
    assert!(behind >= Duration::from_secs(7195), "{behind:?}");
    let expires = httpdate::parse_http_date(reply[".expires"].as_str().unwrap()).unwrap();
    assert_eq!(expires.duration_since(issued).ok(), Some(Duration::from_secs(600)));
}

#[tokio::test]
async fn queued_api_faults_answer_one_request_each() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    harness.sim.faults().fail_next_requests(1, 503).fail_next_requests(1, 500).fail_next_requests(1, 401);

    let response = harness.http.get(harness.url("/tickets/1042")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.text().await.unwrap().contains("HTTP Error 503. The service is unavailable."));
    let (status, body) = harness.get("/tickets/1042", &token).await;
    assert_eq!((status, body["Message"].as_str()), (StatusCode::INTERNAL_SERVER_ERROR, Some("An error has occurred.")));
    let (status, _) = harness.get("/tickets/1042", &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = harness.get("/tickets/1042", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(harness.sim.faults().injected(), 3);
}

#[tokio::test]
async fn the_token_endpoint_is_not_an_api_request() {
    let harness = Harness::start().await;
    harness.sim.faults().fail_next_requests(1, 503);
    let token = harness.token().await;
    let (status, _) = harness.get("/tickets/1042", &token).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_dropped_connection_gives_no_reply_at_all() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    harness.sim.faults().drop_next_connections(1);
    let error = harness.http.get(harness.url("/tickets/1042")).bearer_auth(&token).send().await.unwrap_err();
    assert!(error.is_request(), "{error:?}");
    let mut causes = Vec::new();
    let mut cause = error.source();
    while let Some(inner) = cause {
        causes.push(inner.to_string());
        cause = inner.source();
    }
    assert!(causes.iter().any(|text| text.contains("connection closed before message completed")), "{causes:?}");
    let (status, _) = harness.get("/tickets/1042", &token).await;
    assert_eq!(status, StatusCode::OK, "the next request is served again");
}

#[tokio::test]
async fn api_requests_can_be_redirected() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    harness.sim.faults().redirect_next_requests(1, "http://127.0.0.1:9/other");
    let response = harness.http.get(harness.url("/tickets/1042")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()["location"], "http://127.0.0.1:9/other");
}

#[tokio::test]
async fn issued_tokens_are_remembered_for_leak_checks() {
    let harness = Harness::start().await;
    let reply = harness.login_as(DEMO_USER, DEMO_PASSWORD).await;
    let issued = harness.sim.issued_tokens();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0], reply["access_token"].as_str().unwrap());
    assert_eq!(issued[1], reply["refresh_token"].as_str().unwrap());
}
