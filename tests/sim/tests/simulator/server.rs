//! Starting on a chosen address, and stopping by `shutdown` or by drop.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use reqwest::StatusCode;
use trackit_sim::{SimConfig, Simulator};

use crate::Harness;

#[tokio::test]
async fn urls_name_the_bound_port() {
    let sim =
        Simulator::start_on(SimConfig::default(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.expect("starts");
    let port = sim.addr().port();
    assert_ne!(port, 0);
    assert_eq!(sim.root_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(sim.base_url(), format!("http://127.0.0.1:{port}/TrackIt/WebApi"));
    sim.shutdown().await;
}

#[tokio::test]
async fn shutdown_is_prompt_despite_keep_alive_connections() {
    let Harness { sim, http } = Harness::start().await;
    let url = format!("{}/swagger/docs/v2", sim.base_url());
    assert_eq!(http.get(&url).send().await.expect("GET").status(), StatusCode::OK);
    tokio::time::timeout(Duration::from_secs(3), sim.shutdown()).await.expect("shutdown finishes");
    assert!(http.get(&url).send().await.is_err(), "server still answers after shutdown");
}

#[tokio::test]
async fn dropping_the_simulator_stops_the_server() {
    let Harness { sim, http } = Harness::start().await;
    let url = format!("{}/swagger/docs/v2", sim.base_url());
    drop(sim);
    // The stop is asynchronous; give it a moment.
    for _ in 0..50 {
        if http.get(&url).send().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("server still answers after drop");
}
