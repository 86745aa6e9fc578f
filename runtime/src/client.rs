//! `ApiClient`: the configured HTTP stack plus the token cache, and `execute` for generated code.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use reqwest::redirect;
use reqwest_middleware::{ClientWithMiddleware, Middleware};
use serde::de::DeserializeOwned;
use url::Url;

use crate::cache::TokenCache;
use crate::call::Call;
use crate::credentials::Credentials;
use crate::endpoint::{check_transport_security, operation_url, parse_base_url, resolve_token_url};
use crate::grant::GrantClient;
use crate::middleware::BearerAuth;
use crate::profile::Profile;
use crate::{Error, reply};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("trackit-runtime/", env!("CARGO_PKG_VERSION"));

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
}

impl ApiClient {
    /// Starts configuring a client for `base_url`, e.g. `https://host/TrackIt/WebApi`.
    pub fn builder(base_url: &str, credentials: Credentials) -> ApiClientBuilder {
        ApiClientBuilder {
            base_url: base_url.to_owned(),
            credentials,
            token_url: "token".to_owned(),
            default_base_path: None,
            allow_insecure_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            layers: Vec::new(),
        }
    }

    /// The base URL, without a trailing slash, e.g. `http://h/TrackIt/WebApi`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The token endpoint, e.g. `http://h/TrackIt/WebApi/token`.
    pub fn token_url(&self) -> &Url {
        &self.inner.token_url
    }

    /// Makes sure a valid token is held, logging in if needed, and returns the technician's profile.
    pub async fn login(&self) -> Result<Arc<Profile>, Error> {
        let token = self.inner.cache.token().await?;
        Ok(token.profile.clone())
    }

    /// The profile from the latest token reply, if any token was obtained yet.
    pub fn profile(&self) -> Option<Arc<Profile>> {
        self.inner.cache.profile()
    }

    /// Drops the cached access and refresh tokens, e.g. after `Technician_DoLogout`.
    /// The next call logs in again with the password.
    pub fn forget_token(&self) {
        self.inner.cache.forget();
    }

    /// The middleware stack every call goes through: user layers, then bearer auth, then reqwest.
    ///
    /// Requests to the base URL's origin made through it get the token too.
    pub fn http(&self) -> &ClientWithMiddleware {
        &self.inner.http
    }

    /// Sends `call` and decodes a 2xx JSON reply as `T` (an empty body reads as `null`).
    pub async fn execute<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let operation = call.operation_id;
        let url = operation_url(&self.inner.base_url, &call.resolved_path());
        let sends_body = !matches!(call.method, Method::GET | Method::HEAD);
        let mut request = self.inner.http.request(call.method, url).header(ACCEPT, "application/json");
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        request = match call.body {
            Some(body) => request.header(CONTENT_TYPE, "application/json").body(body),
            // IIS answers 411 Length Required to a POST without Content-Length, and hyper
            // omits the header for an empty body, so it is set by hand.
            None if sends_body => request.header(CONTENT_LENGTH, 0),
            None => request,
        };

        let response = request.send().await.map_err(|error| from_stack_error(operation, error))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|source| Error::Transport { operation: Some(operation), source })?;
        reply::interpret(operation, status, &body)
    }
}

