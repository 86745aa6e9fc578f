//! Web API-shaped 404/405/400 replies, case-insensitive routing and the counters.

use reqwest::StatusCode;
use serde_json::json;
use trackit_sim::Stats;

use crate::Harness;

#[tokio::test]
async fn paths_and_query_names_match_case_insensitively() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let root = harness.sim.root_url();
    for path in ["/trackit/webapi/TICKETS/1042", "/TRACKIT/WEBAPI/tickets/1042", "/TrackIt/WebApi/Tickets/1042"] {
        let response = harness.http.get(format!("{root}{path}")).bearer_auth(&token).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK, "path {path}");
    }
    let (status, notes) = harness.get("/Tickets/1042/NOTES/0/0?MAXCONTENTLENGTH=6&systemnote=FALSE", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notes["Notes"][0]["6"]["Value"], "Asked ");
    let form =
        [("grant_type", "password"), ("username", trackit_sim::DEMO_USER), ("password", trackit_sim::DEMO_PASSWORD)];
    let response = harness.http.post(format!("{root}/Trackit/WebApi/TOKEN")).form(&form).send().await.expect("token");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn unsupported_methods_get_405() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    for (method, path) in
        [("PUT", "/tickets/1042"), ("DELETE", "/Tickets/1042"), ("PATCH", "/assignments/3307"), ("GET", "/searches")]
    {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response =
            harness.http.request(method.clone(), harness.url(path)).bearer_auth(&token).send().await.expect("request");
        let expected = json!({"Message": format!("The requested resource does not support http method '{method}'.")});
        assert_eq!(crate::read(response).await, (StatusCode::METHOD_NOT_ALLOWED, expected), "{method} {path}");
    }
}

#[tokio::test]
async fn unknown_routes_echo_the_original_uri() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let base = harness.sim.base_url();
    let (status, body) = harness.get("/Tickets/1042/Nope", &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["Message"],
        format!("No HTTP resource was found that matches the request URI '{base}/Tickets/1042/Nope'.")
    );
    assert_eq!(body["MessageDetail"], "No action was found on the controller 'Ticket' that matches the request.");
    let (status, body) = harness.get("/Widgets/1?X=1", &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["Message"],
        format!("No HTTP resource was found that matches the request URI '{base}/Widgets/1?X=1'.")
    );
    assert_eq!(body["MessageDetail"], "No type was found that matches the controller named 'Widgets'.");
    // Route constraints: ids must be integers, even without a token.
    for path in ["/tickets/abc", "/tickets/1042/Notes/x/1", "/assignments/99999999999"] {
        let response = harness.http.get(harness.url(path)).send().await.expect("GET");
        let (status, body) = crate::read(response).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "path {path}");
        assert!(body["Message"].as_str().is_some_and(|m| m.starts_with("No HTTP resource")), "path {path}");
    }
}

#[tokio::test]
async fn missing_records_get_404_with_a_message() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    for path in [
        "/tickets/9999",
        "/assignments/9999",
        "/tickets/Note/1",
        "/attachment/1",
        "/solutions/1",
        "/module/99/fields",
        "/tickets/9999/Notes/0/0",
    ] {
        let (status, body) = harness.get(path, &token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "path {path}");
        assert!(body["Message"].as_str().is_some_and(|m| m.ends_with("was not found.")), "path {path}: {body}");
    }
}

#[tokio::test]
async fn bad_bodies_get_400() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let (status, body) = harness.post("/tickets", &token, &json!({"Properties": {"Nope": 1}})).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"Message": "The request is invalid.", "MessageDetail": "Unknown field 'Nope'."})
        )
    );
    assert_eq!(harness.post("/tickets", &token, &json!({"Summary": "no Properties"})).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(harness.post("/tickets/1042/ChangeStatus", &token, &json!({})).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        harness.post("/tickets/1042/AddNote", &token, &json!({"Private": "maybe"})).await.0,
        StatusCode::BAD_REQUEST
    );
    let garbage =
        harness.http.post(harness.url("/tickets")).bearer_auth(&token).body("{not json").send().await.expect("POST");
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn counters_track_every_kind_of_request() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let _ = harness.token_request(&[("grant_type", "password"), ("username", "x"), ("password", "y")]).await;
    harness.get("/tickets/1042", &token).await;
    harness.get("/tickets/1042", "expired").await;
    harness.http.get(harness.url("/swagger/docs/v2")).send().await.expect("GET");
    let expected = Stats { token_requests: 2, password_grants: 1, refresh_grants: 0, requests: 2, unauthorized: 1 };
    assert_eq!(harness.sim.stats(), expected);
    let response = harness.http.get(format!("{}/_sim/stats", harness.sim.root_url())).send().await.expect("GET");
    let served: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(
        served,
        json!({"token_requests": 2, "password_grants": 1, "refresh_grants": 0, "requests": 2, "unauthorized": 1})
    );
}
