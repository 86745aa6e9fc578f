//! Settings from the environment: proxy variables, and `TRACKIT_USERNAME`/`TRACKIT_PASSWORD`.
//!
//! The environment is shared by every test of the process, so the test runs a second copy of
//! this test binary with the variables set instead of changing its own environment.

use trackit_runtime::{ApiClient, Credentials, PASSWORD_VARIABLE, USERNAME_VARIABLE};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER};

use crate::support::{ForwardProxy, default_simulator, get_ticket};

/// Set only in the child process: the simulator's base URL.
const CHILD_BASE_URL: &str = "TRACKIT_RUNTIME_TEST_CHILD_BASE_URL";
const CHILD_TEST: &str = "environment::child_uses_the_environment";

#[tokio::test]
async fn proxy_and_credentials_come_from_the_environment() {
    let sim = default_simulator().await;
    let proxy = ForwardProxy::start(sim.addr()).await;
    let mut child = tokio::process::Command::new(std::env::current_exe().expect("test binary"));
    child.args(["--exact", CHILD_TEST, "--test-threads=1"]);
    for variable in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy", "http_proxy"] {
        child.env_remove(variable);
    }
    let output = child
        .env("HTTP_PROXY", format!("http://{}", proxy.addr))
        .env(USERNAME_VARIABLE, DEMO_USER)
        .env(PASSWORD_VARIABLE, DEMO_PASSWORD)
        .env(CHILD_BASE_URL, sim.base_url())
        .output()
        .await
        .expect("child runs");
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{report}");
    assert!(report.contains("1 passed"), "the child test ran: {report}");

    // A proxied request names the whole URL on its first line.
    let lines = proxy.first_lines();
    let base = sim.base_url();
    assert!(lines.iter().any(|line| line.starts_with(&format!("POST {base}/token "))), "{lines:?}");
    assert!(lines.iter().any(|line| line.starts_with(&format!("GET {base}/tickets/1042 "))), "{lines:?}");
    assert_eq!(sim.stats().password_grants, 1);
}

/// Does its work only in the child process started above.
#[tokio::test]
async fn child_uses_the_environment() {
    let Ok(base_url) = std::env::var(CHILD_BASE_URL) else {
        return;
    };
    let credentials = Credentials::from_env().expect("credentials from the environment");
    let client = ApiClient::builder(&base_url, credentials).build().expect("builds");
    get_ticket(&client).await.expect("call through the proxy");
}
