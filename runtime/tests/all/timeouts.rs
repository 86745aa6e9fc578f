//! Requests that get no answer in time become `Error::Timeout`, for API calls and logins.

use std::time::Duration;

use trackit_runtime::{ApiClient, Error};
use trackit_sim::SimConfig;

use crate::support::{default_simulator, demo_builder, demo_credentials, get_ticket, simulator};

/// A loopback server that accepts connections and never answers: an API hung on a slow query.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = listener.accept().await {
            held.push(connection);
        }
    });
    format!("http://{address}/TrackIt/WebApi")
}

#[tokio::test]
async fn an_api_call_without_an_answer_is_a_retryable_timeout() {
    let sim = default_simulator().await;
    let client = ApiClient::builder(&silent_server().await, demo_credentials())
        .token_url(&format!("{}/token", sim.base_url()))
        .timeout(Duration::from_millis(300))
        .no_proxy()
        .build()
        .expect("builds");
    let error = get_ticket(&client).await.expect_err("no answer");
    assert!(
        matches!(error, Error::Timeout { operation: Some("Ticket_Get"), after: Some(after) } if after == Duration::from_millis(300)),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "Ticket_Get got no answer from Track-It! within 300 ms");
    assert!(error.is_timeout() && error.is_retryable());
    assert_eq!(sim.stats().password_grants, 1, "the login itself worked");
}

#[tokio::test]
async fn a_renewal_that_times_out_is_ridden_out_with_the_current_token() {
    // `expires_in: 2`: the client renews from 1.5 s on; the token dies at 2 s.
    let sim = simulator(SimConfig { token_lifetime: Duration::from_secs(3), ..SimConfig::default() }).await;
    let client = demo_builder(&sim).timeout(Duration::from_millis(200)).build().expect("builds");
    client.login().await.expect("login");
    sim.faults().token_delay(Duration::from_secs(2));
    tokio::time::sleep(Duration::from_millis(1600)).await;
    get_ticket(&client).await.expect("the current token still works while renewal times out");
    assert!(sim.stats().token_requests >= 2, "{:?}", sim.stats());
}
