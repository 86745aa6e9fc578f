//! The token cache: a lock-free-in-practice read of the current token, and single-flight renewal.
//!
//! Modelled on the Azure SDK's bearer token policy: readers take a `std` read lock and never
//! await; a task that finds the token stale queues on an async mutex, re-checks once it holds
//! it, and only then talks to the token endpoint. N stale callers therefore cause one grant.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use secrecy::SecretString;
use tokio::time::Instant;

use crate::Error;
use crate::credentials::Credentials;
use crate::grant::{GrantFailure, GrantKind, Grants};
use crate::profile::Profile;
use crate::token::{AccessToken, TokenReply};

/// Holds the current token and renews it through `G` when it is stale or was refused.
pub(crate) struct TokenCache<G> {
    credentials: Credentials,
    grants: G,
    current: RwLock<Option<Arc<AccessToken>>>,
    /// Survives `forget`, so the profile stays readable after a logout.
    latest_profile: RwLock<Option<Arc<Profile>>>,
    /// Kept apart from `current` so a 401 drops the access token but not the refresh token.
    refresh_token: Mutex<Option<SecretString>>,
    /// Held by the one renewing task; holds the outcome of the latest renewal attempt.
    renewal: tokio::sync::Mutex<Option<Error>>,
    /// Counts finished renewals, so a queued caller can tell that one ended while it waited.
    finished_renewals: AtomicU64,
    generations: AtomicU64,
}

impl<G: Grants> TokenCache<G> {
    pub(crate) fn new(credentials: Credentials, grants: G) -> Self {
        Self {
            credentials,
            grants,
            current: RwLock::new(None),
            latest_profile: RwLock::new(None),
            refresh_token: Mutex::new(None),
            renewal: tokio::sync::Mutex::new(None),
            finished_renewals: AtomicU64::new(0),
            generations: AtomicU64::new(0),
        }
    }

    pub(crate) fn username(&self) -> &str {
        self.credentials.username()
    }

    /// A token that is fresh enough to send, renewing it first when needed.
    ///
    /// One call makes at most one renewal (a refresh grant, then the password grant if the
    /// refresh token was refused). Callers that queued behind a failed renewal get its error
    /// instead of trying again, so a wrong password is sent once, not once per caller.
    pub(crate) async fn token(&self) -> Result<Arc<AccessToken>, Error> {
        if let Some(token) = self.fresh_token(Instant::now()) {
            return Ok(token);
        }
        let finished_seen = self.finished_renewals.load(Ordering::Acquire);
        let mut last_failure = self.renewal.lock().await;
        if let Some(token) = self.fresh_token(Instant::now()) {
            return Ok(token);
        }
        // A renewal finished while this caller queued: share its outcome rather than start
        // another. This also keeps a token with a zero lifetime from being fetched per caller.
        if self.finished_renewals.load(Ordering::Acquire) != finished_seen {
            if let Some(failure) = last_failure.as_ref().and_then(Error::duplicate) {
                return self.ride_out(failure);
            }
            if let Some(token) = self.current_token() {
                return Ok(token);
            }
        }

        // If this future is dropped mid-renewal, nothing is recorded and the next waiter renews.
        let outcome = self.renew().await;
        *last_failure = outcome.as_ref().err().and_then(Error::duplicate);
        self.finished_renewals.fetch_add(1, Ordering::AcqRel);
        outcome.or_else(|error| self.ride_out(error))
    }

