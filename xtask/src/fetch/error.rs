//! Why a fetch failed: one enum whose messages are single lines that name the URL and, where
//! there is one, the flag that fixes it. No variant ever holds a password or token.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use url::Url;

/// Why no document could be fetched; `Display` is one line meant for the user and names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{input:?} is not a usable server address: {reason}")]
    InvalidAddress { input: String, reason: url::ParseError },
    #[error("{url} uses the {scheme} scheme; only http and https are supported")]
    UnsupportedScheme { url: String, scheme: String },
    #[error(
        "the server address must not contain a user name or password; pass --user 'GROUP\\LOGINID' --password-env VAR instead"
    )]
    CredentialsInAddress,
    #[error("cannot set up the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("cannot reach {url}: {cause}")]
    Unreachable { url: Box<Url>, cause: String },
    #[error(
        "{url} asks for a login over plain http, which would send the password unencrypted across the \
         network; use https, or pass --insecure if this network is trusted"
    )]
    PlainHttpLogin { url: Box<Url> },
    #[error("{url} sent more than {limit_mib} MiB; that is not an API document")]
    TooLarge { url: Box<Url>, limit_mib: usize },
    #[error("{url} did not answer within {timeout:?}")]
    Timeout { url: Box<Url>, timeout: Duration },
    #[error("TLS failure talking to {url}: {cause}")]
    Tls { url: Box<Url>, cause: String },
    #[error("{url} presented a certificate this machine does not trust ({cause}); {hint}")]
    UntrustedCertificate { url: Box<Url>, cause: String, hint: CertificateHint },
    #[error("--ca-cert {path}: {reason}")]
    CaCertificate { path: String, reason: String },
    #[error("request to {url} failed: {cause}")]
    Transfer { url: Box<Url>, cause: String },
    #[error("{url} answered {status}")]
    Status { url: Box<Url>, status: StatusCode },
    #[error("{url} answered {status} without a usable Location header")]
    BadRedirect { url: Box<Url>, status: StatusCode },
    #[error("{url} redirected more than {max} times")]
    TooManyRedirects { url: Box<Url>, max: usize },
    #[error("{url} is not a Swagger UI or document ({found}){tried}")]
    NotDiscoverable { url: Box<Url>, found: String, tried: Attempts },
    #[error("{url} is a Swagger UI page but names no document")]
    UiWithoutDocument { url: Box<Url> },
    #[error("{url} answered {found}, not a Swagger or OpenAPI document")]
    NotADocument { url: Box<Url>, found: String },
    #[error("{url} answered with invalid JSON at line {line}, column {column}: {reason}")]
    InvalidJson { url: Box<Url>, line: usize, column: usize, reason: String },
    #[error("{url} answered with invalid YAML{location}: {reason}")]
    InvalidYaml { url: Box<Url>, location: YamlLocation, reason: String },
    #[error("{url} answered JSON that is not a Swagger or OpenAPI document: {detail}")]
    NotSwagger { url: Box<Url>, detail: String },
    #[error("{url} needs a login: pass --user 'GROUP\\LOGINID', with --password-env VAR or at the prompt")]
    NeedsLogin { url: Box<Url> },
    #[error("{token_url} refused the login of {user}: {reason}")]
    LoginRefused { token_url: Box<Url>, user: String, reason: String },
    #[error("the token endpoint {token_url} answered {status}")]
    TokenEndpoint { token_url: Box<Url>, status: StatusCode },
    #[error("the token endpoint {token_url} answered without an access_token")]
    TokenMissing { token_url: Box<Url> },
    #[error("{url} still answered 401 Unauthorized after logging in as {user}")]
    StillUnauthorized { url: Box<Url>, user: String },
}

/// Addresses probed during discovery and what each answered; displays as `"; tried: …"`.
#[derive(Debug, Default)]
pub struct Attempts(pub Vec<Attempt>);

/// One probed address.
#[derive(Debug)]
pub struct Attempt {
    pub url: Url,
    pub answer: String,
}

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, attempt) in self.0.iter().enumerate() {
            f.write_str(if index == 0 { "; tried: " } else { ", " })?;
            write!(f, "{} ({})", attempt.url, attempt.answer)?;
        }
        Ok(())
    }
}

/// Where a YAML parse failed, when the parser knows; displays as `" at line L, column C"`.
#[derive(Debug)]
pub struct YamlLocation(pub Option<(usize, usize)>);

impl fmt::Display for YamlLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((line, column)) => write!(f, " at line {line}, column {column}"),
            None => Ok(()),
        }
    }
}

/// What to do about a certificate that failed verification; displays as advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateHint {
    /// Issued by a CA the trust store does not hold: typical of a company CA.
    UnknownIssuer,
    /// Valid, but for another host name than the one in the address.
    WrongName,
    /// Expired, revoked, not yet valid, or otherwise unusable.
    Unusable,
}

impl fmt::Display for CertificateHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownIssuer => {
                "pass --ca-cert FILE with the CA certificate that issued it (or --insecure to skip the check)"
            }
            Self::WrongName => "use the host name the certificate was issued for (or --insecure to skip the check)",
            Self::Unusable => "ask the server's administrator to renew it (or --insecure to skip the check)",
        })
    }
}
