//! Part (c): requests per second and latency per call through the client against plain
//! reqwest, both calling the simulator on loopback.
//!
//! Runs the runtime's criterion benchmark (`runtime/benches/overhead.rs`) and reads the
//! estimates criterion writes. Every generated method builds a `Call` and awaits
//! `ApiClient::execute`, which is the call that benchmark makes (`Ticket_Get`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use super::peers::cargo;
use super::process;
use super::table::Table;

/// One criterion benchmark's result.
struct Estimate {
    group: String,
    function: String,
    /// Median time of one iteration, in nanoseconds.
    median_ns: f64,
    calls_per_iteration: f64,
}

/// Runs the benchmark and tabulates it; `Err` says why it could not.
pub(crate) fn measure(root: &Path, criterion_home: &Path, timeout: Duration) -> anyhow::Result<Result<Table, String>> {
    if criterion_home.exists() {
        std::fs::remove_dir_all(criterion_home)
            .with_context(|| format!("cannot remove {}", criterion_home.display()))?;
    }
    let mut command = Command::new(cargo());
    command
        .args(["bench", "--package", "trackit-runtime", "--bench", "overhead", "--", "--noplot"])
        .current_dir(root)
        .env("CRITERION_HOME", criterion_home);
    let outcome = process::run(&mut command, timeout)?;
    if !outcome.success() {
        return Ok(Err(format!("failed: cargo bench: {}", outcome.failure())));
    }
    let estimates = read_estimates(criterion_home)?;
    if estimates.is_empty() {
        return Ok(Err(format!("failed: criterion wrote no estimates under {}", criterion_home.display())));
    }
    Ok(Ok(table(&estimates)))
}

/// `<home>/<group>/<function>/new/{benchmark,estimates}.json`.
fn read_estimates(home: &Path) -> anyhow::Result<Vec<Estimate>> {
    let mut estimates = Vec::new();
    for group in std::fs::read_dir(home).with_context(|| format!("cannot read {}", home.display()))? {
        let Ok(functions) = std::fs::read_dir(group?.path()) else { continue };
        for function in functions {
            let new = function?.path().join("new");
            let (Ok(benchmark), Ok(estimate)) =
                (std::fs::read(new.join("benchmark.json")), std::fs::read(new.join("estimates.json")))
            else {
                continue;
            };
            let benchmark: serde_json::Value = serde_json::from_slice(&benchmark)?;
            let estimate: serde_json::Value = serde_json::from_slice(&estimate)?;
            let (Some(group), Some(function), Some(median_ns)) = (
                benchmark["group_id"].as_str(),
                benchmark["function_id"].as_str(),
                estimate["median"]["point_estimate"].as_f64(),
            ) else {
                continue;
            };
            let calls_per_iteration = benchmark["throughput"]["Elements"].as_f64().unwrap_or(1.0);
            estimates.push(Estimate { group: group.into(), function: function.into(), median_ns, calls_per_iteration });
        }
    }
    Ok(estimates)
}

fn table(estimates: &[Estimate]) -> Table {
    let mut table = Table::new(
        "(c) Cost per request against the simulator on loopback (criterion medians)",
        &["calls", "client", "latency per call", "requests/s", "added vs plain reqwest"],
    );
    let mut groups: BTreeMap<&str, Vec<&Estimate>> = BTreeMap::new();
    for estimate in estimates {
        groups.entry(&estimate.group).or_default().push(estimate);
    }
    for (group, mut members) in groups {
        // Plain reqwest first, then the layers in the order they add up.
        members.sort_by_key(|estimate| (!is_baseline(estimate), estimate.function.len()));
        let baseline = members.iter().find(|estimate| is_baseline(estimate)).map(|estimate| per_call_us(estimate));
        for estimate in members {
            let per_call = per_call_us(estimate);
            let added = match baseline {
                Some(baseline) if !is_baseline(estimate) && baseline > 0.0 => {
                    format!("{:+.1} µs ({:+.1} %)", per_call - baseline, (per_call - baseline) / baseline * 100.0)
                }
                _ => "—".into(),
            };
            table.row(vec![
                group.to_owned(),
                describe(&estimate.function),
                format!("{per_call:.1} µs"),
                format!("{:.0}", 1e6 / per_call),
                added,
            ]);
        }
    }
    table.note("latency per call: the median iteration time ÷ calls per iteration; with concurrent tasks it is the time per completed call");
    table.note("the generated client's methods build a Call and await ApiClient::execute, the call measured here (target: under +2 %)");
    table.note("source: cargo bench -p trackit-runtime --bench overhead");
    table
}

fn is_baseline(estimate: &Estimate) -> bool {
    estimate.function.contains("plain reqwest")
}

fn per_call_us(estimate: &Estimate) -> f64 {
    estimate.median_ns / estimate.calls_per_iteration.max(1.0) / 1000.0
}

fn describe(function: &str) -> String {
    if function == "ApiClient::execute" { "generated client (ApiClient::execute)".into() } else { function.into() }
}
