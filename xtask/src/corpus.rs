//! `cargo xtask corpus`: generate a client for every spec in a folder and compile them all.
//!
//! All generated crates go into one temporary workspace that shares one target folder and one
//! lock file, so the dependencies are compiled once and the 2-core machine builds only what
//! each spec adds. `cargo check --keep-going` with JSON messages attributes every warning and
//! error to its crate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use trackit_codegen::{RuntimeDependency, Settings, output};

use crate::spec_file::{read_spec, spec_files};

#[derive(Args)]
pub(crate) struct CorpusArgs {
    /// Folder of specs (`.json`, `.yaml`, `.yml`, optionally `.gz`).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Only a fixed, evenly spread sample of N specs (the same N gives the same specs).
    #[arg(long, value_name = "N")]
    sample: Option<usize>,
    /// Keep the temporary workspace and print where it is.
    #[arg(long)]
    keep: bool,
}

/// What became of one spec.
#[derive(Default)]
struct Row {
    spec: String,
    crate_name: String,
    generated: bool,
    refused: Option<String>,
    errors: Vec<String>,
    warnings: Vec<String>,
}

impl Row {
    fn compiled(&self) -> bool {
        self.generated && self.errors.is_empty()
    }
}

pub(crate) fn run(args: CorpusArgs) -> anyhow::Result<ExitCode> {
    let root = crate::workspace_root();
    let dir = args.dir.unwrap_or_else(|| root.join("../shared/corpus"));
    let mut specs = spec_files(&dir)?;
    if let Some(sample) = args.sample {
        specs = spread_sample(specs, sample);
    }
    if specs.is_empty() {
        bail!("{} holds no .json, .yaml or .yml specs", dir.display());
    }
    let started = Instant::now();
    let temp =
        tempfile::Builder::new().prefix("trackit-corpus-").tempdir().context("cannot create a temporary folder")?;
    let workspace = temp.path();

    let mut rows = Vec::with_capacity(specs.len());
    for (index, spec) in specs.iter().enumerate() {
        let name = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let crate_name = format!("corpus-{index:03}");
        let mut row = Row { spec: name.clone(), crate_name: crate_name.clone(), ..Row::default() };
        match read_spec(spec) {
            Err(error) => row.refused = Some(format!("{error:#}")),
            Ok(bytes) => {
                let settings = Settings {
                    crate_name: crate_name.clone(),
                    runtime: RuntimeDependency::Path(root.join("runtime").display().to_string()),
                    ..Settings::default()
                };
                match trackit_codegen::generate(&bytes, &name, &settings) {
                    Ok(files) => {
                        output::write(&workspace.join(&crate_name), &files)?;
                        row.generated = true;
                    }
                    Err(error) => row.refused = Some(error.to_string()),
                }
            }
        }
        rows.push(row);
    }
    let generated_at = started.elapsed();
    eprintln!(
        "generated {} of {} in {:.1} s; compiling",
        rows.iter().filter(|r| r.generated).count(),
        rows.len(),
        generated_at.as_secs_f64()
    );

    let members: Vec<&str> = rows.iter().filter(|r| r.generated).map(|r| r.crate_name.as_str()).collect();
    if !members.is_empty() {
        let manifest = format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
        );
        std::fs::write(workspace.join("Cargo.toml"), manifest)?;
        std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).context("cannot copy Cargo.lock")?;
        // The workspace's own target folder: same lock file and features, so dependencies are reused.
        let diagnostics = check(workspace, &root.join("target"))?;
        for row in &mut rows {
            if let Some((errors, warnings)) = diagnostics.get(&row.crate_name) {
                row.errors.clone_from(errors);
                row.warnings.clone_from(warnings);
            }
        }
    }

    print_table(&rows);
    let generated = rows.iter().filter(|r| r.generated).count();
    let compiled = rows.iter().filter(|r| r.compiled()).count();
    let clean = rows.iter().filter(|r| r.compiled() && r.warnings.is_empty()).count();
    let refused = rows.iter().filter(|r| r.refused.is_some()).count();
    let failed = generated - compiled;
    println!(
        "corpus: {generated} generated, {compiled} compiled ({clean} without warnings), {refused} refused, {failed} failed of {} in {:.0} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    if args.keep {
        println!("kept the workspace in {}", temp.keep().display());
    }
    Ok(if failed == 0 && clean == compiled { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Every k-th spec of the sorted list: small and large, old and new specs alike.
fn spread_sample(specs: Vec<PathBuf>, sample: usize) -> Vec<PathBuf> {
    if sample == 0 || sample >= specs.len() {
        return specs;
    }
    let step = specs.len() as f64 / sample as f64;
    (0..sample).filter_map(|i| specs.get((i as f64 * step) as usize).cloned()).collect()
}

/// Errors and warnings per crate name, from `cargo check`'s JSON messages.
type Diagnostics = BTreeMap<String, (Vec<String>, Vec<String>)>;

fn check(workspace: &Path, target: &Path) -> anyhow::Result<Diagnostics> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["check", "--workspace", "--keep-going", "--message-format=json", "--quiet"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run cargo check")?;
    let mut diagnostics = Diagnostics::new();
    for line in output.stdout.split(|byte| *byte == b'\n') {
        let Ok(message) = serde_json::from_slice::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let package = message["package_id"].as_str().unwrap_or_default();
        let Some(crate_name) = package_name(package) else { continue };
        let level = message["message"]["level"].as_str().unwrap_or_default();
        let text = message["message"]["rendered"].as_str().unwrap_or_default().trim().to_owned();
        let entry = diagnostics.entry(crate_name).or_default();
        match level {
            "error" => entry.0.push(text),
            "warning" => entry.1.push(text),
            _ => {}
        }
    }
    Ok(diagnostics)
}

/// `corpus-007` from a package id such as `path+file:///tmp/trackit-corpus-x/corpus-007#0.1.0`
/// (the folder's last segment: the temporary folder's own name contains `corpus-` too).
fn package_name(package_id: &str) -> Option<String> {
    let path = package_id.split('#').next()?;
    let last = path.rsplit('/').next()?;
    last.starts_with("corpus-").then(|| last.to_owned())
}

fn print_table(rows: &[Row]) {
    println!("{:<60} {:<9} {:<9} first error", "spec", "generated", "compiled");
    for row in rows {
        let first = row
            .refused
            .as_deref()
            .or(row.errors.first().map(String::as_str))
            .or(row.warnings.first().map(String::as_str))
            .map(|text| text.lines().next().unwrap_or_default().chars().take(150).collect::<String>())
            .unwrap_or_default();
        let compiled = match (row.generated, row.compiled(), row.warnings.is_empty()) {
            (false, ..) => "-",
            (true, false, _) => "no",
            (true, true, true) => "yes",
            (true, true, false) => "warnings",
        };
        println!("{:<60} {:<9} {:<9} {first}", row.spec, if row.generated { "yes" } else { "no" }, compiled);
    }
}
