//! End-to-end tests of the simulator over real HTTP on 127.0.0.1 (one test binary).

mod auth;
mod binary;
mod docs;
mod errors;
mod faults;
mod operations;
mod records;
mod server;
mod tls_and_protection;

use reqwest::StatusCode;
use serde_json::Value;
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};

/// A started simulator and a client that neither follows redirects nor uses proxies.
pub struct Harness {
    pub sim: Simulator,
    pub http: reqwest::Client,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::start_with(SimConfig::default()).await
    }

    pub async fn start_with(config: SimConfig) -> Harness {
        let sim = Simulator::start(config).await.expect("simulator starts");
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client builds");
        Harness { sim, http }
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }

    /// Posts a url-encoded form to `/token`.
    pub async fn token_request(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self.http.post(self.url("/token")).form(form).send().await.expect("token request");
        read(response).await
    }

    /// A password grant for `user`, which must succeed.
    pub async fn login_as(&self, user: &str, password: &str) -> Value {
        let (status, body) =
            self.token_request(&[("grant_type", "password"), ("username", user), ("password", password)]).await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        body
    }

    /// An access token for the demo technician.
    pub async fn token(&self) -> String {
        let reply = self.login_as(DEMO_USER, DEMO_PASSWORD).await;
        reply["access_token"].as_str().expect("access_token").to_owned()
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let response = self.http.get(self.url(path)).bearer_auth(token).send().await.expect("GET");
        read(response).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
        let response = self.http.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("POST");
        read(response).await
    }
}

/// Status and JSON body (`null` when the body is empty or not JSON).
pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The value of field `seq` in a field bag.
pub fn field(bag: &Value, seq: u32) -> &Value {
    &bag[seq.to_string()]["Value"]
}
