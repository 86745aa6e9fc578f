//! Writes a generated crate to disk: all or nothing, and never over a file that is not ours.
//!
//! The generator owns exactly the files listed in the crate's manifest ([`MANIFEST_FILE`]);
//! anything else in the folder (examples, notes, a user's own modules) is left alone, and a
//! generated file that would land on such a file is refused. Writing happens in three steps:
//! every new file is first written in full to a staging folder, then the files being replaced
//! or removed are moved aside, then the new ones are moved in. A failure at any step puts the
//! old files back, so the crate is either the old one or the new one.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{FileSet, MANIFEST_FILE};

const STAGING_DIR: &str = ".codegen-staging";
const BACKUP_DIR: &str = ".codegen-backup";

/// One file that writing would add, change or delete.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A new file.
    Added(String),
    /// A generated file whose contents change.
    Modified(String),
    /// A generated file that is no longer generated.
    Removed(String),
}

impl Change {
    /// The file's path relative to the crate folder.
    pub fn path(&self) -> &str {
        match self {
            Change::Added(path) | Change::Modified(path) | Change::Removed(path) => path,
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added(path) => write!(formatter, "added    {path}"),
            Change::Modified(path) => write!(formatter, "modified {path}"),
            Change::Removed(path) => write!(formatter, "removed  {path}"),
        }
    }
}

/// Why the crate could not be checked or written. The old crate is intact in every case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// A file system operation failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said (in the message, so not repeated as a source).
        error: io::Error,
    },
    /// A generated file's path runs through a symbolic link, which could lead outside the folder.
    #[error("{} is a symbolic link; the generator writes only inside the crate folder", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A generated file would replace a file the generator did not write.
    #[error(
        "{} exists but was not written by trackit-codegen (it is not listed in {MANIFEST_FILE}); \
         move it away, then generate again",
        path.display()
    )]
    NotOurs {
        /// The file that would have been overwritten.
        path: PathBuf,
    },
    /// The manifest lists a path that would leave the crate folder.
    #[error("{}: lists `{entry}`, which is outside the crate folder", path.display())]
    BadManifest {
        /// The manifest file.
        path: PathBuf,
        /// The offending entry.
        entry: String,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |error| OutputError::Io { path: path.to_owned(), error }
}

/// What writing `files` into `dir` would change, without changing anything.
///
/// # Errors
///
/// Fails when a generated file would overwrite a file that is not ours, or on I/O errors.
pub fn plan(dir: &Path, files: &FileSet) -> Result<Vec<Change>, OutputError> {
    let owned = owned_files(dir)?;
    let mut changes = Vec::new();
    for (relative, contents) in files.iter() {
        refuse_links(dir, relative)?;
        let path = dir.join(relative);
        match fs::read(&path) {
            // Identical content needs no write; a file not yet ours is adopted, as nothing is lost.
            Ok(existing) if same_text(&existing, contents) => {}
            Ok(_) if owned.contains(relative) => changes.push(Change::Modified(relative.to_owned())),
            Ok(_) => return Err(OutputError::NotOurs { path }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => changes.push(Change::Added(relative.to_owned())),
            Err(error) => return Err(OutputError::Io { path, error }),
        }
    }
    for relative in &owned {
        // Only regular files are ever removed: a manifest line naming a folder or a link
        // (hand-edited, say) must not take a user's files with it.
        let is_file = fs::symlink_metadata(dir.join(relative)).is_ok_and(|meta| meta.file_type().is_file());
        if files.get(relative).is_none() && is_file {
            refuse_links(dir, relative)?;
            changes.push(Change::Removed(relative.clone()));
        }
    }
    changes.sort();
    Ok(changes)
}

/// Writes `files` into `dir` (created if missing) and deletes generated files no longer
/// generated; returns what changed. All or nothing: on error the folder is as it was.
///
/// # Errors
///
/// As [`plan`], plus I/O errors while writing; either way the old files are back in place.
pub fn write(dir: &Path, files: &FileSet) -> Result<Vec<Change>, OutputError> {
    let changes = plan(dir, files)?;
    if changes.is_empty() {
        return Ok(changes);
    }
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let staging = dir.join(STAGING_DIR);
    let backup = dir.join(BACKUP_DIR);
    // Leftovers of an interrupted run are ours by name; clear them before starting.
    remove_dir_if_exists(&staging)?;
    if backup.exists() {
        return Err(OutputError::Io {
            path: backup,
            error: io::Error::other("a previous run was interrupted; restore or delete this folder first"),
        });
    }

    let result = stage(&staging, &changes, files).and_then(|()| swap_in(dir, &staging, &backup, &changes));
    let cleanup = remove_dir_if_exists(&staging);
    result?;
    cleanup?;
    remove_dir_if_exists(&backup)?;
    for change in &changes {
        if let Change::Removed(relative) = change {
            remove_empty_parents(dir, &dir.join(relative));
        }
    }
    Ok(changes)
}

/// Refuses a path whose folders (or the file itself) inside `dir` are symbolic links.
fn refuse_links(dir: &Path, relative: &str) -> Result<(), OutputError> {
    let mut current = dir.to_path_buf();
    for part in Path::new(relative).components() {
        current.push(part);
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(OutputError::Symlink { path: current }),
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(OutputError::Io { path: current, error }),
        }
    }
    Ok(())
}

