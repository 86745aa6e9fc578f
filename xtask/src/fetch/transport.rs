//! The HTTP side of a fetch: the client (trust, proxies, time limit), retries while a server
//! wakes up, redirects followed by hand, and turning reqwest's nested errors into one line.

use std::{error::Error as StdError, io, time::Duration};

use reqwest::{Client, RequestBuilder, Response, StatusCode, header, redirect};
use url::Url;

use super::discover::Fetcher;

/// The largest document accepted; the largest public API documents are about 15 MiB.
const MAX_BODY_BYTES: usize = 64 << 20;
use super::login::authentication_schemes;
use super::{CertificateHint, FetchError, FetchEvent, FetchOptions, ServerTrust};

/// Redirect hops followed before giving up.
const MAX_REDIRECTS: usize = 5;
const USER_AGENT: &str = concat!("trackit-xtask/", env!("CARGO_PKG_VERSION"));
/// JSON first: ASP.NET Web API 2 answers errors in XML to clients that do not ask for JSON.
const ACCEPT: &str = "application/json, application/yaml;q=0.9, text/html;q=0.8, */*;q=0.5";
/// What IIS and the proxies in front of it answer while an application pool (re)starts.
const TRANSIENT_STATUSES: [StatusCode; 2] = [StatusCode::BAD_GATEWAY, StatusCode::SERVICE_UNAVAILABLE];

/// A reply read in full, after redirects.
pub(super) struct Reply {
    pub(super) url: Url,
    pub(super) status: StatusCode,
    pub(super) content_type: Option<String>,
    /// Authentication schemes offered by `WWW-Authenticate`, lower case.
    pub(super) challenges: Vec<String>,
    pub(super) body: Vec<u8>,
}

/// The client every request of one fetch goes through.
pub(super) fn build_client(options: &FetchOptions) -> Result<Client, FetchError> {
    // Redirects are followed by hand: each hop is recorded, and neither the password grant
    // nor an Authorization header is ever replayed to an address the user did not choose.
    // Proxies come from the environment (reqwest's `system-proxy`), as for curl.
    let builder = Client::builder().user_agent(USER_AGENT).timeout(options.timeout).redirect(redirect::Policy::none());
    match &options.trust {
        ServerTrust::System => builder.build().map_err(FetchError::Client),
        ServerTrust::AlsoTrust(ca) => builder
            .tls_certs_merge(ca.certificates.iter().cloned())
            .build()
            .map_err(|error| FetchError::CaCertificate { path: ca.path.clone(), reason: root_cause(&error) }),
        ServerTrust::AcceptInvalidCertificates => {
            builder.tls_danger_accept_invalid_certs(true).build().map_err(FetchError::Client)
        }
    }
}

