//! Turns a Swagger 2.0 / OpenAPI 3.0 / OpenAPI 3.1 document into a typed Rust client crate.
//!
//! The pipeline has one stage per module: [`load`] parses the document and lowers Swagger 2.0
//! and OpenAPI 3.1 into the OpenAPI 3.0 model, `ir` builds the generator's own model of operations and types
//! (with every name decided by `naming`), `emit` prints the crate's files, and [`output`] writes
//! them to disk without ever leaving a half-written crate or touching files that are not ours.
//!
//! ```no_run
//! let spec = std::fs::read("swagger.json")?;
//! let files = trackit_codegen::generate(&spec, "swagger.json", &trackit_codegen::Settings::default())?;
//! trackit_codegen::output::write(std::path::Path::new("generated"), &files)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod config;
mod emit;
mod error;
mod ir;
pub mod load;
mod naming;
pub mod output;
mod swagger2;

use std::collections::BTreeMap;

pub use config::Config;
pub use error::Error;

/// The file listing what the generator owns inside the crate folder.
pub const MANIFEST_FILE: &str = ".generated-files";

/// How the generated crate depends on `trackit-runtime`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path dependency, relative to the generated crate's folder.
    Path(String),
    /// A crates.io version requirement.
    Version(String),
}

/// What to call the generated crate and how it finds its runtime.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate.
    pub crate_version: String,
    /// Where `trackit-runtime` comes from.
    pub runtime: RuntimeDependency,
    /// Adds an empty `[workspace]` table, for a crate built outside any workspace.
    pub standalone: bool,
    /// File name under which the source document is stored in the crate.
    pub spec_file_name: String,
    /// Where the document was served, relative to the API's base path (`swagger/docs/v2`).
    /// A relative OAuth2 `tokenUrl` is resolved against it. `None`: Swashbuckle's
    /// `swagger/docs/{info.version}`.
    pub document_path: Option<String>,
    /// The options of `generator.toml`.
    pub config: Config,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            crate_name: "trackit".into(),
            crate_version: "0.1.0".into(),
            runtime: RuntimeDependency::Path("../runtime".into()),
            standalone: false,
            spec_file_name: "swagger.json".into(),
            document_path: None,
            config: Config::default(),
        }
    }
}

/// The generated crate: relative paths (with `/`) to file contents, in sorted order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSet {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileSet {
    /// The files in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(path, contents)| (path.as_str(), contents.as_slice()))
    }

    /// One file's contents.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Generates the client crate for the document in `spec`; `document` names it in errors.
///
/// The result is a pure function of the inputs: the same bytes and settings give the same files.
///
/// # Errors
///
/// [`Error`] names the place in the document that is invalid or unsupported.
pub fn generate(spec: &[u8], document: &str, settings: &Settings) -> Result<FileSet, Error> {
    let openapi = load::load(spec, document)?;
    let api = ir::build(&openapi, document, &settings.config)?;
    emit::crate_files(&api, settings, spec)
}

/// The token URL as the generated client should use it: relative to the API's base URL when it
/// lies under it (`token`), absolute otherwise.
///
/// The document gives it relative to where the document was served (Track-It! says
/// `../../token` from `…/WebApi/swagger/docs/v2`), which the client does not know at run time.
fn token_url_relative_to_base(api: &ir::Api, settings: &Settings) -> String {
    const PLACEHOLDER_ORIGIN: &str = "http://api.invalid";
    let Some(token_url) = &api.token_url else { return "token".into() };
    let document_path = settings.document_path.clone().unwrap_or_else(|| format!("swagger/docs/{}", api.version));
    let base = format!("{PLACEHOLDER_ORIGIN}{}/", api.base_path);
    let resolved =
        url::Url::parse(&base).and_then(|base| base.join(&document_path)).and_then(|document| document.join(token_url));
    match resolved {
        Ok(url) if url.as_str().starts_with(&base) => url.as_str()[base.len()..].to_owned(),
        Ok(url) if url.as_str().starts_with(PLACEHOLDER_ORIGIN) => url.path().to_owned(),
        Ok(url) => url.to_string(),
        Err(_) => "token".into(),
    }
}
