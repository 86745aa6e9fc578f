//! The token cache: a lock-free read of the current token, and single-flight renewal.
//!
//! Modelled on the Azure SDK's bearer token policy: readers load the token from an
//! `ArcSwapOption` and never wait; a task that finds the token stale queues on an async mutex,
//! re-checks once it holds it, and only then talks to the token endpoint. N stale callers
//! therefore cause one grant.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use secrecy::SecretString;
use tokio::time::Instant;

use crate::Error;
use crate::credentials::Credentials;
use crate::grant::{GrantFailure, GrantKind, Grants};
use crate::profile::Profile;
use crate::stats::{GrantCounters, TokenStats};
use crate::token::{AccessToken, TokenReply};

/// After a failed renewal the token endpoint is not asked again for this long (or an eighth
/// of the token's lifetime, if shorter): a broken endpoint must not get one request per call.
const RENEWAL_RETRY_PAUSE: Duration = Duration::from_secs(1);

/// What the latest renewal left behind; guarded by the renewal mutex.
#[derive(Default)]
struct LastRenewal {
    /// Its error, handed to callers that queued behind it or came during the pause.
    failure: Option<Error>,
    /// When it failed.
    failed_at: Option<Instant>,
    /// `TokenCache::forgets` at that time: a `forget` since then ends the pause.
    forgets_seen: u64,
}

/// Holds the current token and renews it through `G` when it is stale or was refused.
pub(crate) struct TokenCache<G> {
    credentials: Credentials,
    grants: G,
    /// Read on every call, so it is an atomic pointer rather than a lock.
    current: ArcSwapOption<AccessToken>,
    /// Survives `forget`, so the profile stays readable after a logout.
    latest_profile: RwLock<Option<Arc<Profile>>>,
    /// Kept apart from `current` so a 401 drops the access token but not the refresh token.
    refresh_token: Mutex<Option<SecretString>>,
    /// A refused password, answered to every later caller without asking the server again:
    /// retrying a wrong password in a loop locks the account. Cleared by `forget`.
    refused_login: Mutex<Option<Error>>,
    /// Held by the one renewing task; holds the outcome of the latest renewal attempt.
    renewal: tokio::sync::Mutex<LastRenewal>,
    /// Counts finished renewals, so a queued caller can tell that one ended while it waited.
    finished_renewals: AtomicU64,
    generations: AtomicU64,
    /// Counts calls of `forget`, which start afresh: no pause after an earlier failure.
    forgets: AtomicU64,
    counters: GrantCounters,
}

impl<G: Grants> TokenCache<G> {
    pub(crate) fn new(credentials: Credentials, grants: G) -> Self {
        Self {
            credentials,
            grants,
            current: ArcSwapOption::empty(),
            latest_profile: RwLock::new(None),
            refresh_token: Mutex::new(None),
            refused_login: Mutex::new(None),
            renewal: tokio::sync::Mutex::new(LastRenewal::default()),
            finished_renewals: AtomicU64::new(0),
            generations: AtomicU64::new(0),
            forgets: AtomicU64::new(0),
            counters: GrantCounters::default(),
        }
    }

    pub(crate) fn username(&self) -> &str {
        self.credentials.username()
    }

    /// A token that is fresh enough to send, renewing it first when needed.
    ///
    /// One call makes at most one renewal (a refresh grant, then the password grant if the
    /// refresh token was refused). Callers that queued behind a failed renewal, or come
    /// within [`RENEWAL_RETRY_PAUSE`] of it, get its error (or the still-live token) instead of
    /// trying again; a refused password is remembered until [`TokenCache::forget`].
    pub(crate) async fn token(&self) -> Result<Arc<AccessToken>, Error> {
        if let Some(token) = self.fresh_token(Instant::now()) {
            return Ok(token);
        }
        let finished_seen = self.finished_renewals.load(Ordering::Acquire);
        // Renewing ahead of expiry must not stall traffic: while the token still works, a
        // caller that finds another renewing goes on with the current token instead of waiting.
        let mut last = match self.renewal.try_lock() {
            Ok(guard) => guard,
            Err(_) => match self.current_token().filter(|token| token.is_alive(Instant::now())) {
                Some(token) => return Ok(token),
                None => self.renewal.lock().await,
            },
        };
        let now = Instant::now();
        if let Some(token) = self.fresh_token(now) {
            return Ok(token);
        }
        if let Some(refusal) = self.remembered_refusal() {
            return Err(refusal);
        }
        let finished_while_queued = self.finished_renewals.load(Ordering::Acquire) != finished_seen;
        if let Some(shared) = self.shared_outcome(&last, now, finished_while_queued) {
            return shared;
        }

        // If this future is dropped mid-renewal, nothing is recorded and the next waiter renews.
        let forgets_before = self.forgets.load(Ordering::Acquire);
        let outcome = self.renew().await;
        self.record(&mut last, &outcome, forgets_before);
        if let Err(error @ (Error::TokenEndpoint { .. } | Error::Timeout { .. })) = &outcome
            && self.current_token().is_some_and(|token| token.is_alive(Instant::now()))
        {
            // Said once, by the task that renewed, not by every caller riding the token out.
            tracing::warn!(%error, "token renewal failed; using the current token until it expires");
        }
        outcome.or_else(|error| self.ride_out(error))
    }

    /// The outcome of the latest renewal, when this caller should take it instead of renewing:
    /// it finished while the caller queued (this also keeps a token with a zero lifetime from
    /// being fetched per caller), or it failed less than a retry pause ago.
    fn shared_outcome(
        &self,
        last: &LastRenewal,
        now: Instant,
        finished_while_queued: bool,
    ) -> Option<Result<Arc<AccessToken>, Error>> {
        let pausing = last.forgets_seen == self.forgets.load(Ordering::Acquire)
            && last
                .failed_at
                .is_some_and(|failed_at| failed_at.checked_add(self.retry_pause()).is_some_and(|until| now < until));
        match last.failure.as_ref().and_then(Error::duplicate) {
            Some(failure) if finished_while_queued || pausing => Some(self.ride_out(failure)),
            None if finished_while_queued => self.current_token().map(Ok),
            _ => None,
        }
    }

