//! Swagger UI, document, redirects and the HTML pages around the API.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HOST, LOCATION};
use serde_json::Value;

use crate::Harness;

#[tokio::test]
async fn document_is_served_with_the_request_host() {
    let harness = Harness::start().await;
    for version in ["v2", "v1"] {
        let response = harness.http.get(harness.url(&format!("/swagger/docs/{version}"))).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json; charset=utf-8");
        let document: Value = response.json().await.expect("JSON");
        assert_eq!(document["host"], harness.sim.addr().to_string());
        assert_eq!(document["basePath"], "/TrackIt/WebApi");
        let paths = document["paths"].as_object().expect("paths");
        let operations: usize = paths.values().map(|item| item.as_object().map_or(0, |ops| ops.len())).sum();
        assert_eq!((paths.len(), operations), (30, 32));
        // Key order of the fixture is kept.
        let keys: Vec<&String> = document.as_object().expect("object").keys().take(3).collect();
        assert_eq!(keys, ["swagger", "info", "host"]);
    }
    let aliased = harness
        .http
        .get(harness.url("/swagger/docs/v2"))
        .header(HOST, "helpdesk.example.test")
        .send()
        .await
        .expect("GET");
    let document: Value = aliased.json().await.expect("JSON");
    assert_eq!(document["host"], "helpdesk.example.test");
    let unknown = harness.http.get(harness.url("/swagger/docs/v9")).send().await.expect("GET");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ui_page_points_at_the_v2_document() {
    let harness = Harness::start().await;
    let response = harness.http.get(harness.url("/swagger/ui/index")).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[CONTENT_TYPE].to_str().is_ok_and(|value| value.starts_with("text/html")));
    let page = response.text().await.expect("HTML");
    assert!(page.contains("window.swashbuckleConfig = {"));
    assert!(page.contains(&format!("rootUrl: '{}'", harness.sim.base_url())));
    assert!(page.contains("discoveryPaths: arrayFrom('swagger/docs/v2')"));
}

#[tokio::test]
async fn base_and_swagger_redirect_to_the_ui() {
    let harness = Harness::start().await;
    let expected = format!("{}/swagger/ui/index", harness.sim.base_url());
    for path in ["", "/", "/swagger", "/SWAGGER"] {
        let response = harness.http.get(harness.url(path)).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::FOUND, "path '{path}'");
        assert_eq!(response.headers()[LOCATION], expected.as_str(), "path '{path}'");
    }
}

#[tokio::test]
async fn site_root_and_web_app_are_plain_html() {
    let harness = Harness::start().await;
    let root = harness.sim.root_url();
    for path in ["/", "/TrackIt", "/TrackIt/", "/trackit"] {
        let response = harness.http.get(format!("{root}{path}")).send().await.expect("GET");
        assert_eq!(response.status(), StatusCode::OK, "path '{path}'");
        let page = response.text().await.expect("HTML");
        assert!(page.contains("<html"), "path '{path}'");
        assert!(!page.contains("swashbuckleConfig"), "path '{path}'");
    }
    let missing = harness.http.get(format!("{root}/nowhere")).send().await.expect("GET");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(harness.sim.stats(), trackit_sim::Stats::default());
}
