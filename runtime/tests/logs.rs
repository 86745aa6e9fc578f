//! What the runtime writes to logs, captured from every crate at TRACE level (reqwest, hyper,
//! h2, rustls and the simulator included): never a password or token, one loud warning for
//! turned-off certificate checks, one error for a refused password, one span per operation.
//!
//! A separate test binary, because the capturing subscriber is process-wide.

use std::fmt::{self, Write as _};
use std::io;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_retry::policies::ExponentialBackoff;
use reqwest_retry::{Jitter, RetryTransientMiddleware};
use reqwest_tracing::{ReqwestOtelSpanBackend, TracingMiddleware};
use tracing::Span;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt as _;
use trackit_runtime::{ApiClient, Call, Credentials, Error, IdempotentOnly, Method, OperationId};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator, TlsConfig};

/// A shared buffer the process-wide subscriber writes to.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'writer> MakeWriter<'writer> for Capture {
    type Writer = Capture;

    fn make_writer(&'writer self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the capturing subscriber once (also for `log` records) and returns its buffer.
fn logs() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::CLOSE)
            .with_writer(capture.clone())
            .finish()
            .try_init()
            .expect("the only subscriber of this test binary");
        capture
    })
}

async fn simulator(config: SimConfig) -> Simulator {
    Simulator::start(config).await.expect("simulator starts")
}

fn ticket_get() -> Call {
    Call::new("Ticket_Get", Method::GET, "/tickets/1042")
}

/// Every error's `Display` and `Debug`, for the leak check.
#[derive(Default)]
struct Printed(String);

// Writing to a `String` cannot fail, so the `fmt::Result`s are dropped.
impl Printed {
    fn error(&mut self, error: &Error) {
        let _ = writeln!(self.0, "{error}");
        self.debug(error);
    }

    fn debug(&mut self, value: &impl fmt::Debug) {
        let _ = writeln!(self.0, "{value:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_or_token_appears_in_logs_or_errors() {
    const WRONG_PASSWORD: &str = "Wr0ng-password-never-logged";
    let logs = logs();
    let sim = simulator(SimConfig { token_lifetime: Duration::from_secs(2), ..SimConfig::default() }).await;
    let tls = TlsConfig::self_signed().expect("certificates");
    let https = simulator(SimConfig { tls: Some(tls), ..SimConfig::default() }).await;
    let mut printed = Printed::default();

    // A refused password, with its error printed.
    let wrong = ApiClient::builder(&sim.base_url(), Credentials::new(DEMO_USER, WRONG_PASSWORD)).no_proxy().build();
    let wrong = wrong.expect("builds");
    printed.error(&wrong.login().await.expect_err("refused"));
    printed.debug(&wrong);

    // A session through logins, refresh renewals, a revocation, faults and a logout.
    let builder = ApiClient::builder(&sim.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD)).no_proxy();
    printed.debug(&builder);
    let client = builder.build().expect("builds");
    printed.debug(&client.login().await.expect("login"));
    for _ in 0..3 {
        client.execute::<serde_json::Value>(ticket_get()).await.expect("call");
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    sim.revoke_all_tokens();
    client.execute::<serde_json::Value>(ticket_get()).await.expect("renewed after 401");
    sim.faults().fail_next_requests(2, 401);
    printed.error(&client.execute::<serde_json::Value>(ticket_get()).await.expect_err("401 twice"));
    sim.faults().drop_next_connections(1);
    printed.error(&client.execute::<serde_json::Value>(ticket_get()).await.expect_err("dropped"));
    for malformed in [true, false] {
        if malformed {
            sim.faults().token_body_malformed();
        } else {
            sim.faults().token_status(500);
        }
        client.forget_token();
        printed.error(&client.login().await.expect_err("token fault"));
        sim.faults().clear();
    }
    client.logout().await.expect("logout");

    // The same over HTTPS (h2 and rustls log too), with and without the CA.
    let untrusted = ApiClient::builder(&https.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD)).no_proxy();
    printed.error(&untrusted.build().expect("builds").login().await.expect_err("unknown CA"));
    let trusted = ApiClient::builder(&https.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD))
        .no_proxy()
        .add_root_certificate_pem(https.ca_certificate_pem().expect("TLS").to_owned())
        .build()
        .expect("builds");
    trusted.execute::<serde_json::Value>(ticket_get()).await.expect("call over HTTPS");
    trusted.logout().await.expect("logout");

