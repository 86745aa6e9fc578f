//! `cargo xtask demo`: the whole product on one machine. Starts the simulator, generates a
//! client from it over HTTP into a temporary crate, builds that crate and runs the example
//! session in `generated/examples/demo.rs` against the simulator.

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use trackit_codegen::{RuntimeDependency, Settings};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};
use xtask::fetch::FetchOptions;

use crate::console::Console;
use crate::generate::{fetch, generate_into, read_config};

#[derive(Args)]
pub(crate) struct DemoArgs {
    /// Keep the temporary crate and print where it is.
    #[arg(long)]
    keep: bool,
}

pub(crate) async fn run(args: DemoArgs, console: Console) -> anyhow::Result<ExitCode> {
    let root = crate::workspace_root();
    let simulator = Simulator::start(SimConfig::default()).await.context("cannot start the simulator")?;
    println!("simulator listening on {}", simulator.base_url());

    // Start where a person would: the address their browser shows the Swagger UI at.
    let server = format!("{}/TrackIt/WebAPI", simulator.root_url());
    let document = fetch(&server, &FetchOptions::default(), console).await?;

    let temp =
        tempfile::Builder::new().prefix("trackit-demo-").tempdir().context("cannot create a temporary folder")?;
    let crate_dir = temp.path().join("trackit");
    // The same options and guide as the checked-in crate, so the demo sees the same client.
    let generated = root.join("generated");
    let config = read_config(None, &generated, console)?;
    std::fs::create_dir_all(&crate_dir)?;
    if let Some(guide) = &config.docs.guide {
        std::fs::copy(generated.join(guide), crate_dir.join(guide))
            .with_context(|| format!("cannot copy the guide {guide}"))?;
    }
    let settings = Settings {
        runtime: RuntimeDependency::Path(root.join("runtime").display().to_string()),
        standalone: true,
        document_path: document.document_path.clone(),
        config,
        ..Settings::default()
    };
    generate_into(&crate_dir, &document, &settings, false, false, console)?;
    let example = root.join("generated/examples/demo.rs");
    std::fs::create_dir_all(crate_dir.join("examples"))?;
    std::fs::copy(&example, crate_dir.join("examples/demo.rs"))
        .with_context(|| format!("cannot copy {}", example.display()))?;
    // The workspace's lock file pins the same versions, so the shared target folder is reused.
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).context("cannot copy Cargo.lock")?;

    println!("building the generated client in {}", crate_dir.display());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = tokio::process::Command::new(cargo)
        .args(["run", "--quiet", "--example", "demo", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("TRACKIT_URL", simulator.base_url())
        .env("TRACKIT_USERNAME", DEMO_USER)
        .env("TRACKIT_PASSWORD", DEMO_PASSWORD)
        .status()
        .await
        .context("cannot run cargo")?;
    let stats = simulator.stats();
    println!(
        "simulator counted {} API requests, {} token requests, {} unauthorized",
        stats.requests, stats.token_requests, stats.unauthorized
    );
    simulator.shutdown().await;
    if args.keep {
        println!("kept the generated crate in {}", temp.keep().display());
    }
    if !status.success() {
        bail!("the demo client failed ({status})");
    }
    println!("demo finished");
    Ok(ExitCode::SUCCESS)
}
