//! `ApiClientBuilder`: URLs, transport security, timeouts, proxies and user layers, turned
//! into the two HTTP clients an [`ApiClient`] needs (API calls and token grants).

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::{Proxy, redirect};
use reqwest_middleware::Middleware;

use crate::cache::TokenCache;
use crate::client::ApiClient;
use crate::credentials::Credentials;
use crate::endpoint::{check_transport_security, parse_base_url, resolve_token_url};
use crate::grant::GrantClient;
use crate::middleware::BearerAuth;
use crate::timeouts::Timeouts;
use crate::tls::TlsSettings;
use crate::{Error, error};

const DEFAULT_TIMEOUT: Duration = Duration::from_mins(1);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("trackit-runtime/", env!("CARGO_PKG_VERSION"));

impl ApiClient {
    /// Starts configuring a client for `base_url`, e.g. `https://host/TrackIt/WebApi`.
    #[must_use]
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
            tls: TlsSettings::default(),
            proxies: ProxySetting::FromEnvironment,
            layers: Vec::new(),
            client: PhantomData,
        }
    }
}

/// Which proxies both clients use.
#[derive(Clone)]
enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as reqwest reads them.
    FromEnvironment,
    /// Only these, the environment ignored.
    Explicit(Vec<Proxy>),
    /// Always connect directly.
    None,
}

/// Configures an [`ApiClient`] (see [`ApiClient::builder`]), or a generated crate's client `C`
/// that wraps one: a generated `ClientBuilder` is this type with its `Client`, so every setting
/// here is available there without a copy of this builder in each generated crate.
pub struct ApiClientBuilder<C = ApiClient> {
    base_url: String,
    credentials: Credentials,
    token_url: String,
    default_base_path: Option<String>,
    allow_insecure_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    tls: TlsSettings,
    proxies: ProxySetting,
    layers: Vec<Arc<dyn Middleware>>,
    /// What `build` makes: `fn() -> C` keeps the builder `Send` and `Sync` whatever `C` is.
    client: PhantomData<fn() -> C>,
}

impl<C> ApiClientBuilder<C> {
    /// The same settings, building a `D` that wraps the [`ApiClient`] (a generated `Client`).
    #[must_use]
    pub fn for_client<D>(self) -> ApiClientBuilder<D> {
        ApiClientBuilder {
            base_url: self.base_url,
            credentials: self.credentials,
            token_url: self.token_url,
            default_base_path: self.default_base_path,
            allow_insecure_http: self.allow_insecure_http,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            user_agent: self.user_agent,
            tls: self.tls,
            proxies: self.proxies,
            layers: self.layers,
            client: PhantomData,
        }
    }

    /// The token endpoint: absolute, or relative to the base URL plus `/` (`token`, `../token`).
    /// Defaults to `token`.
    #[must_use]
    pub fn token_url(mut self, url: &str) -> Self {
        url.clone_into(&mut self.token_url);
        self
    }

    /// The path used when the base URL has none, e.g. `/TrackIt/WebApi` for `https://host`.
    #[must_use]
    pub fn default_base_path(mut self, path: &str) -> Self {
        self.default_base_path = Some(path.to_owned());
        self
    }

