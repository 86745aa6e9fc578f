//! Finding and reading spec files, shared by `corpus` and `bench`: plain or gzip-compressed
//! JSON and YAML documents.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The specs in `dir` (`.json`, `.yaml`, `.yml`, each optionally `.gz`), in name order.
pub(crate) fn spec_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
            let name = name.strip_suffix(".gz").unwrap_or(&name);
            [".json", ".yaml", ".yml"].iter().any(|extension| name.ends_with(extension))
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// The document's bytes, decompressed when the file name ends in `.gz`.
pub(crate) fn read_spec(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if path.extension().is_some_and(|extension| extension == "gz") {
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut decoded)
            .with_context(|| format!("{}: not valid gzip", path.display()))?;
        return Ok(decoded);
    }
    Ok(bytes)
}
