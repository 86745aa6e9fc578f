//! `ApiClient`: the configured HTTP stack plus the token cache, and `execute` for generated code.

use std::fmt;
use std::sync::Arc;

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest_middleware::ClientWithMiddleware;
use serde::de::DeserializeOwned;
use url::Url;

use crate::cache::TokenCache;
use crate::call::Call;
use crate::endpoint::operation_url;
use crate::grant::GrantClient;
use crate::layers::OperationId;
use crate::profile::Profile;
use crate::records::Page;
use crate::stats::TokenStats;
use crate::timeouts::Timeouts;
use crate::{BoxFuture, Error, reply, session, tls};

/// A logged-in (or ready to log in) connection to one Track-It! Web API.
///
/// Cheap to clone: clones share the HTTP connection pool and the token. The first call logs
/// in; tokens are renewed ahead of expiry and after a 401, without the caller noticing.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: Url,
    token_url: Url,
    http: ClientWithMiddleware,
    cache: Arc<TokenCache<GrantClient>>,
    timeouts: Timeouts,
}

impl ApiClient {
    /// Assembles a client from what [`ApiClientBuilder::build`](crate::ApiClientBuilder::build) made.
    pub(crate) fn from_parts(
        base_url: Url,
        token_url: Url,
        http: ClientWithMiddleware,
        cache: Arc<TokenCache<GrantClient>>,
        timeouts: Timeouts,
    ) -> Self {
        Self { inner: Arc::new(Inner { base_url, token_url, http, cache, timeouts }) }
    }

    pub(crate) fn cache(&self) -> &TokenCache<GrantClient> {
        &self.inner.cache
    }

    /// The base URL, without a trailing slash, e.g. `http://h/TrackIt/WebApi`.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The token endpoint, e.g. `http://h/TrackIt/WebApi/token`.
    #[must_use]
    pub fn token_url(&self) -> &Url {
        &self.inner.token_url
    }

    /// Makes sure a valid token is held, logging in if needed, and returns the technician's profile.
    ///
    /// # Errors
    ///
    /// [`Error::LoginRefused`] when the password is refused; [`Error::TokenEndpoint`], [`Error::Transport`],
    /// [`Error::Timeout`] or [`Error::UntrustedCertificate`] when no usable token could be obtained.
    pub async fn login(&self) -> Result<Arc<Profile>, Error> {
        let token = self.inner.cache.token().await?;
        Ok(token.profile.clone())
    }

    /// The profile from the latest token reply, if any token was obtained yet.
    #[must_use]
    pub fn profile(&self) -> Option<Arc<Profile>> {
        self.inner.cache.profile()
    }

    /// Drops the cached access and refresh tokens, and a remembered login refusal: the next
    /// call logs in again with the password. A successful `Technician_DoLogout` (or
    /// [`ApiClient::logout`]) does this by itself.
    pub fn forget_token(&self) {
        self.inner.cache.forget();
    }

    /// How many grants this client (and its clones) made so far, for monitoring: a healthy
    /// long-running client shows one password grant and a refresh grant per token lifetime.
    #[must_use]
    pub fn token_stats(&self) -> TokenStats {
        self.inner.cache.stats()
    }

    /// The middleware stack every call goes through: user layers, then bearer auth, then reqwest.
    ///
    /// Requests to the base URL's origin made through it get the token too.
    #[must_use]
    pub fn http(&self) -> &ClientWithMiddleware {
        &self.inner.http
    }

