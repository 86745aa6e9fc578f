//! Part (b): how long the generated crate takes to compile, and rustc's peak memory.
//!
//! Dependencies are built first (with the crate's `src/lib.rs` emptied, so the warm-up does
//! not compile the crate itself), then `cargo clean -p` removes only the crate's own artifacts
//! and fingerprints before each cold measurement. "Incremental" touches `src/lib.rs` and
//! builds again. All crates share one target folder so dependencies are built once per run
//! of the bench and kept for the next.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use anyhow::Context;

use super::peers::cargo;
use super::process::{self, Outcome};
use super::table::{Table, megabytes, seconds, with_ratio};

/// One timed cargo command.
#[derive(Clone, Copy)]
pub(crate) struct Measured {
    pub(crate) wall: Duration,
    pub(crate) peak_rss: u64,
}

pub(crate) struct Figures {
    pub(crate) check_cold: Measured,
    pub(crate) check_incremental: Result<Measured, String>,
    pub(crate) build_cold: Result<Measured, String>,
    pub(crate) build_incremental: Result<Measured, String>,
    pub(crate) release: Option<(Result<Measured, String>, Result<Measured, String>)>,
}

pub(crate) struct CrateCompile {
    pub(crate) spec: String,
    pub(crate) tool: String,
    pub(crate) is_ours: bool,
    pub(crate) outcome: Result<Figures, String>,
}

struct Cargo<'a> {
    manifest: PathBuf,
    target: &'a Path,
    timeout: Duration,
}

impl Cargo<'_> {
    fn run(&self, args: &[&str]) -> anyhow::Result<Outcome> {
        let mut command = Command::new(cargo());
        command.args(args).arg("--manifest-path").arg(&self.manifest).env("CARGO_TARGET_DIR", self.target);
        process::run(&mut command, self.timeout)
    }

    /// A timed check or build; `Err` says why it failed.
    fn timed(&self, args: &[&str]) -> anyhow::Result<Result<Measured, String>> {
        let mut args = args.to_vec();
        args.push("--message-format=short");
        let outcome = self.run(&args)?;
        Ok(if outcome.success() {
            Ok(Measured { wall: outcome.wall, peak_rss: outcome.peak_rss })
        } else {
            Err(format!("failed: {}", outcome.failure()))
        })
    }

    fn clean(&self, package: &str) -> anyhow::Result<()> {
        let outcome = self.run(&["clean", "--quiet", "--package", package])?;
        anyhow::ensure!(outcome.success(), "cargo clean -p {package} failed: {}", outcome.failure());
        Ok(())
    }
}

/// Measures one generated crate. Failures of the crate (it does not build) come back as
/// `Ok(Err(reason))`; only a broken bench set-up is an error.
pub(crate) fn measure(
    dir: &Path,
    target: &Path,
    release: bool,
    timeout: Duration,
) -> anyhow::Result<Result<Figures, String>> {
    make_standalone(dir)?;
    let cargo = Cargo { manifest: dir.join("Cargo.toml"), target, timeout };
    let package = match package_name(&cargo)? {
        Ok(package) => package,
        Err(reason) => return Ok(Err(reason)),
    };
    if let Err(reason) = warm_up(&cargo, dir, release)? {
        return Ok(Err(reason));
    }
    let lib = dir.join("src/lib.rs");
    let release_args: &[&str] = &["build", "--release"];

    cargo.clean(&package)?;
    let check_cold = match cargo.timed(&["check"])? {
        Ok(measured) => measured,
        Err(reason) => return Ok(Err(reason)),
    };
    touch(&lib)?;
    let check_incremental = cargo.timed(&["check"])?;
    cargo.clean(&package)?;
    let build_cold = cargo.timed(&["build"])?;
    touch(&lib)?;
    let build_incremental = cargo.timed(&["build"])?;
    let release = if release {
        cargo.clean(&package)?;
        let cold = cargo.timed(release_args)?;
        touch(&lib)?;
        Some((cold, cargo.timed(release_args)?))
    } else {
        None
    };
    Ok(Ok(Figures { check_cold, check_incremental, build_cold, build_incremental, release }))
}

/// Builds the dependencies, with the crate's `src/lib.rs` emptied meanwhile.
fn warm_up(cargo: &Cargo, dir: &Path, release: bool) -> anyhow::Result<Result<(), String>> {
    let _emptied = EmptiedFile::new(&dir.join("src/lib.rs"))?;
    let mut steps = vec![vec!["check"], vec!["build"]];
    if release {
        steps.push(vec!["build", "--release"]);
    }
    for mut args in steps {
        args.push("--quiet");
        let outcome = cargo.run(&args)?;
        if !outcome.success() {
            return Ok(Err(format!("dependencies do not build: {}", outcome.failure())));
        }
    }
    Ok(Ok(()))
}

