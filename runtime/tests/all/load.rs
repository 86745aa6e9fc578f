//! Load: a thousand callers behind one stale token, and hours of token lifetimes compressed
//! into seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use trackit_sim::SimConfig;

use crate::support::{default_simulator, demo_client, get_ticket, simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_an_expired_token_make_one_token_request() {
    let sim = default_simulator().await;
    // The first token is dead on arrival (a 1 s lifetime reads as `expires_in: 0`); the
    // server goes back to 30-minute tokens for the renewal.
    sim.faults().token_lifetime(Duration::from_secs(1));
    let client = demo_client(&sim);
    client.login().await.expect("login");
    sim.faults().clear();
    assert_eq!(sim.stats().token_requests, 1);

    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get_ticket(&client).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task runs").expect("call answered");
    }

    let stats = sim.stats();
    assert_eq!(stats.token_requests, 2, "one login, then one renewal for all 1,000 callers: {stats:?}");
    assert_eq!(stats.refresh_grants, 1);
    assert_eq!(stats.requests, 1000);
    assert_eq!(stats.unauthorized, 0);
    let token_stats = client.token_stats();
    assert_eq!((token_stats.password_grants, token_stats.refresh_grants), (1, 1));
}

/// Two hours of 30-minute tokens, compressed 900 times: 2-second tokens for 8 seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_two_hour_run_renews_per_lifetime_not_per_call() {
    const RUN: Duration = Duration::from_secs(8);
    const WORKERS: usize = 16;
    // Paced, so the run measures renewals rather than starving the other tests of CPU.
    const PAUSE: Duration = Duration::from_millis(15);

    let sim = simulator(SimConfig { token_lifetime: Duration::from_secs(2), ..SimConfig::default() }).await;
    let client = demo_client(&sim);
    let answered = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let client = client.clone();
            let answered = answered.clone();
            tokio::spawn(async move {
                while started.elapsed() < RUN {
                    get_ticket(&client).await.expect("every call is answered");
                    answered.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(PAUSE).await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker finished without a failed call");
    }

    let calls = answered.load(Ordering::Relaxed);
    let stats = sim.stats();
    let token_stats = client.token_stats();
    eprintln!("compressed run: {calls} calls, server {stats:?}, client {token_stats:?}");
    assert!(calls >= 2000, "thousands of calls: {calls}");
    assert_eq!(stats.password_grants, 1, "logged in once: {stats:?}");
    // `expires_in: 1` with a quarter margin: a renewal every ~0.75 s, so about 11 in 8 s.
    assert!((4..=30).contains(&stats.refresh_grants), "renewals per lifetime: {stats:?}");
    assert_eq!(stats.token_requests, stats.password_grants + stats.refresh_grants, "no failed grant: {stats:?}");
    assert_eq!(token_stats.refresh_grants, stats.refresh_grants);
    assert_eq!(stats.requests, calls + stats.unauthorized, "each call reached the server once, plus 401 retries");
}
