//! Document discovery against the Track-It! simulator and tiny purpose-built servers on 127.0.0.1.

use std::{collections::HashMap, net::SocketAddr, time::Duration};

use axum::{
    Form, Router,
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use secrecy::SecretString;
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};
use xtask::fetch::{DocumentFormat, FetchError, FetchOptions, RetryPolicy, SpecKind, fetch_document};

const PASSWORD: &str = "s3cret-pass";
const USER: &str = "HELP DESK\\JPIKE";
/// `Basic base64("HELP DESK\JPIKE:s3cret-pass")`.
const BASIC_HEADER: &str = "Basic SEVMUCBERVNLXEpQSUtFOnMzY3JldC1wYXNz";
const TOKEN: &str = "opaque-katana-ticket";
const SWAGGER_DOC: &str = r#"{"swagger":"2.0","info":{"title":"t","version":"v2"},"paths":{}}"#;
const OPENAPI_DOC: &str = r#"{"openapi":"3.0.1","info":{"title":"t","version":"v2"},"paths":{}}"#;

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

fn with_login(password: &str) -> FetchOptions {
    FetchOptions {
        credentials: Some((USER.to_owned(), SecretString::from(password.to_owned()))),
        ..FetchOptions::default()
    }
}

async fn fetch_error(start: &str, options: &FetchOptions) -> String {
    let error: FetchError = fetch_document(start, options).await.expect_err("the fetch should fail");
    let message = error.to_string();
    assert!(!message.contains('\n'), "one line: {message}");
    assert!(!message.contains(PASSWORD), "password leaked: {message}");
    message
}

#[tokio::test]
async fn every_start_form_reaches_the_simulator_document() {
    let sim = Simulator::start(SimConfig::default()).await.expect("simulator");
    let root = sim.root_url();
    let base = sim.base_url();
    let starts = [
        root.clone(),
        format!("{root}/TrackIt"),
        base.clone(),
        format!("{root}/trackit/webapi"),
        format!("{root}/TrackIt/WebAPI/"),
        format!("{base}/swagger/ui/index"),
        format!("{base}/swagger/docs/v2"),
    ];
    for start in starts {
        let fetched =
            fetch_document(&start, &FetchOptions::default()).await.unwrap_or_else(|error| panic!("{start}: {error}"));
        let document: serde_json::Value = serde_json::from_slice(&fetched.bytes).expect("JSON document");
        assert_eq!(document["swagger"], "2.0", "{start}");
        assert_eq!(fetched.spec, SpecKind::Swagger2);
        assert_eq!(fetched.format, DocumentFormat::Json);
        assert!(fetched.document_url.path().ends_with("/swagger/docs/v2"), "{start}: {}", fetched.document_url);
        if !start.ends_with("/swagger/docs/v2") {
            assert!(fetched.route().contains("Swagger UI"), "{start}: {}", fetched.route());
        }
    }
}

#[tokio::test]
async fn simulator_base_route_shows_the_redirect_and_the_ui() {
    let sim = Simulator::start(SimConfig::default()).await.expect("simulator");
    let base = sim.base_url();
    let fetched = fetch_document(&base, &FetchOptions::default()).await.expect("document");
    assert_eq!(
        fetched.via,
        [
            format!("{base} (302 Found)"),
            format!("{base}/swagger/ui/index (Swagger UI, Swashbuckle 5)"),
            format!("{base}/swagger/docs/v2 (Swagger 2.0 document)"),
        ]
    );
    // The simulator's demo login is accepted even though the document needs none.
    let options = FetchOptions {
        credentials: Some((DEMO_USER.to_owned(), DEMO_PASSWORD.to_owned().into())),
        ..FetchOptions::default()
    };
    fetch_document(&base, &options).await.expect("document");
}

/// Swashbuckle.AspNetCore: `/swagger/index.html` loading its configuration from `index.js`,
/// and an inline `configObject` pointing at a YAML document.
fn aspnetcore_router() -> Router {
    const PAGE: &str = r#"<!DOCTYPE html><html><head><link rel="stylesheet" href="./swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js" charset="utf-8"></script>
<script src="index.js" charset="utf-8"></script></body></html>"#;
    const INDEX_JS: &str = r#"window.onload = function () {
  var configObject = JSON.parse('{"urls":[{"url":"v1/swagger.json","name":"API V1"},{"url":"v2/swagger.json","name":"API V2"}],"deepLinking":false}');
  var oauthConfigObject = JSON.parse('{"scopeSeparator":" "}');
};"#;
    const INLINE_PAGE: &str = r#"<html><body><div id="swagger-ui"></div><script>
