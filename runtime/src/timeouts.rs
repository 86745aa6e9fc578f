//! The two transport timeouts of a client, so a timed-out request can say which one ran out.

use std::time::Duration;

use crate::Error;

/// The request and connect timeouts both HTTP clients of an [`ApiClient`](crate::ApiClient) use.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    /// The whole request, from sending to the last byte of the body.
    pub(crate) request: Duration,
    /// Establishing the connection (TCP and TLS).
    pub(crate) connect: Duration,
}

impl Timeouts {
    /// How long was waited before `error`, when it is a timeout; `None` for other errors.
    pub(crate) fn elapsed_before(&self, error: &reqwest::Error) -> Option<Duration> {
        if !error.is_timeout() {
            return None;
        }
        // reqwest marks a connect timeout as a connect error; the overall timeout is not one,
        // even when it runs out while still connecting.
        Some(if error.is_connect() { self.connect } else { self.request })
    }

    /// `Error::Timeout` for a timed-out API request, `Error::Transport` for any other failure.
    pub(crate) fn api_error(&self, operation: &'static str, source: reqwest::Error) -> Error {
        match self.elapsed_before(&source) {
            Some(after) => Error::Timeout { operation: Some(operation), after: Some(after) },
            None => Error::Transport { operation: Some(operation), source },
        }
    }
}
