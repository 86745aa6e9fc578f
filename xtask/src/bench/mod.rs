//! `cargo xtask bench`: what users feel, against the peers on the same machine in one run.
//! (a) generation time and peak memory, (b) compile time of the generated crate, (c) the cost
//! each request pays for going through the client. One table per part on stdout, and all of
//! them as markdown in the report file.

mod compile;
mod generation;
pub(crate) mod once;
mod peers;
mod process;
mod requests;
mod specs;
mod table;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use self::peers::{Availability, Peers};
use self::table::Table;

/// The hidden subcommand that generates once, in a child process of its own.
pub(crate) const GENERATE_ONCE: &str = "bench-generate-once";

#[derive(Args)]
pub(crate) struct BenchArgs {
    /// Only specs whose short name (trackit, github, stripe, bunq) or file name contains NAME,
    /// or the spec file at that path; repeatable.
    #[arg(long, value_name = "NAME")]
    spec: Vec<String>,
    /// Generation runs per spec and tool; the median is reported.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    runs: u16,
    /// Skip part (b), compiling the generated crates (the slow part).
    #[arg(long)]
    skip_compile: bool,
    /// Also time `cargo build --release` of the generated crates.
    #[arg(long)]
    release: bool,
    /// Skip part (c), the cost per request.
    #[arg(long)]
    skip_requests: bool,
    /// Measure ours alone, without running the peers.
    #[arg(long)]
    no_peers: bool,
    /// Where to write the markdown report [default: target/bench-report.md].
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Give up on any one command (a generator, a build) after this many seconds.
    #[arg(long, default_value_t = 1800, value_name = "SECS")]
    timeout: u64,
}

pub(crate) fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let root = crate::workspace_root();
    let bench_dir = root.join("target/bench");
    // Fixed paths, so the next run finds the dependencies built and cleans the crates by name.
    let work = bench_dir.join("work");
    let cargo_target = bench_dir.join("cargo");
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    }
    let report_path = args.report.clone().unwrap_or_else(|| root.join("target/bench-report.md"));
    let timeout = Duration::from_secs(args.timeout);
    let runs = usize::from(args.runs);

    // A private copy of this program for the generation runs: other builds in the same
    // checkout may replace target/debug/xtask while the bench runs.
    let generator = work.join("bin/xtask");
    std::fs::create_dir_all(work.join("bin"))?;
    std::fs::copy("/proc/self/exe", &generator).context("cannot copy the running xtask binary")?;

    let selected = specs::select(&root, &args.spec)?;
    let specs = specs::prepare(&selected, &work.join("specs"))?;
    let peers = if args.no_peers { Peers::skipped() } else { Peers::detect() };
    let mut tables = vec![setup_table(&specs, &peers)];
    println!("{}", tables[0].text());

    let mut generations = Vec::with_capacity(specs.len());
    for spec in &specs {
        generations.push(generation::measure(spec, &peers, &generator, &work.join("crates"), runs, timeout)?);
    }
    tables.push(generation::table(&generations, runs));
    println!("{}", tables[tables.len() - 1].text());

    if !args.skip_compile {
        let compiles = compile_all(&root, &generations, &cargo_target, args.release, timeout)?;
        tables.push(compile::table(&compiles, args.release));
        println!("{}", tables[tables.len() - 1].text());
    }

    if !args.skip_requests {
        eprintln!("bench: cargo bench -p trackit-runtime --bench overhead (about two minutes)");
        let table = match requests::measure(&root, &work.join("criterion"), timeout)? {
            Ok(table) => table,
            Err(reason) => {
                let mut table = Table::new("(c) Cost per request", &["result"]);
                table.row(vec![reason]);
                table
            }
        };
        println!("{}", table.text());
        tables.push(table);
    }

    write_report(&report_path, &tables)?;
    println!("report written to {}", report_path.display());
    Ok(ExitCode::SUCCESS)
}

fn compile_all(
    root: &Path,
    generations: &[generation::SpecGenerations],
    cargo_target: &Path,
    release: bool,
    timeout: Duration,
) -> anyhow::Result<Vec<compile::CrateCompile>> {
    let mut results = Vec::new();
    for spec in generations {
        for (generation, is_ours) in std::iter::once((&spec.ours, true)).chain(spec.peers.iter().map(|p| (p, false))) {
            let outcome = match (&generation.crate_dir, &generation.outcome) {
                (Some(dir), _) => {
                    if is_ours {
                        // The workspace's versions, as users of the checked-in crate get them.
                        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
                            .context("cannot copy Cargo.lock")?;
                    }
                    eprintln!("bench: {}: compiling the crate of {}", spec.spec, generation.tool);
                    compile::measure(dir, cargo_target, release, timeout)?
                }
                (None, Err(reason)) => Err(reason.clone()),
                (None, Ok(_)) => Err("no crate".into()),
            };
            results.push(compile::CrateCompile {
                spec: spec.spec.clone(),
                tool: generation.tool.clone(),
                is_ours,
                outcome,
            });
        }
    }
    Ok(results)
}

fn setup_table(specs: &[specs::BenchSpec], peers: &Peers) -> Table {
    let mut table = Table::new("Specs and tools", &["", "name", "details"]);
    for spec in specs {
        let size = if spec.size < 1_000_000 {
            format!("{:.1} kB", spec.size as f64 / 1e3)
        } else {
            format!("{:.1} MB", spec.size as f64 / 1e6)
        };
        table.row(vec!["spec".into(), spec.name.clone(), size]);
    }
    for tool in [&peers.openapi_generator, &peers.progenitor, &peers.swagger2openapi] {
        let status = match &tool.availability {
            Availability::Installed(version) => format!("installed: {version}"),
            Availability::Missing(install) => format!("not installed (install with {install})"),
        };
        table.row(vec!["tool".into(), tool.name.into(), status]);
    }
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let profile = if cfg!(debug_assertions) { "debug (as `cargo xtask` builds it)" } else { "release" };
    table.note(format!("{cores} cores; {}; generator built in the {profile} profile", rustc_version()));
    table
}

fn rustc_version() -> String {
    let mut command = Command::new("rustc");
    command.arg("--version");
    process::run(&mut command, Duration::from_secs(30))
        .ok()
        .map(|outcome| outcome.stdout.trim().to_owned())
        .unwrap_or_else(|| "rustc version unknown".into())
}

fn write_report(path: &Path, tables: &[Table]) -> anyhow::Result<()> {
    let command: Vec<String> = std::env::args().skip(1).collect();
    let mut report = format!(
        "# Benchmark report\n\n`cargo xtask {}`\n\nTimings are wall-clock on this machine; other work running at the same \
         time adds noise.\n\n",
        command.join(" ")
    );
    for table in tables {
        report.push_str(&table.markdown());
        report.push('\n');
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, report).with_context(|| format!("cannot write {}", path.display()))
}
