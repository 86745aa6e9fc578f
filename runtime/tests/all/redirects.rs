//! The bearer token goes to the configured server and nowhere else.

use reqwest::header::AUTHORIZATION;

use crate::support::{ForeignHost, default_simulator, demo_client, get_ticket, ticket_get};

#[tokio::test]
async fn a_redirect_to_another_host_drops_the_token() {
    let sim = default_simulator().await;
    let other = ForeignHost::start().await;
    let client = demo_client(&sim);
    client.login().await.expect("login");
    sim.faults().redirect_next_requests(1, &other.url("/TrackIt/WebApi/tickets/1042"));
    let reply: serde_json::Value = client.execute(ticket_get()).await.expect("the other host answers `{}`");
    assert_eq!(reply, serde_json::json!({}));
    let requests = other.requests();
    assert_eq!(requests.len(), 1, "the redirect was followed");
    assert!(requests[0].get(AUTHORIZATION).is_none(), "{:?}", requests[0]);
}

#[tokio::test]
async fn user_agent_names_the_crate_and_version() {
    let other = ForeignHost::start().await;
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    client.http().get(other.url("/")).send().await.expect("sent");
    let agent = other.requests()[0].get(reqwest::header::USER_AGENT).cloned().expect("user agent");
    assert_eq!(agent, concat!("trackit-runtime/", env!("CARGO_PKG_VERSION")));
    get_ticket(&client).await.expect("call");
}