var configObject = JSON.parse('{"urls":[{"url":"\/inline\/openapi.yaml","name":"YAML"}]}');
</script></body></html>"#;
    const YAML_DOC: &str = "openapi: 3.0.1\ninfo:\n  title: t\n  version: v1\npaths: {}\n";
    Router::new()
        .route("/swagger/index.html", get(|| async { Html(PAGE) }))
        .route("/swagger/index.js", get(|| async { INDEX_JS }))
        .route("/swagger/v1/swagger.json", get(|| async { OPENAPI_DOC }))
        .route("/swagger/v2/swagger.json", get(|| async { OPENAPI_DOC }))
        .route("/inline/index.html", get(|| async { Html(INLINE_PAGE) }))
        .route("/inline/openapi.yaml", get(|| async { YAML_DOC }))
}

#[tokio::test]
async fn aspnetcore_ui_with_index_js_is_followed_from_the_root() {
    let addr = serve(aspnetcore_router()).await;
    let fetched = fetch_document(&format!("http://{addr}"), &FetchOptions::default()).await.expect("document");
    assert_eq!(fetched.document_url.as_str(), format!("http://{addr}/swagger/v2/swagger.json"));
    assert_eq!(fetched.bytes, OPENAPI_DOC.as_bytes());
    assert_eq!(fetched.spec, SpecKind::OpenApi3 { version: "3.0.1".to_owned() });
    let route = fetched.route();
    assert!(route.contains("/swagger/ui/index (404 Not Found)"), "{route}");
    assert!(route.contains("/swagger/index.html (Swagger UI, swagger-ui)"), "{route}");
    assert!(route.contains("/swagger/index.js (Swagger UI configuration)"), "{route}");
}

#[tokio::test]
async fn aspnetcore_inline_config_and_yaml_document() {
    let addr = serve(aspnetcore_router()).await;
    let fetched =
        fetch_document(&format!("http://{addr}/inline/index.html"), &FetchOptions::default()).await.expect("document");
    assert_eq!(fetched.format, DocumentFormat::Yaml);
    assert_eq!(fetched.document_url.as_str(), format!("http://{addr}/inline/openapi.yaml"));
}

/// A Track-It!-like API whose document needs a bearer token from `/token`, plus a Basic variant.
fn protected_router() -> Router {
    async fn token(Form(form): Form<HashMap<String, String>>) -> Response {
        let field = |name: &str| form.get(name).map(String::as_str);
        if field("grant_type") == Some("password")
            && field("username") == Some(USER)
            && field("password") == Some(PASSWORD)
        {
            let body = format!(r#"{{"access_token":"{TOKEN}","token_type":"bearer","expires_in":1799}}"#);
            return ([(header::CONTENT_TYPE, "application/json")], body).into_response();
        }
        let body = r#"{"error":"invalid_grant","error_description":"The user name or password is incorrect."}"#;
        (StatusCode::BAD_REQUEST, body).into_response()
    }
    fn guarded(headers: &HeaderMap, expected: &str, challenge: &'static str) -> Response {
        match headers.get(header::AUTHORIZATION) {
            Some(value) if value == expected => SWAGGER_DOC.into_response(),
            _ => (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, challenge)],
                r#"{"Message":"Authorization has been denied for this request."}"#,
            )
                .into_response(),
        }
    }
    Router::new()
        .route("/TrackIt/WebApi/token", post(token))
        .route(
            "/TrackIt/WebApi/swagger/docs/v2",
            get(|headers: HeaderMap| async move { guarded(&headers, &format!("Bearer {TOKEN}"), "Bearer") }),
        )
        .route(
            "/basic/swagger/docs/v1",
            get(|headers: HeaderMap| async move { guarded(&headers, BASIC_HEADER, "Basic realm=\"trackit\"") }),
        )
}

#[tokio::test]
async fn protected_document_is_read_with_a_bearer_token() {
    let addr = serve(protected_router()).await;
    let start = format!("http://{addr}/TrackIt/WebApi/swagger/docs/v2");
    let fetched = fetch_document(&start, &with_login(PASSWORD)).await.expect("document");
    assert_eq!(fetched.bytes, SWAGGER_DOC.as_bytes());
    let route = fetched.route();
    assert!(route.contains(&format!("http://{addr}/TrackIt/WebApi/token (bearer token issued)")), "{route}");
    assert!(!route.contains(TOKEN) && !route.contains(PASSWORD), "{route}");
}

#[tokio::test]
async fn protected_document_is_read_with_basic_authentication() {
    let addr = serve(protected_router()).await;
    let start = format!("http://{addr}/basic/swagger/docs/v1");
    let fetched = fetch_document(&start, &with_login(PASSWORD)).await.expect("document");
    assert_eq!(fetched.bytes, SWAGGER_DOC.as_bytes());
    assert!(fetched.route().contains("Basic authentication"));
}

#[tokio::test]
async fn protected_document_without_credentials_asks_for_a_login() {
    let addr = serve(protected_router()).await;
    let start = format!("http://{addr}/TrackIt/WebApi/swagger/docs/v2");
    let message = fetch_error(&start, &FetchOptions::default()).await;
    assert_eq!(
        message,
        format!("{start} needs a login: pass --user 'GROUP\\LOGINID', with --password-env VAR or at the prompt")
    );
}