/// Empties a file until dropped, then writes its contents back (which also makes it newer
/// than anything built meanwhile).
struct EmptiedFile {
    path: PathBuf,
    contents: Vec<u8>,
}

impl EmptiedFile {
    fn new(path: &Path) -> anyhow::Result<Self> {
        let contents = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        std::fs::write(path, "").with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Self { path: path.to_owned(), contents })
    }
}

impl Drop for EmptiedFile {
    fn drop(&mut self) {
        if let Err(error) = std::fs::write(&self.path, &self.contents) {
            eprintln!("bench: cannot restore {}: {error}", self.path.display());
        }
    }
}

/// Peers write a bare package; inside this repository's folder tree cargo would take it for
/// an unlisted member of the workspace.
fn make_standalone(dir: &Path) -> anyhow::Result<()> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
    if !text.lines().any(|line| line.trim() == "[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))
            .with_context(|| format!("cannot write {}", manifest.display()))?;
    }
    Ok(())
}

fn package_name(cargo: &Cargo) -> anyhow::Result<Result<String, String>> {
    let outcome = cargo.run(&["metadata", "--no-deps", "--format-version", "1"])?;
    if !outcome.success() {
        return Ok(Err(format!("failed: cargo metadata: {}", outcome.failure())));
    }
    let metadata: serde_json::Value =
        serde_json::from_str(&outcome.stdout).context("cargo metadata printed no JSON")?;
    let name = metadata["packages"][0]["name"].as_str().context("cargo metadata named no package")?;
    Ok(Ok(name.to_owned()))
}

fn touch(path: &Path) -> anyhow::Result<()> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .with_context(|| format!("cannot touch {}", path.display()))
}

pub(crate) fn table(results: &[CrateCompile], release: bool) -> Table {
    let mut headers = vec![
        "spec",
        "tool",
        "check cold",
        "check incremental",
        "build cold",
        "build incremental",
        "rustc peak (build)",
    ];
    if release {
        headers.extend(["release cold", "release incremental"]);
    }
    let mut table =
        Table::new("(b) Compiling the generated crate (debug unless marked; dependencies prebuilt)", &headers);
    for result in results {
        let ours = results.iter().find(|other| other.spec == result.spec && other.is_ours);
        let ours = ours.and_then(|ours| ours.outcome.as_ref().ok()).filter(|_| !result.is_ours);
        let mut row = vec![result.spec.clone(), result.tool.clone()];
        match &result.outcome {
            Err(reason) => row.push(reason.clone()),
            Ok(figures) => {
                let time = |step: &Result<Measured, String>, ours: Option<&Result<Measured, String>>| match step {
                    Ok(measured) => with_ratio(
                        seconds(measured.wall),
                        ours.and_then(|ours| ours.as_ref().ok()).map(|ours| ours.wall.as_secs_f64()),
                        measured.wall.as_secs_f64(),
                    ),
                    Err(reason) => reason.clone(),
                };
                let ours_check = ours.map(|ours| Ok(ours.check_cold));
                row.push(time(&Ok(figures.check_cold), ours_check.as_ref()));
                row.push(time(&figures.check_incremental, ours.map(|ours| &ours.check_incremental)));
                row.push(time(&figures.build_cold, ours.map(|ours| &ours.build_cold)));
                row.push(time(&figures.build_incremental, ours.map(|ours| &ours.build_incremental)));
                row.push(match &figures.build_cold {
                    Ok(measured) => with_ratio(
                        megabytes(measured.peak_rss),
                        ours.and_then(|ours| ours.build_cold.as_ref().ok()).map(|ours| ours.peak_rss as f64),
                        measured.peak_rss as f64,
                    ),
                    Err(_) => "—".into(),
                });
                if let Some((cold, incremental)) = &figures.release {
                    let ours_release = ours.and_then(|ours| ours.release.as_ref());
                    row.push(time(cold, ours_release.map(|(cold, _)| cold)));
                    row.push(time(incremental, ours_release.map(|(_, incremental)| incremental)));
                }
            }
        }
        table.row(row);
    }
    table.note("cold: after `cargo clean -p <crate>` with the dependencies already built; incremental: after touching src/lib.rs");
    table.note("rustc peak: peak RSS of cargo and the rustc it ran, for the cold debug build");
    table.note("(x) = ours ÷ this tool: below 1 means ours is faster or smaller (target: ≤ 0.33, memory ≤ 0.25)");
    table.note("one run each: on a shared machine expect several percent of noise");
    table
}
