//! TLS trust shared by the API and token clients: extra CA certificates (a company CA), the
//! opt-in to accept any certificate, and recognising a refused certificate in an error chain.

use std::error::Error as StdError;
use std::path::PathBuf;

use crate::Error;

/// Where an extra CA certificate comes from.
#[derive(Clone)]
enum RootSource {
    Pem(Vec<u8>),
    File(PathBuf),
}

impl RootSource {
    fn describe(&self) -> String {
        match self {
            RootSource::Pem(_) => "given to add_root_certificate_pem".to_owned(),
            RootSource::File(path) => format!("in `{}`", path.display()),
        }
    }
}

/// The TLS settings of a builder, checked and loaded by [`TlsSettings::load`].
#[derive(Clone, Default)]
pub(crate) struct TlsSettings {
    roots: Vec<RootSource>,
    accept_invalid_certs: bool,
}

/// Loaded TLS settings, applied to each `reqwest` client the builder makes.
pub(crate) struct TlsTrust {
    roots: Vec<reqwest::Certificate>,
    accept_invalid_certs: bool,
}

impl TlsSettings {
    pub(crate) fn add_root_pem(&mut self, pem: Vec<u8>) {
        self.roots.push(RootSource::Pem(pem));
    }

    pub(crate) fn add_root_file(&mut self, path: PathBuf) {
        self.roots.push(RootSource::File(path));
    }

    pub(crate) fn accept_invalid_certs(&mut self, accept: bool) {
        self.accept_invalid_certs = accept;
    }

    pub(crate) fn accepts_invalid_certs(&self) -> bool {
        self.accept_invalid_certs
    }

    pub(crate) fn root_count(&self) -> usize {
        self.roots.len()
    }

    /// Reads and parses every extra CA; each file or PEM must hold at least one certificate.
    pub(crate) fn load(&self) -> Result<TlsTrust, Error> {
        let mut roots = Vec::new();
        for source in &self.roots {
            let failed = |reason: String| Error::Certificate { origin: source.describe(), reason };
            let pem = match source {
                RootSource::Pem(pem) => pem.clone(),
                RootSource::File(path) => std::fs::read(path).map_err(|error| failed(error.to_string()))?,
            };
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| failed(crate::error::error_chain(&error)))?;
            if certificates.is_empty() {
                return Err(failed("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned()));
            }
            roots.extend(certificates);
        }
        if self.accept_invalid_certs {
            tracing::warn!(
                "TLS certificate checking is OFF (danger_accept_invalid_certs): any server can pose as \
                 Track-It! and receive the password; use add_root_certificate_file with the server's CA instead"
            );
        }
        Ok(TlsTrust { roots, accept_invalid_certs: self.accept_invalid_certs })
    }
}

impl TlsTrust {
    /// The system's roots stay trusted; the extra CAs are added to them.
    pub(crate) fn apply(&self, builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
        builder.tls_certs_merge(self.roots.iter().cloned()).tls_danger_accept_invalid_certs(self.accept_invalid_certs)
    }
}

/// Why the server's certificate was refused, when that is what an error chain says.
///
/// rustls reports it inside (nested) `io::Error`s, whose `source()` skips the error they
/// wrap, so each `io::Error` is also looked into with `get_ref`.
pub(crate) fn certificate_problem(error: &(dyn StdError + 'static)) -> Option<String> {
    let mut pending: Vec<&(dyn StdError + 'static)> = vec![error];
    while let Some(current) = pending.pop() {
        if let Some(rustls_error) = current.downcast_ref::<rustls::Error>()
            && matches!(rustls_error, rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented)
        {
            return Some(rustls_error.to_string());
        }
        if let Some(wrapped) = current.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            pending.push(wrapped);
        }
        pending.extend(current.source());
    }
    None
}

/// `scheme://host:port` of a URL, enough to name the server whose certificate was refused.
pub(crate) fn origin_of(url: Option<&url::Url>) -> String {
    url.map_or_else(|| "the server".to_owned(), |url| url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_are_found_inside_io_errors() {
        let rustls_error = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls_error);
        // hyper-rustls wraps the io::Error of tokio-rustls in another one.
        let outer = std::io::Error::other(io);
        assert_eq!(certificate_problem(&outer).as_deref(), Some("invalid peer certificate: UnknownIssuer"));
        let unrelated = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(certificate_problem(&unrelated), None);
    }

    #[test]
    fn bad_certificate_sources_are_reported_with_their_origin() {
        let mut settings = TlsSettings::default();
        settings.add_root_pem(b"not a certificate".to_vec());
        let error = settings.load().err().expect("no certificate in the PEM");
        assert!(matches!(&error, Error::Certificate { origin, .. } if origin.contains("add_root_certificate_pem")));

        let mut settings = TlsSettings::default();
        settings.add_root_file(PathBuf::from("/nonexistent/company-ca.pem"));
        let error = settings.load().err().expect("missing file");
        assert!(error.to_string().contains("/nonexistent/company-ca.pem"), "{error}");
    }
}
