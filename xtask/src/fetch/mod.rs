//! Finds and downloads the Swagger/OpenAPI document behind whatever server address a user copied.
//!
//! Users know "the Track-It! server", not the document URL, so [`fetch_document`] accepts the
//! server root, the virtual directory, the Web API base, the Swagger UI page or the document
//! itself. It follows redirects by hand (to record each hop and keep credentials on one origin),
//! reads the Swagger UI configuration of Swashbuckle 5 (ASP.NET Web API 2) and of
//! Swashbuckle.AspNetCore, probes well-known locations otherwise, and logs in only when the
//! document answers 401. On the way it trusts a company CA if told to ([`ServerTrust`]), uses
//! the environment's proxies, and rides out an IIS application pool that is still starting
//! ([`RetryPolicy`]).

mod address;
mod classify;
mod discover;
mod error;
mod login;
mod options;
mod transport;
mod ui;

use std::fmt;

use url::Url;

pub use error::{Attempt, Attempts, CertificateHint, FetchError, YamlLocation};
pub use options::{CaCertificates, FetchEvent, FetchOptions, Observer, RetryPolicy, ServerTrust};

/// A Swagger/OpenAPI document and how it was found.
pub struct FetchedDocument {
    /// The URL the document was finally read from.
    pub document_url: Url,
    /// The document exactly as served.
    pub bytes: Vec<u8>,
    /// One entry per request, `"URL (what it answered)"`; see [`FetchedDocument::route`].
    pub via: Vec<String>,
    /// The Swagger UI page that named the document, when discovery went through one.
    pub swagger_ui: Option<Url>,
    /// Whether `bytes` hold JSON or YAML.
    pub format: DocumentFormat,
    /// Which specification the document follows.
    pub spec: SpecKind,
}

impl FetchedDocument {
    /// The discovery route on one line, e.g.
    /// `http://h/TrackIt/WebApi (302 Found) → http://h/TrackIt/WebApi/swagger/ui/index (Swagger UI, Swashbuckle 5) → …`.
    pub fn route(&self) -> String {
        self.via.join(" → ")
    }
}

impl fmt::Debug for FetchedDocument {
    // The body can be megabytes; its size is what matters when debugging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchedDocument")
            .field("document_url", &self.document_url.as_str())
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("via", &self.via)
            .field("swagger_ui", &self.swagger_ui.as_ref().map(Url::as_str))
            .field("format", &self.format)
            .field("spec", &self.spec)
            .finish()
    }
}

/// Serialisation of a fetched document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Json,
    Yaml,
}

/// Specification a fetched document declares at its top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecKind {
    /// `"swagger": "2.0"` (what Swashbuckle 5, hence Track-It!, publishes).
    Swagger2,
    /// `"openapi": "3.x.y"`, with the declared version.
    OpenApi3 { version: String },
}

impl fmt::Display for SpecKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Swagger2 => f.write_str("Swagger 2.0"),
            Self::OpenApi3 { version } => write!(f, "OpenAPI {version}"),
        }
    }
}

/// Finds the Swagger/OpenAPI document reachable from `start` and returns it as served.
///
/// `start` may be the server root, the virtual directory (`/TrackIt`), the Web API base
/// (`/TrackIt/WebApi`, any case, trailing slash or not), the Swagger UI page or the document
/// URL; without a scheme, https is assumed.
pub async fn fetch_document(start: &str, options: &FetchOptions) -> Result<FetchedDocument, FetchError> {
    let start = address::parse_start(start)?;
    discover::Fetcher::new(options)?.discover(start).await
}
