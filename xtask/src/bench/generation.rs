//! Part (a): generation wall time (median of N runs) and peak memory, ours and the peers',
//! with the time to merely parse the document as the yardstick.
//!
//! Every generator runs as a child process into a fresh folder, so all pay for start-up,
//! reading and writing alike, and the peak RSS is that child's alone.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::peers::{Availability, Peer, Peers};
use super::process::{self, median};
use super::specs::{self, BenchSpec};
use super::table::{Table, megabytes, ratio, seconds};

/// What one tool did with one spec.
pub(crate) struct Generation {
    pub(crate) tool: String,
    pub(crate) outcome: Result<Figures, String>,
    /// The crate of the last run, for the compile part.
    pub(crate) crate_dir: Option<PathBuf>,
}

pub(crate) struct Figures {
    pub(crate) median: Duration,
    pub(crate) peak_rss: Option<u64>,
    /// `.rs` files and their lines.
    pub(crate) output: Option<(usize, usize)>,
    pub(crate) note: Option<String>,
}

pub(crate) struct SpecGenerations {
    pub(crate) spec: String,
    pub(crate) parse: Result<Figures, String>,
    pub(crate) ours: Generation,
    pub(crate) peers: Vec<Generation>,
}

pub(crate) const OURS: &str = "ours (trackit-codegen)";

pub(crate) fn measure(
    spec: &BenchSpec,
    peers: &Peers,
    generator: &Path,
    crates: &Path,
    runs: usize,
    timeout: Duration,
) -> anyhow::Result<SpecGenerations> {
    let bytes = std::fs::read(&spec.path).with_context(|| format!("cannot read {}", spec.path.display()))?;
    eprintln!("bench: {}: parsing with serde ({runs} runs)", spec.name);
    let parse = parse_yardstick(&bytes, spec, runs);
    let is_swagger2 = specs::parse(&bytes, spec.format).is_ok_and(|document| document.get("swagger").is_some());

    eprintln!("bench: {}: generating with {OURS} ({runs} runs)", spec.name);
    let crate_name = format!("bench-ours-{}", spec.name);
    let out = crates.join(format!("ours-{}", spec.name));
    let ours = generate_runs(OURS, &out, runs, timeout, || -> anyhow::Result<Command> {
        let mut command = Command::new(generator);
        command
            .arg(super::GENERATE_ONCE)
            .arg("--spec")
            .arg(&spec.path)
            .arg("--out")
            .arg(&out)
            .args(["--crate-name", &crate_name]);
        Ok(command)
    })?;

    let mut generations = Vec::new();
    for peer in Peer::ALL {
        let tool = peers.tool(peer);
        if let Availability::Missing(install) = tool.availability {
            let outcome = Err(format!("not installed (install with {install})"));
            generations.push(Generation { tool: peer.name().into(), outcome, crate_dir: None });
            continue;
        }
        let mut input = spec.path.clone();
        let mut note = None;
        if peer == Peer::Progenitor && is_swagger2 {
            eprintln!("bench: {}: converting to OpenAPI 3.0 with swagger2openapi", spec.name);
            match peers.to_openapi3(&spec.path, timeout) {
                Ok((converted, took)) => {
                    input = converted;
                    note = Some(format!("after swagger2openapi ({})", seconds(took)));
                }
                Err(reason) => {
                    generations.push(Generation { tool: peer.name().into(), outcome: Err(reason), crate_dir: None });
                    continue;
                }
            }
        }
        eprintln!("bench: {}: generating with {} ({runs} runs)", spec.name, peer.name());
        let crate_name = format!("bench-{}-{}", peer.slug(), spec.name);
        let out = crates.join(format!("{}-{}", peer.slug(), spec.name));
        let mut generation =
            generate_runs(peer.name(), &out, runs, timeout, || Ok(peer.command(&input, &out, &crate_name)))?;
        if let (Ok(figures), Some(note)) = (&mut generation.outcome, note) {
            figures.note = Some(note);
        }
        generations.push(generation);
    }
    Ok(SpecGenerations { spec: spec.name.clone(), parse, ours, peers: generations })
}