#[tokio::test]
async fn refused_login_names_the_token_endpoint_but_not_the_password() {
    let addr = serve(protected_router()).await;
    let start = format!("http://{addr}/TrackIt/WebApi/swagger/docs/v2");
    let wrong = format!("{PASSWORD}-wrong");
    let message = fetch_error(&start, &with_login(&wrong)).await;
    assert!(!message.contains(&wrong), "{message}");
    assert_eq!(
        message,
        format!(
            "http://{addr}/TrackIt/WebApi/token refused the login of {USER}: invalid_grant: The user name or password is incorrect."
        )
    );
    let basic = format!("http://{addr}/basic/swagger/docs/v1");
    let message = fetch_error(&basic, &with_login(&wrong)).await;
    assert!(message.contains("still answered 401 Unauthorized"), "{message}");
    assert!(message.contains(&basic) && !message.contains(&wrong), "{message}");
}

#[tokio::test]
async fn html_that_is_no_swagger_ui_lists_what_was_tried() {
    let addr = serve(Router::new().fallback(|| async { Html("<html><body>garbage</body></html>") })).await;
    let message = fetch_error(&format!("http://{addr}/TrackIt"), &FetchOptions::default()).await;
    assert!(
        message.starts_with(&format!("http://{addr}/TrackIt is not a Swagger UI or document (an HTML page); tried: ")),
        "{message}"
    );
    assert!(message.contains(&format!("http://{addr}/TrackIt/swagger/ui/index (an HTML page)")), "{message}");
    assert!(message.contains("/TrackIt/swagger/v1/swagger.json"), "{message}");
}

#[tokio::test]
async fn json_that_is_not_swagger_is_refused() {
    let router = Router::new().route("/swagger/docs/v1", get(|| async { r#"{"Message":"hello"}"# }));
    let addr = serve(router).await;
    let start = format!("http://{addr}/swagger/docs/v1");
    let message = fetch_error(&start, &FetchOptions::default()).await;
    assert_eq!(
        message,
        format!(
            "{start} answered JSON that is not a Swagger or OpenAPI document: it has no top-level \"swagger\" or \"openapi\" field"
        )
    );
}

#[tokio::test]
async fn invalid_json_reports_line_and_column() {
    let router = Router::new().route(
        "/TrackIt/WebApi/swagger/docs/v2",
        get(|| async { "{\n  \"swagger\": \"2.0\",\n  \"paths\": {\n    \"x\": 1,\n  }\n}" }),
    );
    let addr = serve(router).await;
    let message = fetch_error(&format!("http://{addr}/TrackIt/WebApi"), &FetchOptions::default()).await;
    assert!(
        message.starts_with(&format!(
            "http://{addr}/TrackIt/WebApi/swagger/docs/v2 answered with invalid JSON at line 5, column 3: "
        )),
        "{message}"
    );
}

#[tokio::test]
async fn missing_document_named_by_a_ui_is_an_http_error() {
    let page = r#"<html><script>window.swashbuckleConfig = { rootUrl: 'http://elsewhere/api', discoveryPaths: arrayFrom('swagger/docs/v1') };</script></html>"#;
    let router = Router::new().route("/api/swagger/ui/index", get(move || async move { Html(page) }));
    let addr = serve(router).await;
    let start = format!("http://{addr}/api/swagger/ui/index");
    let message = fetch_error(&start, &FetchOptions::default()).await;
    // rootUrl's origin is replaced by the one the page came from (proxies rewrite it).
    assert_eq!(message, format!("http://{addr}/api/swagger/docs/v1 answered 404 Not Found"));
}

#[tokio::test]
async fn closed_port_cannot_be_reached() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    let start = format!("http://127.0.0.1:{port}/TrackIt/WebApi");
    let options = FetchOptions { retry: RetryPolicy::never(), ..with_login(PASSWORD) };
    let message = fetch_error(&start, &options).await;
    assert_eq!(message, format!("cannot reach {start}: connection refused"));
}

#[tokio::test]
async fn address_without_scheme_means_https() {
    let addr = serve(Router::new().fallback(|| async { "plain" })).await;
    let message = fetch_error(&format!("{addr}/TrackIt/WebApi"), &FetchOptions::default()).await;
    assert!(message.starts_with(&format!("TLS failure talking to https://{addr}/TrackIt/WebApi: ")), "{message}");
}

#[tokio::test]
async fn silent_server_times_out() {
    let router = Router::new().fallback(std::future::pending::<&'static str>);
    let addr = serve(router).await;
    let options = FetchOptions { timeout: Duration::from_millis(300), ..FetchOptions::default() };
    let start = format!("http://{addr}/TrackIt/WebApi");
    let message = fetch_error(&start, &options).await;
    assert_eq!(message, format!("{start} did not answer within 300ms"));
}