/// Unwraps what the middleware stack erased: token errors come back as themselves.
fn from_stack_error(operation: &'static str, error: reqwest_middleware::Error) -> Error {
    match error {
        reqwest_middleware::Error::Reqwest(source) => Error::Transport { operation: Some(operation), source },
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

/// Configures an [`ApiClient`]; see [`ApiClient::builder`].
pub struct ApiClientBuilder {
    base_url: String,
    credentials: Credentials,
    token_url: String,
    default_base_path: Option<String>,
    allow_insecure_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    layers: Vec<Arc<dyn Middleware>>,
}

impl ApiClientBuilder {
    /// The token endpoint: absolute, or relative to the base URL plus `/` (`token`, `../token`).
    /// Defaults to `token`.
    pub fn token_url(mut self, url: &str) -> Self {
        self.token_url = url.to_owned();
        self
    }

    /// The path used when the base URL has none, e.g. `/TrackIt/WebApi` for `https://host`.
    pub fn default_base_path(mut self, path: &str) -> Self {
        self.default_base_path = Some(path.to_owned());
        self
    }

    /// Allows plain `http://` to hosts other than loopback. The password then crosses the
    /// network in clear text; only for test servers on trusted networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The total time allowed for one request, 60 s by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed to open a connection, 10 s by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header, `trackit-runtime/<version>` by default.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Adds a middleware layer outside the auth layer (layers run in the order added), so a
    /// retry layer re-enters auth on each attempt and sees a fresh token.
    pub fn with<M: Middleware>(mut self, middleware: M) -> Self {
        self.layers.push(Arc::new(middleware));
        self
    }

    /// Checks the configuration and builds the client. Does no network I/O.
    pub fn build(self) -> Result<ApiClient, Error> {
        let base_url = parse_base_url(&self.base_url, self.default_base_path.as_deref())?;
        let token_url = resolve_token_url(&base_url, &self.token_url)?;
        check_transport_security(&base_url, self.allow_insecure_http)?;
        check_transport_security(&token_url, self.allow_insecure_http)?;
        let user_agent = HeaderValue::try_from(self.user_agent).map_err(|_| Error::Configuration {
            reason: "the user agent contains characters not allowed in an HTTP header".to_owned(),
        })?;

        let http_client = |redirects: redirect::Policy| {
            reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(user_agent.clone())
                .redirect(redirects)
                .build()
                .map_err(|source| Error::Configuration { reason: crate::error::error_chain(&source) })
        };
        let transport = http_client(redirect::Policy::default())?;
        // The token client never follows redirects: the form holds the password.
        let grants = GrantClient::new(http_client(redirect::Policy::none())?, token_url.clone());
        let cache = Arc::new(TokenCache::new(self.credentials, grants));

        let stack = self
            .layers
            .into_iter()
            .fold(reqwest_middleware::ClientBuilder::new(transport), |stack, layer| stack.with_arc(layer))
            .with(BearerAuth::new(cache.clone(), &base_url))
            .build();

        Ok(ApiClient { inner: Arc::new(Inner { base_url, token_url, http: stack, cache }) })
    }
}

impl fmt::Debug for ApiClientBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ApiClientBuilder")
            .field("base_url", &crate::error::redact_userinfo(&self.base_url))
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("layers", &self.layers.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials::technician("HELP DESK", "JPIKE", "hunter2-secret")
    }

    #[test]
    fn build_normalises_urls() {
        let client = ApiClient::builder("http://127.0.0.1:9/TrackIt/WebApi/", credentials()).build().expect("builds");
        assert_eq!(client.base_url().as_str(), "http://127.0.0.1:9/TrackIt/WebApi");
        assert_eq!(client.token_url().as_str(), "http://127.0.0.1:9/TrackIt/WebApi/token");

        let client = ApiClient::builder("https://trackit.example", credentials())
            .default_base_path("/TrackIt/WebApi")
            .token_url("../token")
            .build()
            .expect("builds");
        assert_eq!(client.base_url().as_str(), "https://trackit.example/TrackIt/WebApi");
        assert_eq!(client.token_url().as_str(), "https://trackit.example/TrackIt/token");
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        let error =
            ApiClient::builder("http://trackit.example/TrackIt/WebApi", credentials()).build().expect_err("insecure");
        assert!(matches!(error, Error::InsecureHttp { .. }), "{error:?}");

        let error = ApiClient::builder("https://trackit.example/TrackIt/WebApi", credentials())
            .token_url("http://sso.example/token")
            .build()
            .expect_err("insecure token URL");
        assert!(matches!(error, Error::InsecureHttp { ref url } if url == "http://sso.example/token"));

        ApiClient::builder("http://trackit.example/TrackIt/WebApi", credentials())
            .allow_insecure_http(true)
            .build()
            .expect("opted in");
    }

    #[test]
    fn bad_user_agent_is_a_configuration_error() {
        let error = ApiClient::builder("https://h/TrackIt/WebApi", credentials())
            .user_agent("bad\nagent")
            .build()
            .expect_err("newline in header");
        assert!(matches!(error, Error::Configuration { .. }), "{error:?}");
    }

    #[test]
    fn debug_shows_only_base_url_and_username() {
        let builder = ApiClient::builder("https://h/TrackIt/WebApi", credentials());
        assert!(!format!("{builder:?}").contains("hunter2"));
        let client = builder.build().expect("builds");
        let printed = format!("{client:?}");
        assert_eq!(printed, r#"ApiClient { base_url: "https://h/TrackIt/WebApi", username: "HELP DESK\\JPIKE" }"#);
    }
}
