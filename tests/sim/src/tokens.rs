//! Server-side registry of issued access and refresh tokens (opaque random strings).

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// 64-bit words per access token (96 hex characters, a Katana ticket is long too).
const ACCESS_TOKEN_WORDS: usize = 6;
/// 64-bit words per refresh token (32 hex characters, like Katana's GUID-sized tokens).
const REFRESH_TOKEN_WORDS: usize = 2;

/// Tokens kept in the history: a long-running simulator must not grow without bound.
const HISTORY_LIMIT: usize = 4096;

/// Index of a user in `SimConfig::users`.
pub(crate) type UserIndex = usize;

struct AccessGrant {
    user: UserIndex,
    expires_at: Instant,
    refresh_token: String,
}

struct RefreshGrant {
    user: UserIndex,
    expires_at: Instant,
    access_token: String,
}

/// A freshly issued token pair.
pub(crate) struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
}

#[derive(Default)]
pub(crate) struct TokenRegistry {
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
    counter: u64,
    /// The latest tokens issued, revoked or not, so leak tests know what to look for.
    history: VecDeque<String>,
}

impl TokenRegistry {
    /// Issues a new access/refresh pair for `user`.
    pub fn issue(&mut self, user: UserIndex, access_lifetime: Duration, refresh_lifetime: Duration) -> IssuedTokens {
        let now = Instant::now();
        self.forget_expired(now);
        let access_token = self.random_token(ACCESS_TOKEN_WORDS);
        let refresh_token = self.random_token(REFRESH_TOKEN_WORDS);
        self.access.insert(
            access_token.clone(),
            AccessGrant { user, expires_at: now + access_lifetime, refresh_token: refresh_token.clone() },
        );
        self.refresh.insert(
            refresh_token.clone(),
            RefreshGrant { user, expires_at: now + refresh_lifetime, access_token: access_token.clone() },
        );
        self.remember(&access_token, &refresh_token);
        IssuedTokens { access_token, refresh_token }
    }

    /// Consumes a refresh token: returns its user if it was valid; it never works again.
    /// The access token issued with it stays valid until it expires, as Katana's
    /// self-contained tokens do, so requests in flight during a renewal still succeed.
    pub fn redeem_refresh_token(&mut self, refresh_token: &str) -> Option<UserIndex> {
        let grant = self.refresh.remove(refresh_token)?;
        if let Some(access) = self.access.get_mut(&grant.access_token) {
            access.refresh_token.clear();
        }
        (grant.expires_at > Instant::now()).then_some(grant.user)
    }

    /// The user of a known, unexpired, unrevoked access token.
    pub fn user_of_access_token(&self, access_token: &str) -> Option<UserIndex> {
        let grant = self.access.get(access_token)?;
        (grant.expires_at > Instant::now()).then_some(grant.user)
    }

    /// Revokes an access token and the refresh token issued with it (logout).
    pub fn revoke_session(&mut self, access_token: &str) {
        if let Some(grant) = self.access.remove(access_token) {
            self.refresh.remove(&grant.refresh_token);
        }
    }

    pub fn revoke_all(&mut self) {
        self.access.clear();
        self.refresh.clear();
    }

    /// Every access and refresh token in the history, oldest first.
    pub fn history(&self) -> Vec<String> {
        self.history.iter().cloned().collect()
    }

    fn remember(&mut self, access_token: &str, refresh_token: &str) {
        while self.history.len() + 2 > HISTORY_LIMIT {
            self.history.pop_front();
        }
        self.history.push_back(access_token.to_owned());
        self.history.push_back(refresh_token.to_owned());
    }

    fn forget_expired(&mut self, now: Instant) {
        self.access.retain(|_, grant| grant.expires_at > now);
        self.refresh.retain(|_, grant| grant.expires_at > now);
    }

    /// Hex digits from SipHash under std's randomly keyed `RandomState`, fed with a counter
    /// and the clock: unguessable enough for a simulator, and no extra dependency.
    fn random_token(&mut self, words: usize) -> String {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
        let mut token = String::with_capacity(words * 16);
        for _ in 0..words {
            self.counter += 1;
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u64(self.counter);
            hasher.write_u128(nanos);
            let _ = write!(token, "{:016x}", hasher.finish());
        }
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn tokens_are_distinct_and_opaque() {
        let mut registry = TokenRegistry::default();
        let first = registry.issue(0, HOUR, HOUR);
        let second = registry.issue(0, HOUR, HOUR);
        assert_ne!(first.access_token, second.access_token);
        assert_ne!(first.refresh_token, second.refresh_token);
        assert_eq!(first.access_token.len(), 96);
        assert_eq!(first.refresh_token.len(), 32);
    }

    #[test]
    fn refresh_tokens_work_once() {
        let mut registry = TokenRegistry::default();
        let issued = registry.issue(1, HOUR, HOUR);
        assert_eq!(registry.redeem_refresh_token(&issued.refresh_token), Some(1));
        assert_eq!(registry.redeem_refresh_token(&issued.refresh_token), None);
        assert_eq!(registry.user_of_access_token(&issued.access_token), Some(1));
    }

    #[test]
    fn logout_revokes_both_tokens() {
        let mut registry = TokenRegistry::default();
        let issued = registry.issue(0, HOUR, HOUR);
        registry.revoke_session(&issued.access_token);
        assert_eq!(registry.user_of_access_token(&issued.access_token), None);
        assert_eq!(registry.redeem_refresh_token(&issued.refresh_token), None);
    }
}
