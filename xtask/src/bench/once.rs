//! The hidden `bench-generate-once` subcommand: one generation in a process of its own, so
//! the bench can time it like the peers' command-line tools and read its peak memory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use trackit_codegen::{RuntimeDependency, Settings, output};

#[derive(Args)]
pub(crate) struct GenerateOnceArgs {
    /// The (uncompressed) document.
    #[arg(long)]
    spec: PathBuf,
    /// An empty or missing folder for the crate.
    #[arg(long)]
    out: PathBuf,
    #[arg(long)]
    crate_name: String,
}

pub(crate) fn run(args: GenerateOnceArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.spec).with_context(|| format!("cannot read {}", args.spec.display()))?;
    let name = args.spec.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let settings = Settings {
        crate_name: args.crate_name,
        runtime: RuntimeDependency::Path(crate::workspace_root().join("runtime").display().to_string()),
        standalone: true,
        ..Settings::default()
    };
    let files = trackit_codegen::generate(&bytes, &name, &settings)?;
    output::write(&args.out, &files)?;
    Ok(ExitCode::SUCCESS)
}
