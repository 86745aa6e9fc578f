//! The checked-in `generated/` crate is exactly what the generator makes of its document.
//! This test never writes: `cargo xtask generate` does.

use trackit_codegen::{Settings, generate, output};

#[test]
fn generated_crate_is_up_to_date() {
    let files = generate(&crate::reference_spec(), "swagger.json", &Settings::default())
        .expect("the reference document generates");
    let changes = output::plan(&crate::root().join("generated"), &files).expect("generated/ is readable");
    assert!(
        changes.is_empty(),
        "generated/ is out of date; run `cargo xtask generate`:\n{}",
        changes.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
}
