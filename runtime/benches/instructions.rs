//! The same three ways of calling as `overhead.rs`, as a plain program to run under
//! callgrind: instruction counts do not depend on what else the machine is doing, where
//! wall time on a shared two-core machine swings by several percent between runs.
//!
//! ```text
//! cargo bench -p trackit-runtime --bench instructions --no-run   # prints the binary's path
//! valgrind --tool=callgrind BINARY plain 0     # set-up only
//! valgrind --tool=callgrind BINARY plain 500   # set-up and 500 calls
//! ```
//! and the same for `auth` and `execute`; (Ir(500) − Ir(0)) / 500 is the cost of one call,
//! client and simulator together. Without arguments (as under `cargo bench`) each variant
//! makes 1,000 calls and the wall time per call is printed.

use std::time::{Duration, Instant};

use reqwest::header::ACCEPT;
use serde_json::Value;
use trackit_runtime::{ApiClient, Call, Credentials, Method};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};

#[derive(Clone, Copy, Debug)]
enum Variant {
    /// reqwest with the runtime's timeouts and a bearer token of its own.
    Plain,
    /// `ApiClient::http`: the middleware stack, decoded like plain reqwest.
    AuthLayer,
    /// `ApiClient::execute`: the whole runtime.
    Execute,
}

struct Clients {
    api: ApiClient,
    plain: reqwest::Client,
    url: reqwest::Url,
    token: String,
}

impl Clients {
    async fn connect(sim: &Simulator) -> Clients {
        let api = ApiClient::builder(&sim.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD))
            .no_proxy()
            .build()
            .expect("client builds");
        api.login().await.expect("login");
        let plain = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_mins(1))
            .connect_timeout(Duration::from_secs(10))
            .user_agent("trackit-runtime/bench")
            .build()
            .expect("client builds");
        let reply: Value = plain
            .post(format!("{}/token", sim.base_url()))
            .form(&[("grant_type", "password"), ("username", DEMO_USER), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .expect("token request")
            .json()
            .await
            .expect("token JSON");
        let token = reply["access_token"].as_str().expect("access_token").to_owned();
        let url = reqwest::Url::parse(&format!("{}/tickets/1042", sim.base_url())).expect("URL");
        Clients { api, plain, url, token }
    }

    async fn call(&self, variant: Variant) -> Value {
        let response = match variant {
            Variant::Execute => {
                let call = Call::new("Ticket_Get", Method::GET, "/tickets/{id}").path_param("id", 1042);
                return self.api.execute(call).await.expect("call");
            }
            Variant::Plain => self.plain.get(self.url.clone()).bearer_auth(&self.token),
            Variant::AuthLayer => {
                let request = self.api.http().get(self.url.clone()).header(ACCEPT, "application/json");
                let response = request.send().await.expect("request");
                return serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON");
            }
        };
        let response = response.header(ACCEPT, "application/json").send().await.expect("request");
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON")
    }
}

fn parse_variant(name: &str) -> Option<Variant> {
    match name {
        "plain" => Some(Variant::Plain),
        "auth" => Some(Variant::AuthLayer),
        "execute" => Some(Variant::Execute),
        _ => None,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `cargo bench` passes `--bench`; only positional arguments count.
    let arguments: Vec<String> = std::env::args().skip(1).filter(|argument| !argument.starts_with("--")).collect();
    let chosen = arguments.first().and_then(|name| parse_variant(name));
    let calls: u32 = arguments.get(1).and_then(|count| count.parse().ok()).unwrap_or(1000);

    let sim = Simulator::start(SimConfig::default()).await.expect("simulator starts");
    let clients = Clients::connect(&sim).await;
    let variants = match chosen {
        Some(variant) => vec![variant],
        None => vec![Variant::Plain, Variant::AuthLayer, Variant::Execute],
    };
    // One call of each first, so every variant starts with open connections.
    for variant in [Variant::Plain, Variant::AuthLayer, Variant::Execute] {
        std::hint::black_box(clients.call(variant).await);
    }
    for variant in variants {
        let started = Instant::now();
        for _ in 0..calls {
            std::hint::black_box(clients.call(variant).await);
        }
        if calls > 0 {
            println!("{variant:?}: {:.1} µs per call", started.elapsed().as_secs_f64() * 1e6 / f64::from(calls));
        }
    }
}
