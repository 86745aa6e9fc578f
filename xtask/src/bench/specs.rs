//! Which documents the bench runs on, copied (and decompressed) once into the work folder so
//! every tool reads the same plain file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::spec_file::read_spec;

/// The reference document and the largest specs of the corpus (GitHub's is 13 MB unpacked).
const DEFAULT_SPECS: &[(&str, Location)] = &[
    ("trackit", Location::Workspace("generated/swagger.json")),
    ("github", Location::Corpus("oa30_github.com_rest_api.github.com.json.gz")),
    ("stripe", Location::Corpus("sw20_stripe.com_2019-12-03.yaml")),
    ("bunq", Location::Corpus("oa30_bunq.com_1.0.yaml")),
];

enum Location {
    Workspace(&'static str),
    Corpus(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Yaml,
}

pub(crate) struct BenchSpec {
    /// Short name used in tables and crate names (`github`).
    pub(crate) name: String,
    /// The plain (decompressed) copy every tool reads.
    pub(crate) path: PathBuf,
    pub(crate) format: Format,
    pub(crate) size: usize,
}

/// The default specs whose short name or file name contains one of `filters` (all without
/// filters); a filter naming an existing file adds that file.
pub(crate) fn select(root: &Path, filters: &[String]) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let corpus = root.join("../shared/corpus");
    let defaults = DEFAULT_SPECS.iter().map(|(name, location)| {
        let path = match location {
            Location::Workspace(path) => root.join(path),
            Location::Corpus(file) => corpus.join(file),
        };
        ((*name).to_owned(), path)
    });
    if filters.is_empty() {
        return Ok(defaults.collect());
    }
    let mut selected: Vec<(String, PathBuf)> = defaults
        .filter(|(name, path)| {
            let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            filters.iter().any(|filter| name.contains(filter.as_str()) || file.contains(filter.as_str()))
        })
        .collect();
    for filter in filters {
        let path = PathBuf::from(filter);
        if path.is_file() {
            let stem = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            let name: String = stem.split('.').next().unwrap_or("spec").to_lowercase();
            let name = name.replace(|c: char| !c.is_ascii_alphanumeric(), "-");
            selected.push((name, path));
        }
    }
    if selected.is_empty() {
        let names: Vec<&str> = DEFAULT_SPECS.iter().map(|(name, _)| *name).collect();
        bail!("no spec matches --spec {}; known: {} (or give a file path)", filters.join(", "), names.join(", "));
    }
    Ok(selected)
}

/// Copies each spec into `dir`, decompressed, named after its short name.
pub(crate) fn prepare(selected: &[(String, PathBuf)], dir: &Path) -> anyhow::Result<Vec<BenchSpec>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    selected
        .iter()
        .map(|(name, source)| {
            let bytes = read_spec(source)?;
            let file = source.file_name().map(|f| f.to_string_lossy().to_lowercase()).unwrap_or_default();
            let file = file.strip_suffix(".gz").unwrap_or(&file);
            let format = if file.ends_with(".json") { Format::Json } else { Format::Yaml };
            let extension = if format == Format::Json { "json" } else { "yaml" };
            let path = dir.join(format!("{name}.{extension}"));
            std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
            Ok(BenchSpec { name: name.clone(), path, format, size: bytes.len() })
        })
        .collect()
}

/// Parses the document into a `serde_json::Value`: the yardstick for generation time.
pub(crate) fn parse(bytes: &[u8], format: Format) -> anyhow::Result<serde_json::Value> {
    Ok(match format {
        Format::Json => serde_json::from_slice(bytes)?,
        Format::Yaml => serde_yaml::from_slice(bytes)?,
    })
}