fn parse_yardstick(bytes: &[u8], spec: &BenchSpec, runs: usize) -> Result<Figures, String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let document = specs::parse(bytes, spec.format).map_err(|error| format!("failed: {error}"))?;
        times.push(started.elapsed());
        drop(std::hint::black_box(document));
    }
    let median = median(times).ok_or("no runs")?;
    Ok(Figures { median, peak_rss: None, output: None, note: None })
}

/// Runs a generator `runs` times into a fresh `out` and keeps the last crate. A failing run
/// becomes the tool's result ("failed: …"), never an error of the bench.
fn generate_runs(
    tool: &str,
    out: &Path,
    runs: usize,
    timeout: Duration,
    command: impl Fn() -> anyhow::Result<Command>,
) -> anyhow::Result<Generation> {
    let mut times = Vec::with_capacity(runs);
    let mut peak_rss = 0;
    for _ in 0..runs.max(1) {
        remove_dir(out)?;
        let outcome = process::run(&mut command()?, timeout)?;
        if !outcome.success() {
            let outcome = Err(format!("failed: {}", outcome.failure()));
            return Ok(Generation { tool: tool.into(), outcome, crate_dir: None });
        }
        if !out.join("Cargo.toml").is_file() {
            let outcome = Err("failed: wrote no Cargo.toml".to_owned());
            return Ok(Generation { tool: tool.into(), outcome, crate_dir: None });
        }
        times.push(outcome.wall);
        peak_rss = peak_rss.max(outcome.peak_rss);
    }
    let figures = Figures {
        median: median(times).unwrap_or_default(),
        peak_rss: Some(peak_rss),
        output: Some(count_rust(out)),
        note: None,
    };
    Ok(Generation { tool: tool.into(), outcome: Ok(figures), crate_dir: Some(out.to_owned()) })
}

fn remove_dir(dir: &Path) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// `.rs` files under `dir` and their lines.
fn count_rust(dir: &Path) -> (usize, usize) {
    let mut files = 0;
    let mut lines = 0;
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for path in entries.filter_map(|entry| entry.ok().map(|entry| entry.path())) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                files += 1;
                lines += std::fs::read(&path).map(|text| text.iter().filter(|b| **b == b'\n').count()).unwrap_or(0);
            }
        }
    }
    (files, lines)
}

pub(crate) fn table(results: &[SpecGenerations], runs: usize) -> Table {
    let mut table = Table::new(
        format!("(a) Generation: wall time (median of {runs}) and peak memory"),
        &["spec", "tool", "time", "peak RSS", "output", "ours ÷ this"],
    );
    for result in results {
        let ours = result.ours.outcome.as_ref().ok().map(|figures| figures.median.as_secs_f64());
        let mut row = |tool: &str, outcome: &Result<Figures, String>, is_ours: bool| {
            let cells = match outcome {
                Ok(figures) => vec![
                    seconds(figures.median),
                    figures.peak_rss.map(megabytes).unwrap_or_else(|| "—".into()),
                    describe_output(figures),
                    match (ours, is_ours) {
                        (Some(ours), false) => ratio(ours, figures.median.as_secs_f64()),
                        _ => "—".into(),
                    },
                ],
                Err(reason) => vec![reason.clone()],
            };
            let mut line = vec![result.spec.clone(), tool.to_owned()];
            line.extend(cells);
            table.row(line);
        };
        row("parse only (serde)", &result.parse, false);
        row(&result.ours.tool, &result.ours.outcome, true);
        for peer in &result.peers {
            row(&peer.tool, &peer.outcome, false);
        }
    }
    table.note("time: whole process (start-up, read, generate, write into an empty folder); parse only: serde_json (serde_yaml for YAML) into serde_json::Value, in process");
    table.note(
        "ours ÷ this: below 1 means ours is faster (target: ≤ 0.10 against openapi-generator; ≤ 10 against parse only)",
    );
    table
}

fn describe_output(figures: &Figures) -> String {
    let mut text = match figures.output {
        Some((files, lines)) => format!("{files} .rs files, {lines} lines"),
        None => "—".into(),
    };
    if let Some(note) = &figures.note {
        text.push_str(", ");
        text.push_str(note);
    }
    text
}
