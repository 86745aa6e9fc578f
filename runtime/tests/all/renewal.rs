//! Single-flight login, renewal ahead of expiry, and recovery from revoked tokens.

use std::time::Duration;

use trackit_runtime::{Call, Method};
use trackit_sim::SimConfig;

use crate::support::{default_simulator, demo_client, simulator};

fn ticket_get() -> Call {
    Call::new("Ticket_Get", Method::GET, "/tickets/1042")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_cause_one_token_request() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute::<serde_json::Value>(ticket_get()).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("call succeeds");
    }
    let stats = sim.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.requests, 200);
    assert_eq!(stats.unauthorized, 0);
}

#[tokio::test]
async fn calls_across_expiry_renew_with_the_refresh_grant() {
    let sim = simulator(SimConfig { token_lifetime: Duration::from_secs(1), ..SimConfig::default() }).await;
    let client = demo_client(&sim);
    client.execute::<serde_json::Value>(ticket_get()).await.expect("first call");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.execute::<serde_json::Value>(ticket_get()).await.expect("call after expiry");
    let stats = sim.stats();
    assert_eq!(stats.password_grants, 1);
    assert!(stats.refresh_grants > 0, "{stats:?}");
    // Renewal happens before the token dies, so the server never had to refuse one.
    assert_eq!(stats.unauthorized, 0);
}

#[tokio::test]
async fn a_revoked_token_is_renewed_once_and_the_call_retried() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    client.login().await.expect("login");
    sim.revoke_all_tokens();

    client.execute::<serde_json::Value>(ticket_get()).await.expect("retried after renewal");
    let stats = sim.stats();
    assert_eq!(stats.unauthorized, 1);
    // Login, then the refused refresh token, then the password again.
    assert_eq!(stats.token_requests, 3);
    assert_eq!(stats.password_grants, 2);
    assert_eq!(stats.requests, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_cause_one_renewal() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    client.login().await.expect("login");
    sim.revoke_all_tokens();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute::<serde_json::Value>(ticket_get()).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("call succeeds");
    }
    let stats = sim.stats();
    assert_eq!(stats.token_requests, 3, "{stats:?}");
    assert_eq!(stats.password_grants, 2, "{stats:?}");
    assert_eq!(client.token_stats().rejected_tokens, 1, "N 401s for one token invalidate it once");
}

#[tokio::test]
async fn the_logout_route_clears_the_cached_tokens() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let reply = client
        .execute::<serde_json::Value>(Call::new("Technician_DoLogout", Method::GET, "/technicians/logout"))
        .await
        .expect("logout");
    assert_eq!(reply["success"], true);
    client.execute::<serde_json::Value>(ticket_get()).await.expect("call after logout");
    let stats = sim.stats();
    assert_eq!(stats.password_grants, 2);
    assert_eq!(stats.refresh_grants, 0);
    // The revoked token was never sent again.
    assert_eq!(stats.unauthorized, 0);
    assert_eq!(client.profile().expect("profile kept").full_name(), "Jordan Pike");
}
