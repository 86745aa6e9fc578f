//! Request counters shared by all handlers (lock-free atomics).

use std::sync::atomic::{AtomicU64, Ordering};

/// Request counters, as served by `GET /_sim/stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Every request to `/token`, whatever its outcome.
    pub token_requests: u64,
    /// Successful `grant_type=password` grants.
    pub password_grants: u64,
    /// Successful `grant_type=refresh_token` grants.
    pub refresh_grants: u64,
    /// Every API-operation request that reached the authorization check.
    pub requests: u64,
    /// Replies with status 401.
    pub unauthorized: u64,
}

#[derive(Default)]
pub(crate) struct StatsCounters {
    pub token_requests: AtomicU64,
    pub password_grants: AtomicU64,
    pub refresh_grants: AtomicU64,
    pub requests: AtomicU64,
    pub unauthorized: AtomicU64,
}

impl StatsCounters {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Stats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Stats {
            token_requests: read(&self.token_requests),
            password_grants: read(&self.password_grants),
            refresh_grants: read(&self.refresh_grants),
            requests: read(&self.requests),
            unauthorized: read(&self.unauthorized),
        }
    }
}
