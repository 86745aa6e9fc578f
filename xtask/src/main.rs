//! `cargo xtask`: the project's own commands, written in Rust so they need nothing but cargo.
//!
//! Exit codes: 0 success; 1 failure (the message says why), `--check` found `generated/`
//! out of date, or `diff` found breaking changes; 2 bad command line.

mod bench;
mod connection;
mod console;
mod corpus;
mod demo;
mod diff;
mod generate;
mod spec_file;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::console::{Console, Verbosity};

const EXIT_CODES: &str = "Exit codes:\n  \
    0  done; for `diff`, no breaking change\n  \
    1  failed (the message says why, in one line), `generate --check` found generated/ out of date,\n     \
    or `diff` found breaking changes\n  \
    2  bad command line";

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Generate the Track-It! client, compare API versions, run the demo and the benchmarks",
    version,
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only warnings and errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how the document was found, proxies and other details.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the client crate in `generated/` from a server, a file, or the checked-in document.
    #[command(after_help = "Examples:\n  \
        cargo xtask generate --server https://helpdesk.example.com/TrackIt/WebApi\n  \
        cargo xtask generate --server helpdesk.example.com --ca-cert company-ca.pem\n  \
        cargo xtask generate --server helpdesk.example.com --user 'HELP DESK\\JPIKE' --password-env TRACKIT_PASSWORD\n  \
        cargo xtask generate --server helpdesk.example.com --check   # has the server's API changed?\n  \
        cargo xtask generate --spec swagger.json\n  \
        cargo xtask generate            # regenerate from generated/swagger.json\n  \
        cargo xtask generate --check    # fail if generated/ is out of date\n\n\
        Proxies come from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY.\n\
        When generated/swagger.json exists, the API changes since that document are listed first.\n\n\
        Exit codes:\n  \
        0  done\n  \
        1  failed (the message says why), or --check found generated/ out of date\n  \
        2  bad command line")]
    Generate(generate::GenerateArgs),
    /// List what changed in the API between two documents, and what of it breaks callers.
    #[command(after_help = "Examples:\n  \
        cargo xtask diff old/swagger.json generated/swagger.json\n  \
        git show HEAD~1:generated/swagger.json > /tmp/old.json && cargo xtask diff /tmp/old.json generated/swagger.json\n\n\
        Exit codes:\n  \
        0  no breaking change (maybe compatible ones)\n  \
        1  breaking changes, or a document could not be read\n  \
        2  bad command line")]
    Diff(diff::DiffArgs),
    /// Start the simulator, generate a client from it over HTTP, build it and run a session.
    Demo(demo::DemoArgs),
    /// Generate a client for every spec in a folder (default: ../shared/corpus) and compile them all.
    Corpus(corpus::CorpusArgs),
    /// Time generation, compilation of the generated crate and each request, against the peers.
    #[command(after_help = "Parts, one table each (also written as markdown to --report):\n  \
        (a) generation: wall time (median of --runs) and peak memory of ours, openapi-generator and\n      \
            progenitor on the Track-It! document and the largest corpus specs, next to serde parsing alone\n  \
        (b) cargo check and cargo build of each generated crate, cold (dependencies prebuilt) and after\n      \
            touching one file, with rustc's peak memory (--release adds release builds; --skip-compile skips)\n  \
        (c) latency and requests per second through the client against plain reqwest on loopback\n      \
            (cargo bench -p trackit-runtime --bench overhead; --skip-requests skips)\n\n\
        Peers are used where installed and never installed by the bench:\n  \
        pip install openapi-generator-cli; cargo install cargo-progenitor --locked; npm i -g swagger2openapi\n\n\
        Examples:\n  \
        cargo xtask bench\n  \
        cargo xtask bench --spec github --runs 3\n  \
        cargo xtask bench --skip-compile --skip-requests   # generation only, a minute or two")]
    Bench(bench::BenchArgs),
    /// Generates once into a folder: the child process `bench` times.
    #[command(name = "bench-generate-once", hide = true)]
    BenchGenerateOnce(bench::once::GenerateOnceArgs),
}

/// The workspace root: xtask lives one folder below it.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    };
    let console = Console::new(verbosity);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            console.error(format_args!("cannot start the async runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Generate(args) => generate::run(args, console).await,
            Command::Diff(args) => diff::run(args, verbosity),
            Command::Demo(args) => demo::run(args, console).await,
            Command::Corpus(args) => corpus::run(args),
            Command::Bench(args) => bench::run(args),
            Command::BenchGenerateOnce(args) => bench::once::run(args),
        }
    });
    match outcome {
        Ok(code) => code,
        Err(error) => {
            console.error(format_args!("{error:#}"));
            ExitCode::FAILURE
        }
    }
}
