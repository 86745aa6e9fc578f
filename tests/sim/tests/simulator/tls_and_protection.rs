//! HTTPS mode (a generated CA) and protected-document mode (401 until the client logs in).

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, LOCATION, WWW_AUTHENTICATE};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, DocumentLogin, SimConfig, Simulator, TlsConfig};

use crate::Harness;

fn client_trusting(ca_pem: Option<&str>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = ca_pem {
        builder = builder.tls_certs_merge([reqwest::Certificate::from_pem(pem.as_bytes()).expect("PEM")]);
    }
    builder.build().expect("client builds")
}

#[tokio::test]
async fn https_mode_serves_the_api_with_a_certificate_from_its_own_ca() {
    let sim = Simulator::start(SimConfig {
        tls: Some(TlsConfig::self_signed().expect("certificates")),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    assert!(sim.base_url().starts_with("https://127.0.0.1:"), "{}", sim.base_url());
    let ca = sim.ca_certificate_pem().expect("a CA in TLS mode");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");

    let trusting = client_trusting(Some(ca));
    let redirect = trusting.get(sim.base_url()).send().await.expect("GET over TLS");
    assert_eq!(redirect.status(), StatusCode::FOUND);
    assert_eq!(redirect.headers()[LOCATION], format!("{}/swagger/ui/index", sim.base_url()), "the UI keeps https");
    let document = trusting.get(format!("{}/swagger/docs/v2", sim.base_url())).send().await.expect("GET");
    assert_eq!(document.status(), StatusCode::OK);

    let error = client_trusting(None).get(sim.base_url()).send().await.expect_err("an unknown CA is refused");
    assert!(error.is_connect(), "{error:?}");
    // The failed handshake does not stop the server.
    assert_eq!(trusting.get(sim.base_url()).send().await.expect("GET").status(), StatusCode::FOUND);
}

#[tokio::test]
async fn protected_documents_need_a_token_or_basic_credentials() {
    let harness =
        Harness::start_with(SimConfig { document_login: Some(DocumentLogin::Bearer), ..SimConfig::default() }).await;
    let document = harness.url("/Swagger/Docs/v2");
    let denied = harness.http.get(&document).send().await.expect("GET");
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(denied.headers()[WWW_AUTHENTICATE], "Bearer");
    let ui = harness.http.get(harness.url("/swagger/ui/index")).send().await.expect("GET");
    assert_eq!(ui.status(), StatusCode::UNAUTHORIZED);
    // The redirect to the UI and the token endpoint stay open, so a client can log in.
    let base = harness.http.get(harness.sim.base_url()).send().await.expect("GET");
    assert_eq!(base.status(), StatusCode::FOUND);

    let token = harness.token().await;
    let with_token = harness.http.get(&document).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(with_token.status(), StatusCode::OK);
    let with_basic = harness.http.get(&document).basic_auth(DEMO_USER, Some(DEMO_PASSWORD)).send().await.expect("GET");
    assert_eq!(with_basic.status(), StatusCode::OK);
    let wrong = harness.http.get(&document).basic_auth(DEMO_USER, Some("wrong")).send().await.expect("GET");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let bogus = harness.http.get(&document).header(AUTHORIZATION, "Bearer not-issued").send().await.expect("GET");
    assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn basic_mode_challenges_like_iis() {
    let harness =
        Harness::start_with(SimConfig { document_login: Some(DocumentLogin::Basic), ..SimConfig::default() }).await;
    let denied = harness.http.get(harness.url("/swagger/docs/v2")).send().await.expect("GET");
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    assert!(denied.headers()[WWW_AUTHENTICATE].to_str().expect("ASCII").starts_with("Basic realm="));
    // Open mode (the default) answers without any login.
    let open = Harness::start().await;
    let document = open.http.get(open.url("/swagger/docs/v2")).send().await.expect("GET");
    assert_eq!(document.status(), StatusCode::OK);
}

#[tokio::test]
async fn binary_writes_its_ca_and_serves_https_with_protected_documents() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let ca_file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sim-ca-{}.pem", std::process::id()));
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_trackit-sim"))
        .args(["--port", "0", "--protect-docs", "basic", "--tls"])
        .arg(&ca_file)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut line).await.expect("reads a line");
    let base_url = line.trim_end().strip_prefix("listening on ").expect("listening line").to_owned();
    assert!(base_url.starts_with("https://127.0.0.1:"), "{base_url}");

    let ca = std::fs::read_to_string(&ca_file).expect("the CA was written before the line");
    let http = client_trusting(Some(&ca));
    let denied = http.get(format!("{base_url}/swagger/docs/v2")).send().await.expect("GET over TLS");
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    let document = http
        .get(format!("{base_url}/swagger/docs/v2"))
        .basic_auth(DEMO_USER, Some(DEMO_PASSWORD))
        .send()
        .await
        .expect("GET");
    assert_eq!(document.status(), StatusCode::OK);

    child.kill().await.expect("binary stops");
    let _ = std::fs::remove_file(&ca_file);
}
