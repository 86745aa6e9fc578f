//! Logging in, calling an operation, and refused logins, against the simulator.

use trackit_runtime::{Call, Credentials, Error, Method};

use crate::support::{client_for, default_simulator, demo_client};

#[tokio::test]
async fn login_returns_the_technician_profile() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    assert!(client.profile().is_none());

    let profile = client.login().await.expect("login succeeds");
    assert_eq!(profile.username, "JPIKE");
    assert_eq!(profile.group, "HELP DESK");
    assert_eq!(profile.full_name(), "Jordan Pike");
    assert_eq!(profile.server_language.as_deref(), Some("en-US"));
    assert!(profile.issued.is_some() && profile.expires.is_some());
    assert_eq!(client.profile().as_deref(), Some(&*profile));

    // A second login reuses the token.
    client.login().await.expect("still logged in");
    assert_eq!(sim.stats().token_requests, 1);
}

#[tokio::test]
async fn an_operation_returns_json() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let ticket: serde_json::Value =
        client.execute(Call::new("Ticket_Get", Method::GET, "/tickets/1042")).await.expect("ticket 1042 exists");
    assert_eq!(ticket["Ticket"]["1"]["Value"], 1042);
    let stats = sim.stats();
    assert_eq!((stats.token_requests, stats.password_grants), (1, 1));
    assert_eq!(stats.unauthorized, 0);
}

#[tokio::test]
async fn a_windows_login_works() {
    let sim = default_simulator().await;
    let client =
        client_for(&sim, Credentials::windows("help desk", "CORP", "asmith", trackit_sim::WINDOWS_DEMO_PASSWORD));
    client.login().await.expect("windows login succeeds");
}

#[tokio::test]
async fn a_wrong_password_is_refused_after_one_token_request() {
    let sim = default_simulator().await;
    let client = client_for(&sim, Credentials::new(trackit_sim::DEMO_USER, "wrong"));
    let error = client.login().await.expect_err("refused");
    let Error::LoginRefused { username, error: code, description } = &error else {
        panic!("expected LoginRefused, got {error:?}");
    };
    assert_eq!(username, trackit_sim::DEMO_USER);
    assert_eq!(code, "invalid_grant");
    assert!(description.is_some());
    assert_eq!(sim.stats().token_requests, 1);

    // The same error comes out of `execute`, unwrapped from the middleware stack, without
    // sending the password again.
    let error = client
        .execute::<serde_json::Value>(Call::new("Ticket_Get", Method::GET, "/tickets/1042"))
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::LoginRefused { .. }), "{error:?}");
    assert_eq!(sim.stats().token_requests, 1);
    assert_eq!(sim.stats().requests, 0);
}

#[tokio::test]
async fn concurrent_waiters_share_one_refused_login() {
    let sim = default_simulator().await;
    let client = client_for(&sim, Credentials::new(trackit_sim::DEMO_USER, "wrong"));
    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.login().await })
    });
    for call in calls.collect::<Vec<_>>() {
        let error = call.await.expect("task").expect_err("refused");
        assert!(matches!(error, Error::LoginRefused { .. }), "{error:?}");
    }
    assert_eq!(sim.stats().token_requests, 1);
}

#[tokio::test]
async fn api_errors_carry_the_server_message() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let error = client
        .execute::<serde_json::Value>(Call::new("Nothing", Method::GET, "/no/such/route"))
        .await
        .expect_err("404");
    let Error::Api { operation, status, message, body } = &error else {
        panic!("expected Api, got {error:?}");
    };
    assert_eq!((*operation, *status), ("Nothing", 404));
    assert!(message.as_deref().is_some_and(|text| text.contains("No HTTP resource")), "{message:?}");
    assert!(body.contains("MessageDetail"), "{body}");
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn a_wrong_reply_shape_names_the_json_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        #[serde(rename = "Ticket")]
        ticket: std::collections::BTreeMap<String, WrongField>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct WrongField {
        #[serde(rename = "Value")]
        value: bool,
    }
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let error = client
        .execute::<Wrong>(Call::new("Ticket_Get", Method::GET, "/tickets/1042"))
        .await
        .expect_err("values are not all booleans");
    let Error::Decode { path, .. } = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert!(path.starts_with("Ticket."), "{path}");
    assert!(path.ends_with(".Value"), "{path}");
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_reported() {
    // Port 9 on loopback ("discard") is closed on test machines: connecting fails fast.
    let client =
        trackit_runtime::ApiClient::builder("http://127.0.0.1:9/TrackIt/WebApi", crate::support::demo_credentials())
            .build()
            .expect("builds");
    let error = client.login().await.expect_err("unreachable");
    assert!(matches!(error, Error::TokenEndpoint { status: None, .. }), "{error:?}");
}
