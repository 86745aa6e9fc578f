//! `cargo xtask generate`: fetch or read the document, generate the crate, write it atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use trackit_codegen::{Settings, output};
use xtask::fetch::{FetchOptions, fetch_document};

#[derive(Args)]
pub(crate) struct GenerateArgs {
    /// Server to fetch the document from: server root, virtual directory, `…/WebApi`, the Swagger
    /// UI or the document URL, in any letter case.
    #[arg(long, value_name = "URL", conflicts_with = "spec")]
    server: Option<String>,
    /// Read the document from a file (JSON or YAML) instead of a server.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Login used only if the document itself needs one: `GROUP\LOGINID` or `GROUP\DOMAIN\user`.
    #[arg(long, value_name = "USER", requires = "password_env")]
    user: Option<String>,
    /// Environment variable that holds the password for `--user` (never pass it as a flag).
    #[arg(long, value_name = "VAR", requires = "user")]
    password_env: Option<String>,
    /// Seconds to wait for the server.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    timeout: u64,
    /// Folder of the generated crate.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Change nothing; exit 1 and name the files if the folder would change.
    #[arg(long)]
    check: bool,
}

/// Where a document came from, and what to call it.
pub(crate) struct Document {
    pub bytes: Vec<u8>,
    pub name: String,
    /// The document's path relative to the API base, when it was fetched (`swagger/docs/v2`).
    pub document_path: Option<String>,
}

pub(crate) async fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let out = args.out.clone().unwrap_or_else(|| crate::workspace_root().join("generated"));
    let spec_file = out.join("swagger.json");
    let document = if let Some(server) = &args.server {
        let credentials = match (&args.user, &args.password_env) {
            (Some(user), Some(variable)) => {
                let password = std::env::var(variable)
                    .with_context(|| format!("--password-env {variable}: the variable is not set"))?;
                Some((user.clone(), password.into()))
            }
            _ => None,
        };
        let options = FetchOptions { timeout: Duration::from_secs(args.timeout), credentials };
        fetch(server, &options).await?
    } else {
        let path = args.spec.clone().unwrap_or_else(|| spec_file.clone());
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Document { bytes, name: path.display().to_string(), document_path: None }
    };
    let settings = Settings { document_path: document.document_path.clone(), ..Settings::default() };
    generate_into(&out, &document, &settings, args.check, true)
}

pub(crate) async fn fetch(server: &str, options: &FetchOptions) -> anyhow::Result<Document> {
    let fetched = fetch_document(server, options).await?;
    eprintln!("fetched {} ({} bytes)", fetched.document_url, fetched.bytes.len());
    for step in &fetched.via {
        eprintln!("  via {step}");
    }
    let path = fetched.document_url.path();
    let document_path = path.to_ascii_lowercase().find("/swagger/").map(|start| path[start + 1..].to_owned());
    Ok(Document { bytes: fetched.bytes, name: fetched.document_url.to_string(), document_path })
}

/// Generates `document` into `out` (or only compares, with `check`); `list_changes` names
/// each changed file rather than only counting them.
pub(crate) fn generate_into(
    out: &Path,
    document: &Document,
    settings: &Settings,
    check: bool,
    list_changes: bool,
) -> anyhow::Result<ExitCode> {
    let files = trackit_codegen::generate(&document.bytes, &document.name, settings)?;
    if check {
        let changes = output::plan(out, &files)?;
        if changes.is_empty() {
            eprintln!("{} is up to date ({} files)", out.display(), files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{} is out of date:", out.display());
        for change in &changes {
            eprintln!("  {change}");
        }
        eprintln!("run `cargo xtask generate` to update it");
        return Ok(ExitCode::FAILURE);
    }
    let changes = output::write(out, &files)?;
    if changes.is_empty() {
        eprintln!("{} is already up to date ({} files)", out.display(), files.len());
    } else {
        for change in changes.iter().filter(|_| list_changes) {
            eprintln!("  {change}");
        }
        eprintln!("wrote {} ({} files changed)", out.display(), changes.len());
    }
    Ok(ExitCode::SUCCESS)
}
