//! The generator as a library, from the command line:
//! `cargo run -p trackit-codegen --example generate -- SPEC OUT_DIR CRATE_NAME RUNTIME_PATH`.
//! Options are read from `OUT_DIR/generator.toml` when it exists.

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out, crate_name, runtime] = args.as_slice() else {
        return Err("usage: generate SPEC OUT_DIR CRATE_NAME RUNTIME_PATH".into());
    };
    let bytes = std::fs::read(spec)?;
    let spec_file_name = Path::new(spec).file_name().map(|name| name.to_string_lossy().into_owned());
    let config_path = Path::new(out).join("generator.toml");
    let config = match std::fs::read_to_string(&config_path) {
        Ok(text) => trackit_codegen::Config::from_toml(&text, &config_path.display().to_string())?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => trackit_codegen::Config::default(),
        Err(error) => return Err(error.into()),
    };
    let settings = trackit_codegen::Settings {
        config,
        crate_name: crate_name.clone(),
        runtime: trackit_codegen::RuntimeDependency::Path(runtime.clone()),
        spec_file_name: spec_file_name.unwrap_or_else(|| "openapi.json".into()),
        ..trackit_codegen::Settings::default()
    };
    let files = trackit_codegen::generate(&bytes, spec, &settings)?;
    for change in trackit_codegen::output::write(Path::new(out), &files)? {
        println!("{change}");
    }
    Ok(())
}
