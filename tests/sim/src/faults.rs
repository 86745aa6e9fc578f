//! Injected failures for resilience tests: a slow or broken token endpoint, dropped
//! connections, failing or redirected API calls, a skewed server clock, a changed token
//! lifetime.
//!
//! Set them through [`Simulator::faults`](crate::Simulator::faults) while the server runs; all
//! are off by default and [`Faults::clear`] turns them off again. Token faults last until
//! cleared; API faults are queued and each one answers exactly one API request.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use crate::app::{BASE_LOWER, api};
use crate::errors::json_reply;
use crate::state::SharedState;

/// What IIS shows when the application pool is stopped or still starting.
const IIS_SERVICE_UNAVAILABLE: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n";

/// IIS's detailed error page for a broken `web.config`, a classic after an upgrade.
const IIS_INTERNAL_ERROR: &str = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n<head>\r\n<title>IIS 10.0 Detailed Error - 500.19 - Internal Server Error</title>\r\n</head>\r\n<body>\r\n<div id=\"content\">\r\n<div class=\"content-container\">\r\n<h3>HTTP Error 500.19 - Internal Server Error</h3>\r\n<h4>The requested page cannot be accessed because the related configuration data for the page is invalid.</h4>\r\n</div>\r\n</div>\r\n</body>\r\n</html>\r\n";

/// A token reply cut off mid-way, as when a proxy truncates it.
const MALFORMED_TOKEN_REPLY: &str = r#"{"access_token":"#;

/// How the token endpoint misbehaves while a token fault is set.
#[derive(Clone, Debug)]
enum TokenFault {
    /// This status with Web API's JSON error body.
    Status(StatusCode),
    /// `200 OK` with a JSON body cut off mid-way.
    Malformed,
    /// `500` with IIS's HTML error page.
    HtmlErrorPage,
    /// `302 Found` to this location.
    Redirect(String),
}

/// How the next API request is answered instead of by its operation.
#[derive(Clone, Debug)]
enum ApiFault {
    /// The connection is closed without a reply.
    Drop,
    /// This status with the body IIS or Web API sends with it.
    Status(StatusCode),
    /// `302 Found` to this location.
    Redirect(String),
}

#[derive(Default)]
struct FaultState {
    token_delay: Duration,
    token_lifetime: Option<Duration>,
    token_fault: Option<TokenFault>,
    expires_in_as_string: bool,
    clock_skew_secs: i64,
    api_faults: VecDeque<ApiFault>,
}

/// The simulator's fault switches; see the module documentation.
#[derive(Default)]
pub struct Faults {
    state: Mutex<FaultState>,
    injected: AtomicU64,
}

impl Faults {
    /// Makes every token request wait `delay` before it is answered (a cold IIS app pool).
    pub fn token_delay(&self, delay: Duration) -> &Self {
        self.lock().token_delay = delay;
        self
    }