    /// Sends `call` and decodes a 2xx JSON reply as `T` (an empty body reads as `null`).
    ///
    /// # Errors
    ///
    /// Fails when the request cannot be sent or times out ([`Error::Transport`], [`Error::Timeout`]), logging in fails (as in [`ApiClient::login`]), the reply
    /// is not 2xx ([`Error::Api`], or [`Error::Unauthorized`] after one retry with a new token), or the
    /// body is not a `T` ([`Error::Decode`]).
    pub async fn execute<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let (operation, status, body) = self.send(call, "application/json").await?;
        reply::interpret(operation, status, &body)
    }

    /// Sends `call` and decodes the member `key` of a 2xx JSON object reply as `T`.
    ///
    /// Track-It! wraps records in an envelope, `{"Ticket": {…}}`, `{"Note": {…}}`; the other
    /// members are skipped without being built. A reply without `key` is an
    /// [`Error::Decode`], and decoding errors name the path from the top (`Ticket.22.Value`).
    ///
    /// # Errors
    ///
    /// As [`ApiClient::execute`]; a reply without `key` is an [`Error::Decode`] too.
    pub async fn execute_member<T: DeserializeOwned>(&self, call: Call, key: &'static str) -> Result<T, Error> {
        let (operation, status, body) = self.send(call, "application/json").await?;
        reply::check_status(operation, status, &body)?;
        reply::decode_member(operation, &body, key)
    }

    /// Sends `call` and decodes a 2xx page reply, `{"<count>": n, "<items>": […]}`, e.g.
    /// `{"Count": 12, "Notes": […]}`.
    ///
    /// A reply without the items array is an empty page; without the count (a number or a
    /// numeric string), the count is the number of items received.
    ///
    /// # Errors
    ///
    /// As [`ApiClient::execute`], with [`Error::Decode`] for a body that is not such a page.
    pub async fn execute_page<T: DeserializeOwned>(
        &self,
        call: Call,
        items: &'static str,
        count: &'static str,
    ) -> Result<Page<T>, Error> {
        let (operation, status, body) = self.send(call, "application/json").await?;
        reply::check_status(operation, status, &body)?;
        reply::decode_page(operation, &body, items, count)
    }

    /// Sends `call` and returns a 2xx reply's body as text (`text/plain`, XML, CSV…).
    ///
    /// # Errors
    ///
    /// As [`ApiClient::execute`], with [`Error::Decode`] for a body that is not UTF-8.
    pub async fn execute_text(&self, call: Call) -> Result<String, Error> {
        let (operation, status, body) = self.send(call, "text/plain, */*").await?;
        reply::check_status(operation, status, &body)?;
        String::from_utf8(body.to_vec()).map_err(|error| Error::Decode {
            operation,
            path: ".".to_owned(),
            snippet: String::from_utf8_lossy(&body).chars().take(240).collect(),
            source: <serde_json::Error as serde::de::Error>::custom(error),
        })
    }

    /// Sends `call` and returns a 2xx reply's body as bytes (files, images, archives).
    ///
    /// # Errors
    ///
    /// As [`ApiClient::execute`], except that any 2xx body is accepted.
    pub async fn execute_bytes(&self, call: Call) -> Result<Vec<u8>, Error> {
        let (operation, status, body) = self.send(call, "*/*").await?;
        reply::check_status(operation, status, &body)?;
        Ok(body.to_vec())
    }

    /// [`ApiClient::execute`] boxed, for a call that may have failed to build (a body that did
    /// not encode): what a generated request's `send` returns. Every operation with the same
    /// reply type then shares one future type, instead of each compiling a state machine of
    /// its own.
    ///
    /// # Errors
    ///
    /// The error the call was built with, or as [`ApiClient::execute`].
    #[must_use = "the call is sent when the future is awaited"]
    pub fn execute_boxed<'a, T>(&'a self, call: Result<Call, Error>) -> BoxFuture<'a, Result<T, Error>>
    where
        T: DeserializeOwned + Send + 'a,
    {
        Box::pin(async move { self.execute(call?).await })
    }

    /// [`ApiClient::execute_member`] boxed; see [`ApiClient::execute_boxed`].
    ///
    /// # Errors
    ///
    /// The error the call was built with, or as [`ApiClient::execute_member`].
    #[must_use = "the call is sent when the future is awaited"]
    pub fn execute_member_boxed<'a, T>(
        &'a self,
        call: Result<Call, Error>,
        key: &'static str,
    ) -> BoxFuture<'a, Result<T, Error>>
    where
        T: DeserializeOwned + Send + 'a,
    {
        Box::pin(async move { self.execute_member(call?, key).await })
    }

    /// [`ApiClient::execute_page`] boxed; see [`ApiClient::execute_boxed`].
    ///
    /// # Errors
    ///
    /// The error the call was built with, or as [`ApiClient::execute_page`].
    #[must_use = "the call is sent when the future is awaited"]
    pub fn execute_page_boxed<'a, T>(
        &'a self,
        call: Result<Call, Error>,
        items: &'static str,
        count: &'static str,
    ) -> BoxFuture<'a, Result<Page<T>, Error>>
    where
        T: DeserializeOwned + Send + 'a,
    {
        Box::pin(async move { self.execute_page(call?, items, count).await })
    }

    /// [`ApiClient::execute_text`] boxed; see [`ApiClient::execute_boxed`].
    ///
    /// # Errors
    ///
    /// The error the call was built with, or as [`ApiClient::execute_text`].
    #[must_use = "the call is sent when the future is awaited"]
    pub fn execute_text_boxed(&self, call: Result<Call, Error>) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(async move { self.execute_text(call?).await })
    }

    /// [`ApiClient::execute_bytes`] boxed; see [`ApiClient::execute_boxed`].
    ///
    /// # Errors
    ///
    /// The error the call was built with, or as [`ApiClient::execute_bytes`].
    #[must_use = "the call is sent when the future is awaited"]
    pub fn execute_bytes_boxed(&self, call: Result<Call, Error>) -> BoxFuture<'_, Result<Vec<u8>, Error>> {
        Box::pin(async move { self.execute_bytes(call?).await })
    }

    async fn send(&self, call: Call, accept: &'static str) -> Result<(&'static str, u16, bytes::Bytes), Error> {
        let operation = call.operation_id;
        let ends_session = session::ends_session(&call);
        let url = operation_url(&self.inner.base_url, &call.resolved_path());
        let sends_body = !matches!(call.method, Method::GET | Method::HEAD);
        let mut request =
            self.inner.http.request(call.method, url).header(ACCEPT, accept).with_extension(OperationId(operation));
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if !call.owned_query.is_empty() {
            request = request.query(&call.owned_query);
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        if !call.cookies.is_empty() {
            let cookies: Vec<String> = call.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(reqwest::header::COOKIE, cookies.join("; "));
        }
        request = match call.body {
            Some(body) => {
                let content_type = call.content_type.as_deref().unwrap_or("application/json");
                request.header(CONTENT_TYPE, content_type).body(body)
            }
            // IIS answers 411 Length Required to a POST without Content-Length, and hyper
            // omits the header for an empty body, so it is set by hand.
            None if sends_body => request.header(CONTENT_LENGTH, 0),
            None => request,
        };

        let timeouts = &self.inner.timeouts;
        let response = request.send().await.map_err(|error| from_stack_error(operation, timeouts, error))?;
        let status = response.status().as_u16();
        // After a logout the tokens are dead on the server (a 401 means they already were).
        if ends_session && (response.status().is_success() || status == 401) {
            self.inner.cache.forget();
        }
        let body = response.bytes().await.map_err(|source| timeouts.api_error(operation, source))?;
        Ok((operation, status, body))
    }
}

/// Unwraps what the middleware stack erased: token errors come back as themselves.
fn from_stack_error(operation: &'static str, timeouts: &Timeouts, error: reqwest_middleware::Error) -> Error {
    match error {
        reqwest_middleware::Error::Reqwest(source) => match tls::certificate_problem(&source) {
            Some(reason) => Error::UntrustedCertificate { url: tls::origin_of(source.url()), reason },
            None => timeouts.api_error(operation, source),
        },
        reqwest_middleware::Error::Middleware(error) => match error.downcast::<Error>() {
            Ok(error) => error,
            Err(other) => Error::Middleware { operation, source: other.into() },
        },
    }
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ApiClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("username", &self.inner.cache.username())
            .finish()
    }
}