    /// Drops the token of `generation` after the server refused it; a newer token is kept, so
    /// N concurrent 401s for the same token lead to one renewal.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_some_and(|token| token.generation == generation) {
            tracing::debug!(generation, "Track-It! refused the access token; it will be renewed");
            *current = None;
        }
    }

    /// Drops both tokens, e.g. after a server-side logout; the next call logs in with the password.
    pub(crate) fn forget(&self) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = None;
        *self.refresh_token.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub(crate) fn profile(&self) -> Option<Arc<Profile>> {
        self.latest_profile.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn current_token(&self) -> Option<Arc<AccessToken>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn fresh_token(&self, now: Instant) -> Option<Arc<AccessToken>> {
        self.current_token().filter(|token| token.is_fresh(now))
    }

    /// When the endpoint is merely unreachable, a token inside its renewal margin still works.
    fn ride_out(&self, error: Error) -> Result<Arc<AccessToken>, Error> {
        if let Error::TokenEndpoint { .. } = error
            && let Some(token) = self.current_token().filter(|token| token.is_alive(Instant::now()))
        {
            tracing::warn!(%error, "token renewal failed; using the current token until it expires");
            return Ok(token);
        }
        Err(error)
    }

    async fn renew(&self) -> Result<Arc<AccessToken>, Error> {
        let refresh_token = self.refresh_token.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(refresh_token) = refresh_token {
            let sent_at = Instant::now();
            match self.grants.refresh(&refresh_token).await {
                Ok(reply) => return Ok(self.store(reply, sent_at, GrantKind::RefreshToken)),
                Err(GrantFailure::Rejected { error, .. }) => {
                    tracing::debug!(
                        username = self.username(),
                        %error,
                        "refresh token refused; logging in with the password"
                    );
                }
                Err(failure) => return Err(failure.into_login_error(self.username())),
            }
        }
        let sent_at = Instant::now();
        match self.grants.password(&self.credentials).await {
            Ok(reply) => Ok(self.store(reply, sent_at, GrantKind::Password)),
            Err(failure) => Err(failure.into_login_error(self.username())),
        }
    }

    fn store(&self, reply: TokenReply, sent_at: Instant, grant: GrantKind) -> Arc<AccessToken> {
        let generation = self.generations.fetch_add(1, Ordering::AcqRel) + 1;
        let profile = self.merge_profile(reply.profile);
        {
            let mut refresh_token = self.refresh_token.lock().unwrap_or_else(PoisonError::into_inner);
            match (reply.refresh_token, grant) {
                (Some(new_token), _) => *refresh_token = Some(new_token),
                // RFC 6749 §6: without a new refresh token, the old one stays valid.
                (None, GrantKind::RefreshToken) => {}
                (None, GrantKind::Password) => *refresh_token = None,
            }
        }
        let token =
            Arc::new(AccessToken::new(reply.access_token, generation, profile.clone(), sent_at, reply.lifetime));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
        *self.latest_profile.write().unwrap_or_else(PoisonError::into_inner) = Some(profile);
        tracing::debug!(
            username = self.username(),
            grant = %grant,
            lifetime_secs = token.lifetime().as_secs(),
            generation,
            "obtained a Track-It! access token"
        );
        token
    }

    /// A refresh reply without the technician's details keeps the ones already known.
    fn merge_profile(&self, fresh: Profile) -> Arc<Profile> {
        match self.profile() {
            Some(known) if fresh.username.is_empty() => Arc::new(Profile {
                issued: fresh.issued.or(known.issued),
                expires: fresh.expires.or(known.expires),
                ..(*known).clone()
            }),
            _ => Arc::new(fresh),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use secrecy::ExposeSecret;

    use super::*;
    use crate::token::parse_token_reply;

    /// Counts grants and answers from a script; tokens are numbered so tests can tell them apart.
    #[derive(Default)]
    struct ScriptedGrants {
        password_grants: AtomicUsize,
        refresh_grants: AtomicUsize,
        refuse_password: bool,
        refuse_refresh: bool,
        endpoint_down: std::sync::atomic::AtomicBool,
        delay: Duration,
        lifetime_secs: Option<u64>,
    }

    impl ScriptedGrants {
        fn reply(&self, lifetime_secs: u64) -> TokenReply {
            let issued = self.password_grants.load(Ordering::SeqCst) + self.refresh_grants.load(Ordering::SeqCst);
            let body = format!(
                r#"{{"access_token":"access-{issued}","refresh_token":"refresh-{issued}",
                   "expires_in":{lifetime_secs},"username":"JPIKE","First Name":"Jordan"}}"#
            );
            parse_token_reply(body.as_bytes()).expect("scripted reply parses")
        }

        fn down(&self) -> Result<(), GrantFailure> {
            if self.endpoint_down.load(Ordering::SeqCst) {
                return Err(GrantFailure::Endpoint { status: Some(503), detail: "down".into() });
            }
            Ok(())
        }
    }

    impl Grants for ScriptedGrants {
        async fn password(&self, _: &Credentials) -> Result<TokenReply, GrantFailure> {
            self.password_grants.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            self.down()?;
            if self.refuse_password {
                return Err(GrantFailure::Rejected { error: "invalid_grant".into(), description: None });
            }
            Ok(self.reply(self.lifetime_secs.unwrap_or(100)))
        }

        async fn refresh(&self, _: &SecretString) -> Result<TokenReply, GrantFailure> {
            self.refresh_grants.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            self.down()?;
            if self.refuse_refresh {
                return Err(GrantFailure::Rejected { error: "invalid_grant".into(), description: None });
            }
            Ok(self.reply(self.lifetime_secs.unwrap_or(100)))
        }
    }

    fn cache(grants: ScriptedGrants) -> Arc<TokenCache<ScriptedGrants>> {
        Arc::new(TokenCache::new(Credentials::technician("HELP DESK", "JPIKE", "pw"), grants))
    }

    fn secret(token: &AccessToken) -> &str {
        token.secret.expose_secret()
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_grant() {
        let cache = cache(ScriptedGrants { delay: Duration::from_millis(50), ..Default::default() });
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.token().await.map(|token| token.generation) })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.expect("task runs").expect("token"), 1);
        }
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 1);
        assert_eq!(cache.profile().expect("profile").first_name, "Jordan");
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_lifetime_token_is_still_shared_by_waiting_callers() {
        let cache =
            cache(ScriptedGrants { delay: Duration::from_millis(50), lifetime_secs: Some(0), ..Default::default() });
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.token().await.map(|token| token.generation) })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.expect("task runs").expect("token"), 1);
        }
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn renews_with_the_refresh_token_inside_the_margin() {
        let cache = cache(ScriptedGrants::default());
        let first = cache.token().await.expect("token");
        // Lifetime 100 s gives a margin of 25 s: at 74 s the token is still fresh.
        tokio::time::advance(Duration::from_secs(74)).await;
        assert_eq!(cache.token().await.expect("token").generation, first.generation);
        tokio::time::advance(Duration::from_secs(2)).await;
        let renewed = cache.token().await.expect("token");
        assert_eq!(renewed.generation, first.generation + 1);
        assert_eq!(secret(&renewed), "access-2");
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 1);
        assert_eq!(cache.grants.refresh_grants.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn refused_refresh_token_falls_back_to_the_password() {
        let cache = cache(ScriptedGrants { refuse_refresh: true, ..Default::default() });
        let first = cache.token().await.expect("token");
        cache.invalidate(first.generation);
        let renewed = cache.token().await.expect("token");
        assert_eq!(renewed.generation, 2);
        assert_eq!(cache.grants.refresh_grants.load(Ordering::SeqCst), 1);
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn invalidating_an_old_generation_keeps_the_new_token() {
        let cache = cache(ScriptedGrants::default());
        let first = cache.token().await.expect("token");
        cache.invalidate(first.generation);
        let second = cache.token().await.expect("token");
        cache.invalidate(first.generation);
        assert_eq!(cache.token().await.expect("token").generation, second.generation);
        assert_eq!(cache.grants.refresh_grants.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_password_is_sent_once_for_all_waiting_callers() {
        let cache =
            cache(ScriptedGrants { refuse_password: true, delay: Duration::from_millis(50), ..Default::default() });
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.token().await })
            })
            .collect();
        for task in tasks {
            let error = task.await.expect("task runs").expect_err("login refused");
            assert!(matches!(error, Error::LoginRefused { .. }), "{error:?}");
        }
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 1);
        // A later call may try once more.
        assert!(cache.token().await.is_err());
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unreachable_endpoint_is_ridden_out_while_the_token_lives() {
        let cache = cache(ScriptedGrants::default());
        let first = cache.token().await.expect("token");
        cache.grants.endpoint_down.store(true, Ordering::SeqCst);
        tokio::time::advance(Duration::from_secs(80)).await;
        let kept = cache.token().await.expect("old token still alive");
        assert_eq!(kept.generation, first.generation);
        tokio::time::advance(Duration::from_secs(20)).await;
        let error = cache.token().await.expect_err("token expired");
        assert!(matches!(error, Error::TokenEndpoint { status: Some(503), .. }), "{error:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn forget_drops_both_tokens_but_keeps_the_profile() {
        let cache = cache(ScriptedGrants::default());
        cache.token().await.expect("token");
        cache.forget();
        assert!(cache.profile().is_some());
        cache.token().await.expect("token");
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 2);
        assert_eq!(cache.grants.refresh_grants.load(Ordering::SeqCst), 0);
    }
}
