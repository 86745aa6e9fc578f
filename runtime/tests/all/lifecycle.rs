//! Token lifecycle over HTTP: `expires_in` as text, a skewed server clock, a lasting 401,
//! a refused password, `ApiClient::logout`, the typed profile.

use std::time::Duration;

use trackit_runtime::{Credentials, Error};
use trackit_sim::DEMO_USER;

use crate::support::{client_for, default_simulator, demo_client, get_ticket};

#[tokio::test]
async fn a_string_expires_in_and_a_skewed_server_clock_change_nothing() {
    for skew_secs in [-7200, 7200] {
        let sim = default_simulator().await;
        sim.faults().expires_in_as_string(true).server_clock_skew(skew_secs);
        let client = demo_client(&sim);
        for _ in 0..20 {
            get_ticket(&client).await.expect("call");
        }
        // A client that trusted the server's dates would see the token as long expired (or
        // good for hours) and renew per call (or never).
        assert_eq!(sim.stats().token_requests, 1, "skew {skew_secs}: {:?}", sim.stats());
    }
}

#[tokio::test]
async fn a_second_401_is_returned_as_an_auth_error() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    client.login().await.expect("login");
    sim.faults().fail_next_requests(2, 401);
    let error = get_ticket(&client).await.expect_err("401 twice");
    assert!(matches!(error, Error::Unauthorized { operation: "Ticket_Get", .. }), "{error:?}");
    assert_eq!(error.status(), Some(401));
    assert_eq!(sim.stats().token_requests, 2, "one renewal, not a loop");
    get_ticket(&client).await.expect("the next call works");
}

#[tokio::test]
async fn a_refused_password_is_reported_once_and_not_retried() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let wrong = client_for(&sim, Credentials::new(DEMO_USER, "wrong-password"));
    for _ in 0..5 {
        let error = get_ticket(&wrong).await.expect_err("refused");
        assert!(matches!(error, Error::LoginRefused { .. }), "{error:?}");
        assert!(error.to_string().contains("HELP DESK\\JPIKE"), "{error}");
        assert!(!error.is_retryable());
    }
    assert_eq!(sim.stats().token_requests, 1, "the password is sent once, not per call");
    wrong.forget_token();
    get_ticket(&wrong).await.expect_err("still wrong");
    assert_eq!(sim.stats().token_requests, 2, "forget_token allows one more attempt");
    get_ticket(&client).await.expect("other clients are unaffected");
}

#[tokio::test]
async fn logout_without_a_session_sends_nothing() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    client.logout().await.expect("nothing to end");
    assert_eq!(sim.stats().token_requests + sim.stats().requests, 0);
    client.login().await.expect("login");
    client.logout().await.expect("logout");
    get_ticket(&client).await.expect("logs in again");
    let stats = sim.stats();
    assert_eq!((stats.password_grants, stats.unauthorized), (2, 0), "{stats:?}");
}

#[tokio::test]
async fn the_profile_is_typed() {
    let sim = default_simulator().await;
    let profile = demo_client(&sim).login().await.expect("login");
    assert_eq!((profile.username.as_str(), profile.group.as_str()), ("JPIKE", "HELP DESK"));
    assert_eq!(profile.server_language.as_deref(), Some("en-US"));
    let lifetime =
        profile.expires.zip(profile.issued).and_then(|(expires, issued)| expires.duration_since(issued).ok());
    assert_eq!(lifetime, Some(Duration::from_mins(30)));
}

#[tokio::test]
async fn renewing_ahead_of_expiry_does_not_stall_calls_while_the_token_lives() {
    let sim = crate::support::simulator(trackit_sim::SimConfig {
        token_lifetime: Duration::from_secs(5),
        ..trackit_sim::SimConfig::default()
    })
    .await;
    let client = demo_client(&sim);
    client.login().await.expect("login");
    // Into the renewal margin (a quarter of the lifetime), with a slow token endpoint.
    tokio::time::sleep(Duration::from_millis(3_900)).await;
    sim.faults().token_delay(Duration::from_millis(800));
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let call_started = std::time::Instant::now();
                get_ticket(&client).await.expect("call");
                call_started.elapsed()
            })
        })
        .collect();
    let mut fast = 0;
    for call in calls {
        if call.await.expect("task") < Duration::from_millis(400) {
            fast += 1;
        }
    }
    // One caller renews (and waits for the slow endpoint); the others go on with the live token.
    assert!(fast >= 9, "{fast} of 10 calls went on while one renewed ({:?})", started.elapsed());
    assert_eq!(sim.stats().token_requests, 2, "one login, one renewal");
}