    /// Allows plain `http://` to hosts other than loopback. The password then crosses the
    /// network in clear text; only for test servers on trusted networks.
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Trusts the CA certificate(s) in `pem` in addition to the system's roots, e.g. the
    /// company CA that signed the Track-It! server's certificate. Checked by [`build`](Self::build).
    #[must_use]
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.add_root_pem(pem.into());
        self
    }

    /// Trusts the CA certificate(s) in the PEM file at `path` in addition to the system's
    /// roots. The file is read by [`build`](Self::build).
    #[must_use]
    pub fn add_root_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls.add_root_file(path.into());
        self
    }

    /// Turns TLS certificate checking off: any server, or anyone in between, can then pose as
    /// Track-It! and receive the password. Only for throw-away test servers; prefer
    /// [`add_root_certificate_file`](Self::add_root_certificate_file). `build` logs a warning.
    #[must_use]
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.tls.accept_invalid_certs(accept);
        self
    }

    /// Sends every request through `proxy` (repeatable); proxy variables of the environment
    /// are then ignored. Without this, `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` apply.
    #[must_use]
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        match &mut self.proxies {
            ProxySetting::Explicit(proxies) => proxies.push(proxy),
            _ => self.proxies = ProxySetting::Explicit(vec![proxy]),
        }
        self
    }

    /// Connects directly, ignoring any proxy variables of the environment.
    #[must_use]
    pub fn no_proxy(mut self) -> Self {
        self.proxies = ProxySetting::None;
        self
    }

    /// The total time allowed for one request, 60 s by default.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed to open a connection, 10 s by default.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header, `trackit-runtime/<version>` by default.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Adds a middleware layer outside the auth layer (layers run in the order added), so a
    /// retry layer re-enters auth on each attempt and sees a fresh token. Layers can read the
    /// operation id from the request's [`OperationId`](crate::OperationId) extension.
    #[must_use]
    pub fn with<M: Middleware>(mut self, middleware: M) -> Self {
        self.layers.push(Arc::new(middleware));
        self
    }

    /// Checks the configuration, reads the CA files and builds the client. Does no network I/O.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] or [`Error::InsecureHttp`] for a base or token URL that cannot be used,
    /// [`Error::Certificate`] for a CA file or PEM that holds no usable certificate, and
    /// [`Error::Configuration`] for a user agent that is no valid header value or a client reqwest cannot build.
    pub fn build(self) -> Result<C, Error>
    where
        C: From<ApiClient>,
    {
        self.build_runtime().map(C::from)
    }

    /// Builds the client and logs in, so that a wrong password shows here rather than at the
    /// first call.
    ///
    /// # Errors
    ///
    /// As [`ApiClientBuilder::build`], and as [`ApiClient::login`] when the server cannot be
    /// reached or refuses the login.
    pub async fn login(self) -> Result<C, Error>
    where
        C: From<ApiClient>,
    {
        let runtime = self.build_runtime()?;
        runtime.login().await?;
        Ok(C::from(runtime))
    }

    fn build_runtime(self) -> Result<ApiClient, Error> {
        let base_url = parse_base_url(&self.base_url, self.default_base_path.as_deref())?;
        let token_url = resolve_token_url(&base_url, &self.token_url)?;
        check_transport_security(&base_url, self.allow_insecure_http)?;
        check_transport_security(&token_url, self.allow_insecure_http)?;
        let user_agent = HeaderValue::try_from(self.user_agent).map_err(|_| Error::Configuration {
            reason: "the user agent contains characters not allowed in an HTTP header".to_owned(),
        })?;
        let trust = self.tls.load()?;

        // Both clients share every transport setting, so the token endpoint is reached the
        // same way as the API; they differ only in following redirects.
        let http_client = |redirects: redirect::Policy| {
            let builder = reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(user_agent.clone())
                .redirect(redirects);
            let builder = match &self.proxies {
                ProxySetting::FromEnvironment => builder,
                ProxySetting::Explicit(proxies) => proxies.iter().cloned().fold(builder, reqwest::ClientBuilder::proxy),
                ProxySetting::None => builder.no_proxy(),
            };
            trust.apply(builder).build().map_err(|source| Error::Configuration { reason: error::error_chain(&source) })
        };
        // reqwest drops `Authorization` when a redirect leaves the origin, so following
        // redirects never hands the token to another host.
        let transport = http_client(redirect::Policy::default())?;
        // The token client never follows redirects: the form holds the password.
        let timeouts = Timeouts { request: self.timeout, connect: self.connect_timeout };
        let grants = GrantClient::new(http_client(redirect::Policy::none())?, token_url.clone(), timeouts);
        let cache = Arc::new(TokenCache::new(self.credentials, grants));

        let stack = self
            .layers
            .into_iter()
            .fold(reqwest_middleware::ClientBuilder::new(transport), reqwest_middleware::ClientBuilder::with_arc)
            .with(BearerAuth::new(cache.clone(), &base_url))
            .build();

        Ok(ApiClient::from_parts(base_url, token_url, stack, cache, timeouts))
    }
}

impl<C> fmt::Debug for ApiClientBuilder<C> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ApiClientBuilder")
            .field("base_url", &error::redact_userinfo(&self.base_url))
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("extra_root_certificates", &self.tls.root_count())
            .field("danger_accept_invalid_certs", &self.tls.accepts_invalid_certs())
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
    fn an_unreadable_ca_file_fails_the_build() {
        let error = ApiClient::builder("https://h/TrackIt/WebApi", credentials())
            .add_root_certificate_file("/nonexistent/ca.pem")
            .build()
            .expect_err("missing file");
        assert!(matches!(error, Error::Certificate { .. }), "{error:?}");
    }

    #[test]
    fn debug_shows_only_base_url_and_username() {
        let builder = ApiClient::builder("https://h/TrackIt/WebApi", credentials()).danger_accept_invalid_certs(true);
        let printed = format!("{builder:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("danger_accept_invalid_certs: true"), "{printed}");
        let client = builder.build().expect("builds");
        let printed = format!("{client:?}");
        assert_eq!(printed, r#"ApiClient { base_url: "https://h/TrackIt/WebApi", username: "HELP DESK\\JPIKE" }"#);
    }
}
