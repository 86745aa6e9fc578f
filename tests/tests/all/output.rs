//! Writing the crate: all or nothing, and never over a file that is not ours.

use std::fs;

use trackit_codegen::output::{self, Change, OutputError};
use trackit_codegen::{Settings, generate};

fn reference_files() -> trackit_codegen::FileSet {
    generate(&crate::reference_spec(), "swagger.json", &Settings::default()).unwrap()
}

#[test]
fn writes_then_finds_nothing_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let files = reference_files();
    let changes = output::write(dir.path(), &files).unwrap();
    assert_eq!(changes.len(), files.len());
    assert!(output::plan(dir.path(), &files).unwrap().is_empty());
    assert!(output::write(dir.path(), &files).unwrap().is_empty());
}

#[test]
fn keeps_files_that_are_not_ours_and_refuses_to_overwrite_them() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("examples")).unwrap();
    fs::write(dir.path().join("examples/mine.rs"), "fn main() {}").unwrap();
    output::write(dir.path(), &reference_files()).unwrap();
    assert_eq!(fs::read_to_string(dir.path().join("examples/mine.rs")).unwrap(), "fn main() {}");

    // A user file where the generator wants to write is never replaced.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir_all(other.path().join("src")).unwrap();
    fs::write(other.path().join("src/types.rs"), "// mine").unwrap();
    let error = output::write(other.path(), &reference_files()).unwrap_err();
    assert!(matches!(error, OutputError::NotOurs { .. }), "{error}");
    assert!(error.to_string().contains("types.rs"), "{error}");
    assert_eq!(fs::read_to_string(other.path().join("src/types.rs")).unwrap(), "// mine");
    assert!(!other.path().join("Cargo.toml").exists(), "nothing half-written");
}

#[test]
fn removes_generated_files_that_are_no_longer_generated() {
    let dir = tempfile::tempdir().unwrap();
    output::write(dir.path(), &reference_files()).unwrap();
    // A smaller document: one tag only.
    let spec = br#"{"swagger":"2.0","info":{"title":"t","version":"1"},"basePath":"/api","paths":{"/ping":{"get":{"tags":["Ping"],"operationId":"Ping_Get","responses":{"200":{"description":"OK"}}}}}}"#;
    let small =
        generate(spec, "small.json", &Settings { spec_file_name: "swagger.json".into(), ..Settings::default() })
            .unwrap();
    let changes = output::write(dir.path(), &small).unwrap();
    assert!(changes.contains(&Change::Removed("src/api/ticket.rs".into())), "{changes:?}");
    assert!(!dir.path().join("src/api/ticket.rs").exists());
    assert!(dir.path().join("src/api/ping.rs").exists());
}

#[test]
fn an_error_while_writing_leaves_the_old_crate_intact() {
    let dir = tempfile::tempdir().unwrap();
    let files = reference_files();
    output::write(dir.path(), &files).unwrap();
    let before = fs::read(dir.path().join("src/api/ticket.rs")).unwrap();

    // A folder where a new file must go makes the swap fail half-way.
    let spec = br#"{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/ping":{"get":{"tags":["Ping"],"operationId":"Ping_Get","responses":{"200":{"description":"OK"}}}}}}"#;
    let other = generate(spec, "small.json", &Settings::default()).unwrap();
    fs::create_dir_all(dir.path().join("src/api/ping.rs/blocker")).unwrap();
    let error = output::write(dir.path(), &other);
    assert!(error.is_err());
    assert_eq!(fs::read(dir.path().join("src/api/ticket.rs")).unwrap(), before, "old crate intact");
    assert!(output::plan(dir.path(), &files).is_ok_and(|changes| changes.is_empty()));
}

#[test]
fn a_manifest_line_naming_a_folder_never_deletes_it() {
    let dir = tempfile::tempdir().unwrap();
    output::write(dir.path(), &reference_files()).unwrap();
    fs::create_dir_all(dir.path().join("examples")).unwrap();
    fs::write(dir.path().join("examples/mine.rs"), "fn main() {}").unwrap();
    let manifest = dir.path().join(trackit_codegen::MANIFEST_FILE);
    let mut listed = fs::read_to_string(&manifest).unwrap();
    listed.push_str("examples\n");
    fs::write(&manifest, listed).unwrap();
    fs::write(dir.path().join("src/types.rs"), "// stale").unwrap();

    let changes = output::write(dir.path(), &reference_files()).unwrap();
    assert!(!changes.iter().any(|change| change.path() == "examples"), "{changes:?}");
    assert_eq!(fs::read_to_string(dir.path().join("examples/mine.rs")).unwrap(), "fn main() {}");
}

#[cfg(unix)]
#[test]
fn never_writes_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("src")).unwrap();
    let error = output::write(dir.path(), &reference_files()).unwrap_err();
    assert!(matches!(error, OutputError::Symlink { .. }), "{error}");
    assert!(fs::read_dir(outside.path()).unwrap().next().is_none(), "nothing written outside");
}
