//! `cargo xtask generate` as a user runs it: the real binary, against the simulator on 127.0.0.1.

use std::path::Path;
use std::process::{Command, Output};

use trackit_sim::{SimConfig, Simulator};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// `xtask` blocks on its own runtime, so the simulator runs on this test's runtime meanwhile.
async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || xtask(&args.iter().map(String::as_str).collect::<Vec<_>>())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn generates_from_a_live_server_found_through_its_swagger_ui() {
    let simulator = Simulator::start(SimConfig::default()).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let server = format!("{}/trackit/WEBAPI", simulator.root_url());
    let output =
        run(vec!["generate".into(), "--server".into(), server, "--out".into(), path_arg(out.path()).into()]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(log.contains("swagger/ui/index"), "says how it found the document: {log}");
    assert!(log.contains("swagger/docs/v2"), "{log}");
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("swagger.json")).unwrap()).unwrap();
    assert_eq!(saved["host"], simulator.addr().to_string(), "the fetched document is kept as served");
    let client = std::fs::read_to_string(out.path().join("src/client.rs")).unwrap();
    assert!(
        client.contains(r#"pub const TOKEN_URL: &str = "token";"#),
        "../../token from swagger/docs/v2 is {{base}}/token"
    );

    // Unchanged server: --check passes; a hand-edited generated file makes it fail, by name.
    let check = |out: &Path| {
        let out = path_arg(out).to_owned();
        let server = simulator.base_url();
        async move { run(vec!["generate".into(), "--server".into(), server, "--out".into(), out, "--check".into()]).await }
    };
    assert!(check(out.path()).await.status.success());
    std::fs::write(out.path().join("src/types.rs"), "// edited").unwrap();
    let stale = check(out.path()).await;
    assert_eq!(stale.status.code(), Some(1));
    assert!(stderr(&stale).contains("src/types.rs"), "{}", stderr(&stale));
    assert_eq!(
        std::fs::read_to_string(out.path().join("src/types.rs")).unwrap(),
        "// edited",
        "--check writes nothing"
    );
}

#[test]
fn an_unreachable_server_is_one_clear_line() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let out = tempfile::tempdir().unwrap();
    let url = format!("http://{address}/TrackIt/WebApi");
    let output = xtask(&["generate", "--server", &url, "--retries", "0", "--out", path_arg(out.path())]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.starts_with("error: cannot reach"), "{message}");
    assert!(message.contains(&address.to_string()), "{message}");
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none(), "nothing written");
}

#[test]
fn a_file_that_is_not_a_document_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 3] = [
        ("page.html", "<!DOCTYPE html><html><body>Server Error in '/' Application.</body></html>", "HTML"),
        ("broken.json", "{\n  \"swagger\": \"2.0\",\n  \"paths\": {\n", "line"),
        ("other.json", r#"{"name": "not an API"}"#, "other.json#"),
    ];
    for (name, contents, expected) in cases {
        let spec = dir.path().join(name);
        std::fs::write(&spec, contents).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        let output = xtask(&["generate", "--quiet", "--spec", path_arg(&spec), "--out", path_arg(&out)]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert_eq!(message.trim().lines().count(), 1, "{message}");
        assert!(message.contains(name) && message.contains(expected), "{message}");
        assert!(!out.exists(), "nothing written for {name}");
    }
}

#[test]
fn a_password_is_never_a_flag() {
    let output = xtask(&["generate", "--server", "https://example.invalid", "--password", "secret"]);
    assert_eq!(output.status.code(), Some(2));
}
