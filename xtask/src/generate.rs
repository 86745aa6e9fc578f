//! `cargo xtask generate`: fetch or read the document, parse it, report what changed in the
//! API since the document kept in the output folder, generate the crate, write it atomically;
//! one timed progress line per stage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use trackit_codegen::{Settings, output};
use xtask::changes;
use xtask::fetch::{FetchOptions, fetch_document};

use crate::connection::ConnectionArgs;
use crate::console::Console;

#[derive(Args)]
pub(crate) struct GenerateArgs {
    /// Server to fetch the document from: server root, virtual directory, `…/WebApi`, the Swagger
    /// UI or the document URL, in any letter case.
    #[arg(long, value_name = "URL", conflicts_with = "spec")]
    server: Option<String>,
    /// Read the document from a file (JSON or YAML) instead of a server.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    #[command(flatten)]
    connection: ConnectionArgs,
    /// Folder of the generated crate.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Change nothing; exit 1 and name the files if the folder would change.
    #[arg(long)]
    check: bool,
    /// The generator's options (default: `generator.toml` in the output folder, when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Where a document came from, and what to call it.
pub(crate) struct Document {
    pub bytes: Vec<u8>,
    pub name: String,
    /// The document's path relative to the API base, when it was fetched (`swagger/docs/v2`).
    pub document_path: Option<String>,
}

pub(crate) async fn run(args: GenerateArgs, console: Console) -> anyhow::Result<ExitCode> {
    let out = args.out.clone().unwrap_or_else(|| crate::workspace_root().join("generated"));
    let document = if let Some(server) = &args.server {
        let options = args.connection.fetch_options(console)?;
        fetch(server, &options, console).await?
    } else {
        let path = args.spec.clone().unwrap_or_else(|| out.join(Settings::default().spec_file_name));
        let started = Instant::now();
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        console.stage("read", started.elapsed(), format_args!("{} ({})", path.display(), size(bytes.len())));
        Document { bytes, name: path.display().to_string(), document_path: None }
    };
    let document = Document { bytes: reviewable(document.bytes), ..document };
    let config = read_config(args.config.as_deref(), &out, console)?;
    let settings = Settings {
        document_path: document.document_path.clone(),
        config,
        ..settings_for_folder(&crate::workspace_root(), &out)
    };
    let rerun = rerun_command(&args);
    generate_into(&out, &document, &settings, args.check, true, console).inspect(|code| {
        if *code != ExitCode::SUCCESS && args.check {
            eprintln!("run `{rerun}` to update it");
        }
    })
}

/// The command that writes what `--check` compared, with the same source.
fn rerun_command(args: &GenerateArgs) -> String {
    let mut command = "cargo xtask generate".to_owned();
    if let Some(server) = &args.server {
        command.push_str(&format!(" --server {server}"));
        command.push_str(&args.connection.flags());
    }
    if let Some(spec) = &args.spec {
        command.push_str(&format!(" --spec {}", spec.display()));
    }
    if let Some(out) = &args.out {
        command.push_str(&format!(" --out {}", out.display()));
    }
    if let Some(config) = &args.config {
        command.push_str(&format!(" --config {}", config.display()));
    }
    command
}

/// The document as it is kept: a JSON document is pretty-printed with its key order, so that
/// an upgrade reads as a line diff in git (servers send it minified). YAML, and anything that
/// does not parse, is kept as it came (the generator reports what is wrong with it).
fn reviewable(bytes: Vec<u8>) -> Vec<u8> {
    let bytes_without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&bytes);
    let parsed =
        serde_json::from_slice::<serde_json::Value>(bytes_without_bom).ok().filter(serde_json::Value::is_object);
    match parsed.and_then(|value| serde_json::to_vec_pretty(&value).ok()) {
        Some(mut pretty) if !pretty.is_empty() => {
            pretty.push(b'\n');
            pretty
        }
        _ => bytes,
    }
}

/// Fetches the document behind `server`, printing the `fetch` stage.
pub(crate) async fn fetch(server: &str, options: &FetchOptions, console: Console) -> anyhow::Result<Document> {
    let started = Instant::now();
    let fetched = fetch_document(server, options).await?;
    let through =
        fetched.swagger_ui.as_ref().map(|ui| format!(", named by the Swagger UI at {ui}")).unwrap_or_default();
    console.stage(
        "fetch",
        started.elapsed(),
        format_args!("{} ({}, {}{through})", fetched.document_url, fetched.spec, size(fetched.bytes.len())),
    );
    let path = fetched.document_url.path();
    let document_path = path.to_ascii_lowercase().find("/swagger/").map(|start| path[start + 1..].to_owned());
    Ok(Document { bytes: fetched.bytes, name: fetched.document_url.to_string(), document_path })
}

