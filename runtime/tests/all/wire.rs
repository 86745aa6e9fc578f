//! Exact bytes on the wire: the grant forms, headers, bodies, and where the token is sent.

use trackit_runtime::{ApiClient, Call, Credentials, Error, Method};

use crate::support::{RecordedRequest, Recorder, Reply};

fn token_reply() -> Reply {
    (
        200,
        r#"{"access_token":"tok-1","token_type":"bearer","expires_in":"1799",
            "refresh_token":"ref-1","username":"JPIKE"}"#
            .to_owned(),
    )
}

fn tokens_and_echo(request: &RecordedRequest) -> Reply {
    if request.target.ends_with("/token") {
        return token_reply();
    }
    (200, r#"{"ok":true}"#.to_owned())
}

fn tokens_and_refusals(request: &RecordedRequest) -> Reply {
    if request.target.ends_with("/token") {
        return token_reply();
    }
    (401, r#"{"Message":"Authorization has been denied for this request."}"#.to_owned())
}

fn client(recorder: &Recorder) -> ApiClient {
    let credentials = Credentials::technician("Help Desk", "jpike", "p&ss w=rd");
    ApiClient::builder(&recorder.base_url, credentials).build().expect("builds")
}

#[tokio::test]
async fn the_password_grant_is_a_url_encoded_form() {
    let recorder = Recorder::start(tokens_and_echo);
    client(&recorder).login().await.expect("login");
    let requests = recorder.requests();
    let [grant] = requests.as_slice() else {
        panic!("expected one request, got {requests:?}");
    };
    assert_eq!(grant.method, "POST");
    assert_eq!(grant.target, "/TrackIt/WebApi/token");
    assert_eq!(grant.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(grant.body, "grant_type=password&username=HELP+DESK%5CJPIKE&password=p%26ss+w%3Drd");
    assert_eq!(grant.header("authorization"), None);
    assert!(grant.header("user-agent").is_some_and(|agent| agent.starts_with("trackit-runtime/")));
}

#[tokio::test]
async fn calls_send_the_bearer_token_json_and_query() {
    let recorder = Recorder::start(tokens_and_echo);
    let client = client(&recorder);
    let call = Call::new("Ticket_GetTicketNotes", Method::GET, "/tickets/1042/Notes/0/0")
        .query("maxContentLength", -1)
        .query("SystemNote", "a b&c");
    let reply: serde_json::Value = client.execute(call).await.expect("call");
    assert_eq!(reply["ok"], true);

    let create = Call::new("Ticket_Create", Method::POST, "/tickets")
        .json_body(&serde_json::json!({"Properties": {"Ticket Summary": "Dock"}}))
        .expect("encodes");
    client.execute::<serde_json::Value>(create).await.expect("create");
    let delete = Call::new("Ticket_Delete", Method::POST, "/tickets/1042/Delete");
    client.execute::<serde_json::Value>(delete).await.expect("delete");

    let requests = recorder.requests();
    let [_, get, create, delete] = requests.as_slice() else {
        panic!("expected four requests, got {requests:?}");
    };
    assert_eq!(get.target, "/TrackIt/WebApi/tickets/1042/Notes/0/0?maxContentLength=-1&SystemNote=a+b%26c");
    assert_eq!(get.header("authorization"), Some("Bearer tok-1"));
    assert_eq!(get.header("accept"), Some("application/json"));

    assert_eq!(create.header("content-type"), Some("application/json"));
    assert_eq!(create.body, r#"{"Properties":{"Ticket Summary":"Dock"}}"#);

    // IIS wants a length on every POST, even an empty one.
    assert_eq!(delete.header("content-length"), Some("0"));
    assert_eq!(delete.header("content-type"), None);
}

#[tokio::test]
async fn a_lasting_401_is_unauthorized_after_one_retry() {
    let recorder = Recorder::start(tokens_and_refusals);
    let error = client(&recorder)
        .execute::<serde_json::Value>(Call::new("Ticket_Get", Method::GET, "/tickets/1"))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            &error,
            Error::Unauthorized { operation: "Ticket_Get", message: Some(message) }
                if message == "Authorization has been denied for this request."
        ),
        "{error:?}"
    );
    let targets: Vec<_> =
        recorder.requests().iter().map(|request| (request.target.clone(), request.body.clone())).collect();
    assert_eq!(targets.len(), 4, "{targets:?}");
    assert!(targets[0].1.starts_with("grant_type=password"));
    assert_eq!(targets[1].0, "/TrackIt/WebApi/tickets/1");
    assert_eq!(targets[2].1, "grant_type=refresh_token&refresh_token=ref-1");
    assert_eq!(targets[3].0, "/TrackIt/WebApi/tickets/1");
}

#[tokio::test]
async fn the_token_goes_only_to_the_track_it_origin() {
    let trackit = Recorder::start(tokens_and_echo);
    let elsewhere = Recorder::start(tokens_and_echo);
    let client = client(&trackit);

    client.http().get(format!("{}/tickets/1", trackit.base_url)).send().await.expect("same origin");
    client.http().get(format!("{}/tickets/1", elsewhere.base_url)).send().await.expect("other origin");

    let same_origin = trackit.requests();
    assert_eq!(same_origin.last().and_then(|request| request.header("authorization")), Some("Bearer tok-1"));
    let other_origin = elsewhere.requests();
    assert_eq!(other_origin.len(), 1);
    assert_eq!(other_origin[0].header("authorization"), None);
}