    /// Makes the token endpoint answer `status` with Web API's JSON error body
    /// (`{"Message":"An error has occurred."}`). Statuses outside 100..=999 read as 500.
    pub fn token_status(&self, status: u16) -> &Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.set_token_fault(TokenFault::Status(status))
    }

    /// Makes the token endpoint answer `200 OK` with JSON cut off mid-way.
    pub fn token_body_malformed(&self) -> &Self {
        self.set_token_fault(TokenFault::Malformed)
    }

    /// Makes the token endpoint answer `500` with IIS's HTML error page.
    pub fn token_html_error_page(&self) -> &Self {
        self.set_token_fault(TokenFault::HtmlErrorPage)
    }

    /// Makes the token endpoint answer `302 Found` pointing at `location`.
    pub fn token_redirect(&self, location: &str) -> &Self {
        self.set_token_fault(TokenFault::Redirect(location.to_owned()))
    }

    /// Issues tokens with `lifetime` instead of [`SimConfig::token_lifetime`](crate::SimConfig),
    /// as after an administrator changed it; e.g. one short-lived token, then normal ones.
    pub fn token_lifetime(&self, lifetime: Duration) -> &Self {
        self.lock().token_lifetime = Some(lifetime);
        self
    }

    /// Writes `expires_in` as a string (`"1799"`), as some Katana versions do.
    pub fn expires_in_as_string(&self, as_string: bool) -> &Self {
        self.lock().expires_in_as_string = as_string;
        self
    }

    /// Shifts the server's clock by `seconds` (negative: behind) in the token reply's
    /// `.issued` and `.expires`, as on a server whose clock drifted from the client's.
    pub fn server_clock_skew(&self, seconds: i64) -> &Self {
        self.lock().clock_skew_secs = seconds;
        self
    }

    /// Closes the connection of each of the next `count` API requests without replying, as
    /// when an IIS worker process recycles mid-request.
    pub fn drop_next_connections(&self, count: usize) -> &Self {
        self.queue(count, ApiFault::Drop)
    }

    /// Answers each of the next `count` API requests with `status` and the body IIS or
    /// Web API sends with it (IIS's HTML page for 503, Web API's JSON otherwise).
    pub fn fail_next_requests(&self, count: usize, status: u16) -> &Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.queue(count, ApiFault::Status(status))
    }

    /// Answers each of the next `count` API requests with `302 Found` pointing at `location`.
    pub fn redirect_next_requests(&self, count: usize, location: &str) -> &Self {
        self.queue(count, ApiFault::Redirect(location.to_owned()))
    }

    /// Turns every fault off, including queued API faults not yet used.
    pub fn clear(&self) -> &Self {
        *self.lock() = FaultState::default();
        self
    }

    /// How many API requests a queued fault answered so far.
    pub fn injected(&self) -> u64 {
        self.injected.load(Ordering::Relaxed)
    }

    /// The seconds to add to the server clock in token replies.
    pub(crate) fn clock_skew_secs(&self) -> i64 {
        self.lock().clock_skew_secs
    }

    /// The lifetime of the next token: the override, if set, else `configured`.
    pub(crate) fn token_lifetime_or(&self, configured: Duration) -> Duration {
        self.lock().token_lifetime.unwrap_or(configured)
    }

    pub(crate) fn writes_expires_in_as_string(&self) -> bool {
        self.lock().expires_in_as_string
    }

    /// Waits out the token delay, then gives the faulty reply to send instead of a token, if any.
    pub(crate) async fn token_reply(&self) -> Option<Response> {
        let (delay, fault) = {
            let state = self.lock();
            (state.token_delay, state.token_fault.clone())
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        Some(match fault? {
            TokenFault::Status(status) => json_reply(status, &json!({"Message": "An error has occurred."})),
            TokenFault::Malformed => {
                let mut response = (StatusCode::OK, MALFORMED_TOKEN_REPLY).into_response();
                response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            TokenFault::HtmlErrorPage => (StatusCode::INTERNAL_SERVER_ERROR, Html(IIS_INTERNAL_ERROR)).into_response(),
            TokenFault::Redirect(location) => redirect(&location),
        })
    }

    fn set_token_fault(&self, fault: TokenFault) -> &Self {
        self.lock().token_fault = Some(fault);
        self
    }

    fn queue(&self, count: usize, fault: ApiFault) -> &Self {
        self.lock().api_faults.extend(std::iter::repeat_n(fault, count));
        self
    }

    fn next_api_fault(&self) -> Option<ApiFault> {
        let fault = self.lock().api_faults.pop_front()?;
        self.injected.fetch_add(1, Ordering::Relaxed);
        Some(fault)
    }

    /// A simulator has no invariant a panicked handler could break here, so poison is ignored.
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Middleware: answers an API request (anything under the base path but `/token`) with the
/// next queued fault, if any.
pub(crate) async fn inject_api_faults(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = path.starts_with(&format!("{BASE_LOWER}/")) && path != api("/token");
    let fault = if is_api { state.faults.next_api_fault() } else { None };
    match fault {
        None => next.run(request).await,
        Some(ApiFault::Drop) => dropped_connection(),
        Some(ApiFault::Status(StatusCode::SERVICE_UNAVAILABLE)) => {
            (StatusCode::SERVICE_UNAVAILABLE, Html(IIS_SERVICE_UNAVAILABLE)).into_response()
        }
        Some(ApiFault::Status(StatusCode::UNAUTHORIZED)) => {
            json_reply(StatusCode::UNAUTHORIZED, &json!({"Message": "Authorization has been denied for this request."}))
        }
        Some(ApiFault::Status(status)) => json_reply(status, &json!({"Message": "An error has occurred."})),
        Some(ApiFault::Redirect(location)) => redirect(&location),
    }
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A reply whose body fails before its first byte: hyper then closes the connection without
/// sending anything, so the client sees the connection drop before a reply arrived.
fn dropped_connection() -> Response {
    Response::new(Body::new(FailingBody))
}

struct FailingBody;

/// The error the failing body reports to hyper; never seen by a client.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by a simulated fault")]
struct DroppedConnection;

impl HttpBody for FailingBody {
    type Data = Bytes;
    type Error = DroppedConnection;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(Some(Err(DroppedConnection)))
    }
}
