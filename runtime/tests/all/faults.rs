//! Every simulator fault yields the documented error or recovery.

use std::time::Duration;

use trackit_runtime::Error;
use trackit_sim::SimConfig;

use crate::support::{ForeignHost, default_simulator, demo_builder, demo_client, get_ticket, simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_token_endpoint_is_waited_for_once() {
    let sim = default_simulator().await;
    sim.faults().token_delay(Duration::from_millis(300));
    let client = demo_client(&sim);
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get_ticket(&client).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task runs").expect("answered after the slow login");
    }
    assert_eq!(sim.stats().token_requests, 1);
}

#[tokio::test]
async fn a_token_endpoint_slower_than_the_timeout_is_a_retryable_timeout() {
    let sim = default_simulator().await;
    sim.faults().token_delay(Duration::from_secs(2));
    let client = demo_builder(&sim).timeout(Duration::from_millis(200)).build().expect("builds");
    let error = client.login().await.expect_err("timed out");
    assert!(matches!(error, Error::Timeout { operation: None, after: Some(_) }), "{error:?}");
    assert_eq!(error.to_string(), "the token request (login) got no answer from Track-It! within 200 ms");
    assert!(error.is_timeout() && error.is_retryable());
}

#[tokio::test]
async fn a_token_endpoint_500_fails_the_login_with_its_message() {
    let sim = default_simulator().await;
    sim.faults().token_status(500);
    let error = demo_client(&sim).login().await.expect_err("500");
    assert!(matches!(&error, Error::TokenEndpoint { status: Some(500), detail } if detail == "An error has occurred."));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_failing_renewal_is_ridden_out_without_hammering_the_endpoint() {
    // `expires_in: 2`: the client renews from 1.5 s on; the token dies at 2 s.
    let sim = simulator(SimConfig { token_lifetime: Duration::from_secs(3), ..SimConfig::default() }).await;
    let client = demo_client(&sim);
    client.login().await.expect("login");
    sim.faults().token_status(500);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    for _ in 0..20 {
        get_ticket(&client).await.expect("the current token still works");
    }
    // One failed renewal, then a pause (a quarter second for these short tokens) before the
    // next attempt: not one attempt per call.
    assert!(sim.stats().token_requests <= 3, "{:?}", sim.stats());
    sim.faults().clear();
    tokio::time::sleep(Duration::from_millis(300)).await;
    get_ticket(&client).await.expect("renewed");
    let stats = sim.stats();
    assert_eq!((stats.refresh_grants, stats.unauthorized), (1, 0), "{stats:?}");
}

#[tokio::test]
async fn a_malformed_token_reply_is_a_token_error_that_quotes_no_token() {
    let sim = default_simulator().await;
    sim.faults().token_body_malformed();
    let error = demo_client(&sim).login().await.expect_err("malformed");
    assert!(matches!(&error, Error::TokenEndpoint { status: Some(200), .. }), "{error:?}");
    assert!(error.to_string().contains("cut off or malformed"), "{error}");
}

#[tokio::test]
async fn an_iis_error_page_is_named_by_its_title() {
    let sim = default_simulator().await;
    sim.faults().token_html_error_page();
    let error = demo_client(&sim).login().await.expect_err("HTML page");
    assert!(matches!(&error, Error::TokenEndpoint { status: Some(500), .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("an HTML page titled `IIS 10.0 Detailed Error - 500.19 - Internal Server Error`"));
    assert!(!message.contains("<html"), "{message}");
}

#[tokio::test]
async fn a_dropped_connection_is_a_retryable_transport_error() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    client.login().await.expect("login");
    sim.faults().drop_next_connections(1);
    let error = get_ticket(&client).await.expect_err("dropped");
    assert!(matches!(error, Error::Transport { operation: Some("Ticket_Get"), .. }), "{error:?}");
    assert!(error.is_retryable());
    get_ticket(&client).await.expect("the next call works");
}

#[tokio::test]
async fn an_api_503_keeps_the_iis_page_in_the_error() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    sim.faults().fail_next_requests(1, 503);
    let error = get_ticket(&client).await.expect_err("503");
    assert!(matches!(&error, Error::Api { status: 503, body, .. } if body.contains("HTTP Error 503")), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn the_token_request_never_follows_a_redirect() {
    let sim = default_simulator().await;
    let elsewhere = ForeignHost::start().await;
    sim.faults().token_redirect(&elsewhere.url("/token"));
    let error = demo_client(&sim).login().await.expect_err("redirected");
    assert!(matches!(&error, Error::TokenEndpoint { status: Some(302), .. }), "{error:?}");
    assert!(error.to_string().contains("not followed"), "{error}");
    assert!(elsewhere.requests().is_empty(), "the password form went nowhere else");
}
