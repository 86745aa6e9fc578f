//! Counters of token grants, kept by the cache and read through [`ApiClient::token_stats`](crate::ApiClient::token_stats).

use std::sync::atomic::{AtomicU64, Ordering};

/// How many grants a client made, and how they went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenStats {
    /// Successful password grants (logins).
    pub password_grants: u64,
    /// Successful refresh-token grants (renewals without the password).
    pub refresh_grants: u64,
    /// Grants that brought no token: refused, unreachable endpoint, unusable reply.
    pub failed_grants: u64,
    /// Access tokens dropped because the server answered 401 to them.
    pub rejected_tokens: u64,
}

/// The live counters behind [`TokenStats`]; relaxed atomics, as they order nothing.
#[derive(Default)]
pub(crate) struct GrantCounters {
    password_grants: AtomicU64,
    refresh_grants: AtomicU64,
    failed_grants: AtomicU64,
    rejected_tokens: AtomicU64,
}

impl GrantCounters {
    pub(crate) fn password_grant(&self) {
        self.password_grants.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn refresh_grant(&self) {
        self.refresh_grants.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn failed_grant(&self) {
        self.failed_grants.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rejected_token(&self) {
        self.rejected_tokens.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> TokenStats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        TokenStats {
            password_grants: read(&self.password_grants),
            refresh_grants: read(&self.refresh_grants),
            failed_grants: read(&self.failed_grants),
            rejected_tokens: read(&self.rejected_tokens),
        }
    }
}
