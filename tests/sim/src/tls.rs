//! HTTPS for the simulator: a throw-away certificate authority, a server certificate it signs
//! for `localhost`, `127.0.0.1` and `::1`, and a listener that does the TLS handshakes.
//!
//! A company's Track-It! server usually presents a certificate from an internal CA that no
//! public trust store knows; tests hand [`TlsConfig::ca_certificate_pem`] to the client as that
//! company CA, or leave it out to see the failure a first run meets.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig, crypto::aws_lc_rs};
use tokio_rustls::server::TlsStream;

/// Names the server certificate is valid for: every way a test can address this machine.
const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];
/// A client that connects and then says nothing must not hold a handshake slot forever.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshaken connections waiting for the server to take them.
const ACCEPT_QUEUE: usize = 64;

/// Serve HTTPS with a freshly generated certificate; see [`TlsConfig::self_signed`].
#[derive(Clone)]
pub struct TlsConfig {
    ca_certificate_pem: String,
    server: Arc<ServerConfig>,
}

/// Why the certificates or the TLS configuration could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot generate the simulator's certificates: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("cannot configure TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

impl TlsConfig {
    /// A new certificate authority ("Track-It! Simulator Test CA") and a server certificate
    /// it signs, both valid for a year and never written anywhere unless a caller does.
    pub fn self_signed() -> Result<TlsConfig, TlsSetupError> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.distinguished_name.push(DnType::CommonName, "Track-It! Simulator Test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;

        let server_key = KeyPair::generate()?;
        let mut server_params = CertificateParams::new(SERVER_NAMES.map(str::to_owned).to_vec())?;
        server_params.distinguished_name.push(DnType::CommonName, "localhost");
        server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_certificate = server_params.signed_by(&server_key, &ca)?;

        // The chain a real IIS sends: the server certificate, then the CA that issued it.
        let chain = vec![server_certificate.der().clone(), CertificateDer::from(ca.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        // An explicit provider: the process-wide default is ambiguous when several are compiled in.
        let mut server = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        // HTTP/1.1 only: HTTP/2 requests carry no `Host` header, which the pages are built from.
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsConfig { ca_certificate_pem: ca.pem(), server: Arc::new(server) })
    }

    /// The CA certificate in PEM, what a user passes as `--ca-cert`.
    pub fn ca_certificate_pem(&self) -> &str {
        &self.ca_certificate_pem
    }
}

impl fmt::Debug for TlsConfig {
    // The private key stays out of logs; the CA is public by nature.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig").field("ca", &"Track-It! Simulator Test CA").finish_non_exhaustive()
    }
}

/// Accepts TCP connections and hands out only those whose TLS handshake succeeded.
///
/// Handshakes run in their own tasks, so one slow or failing client never delays the others.
pub(crate) struct TlsListener {
    local_addr: SocketAddr,
    connections: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    acceptor_task: JoinHandle<()>,
}

impl TlsListener {
    pub(crate) fn new(listener: TcpListener, config: &TlsConfig) -> std::io::Result<TlsListener> {
        let local_addr = listener.local_addr()?;
        let acceptor = TlsAcceptor::from(Arc::clone(&config.server));
        let (sender, connections) = mpsc::channel(ACCEPT_QUEUE);
        let acceptor_task = tokio::spawn(accept_loop(listener, acceptor, sender));
        Ok(TlsListener { local_addr, connections, acceptor_task })
    }
}

impl Drop for TlsListener {
    // The server dropped its listener: stop accepting, which also frees the port.
    fn drop(&mut self) {
        self.acceptor_task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The accept loop only ends when this listener is dropped; until then, wait.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local_addr)
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    sender: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(%error, "accepting a TCP connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let sender = sender.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = sender.send((tls, peer)).await;
                }
                // Expected in tests: a client that does not trust the CA aborts the handshake.
                Ok(Err(error)) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        });
    }
}
