//! In-memory Track-It! 2021 Web API simulator: a real HTTP server that answers like
//! Track-It! on IIS (token endpoint, Swagger UI and document, every API operation).
//!
//! Start one with [`Simulator::start`], point a client at [`Simulator::base_url`], and log
//! in with [`DEMO_USER`] / [`DEMO_PASSWORD`]. Dropping the [`Simulator`] stops the server.
//! [`Simulator::faults`] makes it misbehave on purpose (slow or broken token endpoint,
//! dropped connections, 5xx, redirects, skewed clock) for resilience tests.

mod app;
mod auth;
mod clock;
mod docs;
mod errors;
mod extract;
mod faults;
mod protect;
mod routes;
mod state;
mod stats;
mod store;
mod tls;
mod tokens;
mod users;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::Faults;
pub use protect::DocumentLogin;
pub use stats::Stats;
pub use tls::{TlsConfig, TlsSetupError};
pub use users::{SimUser, UserSpecError};

use state::AppState;

/// Login of the built-in Track-It! technician (first name Jordan, last name Pike).
pub const DEMO_USER: &str = "HELP DESK\\JPIKE";
/// Password of [`DEMO_USER`].
pub const DEMO_PASSWORD: &str = "trackit-demo";
/// Login of the built-in Windows-authenticated technician (`GROUP\DOMAIN\user`).
pub const WINDOWS_DEMO_USER: &str = "HELP DESK\\CORP\\asmith";
/// Password of [`WINDOWS_DEMO_USER`].
pub const WINDOWS_DEMO_PASSWORD: &str = "windows-demo";
/// Path of the Web API under the server root, as on a default Track-It! install.
pub const BASE_PATH: &str = "/TrackIt/WebApi";

/// How long a graceful shutdown may wait for open connections before the server task is aborted.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Settings of one simulator instance.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Access token lifetime. Default 30 minutes, which Track-It! reports as `expires_in: 1799`.
    pub token_lifetime: Duration,
    /// Refresh token lifetime. Default 3600 s.
    pub refresh_token_lifetime: Duration,
    /// Technicians allowed to log in. Default: [`DEMO_USER`] and [`WINDOWS_DEMO_USER`].
    pub users: Vec<SimUser>,
    /// Serve HTTPS with this certificate instead of plain HTTP. Default: `None`.
    pub tls: Option<TlsConfig>,
    /// Make the Swagger UI and document answer 401 until the client logs in. Default: `None`
    /// (open, as on a default install).
    pub document_login: Option<DocumentLogin>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            token_lifetime: Duration::from_secs(1800),
            refresh_token_lifetime: Duration::from_secs(3600),
            users: users::demo_users(),
            tls: None,
            document_login: None,
        }
    }
}

/// A running simulator; dropping it shuts the server down.
pub struct Simulator {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown_signal: Option<oneshot::Sender<()>>,
    server_task: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Starts a simulator on `127.0.0.1` with a free port.
    pub async fn start(config: SimConfig) -> anyhow::Result<Simulator> {
        Self::start_on(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a simulator listening on `addr` (port 0 picks a free port).
    pub async fn start_on(config: SimConfig, addr: SocketAddr) -> anyhow::Result<Simulator> {
        let state = Arc::new(AppState::new(config).context("loading the simulator fixtures")?);
        let listener =
            tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding the simulator to {addr}"))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let (shutdown_signal, shutdown_received) = oneshot::channel::<()>();
        let service = app::service(Arc::clone(&state));
        let server_task = match &state.config.tls {
            None => tokio::spawn(serve(listener, service, shutdown_received)),
            Some(tls) => {
                let listener = tls::TlsListener::new(listener, tls).context("setting up TLS")?;
                tokio::spawn(serve(listener, service, shutdown_received))
            }
        };
        tracing::info!(%addr, "Track-It! simulator listening");
        Ok(Simulator { addr, state, shutdown_signal: Some(shutdown_signal), server_task: Some(server_task) })
    }

    /// The address the server is bound to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` when serving TLS), the IIS site root.
    pub fn root_url(&self) -> String {
        let scheme = if self.state.config.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The PEM of the CA that signed the server certificate, when serving TLS.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.state.config.tls.as_ref().map(TlsConfig::ca_certificate_pem)
    }

    /// `http://127.0.0.1:PORT/TrackIt/WebApi`, the Web API base URL (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("{}{BASE_PATH}", self.root_url())
    }

    /// A snapshot of the request counters.
    pub fn stats(&self) -> Stats {
        self.state.stats.snapshot()
    }

    /// Revokes every access and refresh token issued so far, as if the server restarted.
    pub fn revoke_all_tokens(&self) {
        self.state.revoke_all_tokens();
    }

    /// The fault switches: slow or broken token endpoint, dropped connections, failing calls.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// The latest access and refresh tokens issued (up to a few thousand), revoked or not,
    /// for tests that check no token leaks into logs or errors.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.tokens().history()
    }

    /// Stops accepting connections, lets in-flight requests finish, then returns.
    pub async fn shutdown(mut self) {
        if let Some(signal) = self.shutdown_signal.take() {
            let _ = signal.send(());
        }
        if let Some(mut task) = self.server_task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err()
        {
            task.abort();
        }
    }
}

/// Serves until `shutdown_received` fires or its sender is dropped, then lets requests finish.
async fn serve<L>(listener: L, service: app::Service, shutdown_received: oneshot::Receiver<()>)
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    let served = axum::serve(listener, axum::ServiceExt::into_make_service(service))
        .with_graceful_shutdown(async {
            let _ = shutdown_received.await;
        })
        .await;
    if let Err(error) = served {
        tracing::error!(%error, "simulator server stopped with an error");
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // Graceful: idle keep-alive connections close, in-flight requests finish.
        if let Some(signal) = self.shutdown_signal.take() {
            let _ = signal.send(());
        }
    }
}
