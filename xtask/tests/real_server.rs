//! `cargo xtask generate` meeting what a company server has: a certificate from a company CA,
//! a document that asks for a login, an app pool that answers 503 while it starts, and an
//! upgrade that changes the API. The real binary, against the simulator on 127.0.0.1.

use std::path::Path;
use std::process::{Command, Output};

use axum::{Router, http::StatusCode, response::IntoResponse, routing::get};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, DocumentLogin, SimConfig, Simulator, TlsConfig};

const PASSWORD_VARIABLE: &str = "XTASK_TEST_TRACKIT_PASSWORD";

/// Runs the binary off the test's runtime (it blocks on its own), with `env` added.
async fn xtask(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).envs(env.iter().copied()).env_remove("NO_COLOR");
    // The test must not depend on the machine's proxies.
    for variable in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        command.env_remove(variable);
    }
    tokio::task::spawn_blocking(move || command.output().expect("xtask runs")).await.expect("joined")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn text(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

async fn https_simulator(document_login: Option<DocumentLogin>) -> Simulator {
    let tls = TlsConfig::self_signed().expect("certificates");
    Simulator::start(SimConfig { tls: Some(tls), document_login, ..SimConfig::default() }).await.expect("simulator")
}

#[tokio::test(flavor = "multi_thread")]
async fn https_with_a_company_ca_passes_with_ca_cert_fails_without_and_passes_insecure() {
    let sim = https_simulator(None).await;
    let dir = tempfile::tempdir().expect("temporary folder");
    let ca = dir.path().join("company-ca.pem");
    std::fs::write(&ca, sim.ca_certificate_pem().expect("CA")).expect("write CA");
    let server = sim.base_url();
    assert!(server.starts_with("https://"));

    let out = dir.path().join("with-ca");
    let trusted = xtask(&["generate", "--server", &server, "--ca-cert", text(&ca), "--out", text(&out)], &[]).await;
    assert!(trusted.status.success(), "{}", stderr(&trusted));
    let log = stderr(&trusted);
    assert!(log.starts_with("fetch") && log.contains(&format!("{server}/swagger/docs/v2")), "{log}");
    assert!(out.join("src/client.rs").exists());

    let out = dir.path().join("without-ca");
    let refused = xtask(&["generate", "--server", &server, "--out", text(&out)], &[]).await;
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
    assert!(
        message.starts_with(&format!("error: {server} presented a certificate this machine does not trust (")),
        "{message}"
    );
    assert!(message.contains("pass --ca-cert FILE with the CA certificate that issued it"), "{message}");
    assert!(!out.exists(), "nothing written");

    let out = dir.path().join("insecure");
    let insecure = xtask(&["generate", "--server", &server, "--insecure", "--out", text(&out)], &[]).await;
    assert!(insecure.status.success(), "{}", stderr(&insecure));
    let log = stderr(&insecure);
    assert!(log.starts_with("warning: --insecure: the server's certificate is NOT checked"), "{log}");
    // Even --quiet keeps the warning.
    let quiet = xtask(&["generate", "--quiet", "--server", &server, "--insecure", "--out", text(&out)], &[]).await;
    assert!(quiet.status.success());
    assert!(stderr(&quiet).starts_with("warning: --insecure"), "{}", stderr(&quiet));

    let not_a_certificate = dir.path().join("notes.txt");
    std::fs::write(&not_a_certificate, "ask IT for the CA").expect("write");
    let bad = xtask(&["generate", "--server", &server, "--ca-cert", text(&not_a_certificate)], &[]).await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).starts_with("error: --ca-cert "), "{}", stderr(&bad));
    let both = xtask(&["generate", "--server", &server, "--ca-cert", text(&ca), "--insecure"], &[]).await;
    assert_eq!(both.status.code(), Some(2), "--ca-cert and --insecure exclude each other");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_protected_document_is_read_with_user_and_password_env() {
    for mode in [DocumentLogin::Bearer, DocumentLogin::Basic] {
        let sim = https_simulator(Some(mode)).await;
        let dir = tempfile::tempdir().expect("temporary folder");
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, sim.ca_certificate_pem().expect("CA")).expect("write CA");
        let server = format!("{}/TrackIt", sim.root_url());
        let connect = ["--server", server.as_str(), "--ca-cert", text(&ca)];

        let anonymous = xtask(&[&["generate"], &connect[..], &["--out", text(dir.path())]].concat(), &[]).await;
        assert_eq!(anonymous.status.code(), Some(1), "{mode:?}");
        let message = stderr(&anonymous);
        assert!(message.contains("needs a login: pass --user 'GROUP\\LOGINID'"), "{mode:?}: {message}");

        // No password variable and no terminal to ask on (the test's stdin is not one).
        let no_password = xtask(&[&["generate", "--user", DEMO_USER], &connect[..]].concat(), &[]).await;
        assert_eq!(no_password.status.code(), Some(1));
        assert!(stderr(&no_password).contains("no password; pass --password-env VAR"), "{}", stderr(&no_password));

        let out = dir.path().join("out");
        let args = [
            &["generate", "--verbose", "--user", DEMO_USER, "--password-env", PASSWORD_VARIABLE],
            &connect[..],
            &["--out", text(&out)],
        ]
        .concat();
        let logged_in = xtask(&args, &[(PASSWORD_VARIABLE, DEMO_PASSWORD)]).await;
        let log = stderr(&logged_in);
        assert!(logged_in.status.success(), "{mode:?}: {log}");
        let expected = match mode {
            DocumentLogin::Bearer => "/TrackIt/WebApi/token (bearer token issued)",
            DocumentLogin::Basic => "(401 Unauthorized, retrying with Basic authentication)",
        };
        assert!(log.contains(expected), "{mode:?}: {log}");
        assert!(!log.contains(DEMO_PASSWORD), "the password never shows");
        for token in sim.issued_tokens() {
            assert!(!log.contains(&token), "no token shows");
        }
        assert!(out.join("swagger.json").exists());

        let wrong = xtask(&args, &[(PASSWORD_VARIABLE, "not-the-password")]).await;
        assert_eq!(wrong.status.code(), Some(1));
        assert!(!stderr(&wrong).contains("not-the-password"), "{}", stderr(&wrong));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn quiet_prints_nothing_and_verbose_shows_the_route() {
    let sim = Simulator::start(SimConfig::default()).await.expect("simulator");
    let dir = tempfile::tempdir().expect("temporary folder");
    let server = sim.base_url();
    let quiet = xtask(&["generate", "--quiet", "--server", &server, "--out", text(dir.path())], &[]).await;
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(quiet.stderr.is_empty() && quiet.stdout.is_empty(), "{}", stderr(&quiet));

    let normal = xtask(&["generate", "--server", &server, "--out", text(dir.path())], &[]).await;
    let log = stderr(&normal);
    // A folder without generator.toml is generated without options, and the run says so first.
    let (notes, stage_lines): (Vec<&str>, Vec<&str>) =
        log.lines().partition(|line| line.starts_with("no generator.toml in "));
    assert_eq!(notes.len(), 1, "{log}");
    let log = stage_lines.join("\n");
    let stages: Vec<&str> = log.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert_eq!(stages, ["fetch", "parse", "generate", "write"], "{log}");
    for line in log.lines() {
        let seconds = line.split_whitespace().nth(1).expect("a time");
        seconds.parse::<f64>().unwrap_or_else(|_| panic!("timed: {line}"));
        assert_eq!(line.split_whitespace().nth(2), Some("s"), "{line}");
    }
    assert!(!log.contains('\x1b'), "no colours when stderr is not a terminal: {log:?}");

    let verbose = xtask(&["generate", "-v", "--server", &server, "--out", text(dir.path())], &[]).await;
    let log = stderr(&verbose);
    assert!(log.contains(&format!("  {server} (302 Found)")), "{log}");
    assert!(log.contains(&format!("  {server}/swagger/ui/index (Swagger UI, Swashbuckle 5)")), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_pool_that_answers_503_while_starting_is_waited_for() {
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    let document =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sim/fixtures/swagger.json"))
            .expect("fixture");
    let router =
        Router::new().route(
            "/TrackIt/WebApi/swagger/docs/v2",
            get(move || {
                let seen = counter.fetch_add(1, Ordering::SeqCst);
                let document = document.clone();
                async move {
                    if seen < 2 { StatusCode::SERVICE_UNAVAILABLE.into_response() } else { document.into_response() }
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });

    let dir = tempfile::tempdir().expect("temporary folder");
    let server = format!("http://{addr}/TrackIt/WebApi/swagger/docs/v2");
    let output = xtask(&["generate", "--server", &server, "--out", text(dir.path())], &[]).await;
    let log = stderr(&output);
    assert!(output.status.success(), "{log}");
    assert!(
        log.contains(&format!("{server}: 503 Service Unavailable; trying again in 0.5 s (attempt 2 of 4)")),
        "{log}"
    );
    assert!(log.contains("trying again in 1.0 s (attempt 3 of 4)"), "{log}");
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn regenerating_after_an_upgrade_lists_the_api_changes() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sim/fixtures/swagger.json");
    let mut upgraded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&reference).expect("fixture")).expect("JSON");
    upgraded["paths"].as_object_mut().expect("paths").shift_remove("/tickets/Templates");
    let new = dir.path().join("upgraded.json");
    std::fs::write(&new, serde_json::to_vec_pretty(&upgraded).expect("JSON")).expect("write");
    let out = dir.path().join("generated");

    let first = xtask(&["generate", "--spec", text(&reference), "--out", text(&out)], &[]).await;
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(!stderr(&first).contains("API change"), "nothing to compare with yet");

    let check = xtask(&["generate", "--spec", text(&new), "--out", text(&out), "--check"], &[]).await;
    assert_eq!(check.status.code(), Some(1));
    let report =
        "1 API change, breaking\n  breaking    GET /tickets/Templates (Ticket_GetTicketTemplates): operation removed";
    assert!(stderr(&check).contains(report), "{}", stderr(&check));

    let upgrade = xtask(&["generate", "--spec", text(&new), "--out", text(&out)], &[]).await;
    assert!(upgrade.status.success(), "{}", stderr(&upgrade));
    assert!(stderr(&upgrade).contains(report), "{}", stderr(&upgrade));
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("swagger.json")).expect("kept")).expect("JSON");
    assert_eq!(kept, upgraded, "the new document is kept for the next comparison");

    let again = xtask(&["generate", "--spec", text(&new), "--out", text(&out)], &[]).await;
    assert!(!stderr(&again).contains("API change"), "{}", stderr(&again));
}
