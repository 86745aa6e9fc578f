//! User middleware layers sit outside the auth layer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use trackit_runtime::reqwest::{Request, Response};
use trackit_runtime::reqwest_middleware::{self, Middleware, Next};
use trackit_runtime::{ApiClient, Call, Error, Method};

use crate::support::{default_simulator, demo_credentials};

struct Counting(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl Middleware for Counting {
    async fn handle(
        &self,
        request: Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.0.fetch_add(1, Ordering::SeqCst);
        // Outside auth, the token has not been attached yet.
        assert!(request.headers().get("authorization").is_none());
        next.run(request, extensions).await
    }
}

#[derive(Debug, thiserror::Error)]
#[error("layer says no")]
struct LayerRefusal;

struct Refusing;

#[async_trait::async_trait]
impl Middleware for Refusing {
    async fn handle(&self, _: Request, _: &mut http::Extensions, _: Next<'_>) -> reqwest_middleware::Result<Response> {
        Err(reqwest_middleware::Error::middleware(LayerRefusal))
    }
}

#[tokio::test]
async fn a_user_layer_sees_one_pass_while_auth_retries_inside() {
    let sim = default_simulator().await;
    let passes = Arc::new(AtomicUsize::new(0));
    let client =
        ApiClient::builder(&sim.base_url(), demo_credentials()).with(Counting(passes.clone())).build().expect("builds");
    client.login().await.expect("login");
    sim.revoke_all_tokens();
    client
        .execute::<serde_json::Value>(Call::new("Ticket_Get", Method::GET, "/tickets/1042"))
        .await
        .expect("retried inside auth");
    assert_eq!(passes.load(Ordering::SeqCst), 1);
    assert_eq!(sim.stats().unauthorized, 1);
}

#[tokio::test]
async fn a_failing_user_layer_is_a_middleware_error() {
    let sim = default_simulator().await;
    let client = ApiClient::builder(&sim.base_url(), demo_credentials()).with(Refusing).build().expect("builds");
    let error = client
        .execute::<serde_json::Value>(Call::new("Ticket_Get", Method::GET, "/tickets/1042"))
        .await
        .expect_err("layer refuses");
    assert!(
        matches!(&error, Error::Middleware { operation: "Ticket_Get", source } if source.to_string() == "layer says no"),
        "{error:?}"
    );
    assert_eq!(sim.stats().token_requests, 0);
}
