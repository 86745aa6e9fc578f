//! The auth layer under user layers: reqwest-retry (idempotent calls only) and
//! reqwest-tracing, against dropped connections and 503s. (`tests/logs.rs` checks the spans.)

use std::time::Duration;

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_retry::policies::ExponentialBackoff;
use reqwest_retry::{Jitter, RetryTransientMiddleware};
use reqwest_tracing::{ReqwestOtelSpanBackend, TracingMiddleware};
use serde_json::json;
use tracing::Span;
use trackit_runtime::{ApiClient, Call, Error, IdempotentOnly, Method, OperationId};
use trackit_sim::Simulator;

use crate::support::{default_simulator, demo_builder, get_ticket};

/// Names each span after the operation, from the extension `ApiClient::execute` sets.
struct OperationSpans;

impl ReqwestOtelSpanBackend for OperationSpans {
    fn on_request_start(request: &Request, extensions: &mut Extensions) -> Span {
        let operation = extensions.get::<OperationId>().map_or("unknown", |id| id.0);
        tracing::info_span!("trackit_call", operation, method = %request.method(), status = tracing::field::Empty)
    }

    fn on_request_end(span: &Span, outcome: &reqwest_middleware::Result<Response>, _: &mut Extensions) {
        if let Ok(response) = outcome {
            span.record("status", response.status().as_u16());
        }
    }
}

fn layered_client(sim: &Simulator, backoff: Duration) -> ApiClient {
    let policy =
        ExponentialBackoff::builder().retry_bounds(backoff, backoff).jitter(Jitter::None).build_with_max_retries(3);
    demo_builder(sim)
        .with(TracingMiddleware::<OperationSpans>::new())
        .with(IdempotentOnly(RetryTransientMiddleware::new_with_policy(policy)))
        .build()
        .expect("builds")
}

#[tokio::test]
async fn dropped_connections_and_503s_are_retried() {
    let sim = default_simulator().await;
    let client = layered_client(&sim, Duration::from_millis(10));
    client.login().await.expect("login");
    sim.faults().drop_next_connections(1).fail_next_requests(1, 503);
    get_ticket(&client).await.expect("third attempt answers");
    assert_eq!(sim.faults().injected(), 2);
    assert_eq!(sim.stats().requests, 1, "only the third attempt reached the operation");
}

#[tokio::test]
async fn a_post_is_not_retried() {
    let sim = default_simulator().await;
    let client = layered_client(&sim, Duration::from_millis(10));
    client.login().await.expect("login");
    sim.faults().fail_next_requests(1, 503);
    let note = json!({"Note": "Swapped the cable.", "Private": false});
    let call = Call::new("Ticket_AddNote", Method::POST, "/tickets/{id}/AddNote").path_param("id", 1042);
    let error = client.execute::<serde_json::Value>(call.json_body(&note).expect("encodes")).await.expect_err("503");
    assert!(matches!(error, Error::Api { status: 503, .. }), "{error:?}");
    assert_eq!(sim.faults().injected(), 1, "sent once");
    assert_eq!(sim.stats().requests, 0);
}

#[tokio::test]
async fn each_retry_goes_through_the_auth_layer_again() {
    let sim = default_simulator().await;
    // A 2-second token reads as `expires_in: 1`: stale after 0.75 s, so the retry one second
    // after the 503 finds it stale. Only the auth layer renews, so a refresh grant during the
    // call proves the retry passed through it.
    sim.faults().token_lifetime(Duration::from_secs(2));
    let client = layered_client(&sim, Duration::from_secs(1));
    client.login().await.expect("login");
    sim.faults().fail_next_requests(1, 503);
    get_ticket(&client).await.expect("the retry answers");
    let token_stats = client.token_stats();
    assert_eq!(token_stats.password_grants, 1, "{token_stats:?}");
    assert!(token_stats.refresh_grants >= 1, "renewed between the attempts: {token_stats:?}");
    assert_eq!(sim.stats().unauthorized, 0);
}
