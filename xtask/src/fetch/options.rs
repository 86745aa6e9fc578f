//! How [`fetch_document`](super::fetch_document) talks to the server: time limit, login,
//! which certificates to trust, how to ride out a server that is still starting, and who
//! hears about progress.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::FetchError;

/// How [`fetch_document`](super::fetch_document) talks to the server.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Limit for each whole request (connect, send, read the body).
    pub timeout: Duration,
    /// `GROUP\LOGINID` and password, used only when the server answers 401.
    pub credentials: Option<(String, SecretString)>,
    /// Which server certificates are accepted over https.
    pub trust: ServerTrust,
    /// Retries while the server is unreachable or answers 502/503 (IIS waking an app pool).
    pub retry: RetryPolicy,
    /// Told about each step and retry as it happens.
    pub observer: Observer,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            credentials: None,
            trust: ServerTrust::default(),
            retry: RetryPolicy::default(),
            observer: Observer::default(),
        }
    }
}

/// Which server certificates are accepted. Proxies always come from the environment
/// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).
#[derive(Debug, Clone, Default)]
pub enum ServerTrust {
    /// The operating system's trust store.
    #[default]
    System,
    /// The operating system's trust store plus these CA certificates, e.g. a company CA.
    AlsoTrust(CaCertificates),
    /// Any certificate at all: no protection against anyone who can intercept the connection.
    AcceptInvalidCertificates,
}

/// CA certificates read from a file, in PEM (one or more) or DER (a Windows `.cer` export).
#[derive(Clone)]
pub struct CaCertificates {
    pub(super) path: String,
    pub(super) certificates: Vec<reqwest::Certificate>,
}

impl CaCertificates {
    /// Reads the certificates in `path`.
    ///
    /// # Errors
    ///
    /// [`FetchError::CaCertificate`] when the file cannot be read or holds no certificate.
    pub fn from_file(path: &Path) -> Result<Self, FetchError> {
        let bytes = std::fs::read(path).map_err(|error| FetchError::CaCertificate {
            path: path.display().to_string(),
            reason: error.to_string(),
        })?;
        Self::from_bytes(&bytes, &path.display().to_string())
    }

    /// Parses PEM or DER `bytes`; `path` names them in errors.
    ///
    /// # Errors
    ///
    /// [`FetchError::CaCertificate`] when `bytes` hold no certificate.
    pub fn from_bytes(bytes: &[u8], path: &str) -> Result<Self, FetchError> {
        let refuse = |reason: &str| FetchError::CaCertificate { path: path.to_owned(), reason: reason.to_owned() };
        let is_pem = bytes.windows(b"-----BEGIN".len()).any(|window| window == b"-----BEGIN");
        let certificates = if is_pem {
            reqwest::Certificate::from_pem_bundle(bytes).map_err(|_| refuse("not a valid PEM certificate"))?
        } else if bytes.first() == Some(&0x30) {
            // DER starts with an ASN.1 SEQUENCE; anything else is not a certificate at all.
            vec![reqwest::Certificate::from_der(bytes).map_err(|_| refuse("not a valid DER certificate"))?]
        } else {
            Vec::new()
        };
        if certificates.is_empty() {
            return Err(refuse("no certificate found (expected PEM `-----BEGIN CERTIFICATE-----` or DER)"));
        }
        Ok(Self { path: path.to_owned(), certificates })
    }

    /// How many certificates the file held.
    pub fn len(&self) -> usize {
        self.certificates.len()
    }

    /// Whether the file held none (never true for a successfully read file).
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty()
    }
}

impl fmt::Debug for CaCertificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaCertificates").field("path", &self.path).field("count", &self.certificates.len()).finish()
    }
}

/// Bounded retries with exponential backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, including the first (1 = never retry).
    pub attempts: u32,
    /// Pause before the first retry; each later one doubles it.
    pub first_delay: Duration,
    /// Longest pause, also for a server's `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 tries, pausing 0.5 s, 1 s and 2 s (at most 4 s): long enough for IIS to start an
    /// application pool, short enough that a wrong address fails within seconds.
    fn default() -> Self {
        Self { attempts: 4, first_delay: Duration::from_millis(500), max_delay: Duration::from_secs(4) }
    }
}

impl RetryPolicy {
    /// One try only.
    pub fn never() -> Self {
        Self { attempts: 1, ..Self::default() }
    }

    /// The pause after failed try number `attempt` (1-based), before the next one.
    pub fn delay_after(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let doubled = self.first_delay.saturating_mul(1 << attempt.saturating_sub(1).min(16));
        doubled.max(retry_after.unwrap_or_default()).min(self.max_delay)
    }
}

/// Something worth telling the user while fetching.
#[derive(Debug)]
pub enum FetchEvent<'a> {
    /// A request was answered, as recorded in [`FetchedDocument::via`](super::FetchedDocument::via).
    Step(&'a str),
    /// A transient failure (`cause`: `503 Service Unavailable`, `connection refused`): the
    /// request to `url` is sent again after `delay`, as try number `attempt` of `attempts`.
    Retrying { url: &'a Url, cause: &'a str, attempt: u32, attempts: u32, delay: Duration },
}

/// What an [`Observer`] calls.
type Callback = dyn Fn(&FetchEvent<'_>) + Send + Sync;

/// A callback for [`FetchEvent`]s; the default ignores them.
#[derive(Clone, Default)]
pub struct Observer(Option<Arc<Callback>>);

impl Observer {
    pub fn new(callback: impl Fn(&FetchEvent<'_>) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(callback)))
    }

    pub(super) fn notify(&self, event: &FetchEvent<'_>) {
        if let Some(callback) = &self.0 {
            callback(event);
        }
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Observer(callback)" } else { "Observer(none)" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_limit_and_honours_retry_after() {
        let policy = RetryPolicy::default();
        let delays: Vec<_> = (1..=5).map(|attempt| policy.delay_after(attempt, None).as_millis()).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 4000]);
        assert_eq!(policy.delay_after(1, Some(Duration::from_secs(3))), Duration::from_secs(3));
        assert_eq!(policy.delay_after(1, Some(Duration::from_secs(60))), Duration::from_secs(4));
    }

    #[test]
    fn ca_files_must_hold_a_certificate() {
        let message = CaCertificates::from_bytes(b"hello", "ca.txt").expect_err("not a certificate").to_string();
        assert!(message.starts_with("--ca-cert ca.txt: no certificate found"), "{message}");
        let message =
            CaCertificates::from_bytes(b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n", "ca.pem")
                .expect_err("bad PEM")
                .to_string();
        assert_eq!(message, "--ca-cert ca.pem: not a valid PEM certificate");
    }
}
