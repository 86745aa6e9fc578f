//! `cargo xtask`: the project's own commands, written in Rust so they need nothing but cargo.
//!
//! Exit codes: 0 success; 1 failure (the message says why), or `--check` found `generated/`
//! out of date; 2 bad command line.

mod demo;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generate the Track-It! client, and run the demo", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the client crate in `generated/` from a server, a file, or the checked-in document.
    #[command(after_help = "Examples:\n  \
        cargo xtask generate --server https://helpdesk.example.com/TrackIt/WebApi\n  \
        cargo xtask generate --server helpdesk.example.com --user 'HELP DESK\\JPIKE' --password-env TRACKIT_PASSWORD\n  \
        cargo xtask generate --spec swagger.json\n  \
        cargo xtask generate            # regenerate from generated/swagger.json\n  \
        cargo xtask generate --check    # fail if generated/ is out of date")]
    Generate(generate::GenerateArgs),
    /// Start the simulator, generate a client from it over HTTP, build it and run a session.
    Demo(demo::DemoArgs),
}

/// The workspace root: xtask lives one folder below it.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Generate(args) => generate::run(args).await,
            Command::Demo(args) => demo::run(args).await,
        }
    });
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
