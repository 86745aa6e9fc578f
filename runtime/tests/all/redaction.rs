//! Passwords and tokens never show up in `Debug` or `Display` of errors and clients.

use trackit_runtime::{ApiClient, Call, Credentials, Error, Method};

use crate::support::{RecordedRequest, Recorder, Reply, client_for, default_simulator};

const PASSWORD: &str = "Pa55-word-never-printed";
const ACCESS_TOKEN: &str = "ACCESS-token-never-printed";
const REFRESH_TOKEN: &str = "REFRESH-token-never-printed";

fn assert_clean(text: &str) {
    for secret in [PASSWORD, ACCESS_TOKEN, REFRESH_TOKEN] {
        assert!(!text.contains(secret), "`{secret}` leaked into: {text}");
    }
}

fn assert_error_clean(error: &Error) {
    assert_clean(&format!("{error:?}"));
    assert_clean(&error.to_string());
}

#[tokio::test]
async fn a_refused_password_is_not_printed() {
    let sim = default_simulator().await;
    let client = client_for(&sim, Credentials::new(trackit_sim::DEMO_USER, PASSWORD));
    assert_clean(&format!("{client:?}"));
    let error = client.login().await.expect_err("refused");
    assert_error_clean(&error);
}

/// Issues fixed tokens, then refuses every API call and fails the next token request.
fn token_then_refusals(request: &RecordedRequest) -> Reply {
    if request.target.ends_with("/token") {
        if request.body.contains("grant_type=refresh_token") {
            return (500, r#"{"Message":"An error has occurred."}"#.to_owned());
        }
        let reply = format!(
            r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"bearer","expires_in":1799,
                "refresh_token":"{REFRESH_TOKEN}","username":"JPIKE"}}"#
        );
        return (200, reply);
    }
    (401, r#"{"Message":"Authorization has been denied for this request."}"#.to_owned())
}

#[tokio::test]
async fn tokens_are_not_printed_by_errors_or_the_client() {
    let recorder = Recorder::start(token_then_refusals);
    let credentials = Credentials::technician("HELP DESK", "JPIKE", PASSWORD);
    let client = ApiClient::builder(&recorder.base_url, credentials).build().expect("builds");
    let profile = client.login().await.expect("login");
    assert_clean(&format!("{profile:?}"));
    assert_clean(&format!("{client:?}"));

    let error = client
        .execute::<serde_json::Value>(Call::new("Ticket_Get", Method::GET, "/tickets/1"))
        .await
        .expect_err("refused");
    // The refresh grant failed with 500 after the 401, so the token endpoint error surfaces.
    assert!(matches!(error, Error::TokenEndpoint { status: Some(500), .. }), "{error:?}");
    assert_error_clean(&error);
    assert_clean(&format!("{client:?}"));
}
