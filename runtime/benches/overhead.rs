//! The cost the runtime adds per call: `ApiClient::execute` (middleware stack, token lookup,
//! replayable request, JSON decode) against plain reqwest, configured with the same timeouts,
//! sending the same request with a bearer token to the same simulator endpoint and decoding
//! the same JSON; 1,000 calls per iteration. A third variant sends through the middleware
//! stack (`ApiClient::http`) but decodes like plain reqwest, to split the cost.
//!
//! `cargo bench -p trackit-runtime --bench overhead`; per-call time is the reported time / 1000.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use reqwest::header::ACCEPT;
use serde_json::Value;
use tokio::runtime::Runtime;
use trackit_runtime::{ApiClient, Call, Credentials, Method};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};

const CALLS: u64 = 1000;
const CONCURRENT_TASKS: u64 = 8;

struct Fixture {
    // Kept alive for the whole benchmark.
    _sim: Simulator,
    api: ApiClient,
    plain: reqwest::Client,
    url: reqwest::Url,
    token: String,
}

async fn fixture() -> Fixture {
    let sim = Simulator::start(SimConfig::default()).await.expect("simulator starts");
    let api = ApiClient::builder(&sim.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD))
        .no_proxy()
        .build()
        .expect("client builds");
    api.login().await.expect("login");
    // The runtime's defaults: a request timeout costs a timer per request.
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
        .and_then(reqwest::Response::error_for_status)
        .expect("token request")
        .json()
        .await
        .expect("token JSON");
    let token = reply["access_token"].as_str().expect("access_token").to_owned();
    let url = reqwest::Url::parse(&format!("{}/tickets/1042", sim.base_url())).expect("URL");
    Fixture { _sim: sim, api, plain, url, token }
}

async fn through_runtime(api: &ApiClient) -> Value {
    api.execute(Call::new("Ticket_Get", Method::GET, "/tickets/{id}").path_param("id", 1042)).await.expect("call")
}

async fn through_auth_layer(fixture: &Fixture) -> Value {
    let response =
        fixture.api.http().get(fixture.url.clone()).header(ACCEPT, "application/json").send().await.expect("request");
    let body = response.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("JSON")
}

async fn through_plain_reqwest(fixture: &Fixture) -> Value {
    let response = fixture
        .plain
        .get(fixture.url.clone())
        .bearer_auth(&fixture.token)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("request");
    let body = response.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("JSON")
}

fn overhead(criterion: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let fixture: &'static Fixture = Box::leak(Box::new(runtime.block_on(fixture())));

    let mut sequential = criterion.benchmark_group("1000 sequential calls");
    sequential
        .throughput(Throughput::Elements(CALLS))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    sequential.bench_function("plain reqwest", |bench| {
        bench.to_async(&runtime).iter(|| async {
            for _ in 0..CALLS {
                black_box(through_plain_reqwest(fixture).await);
            }
        });
    });
    sequential.bench_function("ApiClient::http (auth layer only)", |bench| {
        bench.to_async(&runtime).iter(|| async {
            for _ in 0..CALLS {
                black_box(through_auth_layer(fixture).await);
            }
        });
    });
    sequential.bench_function("ApiClient::execute", |bench| {
        bench.to_async(&runtime).iter(|| async {
            for _ in 0..CALLS {
                black_box(through_runtime(&fixture.api).await);
            }
        });
    });
    sequential.finish();

    // Many tasks reading the token at once: the hot path takes no lock, so this should scale
    // like plain reqwest does.
    let mut concurrent = criterion.benchmark_group("1000 calls from 8 tasks");
    concurrent
        .throughput(Throughput::Elements(CALLS))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    concurrent.bench_function("plain reqwest", |bench| {
        bench.to_async(&runtime).iter(|| spawn_tasks(&runtime, |_| async { through_plain_reqwest(fixture).await }));
    });
    concurrent.bench_function("ApiClient::execute", |bench| {
        bench.to_async(&runtime).iter(|| spawn_tasks(&runtime, |_| async { through_runtime(&fixture.api).await }));
    });
    concurrent.finish();
}

/// Runs `CALLS` calls split over `CONCURRENT_TASKS` spawned tasks and waits for all of them.
async fn spawn_tasks<F, Fut>(runtime: &Runtime, call: F)
where
    F: Fn(u64) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = Value> + Send,
{
    let tasks: Vec<_> = (0..CONCURRENT_TASKS)
        .map(|task| {
            runtime.spawn(async move {
                for index in 0..CALLS / CONCURRENT_TASKS {
                    black_box(call(task * CALLS + index).await);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task runs");
    }
}

criterion_group!(benches, overhead);
criterion_main!(benches);
