//! Riding out a server that is still starting: 502/503 and refused connections are retried
//! with backoff, a bounded number of times; TLS failures are not.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::{Router, http::StatusCode, response::IntoResponse, routing::get};
use xtask::fetch::{FetchEvent, FetchOptions, Observer, RetryPolicy, fetch_document};

const DOCUMENT: &str = r#"{"swagger":"2.0","info":{"title":"t","version":"v2"},"paths":{}}"#;

/// Fast enough for a test, and still doubling.
const QUICK: RetryPolicy =
    RetryPolicy { attempts: 4, first_delay: Duration::from_millis(10), max_delay: Duration::from_millis(40) };

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// A document route that answers `status` to the first `failures` requests; returns its
/// address and the request counter.
async fn failing_then_serving(status: StatusCode, failures: usize) -> (SocketAddr, Arc<AtomicUsize>) {
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    let router = Router::new().route(
        "/TrackIt/WebApi/swagger/docs/v2",
        get(move || {
            let seen = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if seen < failures {
                    (status, "<html>The service is unavailable.</html>").into_response()
                } else {
                    DOCUMENT.into_response()
                }
            }
        }),
    );
    (serve(router).await, requests)
}

/// Options with `policy` whose observer records each retry as `"attempt N: cause"`.
fn recording(policy: RetryPolicy) -> (FetchOptions, Arc<Mutex<Vec<String>>>) {
    let retries = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&retries);
    let observer = Observer::new(move |event| {
        if let FetchEvent::Retrying { cause, attempt, attempts, .. } = event {
            sink.lock().expect("lock").push(format!("attempt {attempt} of {attempts}: {cause}"));
        }
    });
    (FetchOptions { retry: policy, observer, ..FetchOptions::default() }, retries)
}

#[tokio::test]
async fn a_server_answering_503_twice_is_retried_until_it_answers() {
    let (addr, requests) = failing_then_serving(StatusCode::SERVICE_UNAVAILABLE, 2).await;
    let (options, retries) = recording(QUICK);
    let fetched = fetch_document(&format!("http://{addr}/TrackIt/WebApi/swagger/docs/v2"), &options)
        .await
        .expect("the third answer is the document");
    assert_eq!(fetched.bytes, DOCUMENT.as_bytes());
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    assert_eq!(
        *retries.lock().expect("lock"),
        ["attempt 2 of 4: 503 Service Unavailable", "attempt 3 of 4: 503 Service Unavailable"]
    );
}

#[tokio::test]
async fn retries_stop_after_the_last_attempt() {
    let (addr, requests) = failing_then_serving(StatusCode::BAD_GATEWAY, usize::MAX).await;
    let policy = RetryPolicy { attempts: 3, ..QUICK };
    let (options, retries) = recording(policy);
    let start = format!("http://{addr}/TrackIt/WebApi/swagger/docs/v2");
    let error = fetch_document(&start, &options).await.expect_err("never recovers");
    assert_eq!(error.to_string(), format!("{start} answered 502 Bad Gateway"));
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    assert_eq!(retries.lock().expect("lock").len(), 2);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let (addr, requests) = failing_then_serving(StatusCode::INTERNAL_SERVER_ERROR, usize::MAX).await;
    let (options, retries) = recording(QUICK);
    fetch_document(&format!("http://{addr}/TrackIt/WebApi/swagger/docs/v2"), &options).await.expect_err("500");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    assert!(retries.lock().expect("lock").is_empty());

    // Plain HTTP where https was asked for: a TLS failure, which no retry can fix.
    let (options, retries) = recording(QUICK);
    let error = fetch_document(&format!("{addr}/TrackIt/WebApi"), &options).await.expect_err("TLS");
    assert!(error.to_string().starts_with("TLS failure talking to https://"), "{error}");
    assert!(retries.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn a_refused_connection_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local address");
    drop(listener);
    let (options, retries) = recording(RetryPolicy { attempts: 3, ..QUICK });
    let start = format!("http://{addr}/TrackIt/WebApi");
    let error = fetch_document(&start, &options).await.expect_err("nobody listens");
    assert_eq!(error.to_string(), format!("cannot reach {start}: connection refused"));
    assert_eq!(
        *retries.lock().expect("lock"),
        ["attempt 2 of 3: connection refused", "attempt 3 of 3: connection refused"]
    );
}