    let mut secrets = vec![DEMO_PASSWORD.to_owned(), WRONG_PASSWORD.to_owned()];
    secrets.extend(sim.issued_tokens());
    secrets.extend(https.issued_tokens());
    assert!(secrets.len() >= 10, "tokens were issued: {}", secrets.len());
    let captured = logs.text();
    assert!(captured.contains("TRACE"), "the capture sees everything");
    for secret in &secrets {
        assert!(!captured.contains(secret.as_str()), "a secret leaked into the logs");
        assert!(!printed.0.contains(secret.as_str()), "a secret leaked into an error: {}", printed.0);
    }
}

#[tokio::test]
async fn turning_certificate_checks_off_is_logged_loudly() {
    let logs = logs();
    let client = ApiClient::builder("https://127.0.0.1:9/TrackIt/WebApi", Credentials::new(DEMO_USER, DEMO_PASSWORD))
        .danger_accept_invalid_certs(true)
        .build();
    client.expect("builds");
    let warning = logs.text().lines().find(|line| line.contains("certificate checking is OFF")).map(str::to_owned);
    assert!(warning.is_some_and(|line| line.contains("WARN")), "{}", logs.text());
}

#[tokio::test]
async fn a_refused_password_is_logged_once() {
    let logs = logs();
    let sim = simulator(SimConfig::default()).await;
    let client = ApiClient::builder(&sim.base_url(), Credentials::new("HELP DESK\\NOBODY", "guess"))
        .no_proxy()
        .build()
        .expect("builds");
    for _ in 0..5 {
        client.execute::<serde_json::Value>(ticket_get()).await.expect_err("refused");
    }
    let text = logs.text();
    let refusals: Vec<&str> =
        text.lines().filter(|line| line.contains("NOBODY") && line.contains("refused the password")).collect();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(refusals[0].contains("ERROR"), "{}", refusals[0]);
}

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

#[tokio::test]
async fn a_tracing_layer_gets_one_span_per_operation_around_its_retries() {
    let logs = logs();
    let sim = simulator(SimConfig::default()).await;
    let retry = ExponentialBackoff::builder()
        .retry_bounds(Duration::from_millis(10), Duration::from_millis(10))
        .jitter(Jitter::None)
        .build_with_max_retries(3);
    let client = ApiClient::builder(&sim.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD))
        .no_proxy()
        .with(TracingMiddleware::<OperationSpans>::new())
        .with(IdempotentOnly(RetryTransientMiddleware::new_with_policy(retry)))
        .build()
        .expect("builds");
    sim.faults().drop_next_connections(1).fail_next_requests(1, 503);
    let call = Call::new("Ticket_GetTicketNotes", Method::GET, "/tickets/1042/Notes/0/0");
    client.execute::<serde_json::Value>(call).await.expect("answered on the third attempt");

    let text = logs.text();
    let closed: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("trackit_call{") && line.contains(r#"operation="Ticket_GetTicketNotes""#))
        .filter(|line| line.contains(" close "))
        .collect();
    assert_eq!(closed.len(), 1, "one span for the operation: {closed:?}");
    assert!(closed[0].contains("status=200"), "{}", closed[0]);
    let retries = text.lines().filter(|line| line.contains("trackit_call{") && line.contains("Retry attempt")).count();
    assert_eq!(retries, 2, "both retries are logged inside the span");
}