/// The options in `file`, or in `generator.toml` of the crate folder when there is one.
pub(crate) fn read_config(
    file: Option<&Path>,
    crate_dir: &Path,
    console: Console,
) -> anyhow::Result<trackit_codegen::Config> {
    let default_file = crate_dir.join(CONFIG_FILE);
    let path = match file {
        Some(path) => path.to_path_buf(),
        None if default_file.is_file() => default_file,
        None => {
            // Without options a Track-It! document gives the plain client (`client.ticket()`,
            // untyped replies), not the one in `generated/`: say so rather than surprise.
            console.note(format_args!(
                "no {CONFIG_FILE} in {}: generating without options (copy generated/{CONFIG_FILE} \
                 and generated/guide.md there for the client generated/ has)",
                crate_dir.display()
            ));
            return Ok(trackit_codegen::Config::default());
        }
    };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let config = trackit_codegen::Config::from_toml(&text, &path.display().to_string())?;
    // The guide is included by `include_str!`, so it must be in the crate, or the crate will not build.
    if let Some(guide) = &config.docs.guide
        && !crate_dir.join(guide).is_file()
    {
        anyhow::bail!("{}: docs.guide: {} does not exist", path.display(), crate_dir.join(guide).display());
    }
    Ok(config)
}

/// The options file the generator reads beside the kept document.
pub(crate) const CONFIG_FILE: &str = "generator.toml";

/// Settings for a crate written to `out`: `generated/` is a workspace member with the runtime
/// beside it; any other folder gets the runtime by absolute path and a workspace of its own,
/// so it builds wherever it is.
fn settings_for_folder(root: &Path, out: &Path) -> Settings {
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if absolute(out) == absolute(&root.join("generated")) {
        return Settings::default();
    }
    Settings {
        runtime: trackit_codegen::RuntimeDependency::Path(absolute(&root.join("runtime")).display().to_string()),
        standalone: true,
        ..Settings::default()
    }
}

/// Generates `document` into `out` (or only compares, with `check`); `list_changes` names
/// each changed file rather than only counting them.
pub(crate) fn generate_into(
    out: &Path,
    document: &Document,
    settings: &Settings,
    check: bool,
    list_changes: bool,
    console: Console,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let api = trackit_codegen::load::load(&document.bytes, &document.name)?;
    let schemas = api.components.as_ref().map_or(0, |components| components.schemas.len());
    console.stage(
        "parse",
        started.elapsed(),
        format_args!("{} operations, {schemas} schemas", api.operations().count()),
    );
    report_api_changes(&out.join(&settings.spec_file_name), document, &api, console);

    // The generator emits and formats (prettyplease) in one call, so both are this stage.
    let started = Instant::now();
    let files = trackit_codegen::generate(&document.bytes, &document.name, settings)?;
    console.stage("generate", started.elapsed(), format_args!("{} files, formatted", files.len()));

    let started = Instant::now();
    if check {
        let changes = output::plan(out, &files)?;
        console.stage("check", started.elapsed(), out.display());
        if changes.is_empty() {
            console.note(format_args!("{} is up to date ({} files)", out.display(), files.len()));
            return Ok(ExitCode::SUCCESS);
        }
        // Shown even with --quiet: it is why the command fails.
        eprintln!("{} is out of date:", out.display());
        for change in &changes {
            eprintln!("  {change}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let changes = output::write(out, &files)?;
    if changes.is_empty() {
        console.stage("write", started.elapsed(), format_args!("{} is already up to date", out.display()));
    } else {
        let files = if changes.len() == 1 { "file" } else { "files" };
        console.stage(
            "write",
            started.elapsed(),
            format_args!("{} ({} {files} changed)", out.display(), changes.len()),
        );
        for change in changes.iter().filter(|_| list_changes) {
            console.note(format_args!("  {change}"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Compares the new document with the one kept beside the generated crate, if any.
fn report_api_changes(previous: &Path, document: &Document, api: &openapiv3::OpenAPI, console: Console) {
    let Ok(old_bytes) = std::fs::read(previous) else {
        return;
    };
    if old_bytes == document.bytes {
        return;
    }
    let old_name = previous.display().to_string();
    match trackit_codegen::load::load(&old_bytes, &old_name) {
        Ok(old) => {
            let report = changes::compare(&old, api);
            if report.is_empty() {
                console.note("the document changed, but no operation, parameter or field did");
            } else {
                console.changes(&report);
            }
        }
        Err(error) => console.warning(format_args!("cannot compare with the previous document: {error}")),
    }
}

/// `812 bytes`, `97.3 kB`, `1.2 MB`.
fn size(bytes: usize) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}