/// Writes every added or modified file in full under `staging`.
fn stage(staging: &Path, changes: &[Change], files: &FileSet) -> Result<(), OutputError> {
    for change in changes {
        if let Change::Added(relative) | Change::Modified(relative) = change {
            let path = staging.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            let contents = files.get(relative).unwrap_or_default();
            fs::write(&path, contents).map_err(io_error(&path))?;
        }
    }
    Ok(())
}

/// Moves replaced files to `backup`, staged files into place; undoes everything on failure.
fn swap_in(dir: &Path, staging: &Path, backup: &Path, changes: &[Change]) -> Result<(), OutputError> {
    let mut moved_aside: Vec<&str> = Vec::new();
    let mut moved_in: Vec<&str> = Vec::new();
    let outcome = (|| {
        for change in changes {
            if let Change::Modified(relative) | Change::Removed(relative) = change {
                move_file(&dir.join(relative), &backup.join(relative))?;
                moved_aside.push(relative);
            }
        }
        for change in changes {
            if let Change::Added(relative) | Change::Modified(relative) = change {
                move_file(&staging.join(relative), &dir.join(relative))?;
                moved_in.push(relative);
            }
        }
        Ok(())
    })();
    if outcome.is_err() {
        // Best effort: the original error is the one worth reporting.
        for relative in moved_in {
            let _ = fs::remove_file(dir.join(relative));
        }
        for relative in moved_aside {
            let _ = move_file(&backup.join(relative), &dir.join(relative));
        }
        let _ = remove_dir_if_exists(backup);
    }
    outcome
}

fn move_file(from: &Path, to: &Path) -> Result<(), OutputError> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    fs::rename(from, to).map_err(io_error(to))
}

fn remove_dir_if_exists(path: &Path) -> Result<(), OutputError> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(OutputError::Io { path: path.to_owned(), error }),
        _ => Ok(()),
    }
}

/// Removes folders that deleting a generated file left empty, up to (not including) `dir`.
fn remove_empty_parents(dir: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(folder) = current {
        if folder == dir || fs::remove_dir(folder).is_err() {
            break;
        }
        current = folder.parent();
    }
}

/// The files the manifest in `dir` says are ours; none when there is no manifest yet.
fn owned_files(dir: &Path) -> Result<BTreeSet<String>, OutputError> {
    let path = dir.join(MANIFEST_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(error) => return Err(OutputError::Io { path, error }),
    };
    let mut owned = BTreeSet::new();
    for entry in text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')) {
        let escapes = Path::new(entry).components().any(|part| !matches!(part, std::path::Component::Normal(_)));
        if escapes {
            return Err(OutputError::BadManifest { path, entry: entry.to_owned() });
        }
        owned.insert(entry.to_owned());
    }
    owned.insert(MANIFEST_FILE.to_owned());
    Ok(owned)
}

/// Equal up to line endings, so a checkout with CRLF conversion does not look stale.
fn same_text(on_disk: &[u8], generated: &[u8]) -> bool {
    if on_disk == generated {
        return true;
    }
    let strip = |bytes: &[u8]| -> Vec<u8> { bytes.iter().copied().filter(|byte| *byte != b'\r').collect() };
    strip(on_disk) == strip(generated)
}
