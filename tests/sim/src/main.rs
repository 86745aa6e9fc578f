//! `trackit-sim`: runs the Track-It! simulator until Ctrl-C or SIGTERM.

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use trackit_sim::{DocumentLogin, SimConfig, SimUser, Simulator, TlsConfig};

/// An in-memory Track-It! 2021 Web API server for tests and demos.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Access token lifetime in seconds (the reply's `expires_in` is one less).
    #[arg(long, default_value_t = 1800)]
    token_lifetime_secs: u64,
    /// Refresh token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    refresh_token_lifetime_secs: u64,
    /// Extra technician, 'GROUP\LOGIN:password' (repeatable); added to the built-in ones.
    #[arg(long = "user", value_name = "GROUP\\LOGIN:PASSWORD", value_parser = SimUser::parse)]
    users: Vec<SimUser>,
    /// Serve HTTPS with a new self-signed CA and server certificate; write the CA (PEM) to FILE,
    /// for `cargo xtask generate --ca-cert FILE`.
    #[arg(long, value_name = "FILE")]
    tls: Option<PathBuf>,
    /// Make the Swagger UI and document answer 401 until the client logs in; the 401 asks for
    /// a bearer token from /token or for Basic authentication.
    #[arg(long, value_name = "CHALLENGE")]
    protect_docs: Option<ProtectDocs>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ProtectDocs {
    Bearer,
    Basic,
}

impl From<ProtectDocs> for DocumentLogin {
    fn from(mode: ProtectDocs) -> Self {
        match mode {
            ProtectDocs::Bearer => DocumentLogin::Bearer,
            ProtectDocs::Basic => DocumentLogin::Basic,
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut config = SimConfig {
        token_lifetime: Duration::from_secs(args.token_lifetime_secs),
        refresh_token_lifetime: Duration::from_secs(args.refresh_token_lifetime_secs),
        document_login: args.protect_docs.map(DocumentLogin::from),
        ..SimConfig::default()
    };
    config.users.extend(args.users);
    if let Some(ca_file) = &args.tls {
        let tls = TlsConfig::self_signed()?;
        std::fs::write(ca_file, tls.ca_certificate_pem())
            .with_context(|| format!("writing the CA certificate to {}", ca_file.display()))?;
        config.tls = Some(tls);
    }
    let simulator = Simulator::start_on(config, SocketAddr::new(args.host, args.port)).await?;

    // Scripts wait for this single line, so flush it right away.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on {}", simulator.base_url()).context("writing to stdout")?;
    stdout.flush().context("flushing stdout")?;
    drop(stdout);

    wait_for_termination().await?;
    simulator.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn wait_for_termination() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted.context("waiting for Ctrl-C")?,
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    Ok(())
}
