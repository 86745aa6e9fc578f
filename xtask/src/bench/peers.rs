//! The other generators, found on this machine or not: the bench never installs them.
//!
//! progenitor reads only OpenAPI 3.0, so Swagger 2.0 documents go through swagger2openapi first.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::process;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    OpenApiGenerator,
    Progenitor,
}

impl Peer {
    pub(crate) const ALL: [Peer; 2] = [Peer::OpenApiGenerator, Peer::Progenitor];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::OpenApiGenerator => "openapi-generator (rust)",
            Self::Progenitor => "progenitor",
        }
    }

    /// Short form for crate and folder names.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Self::OpenApiGenerator => "oag",
            Self::Progenitor => "progenitor",
        }
    }

    /// The command that generates a crate named `crate_name` from `spec` into `out`.
    pub(crate) fn command(self, spec: &Path, out: &Path, crate_name: &str) -> Command {
        match self {
            Self::OpenApiGenerator => {
                let mut command = Command::new("openapi-generator-cli");
                command
                    .args(["generate", "--generator-name", "rust", "--skip-validate-spec", "--input-spec"])
                    .arg(spec)
                    .arg("--output")
                    .arg(out)
                    .arg(format!("--additional-properties=packageName={crate_name}"));
                command
            }
            Self::Progenitor => {
                let mut command = Command::new(cargo());
                command.args(["progenitor", "--input"]).arg(spec).arg("--output").arg(out).args([
                    "--name",
                    crate_name,
                    "--version",
                    "0.1.0",
                ]);
                command
            }
        }
    }
}

pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Whether a tool can be run here, and its version or how to get it.
#[derive(Clone)]
pub(crate) enum Availability {
    Installed(String),
    Missing(&'static str),
}

pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) availability: Availability,
    /// The program and leading arguments to run it with.
    pub(crate) invocation: Vec<String>,
}

pub(crate) struct Peers {
    pub(crate) openapi_generator: Tool,
    pub(crate) progenitor: Tool,
    pub(crate) swagger2openapi: Tool,
}

impl Peers {
    /// No peers: `--no-peers` measures ours alone (faster, for iterating on the generator).
    pub(crate) fn skipped() -> Self {
        let skipped =
            |name| Tool { name, availability: Availability::Missing("skipped (--no-peers)"), invocation: Vec::new() };
        Self {
            openapi_generator: skipped("openapi-generator-cli"),
            progenitor: skipped("cargo-progenitor"),
            swagger2openapi: skipped("swagger2openapi"),
        }
    }

    pub(crate) fn detect() -> Self {
        let cargo = cargo().to_string_lossy().into_owned();
        let progenitor = probe(
            "cargo-progenitor",
            &[&[cargo.as_str(), "progenitor"]],
            "--help",
            "cargo install cargo-progenitor --locked",
        );
        // `--help` says no version: the installed one comes from cargo's list.
        let progenitor = match progenitor.availability {
            Availability::Installed(_) => {
                Tool { availability: Availability::Installed(progenitor_version()), ..progenitor }
            }
            Availability::Missing(_) => progenitor,
        };
        Self {
            openapi_generator: probe(
                "openapi-generator-cli",
                &[&["openapi-generator-cli"]],
                "version",
                "pip install openapi-generator-cli (its wheel carries the jar; needs Java 11+)",
            ),
            progenitor,
            swagger2openapi: probe(
                "swagger2openapi",
                &[&["swagger2openapi"], &["npx", "--no-install", "swagger2openapi"]],
                "--version",
                "npm i -g swagger2openapi",
            ),
        }
    }

    pub(crate) fn tool(&self, peer: Peer) -> &Tool {
        match peer {
            Peer::OpenApiGenerator => &self.openapi_generator,
            Peer::Progenitor => &self.progenitor,
        }
    }

    /// Converts a Swagger 2.0 document to OpenAPI 3.0 for progenitor; returns the new file and
    /// how long the conversion took.
    pub(crate) fn to_openapi3(&self, spec: &Path, timeout: Duration) -> Result<(PathBuf, Duration), String> {
        let Availability::Installed(_) = self.swagger2openapi.availability else {
            return Err("Swagger 2.0 input needs swagger2openapi, not installed (npm i -g swagger2openapi)".into());
        };
        let out = spec.with_extension("openapi3.json");
        let (program, leading) = self.swagger2openapi.invocation.split_first().ok_or("no swagger2openapi command")?;
        let mut command = Command::new(program);
        command.args(leading).arg("--patch").arg(spec).arg("--outfile").arg(&out);
        let outcome = process::run(&mut command, timeout).map_err(|error| format!("{error:#}"))?;
        if !outcome.success() {
            return Err(format!("swagger2openapi failed: {}", outcome.failure()));
        }
        Ok((out, outcome.wall))
    }
}

/// Runs each candidate invocation with `argument` and keeps the first that succeeds.
fn probe(name: &'static str, candidates: &[&[&str]], argument: &str, install: &'static str) -> Tool {
    for candidate in candidates {
        let Some((program, leading)) = candidate.split_first() else { continue };
        let mut command = Command::new(program);
        command.args(leading).arg(argument);
        if let Ok(outcome) = process::run(&mut command, Duration::from_secs(120))
            && outcome.success()
        {
            let version = outcome.stdout.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("").to_owned();
            return Tool {
                name,
                availability: Availability::Installed(process::shorten(&version, 60)),
                invocation: candidate.iter().map(|part| (*part).to_owned()).collect(),
            };
        }
    }
    Tool { name, availability: Availability::Missing(install), invocation: Vec::new() }
}

fn progenitor_version() -> String {
    let mut command = Command::new(cargo());
    command.args(["install", "--list"]);
    let listed = process::run(&mut command, Duration::from_secs(60)).map(|outcome| outcome.stdout).unwrap_or_default();
    listed
        .lines()
        .find(|line| line.starts_with("cargo-progenitor "))
        .map(|line| line.trim_end_matches(':').to_owned())
        .unwrap_or_else(|| "installed".into())
}
