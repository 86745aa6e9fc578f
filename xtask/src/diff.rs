//! `cargo xtask diff OLD NEW`: what changed in the API between two documents, and what of it
//! breaks callers. The report goes to stdout; the exit code says whether anything breaks.

use std::io::IsTerminal;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use xtask::changes;

use crate::console::{Verbosity, render_changes, wants_colour};

#[derive(Args)]
pub(crate) struct DiffArgs {
    /// The older document (JSON or YAML; Swagger 2.0 or OpenAPI 3.0).
    old: PathBuf,
    /// The newer document.
    new: PathBuf,
}

pub(crate) fn run(args: DiffArgs, verbosity: Verbosity) -> anyhow::Result<ExitCode> {
    let read = |path: &PathBuf| std::fs::read(path).with_context(|| format!("cannot read {}", path.display()));
    let (old, new) = (read(&args.old)?, read(&args.new)?);
    let report =
        changes::compare_documents(&old, &args.old.display().to_string(), &new, &args.new.display().to_string())?;
    if verbosity >= Verbosity::Normal {
        // A closed pipe (`| head`) ends the output early; that is not an error worth a panic.
        let rendered = render_changes(&report, wants_colour(std::io::stdout().is_terminal()));
        let _ = writeln!(std::io::stdout(), "{rendered}");
    }
    Ok(if report.has_breaking() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