impl Fetcher<'_> {
    /// Sends what `build` makes, and again after a pause while the server cannot be reached
    /// or answers 502/503, as [`RetryPolicy`](super::RetryPolicy) allows. The last answer or
    /// error is returned as it is.
    pub(super) async fn send(&self, url: &Url, build: impl Fn() -> RequestBuilder) -> Result<Response, FetchError> {
        let policy = self.options.retry;
        let mut attempt = 1;
        loop {
            let outcome = build().send().await;
            let transient = match &outcome {
                Ok(response) if TRANSIENT_STATUSES.contains(&response.status()) => {
                    Some((response.status().to_string(), retry_after(response)))
                }
                // A TLS failure is a configuration problem: trying again cannot help.
                Err(error) if error.is_connect() && find_tls_error(error).is_none() => Some((root_cause(error), None)),
                _ => None,
            };
            match transient {
                Some((cause, retry_after)) if attempt < policy.attempts => {
                    let delay = policy.delay_after(attempt, retry_after);
                    let event = FetchEvent::Retrying {
                        url,
                        cause: &cause,
                        attempt: attempt + 1,
                        attempts: policy.attempts,
                        delay,
                    };
                    self.options.observer.notify(&event);
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return outcome.map_err(|error| self.transport_error(url, &error)),
            }
        }
    }

    /// GETs `start`, following up to [`MAX_REDIRECTS`] redirects, and reads the whole body.
    pub(super) async fn get_following_redirects(&mut self, start: &Url) -> Result<Reply, FetchError> {
        let mut url = start.clone();
        for _ in 0..=MAX_REDIRECTS {
            let response = self
                .send(&url, || self.authorize(self.client.get(url.clone()).header(header::ACCEPT, ACCEPT), &url))
                .await?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|location| location.to_str().ok())
                    .and_then(|location| url.join(location).ok())
                    .filter(|next| matches!(next.scheme(), "http" | "https"))
                    .ok_or_else(|| FetchError::BadRedirect { url: url.clone().into(), status })?;
                self.record(format!("{url} ({status})"));
                url = next;
                continue;
            }
            let content_type = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_ascii_lowercase);
            let challenges = authentication_schemes(response.headers());
            let body = self.read_limited(&url, response).await?;
            return Ok(Reply { url, status, content_type, challenges, body });
        }
        Err(FetchError::TooManyRedirects { url: start.clone().into(), max: MAX_REDIRECTS })
    }

    /// Reads a body of at most [`MAX_BODY_BYTES`], so an endless reply cannot exhaust memory.
    async fn read_limited(&self, url: &Url, mut response: reqwest::Response) -> Result<Vec<u8>, FetchError> {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| self.transport_error(url, &error))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(FetchError::TooLarge { url: url.clone().into(), limit_mib: MAX_BODY_BYTES >> 20 });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// One short line for a failed exchange: reqwest's own messages repeat the URL and nest.
    pub(super) fn transport_error(&self, url: &Url, error: &reqwest::Error) -> FetchError {
        let url = Box::new(url.clone());
        if error.is_timeout() {
            return FetchError::Timeout { url, timeout: self.options.timeout };
        }
        if let Some(tls) = find_tls_error(error) {
            return match certificate_hint(tls) {
                Some(hint) => FetchError::UntrustedCertificate { url, cause: tls.to_string(), hint },
                None => FetchError::Tls { url, cause: tls.to_string() },
            };
        }
        let cause = root_cause(error);
        if error.is_connect() { FetchError::Unreachable { url, cause } } else { FetchError::Transfer { url, cause } }
    }
}

/// `Retry-After: SECONDS` (the HTTP-date form is rare on 503s and ignored).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse().ok().map(Duration::from_secs)
}

/// The advice for a certificate the verifier refused; `None` for other TLS failures.
fn certificate_hint(error: &rustls::Error) -> Option<CertificateHint> {
    use rustls::CertificateError as Certificate;
    let rustls::Error::InvalidCertificate(problem) = error else {
        return None;
    };
    Some(match problem {
        Certificate::UnknownIssuer | Certificate::BadSignature => CertificateHint::UnknownIssuer,
        Certificate::NotValidForName | Certificate::NotValidForNameContext { .. } => CertificateHint::WrongName,
        _ => CertificateHint::Unusable,
    })
}

/// Every error in the chain, looking inside `io::Error`s: their `source` skips the error they
/// wrap, and hyper/tokio-rustls nest them (`Other(InvalidData(rustls::Error))`).
fn causes<'e>(error: &'e (dyn StdError + 'static)) -> impl Iterator<Item = &'e (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&current| {
        match current.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => current.source(),
        }
    })
}

fn find_tls_error<'e>(error: &'e (dyn StdError + 'static)) -> Option<&'e rustls::Error> {
    causes(error).find_map(|cause| cause.downcast_ref::<rustls::Error>())
}

/// The innermost cause, e.g. `connection refused` rather than reqwest's nested sentence.
fn root_cause(error: &(dyn StdError + 'static)) -> String {
    let deepest = causes(error).last().unwrap_or(error);
    match deepest.downcast_ref::<io::Error>() {
        Some(io) if io.kind() != io::ErrorKind::Other => io.kind().to_string(),
        _ => deepest.to_string(),
    }
}
