//! The `trackit-sim` binary announces its URL on stdout and serves it.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn binary_prints_its_listening_line() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trackit-sim"))
        .args(["--port", "0", "--token-lifetime-secs", "60", "--user", "OPS\\ROOT:pw"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).await.expect("reads a line");
    let base_url = line.trim_end().strip_prefix("listening on ").expect("listening line").to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert!(base_url.ends_with("/TrackIt/WebApi"), "{base_url}");

    let http = reqwest::Client::builder().no_proxy().build().expect("client");
    let form = [("grant_type", "password"), ("username", "OPS\\ROOT"), ("password", "pw")];
    let reply: serde_json::Value = http
        .post(format!("{base_url}/token"))
        .form(&form)
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(reply["expires_in"], 59);
    assert_eq!(reply["username"], "ROOT");

    child.kill().await.expect("binary stops");
}
