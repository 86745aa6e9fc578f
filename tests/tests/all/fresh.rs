//! The checked-in generated crates are exactly what the generator makes of their documents.
//! These tests never write: the commands they name do.

use trackit_codegen::{Config, RuntimeDependency, Settings, generate, output};

#[test]
fn generated_crate_is_up_to_date() {
    let options = crate::root().join("generated/generator.toml");
    let config = Config::from_toml(&std::fs::read_to_string(&options).unwrap(), "generator.toml")
        .expect("generated/generator.toml is valid");
    let files = generate(&crate::reference_spec(), "swagger.json", &Settings { config, ..Settings::default() })
        .expect("the reference document generates");
    let changes = output::plan(&crate::root().join("generated"), &files).expect("generated/ is readable");
    assert!(
        changes.is_empty(),
        "generated/ is out of date; run `cargo xtask generate`:\n{}",
        changes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
}

/// The settings `tests/features/` is generated with.
pub fn features_settings() -> Settings {
    Settings {
        crate_name: "trackit-features".into(),
        runtime: RuntimeDependency::Path("../../runtime".into()),
        spec_file_name: "openapi.yaml".into(),
        ..Settings::default()
    }
}

#[test]
fn features_crate_is_up_to_date() {
    let folder = crate::root().join("tests/features");
    let spec = std::fs::read(folder.join("openapi.yaml")).expect("the features document is checked in");
    let files = generate(&spec, "openapi.yaml", &features_settings()).expect("the features document generates");
    let changes = output::plan(&folder, &files).expect("tests/features is readable");
    assert!(
        changes.is_empty(),
        "tests/features is out of date; run `cargo run -p trackit-codegen --example generate -- \
         tests/features/openapi.yaml tests/features trackit-features ../../runtime`:\n{}",
        changes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
}