    /// Counts and remembers a renewal's outcome for the callers after it.
    fn record(&self, last: &mut LastRenewal, outcome: &Result<Arc<AccessToken>, Error>, forgets_before: u64) {
        if let Err(error) = outcome {
            self.counters.failed_grant();
            if matches!(error, Error::LoginRefused { .. }) {
                self.remember_refusal(error);
            }
        }
        last.failure = outcome.as_ref().err().and_then(Error::duplicate);
        last.failed_at = outcome.is_err().then(Instant::now);
        last.forgets_seen = forgets_before;
        self.finished_renewals.fetch_add(1, Ordering::AcqRel);
    }

    /// Drops the token of `generation` after the server refused it; a newer token is kept, so
    /// N concurrent 401s for the same token lead to one renewal.
    pub(crate) fn invalidate(&self, generation: u64) {
        let previous = self.current.rcu(|current| match current {
            Some(token) if token.generation == generation => None,
            other => other.clone(),
        });
        if previous.is_some_and(|token| token.generation == generation) {
            self.counters.rejected_token();
            tracing::debug!(generation, "Track-It! refused the access token; it will be renewed");
        }
    }

    /// Drops both tokens and any remembered refusal, e.g. after a server-side logout; the
    /// next call logs in with the password.
    pub(crate) fn forget(&self) {
        self.forgets.fetch_add(1, Ordering::AcqRel);
        self.current.store(None);
        *self.refresh_token.lock().unwrap_or_else(PoisonError::into_inner) = None;
        *self.refused_login.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub(crate) fn profile(&self) -> Option<Arc<Profile>> {
        self.latest_profile.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Whether a token the server still accepts is held (fresh or inside its renewal margin).
    pub(crate) fn holds_live_token(&self) -> bool {
        self.current_token().is_some_and(|token| token.is_alive(Instant::now()))
    }

    pub(crate) fn stats(&self) -> TokenStats {
        self.counters.snapshot()
    }

    fn current_token(&self) -> Option<Arc<AccessToken>> {
        self.current.load_full()
    }

    fn fresh_token(&self, now: Instant) -> Option<Arc<AccessToken>> {
        self.current_token().filter(|token| token.is_fresh(now))
    }

    /// How long to wait after a failed renewal: short tokens get a proportionally short pause.
    fn retry_pause(&self) -> Duration {
        self.current_token().map_or(RENEWAL_RETRY_PAUSE, |token| RENEWAL_RETRY_PAUSE.min(token.lifetime() / 8))
    }

    fn remembered_refusal(&self) -> Option<Error> {
        self.refused_login.lock().unwrap_or_else(PoisonError::into_inner).as_ref().and_then(Error::duplicate)
    }

    /// Said once, loudly: from now on calls fail fast without sending the password again.
    fn remember_refusal(&self, error: &Error) {
        tracing::error!(
            username = self.username(),
            %error,
            "Track-It! refused the password; no further login is attempted until forget_token() is called"
        );
        *self.refused_login.lock().unwrap_or_else(PoisonError::into_inner) = error.duplicate();
    }

    /// When the endpoint is merely unreachable, a token inside its renewal margin still works.
    fn ride_out(&self, error: Error) -> Result<Arc<AccessToken>, Error> {
        if let Error::TokenEndpoint { .. } | Error::Timeout { .. } = error
            && let Some(token) = self.current_token().filter(|token| token.is_alive(Instant::now()))
        {
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
                    self.counters.failed_grant();
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
        match grant {
            GrantKind::Password => self.counters.password_grant(),
            GrantKind::RefreshToken => self.counters.refresh_grant(),
        }
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
            Arc::new(AccessToken::new(reply.authorization, generation, profile.clone(), sent_at, reply.lifetime));
        self.current.store(Some(token.clone()));
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
        token.authorization.to_str().unwrap_or_default().trim_start_matches("Bearer ")
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
        // Later calls get the same refusal without sending the password again.
        for _ in 0..5 {
            let error = cache.token().await.expect_err("still refused");
            assert!(matches!(error, Error::LoginRefused { .. }), "{error:?}");
        }
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 1);
        // Until the caller says the situation changed.
        cache.forget();
        assert!(cache.token().await.is_err());
        assert_eq!(cache.grants.password_grants.load(Ordering::SeqCst), 2);
        assert_eq!(cache.stats().failed_grants, 2);
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
    async fn a_failed_renewal_is_not_retried_before_the_pause_is_over() {
        let cache = cache(ScriptedGrants::default());
        cache.token().await.expect("token");
        cache.grants.endpoint_down.store(true, Ordering::SeqCst);
        tokio::time::advance(Duration::from_secs(80)).await;
        for _ in 0..10 {
            cache.token().await.expect("ridden out");
        }
        assert_eq!(cache.grants.refresh_grants.load(Ordering::SeqCst), 1, "one attempt for ten callers");
        tokio::time::advance(RENEWAL_RETRY_PAUSE).await;
        cache.token().await.expect("ridden out");
        assert_eq!(cache.grants.refresh_grants.load(Ordering::SeqCst), 2, "tried again after the pause");
        cache.grants.endpoint_down.store(false, Ordering::SeqCst);
        tokio::time::advance(RENEWAL_RETRY_PAUSE).await;
        assert_eq!(cache.token().await.expect("renewed").generation, 2);
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
