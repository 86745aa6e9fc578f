//! The client generated from `tests/features/openapi.yaml` (every construct the generator
//! supports) against a recording server on 127.0.0.1: what goes on the wire, and what comes back.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use trackit_features::types::{Filter, Item, ItemsGetThingKey, ItemsGetThingXTrace, Login, Pet, Status, Upload};
use trackit_features::{Client, Credentials};

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
}

struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
    base_url: String,
}

impl Recorder {
    async fn start() -> Recorder {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = seen.clone();
        let app = Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            async move {
                let path = uri.path().to_owned();
                log.lock().unwrap().push(Seen {
                    method: method.clone(),
                    uri: uri.to_string(),
                    headers,
                    body: body.clone(),
                });
                reply(&method, &path, &body)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Recorder { seen, base_url: format!("http://{address}/api/v1") }
    }

    /// The last request to a path starting with `prefix`.
    fn last(&self, prefix: &str) -> Seen {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .rev()
            .find(|s| s.uri.starts_with(prefix))
            .cloned()
            .unwrap_or_else(|| panic!("no request to {prefix}"))
    }

    async fn client(&self) -> Client {
        Client::login(&self.base_url, Credentials::new("user", "secret")).await.expect("token from the recorder")
    }
}

fn json_reply(status: StatusCode, value: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], value.to_string()).into_response()
}

fn reply(method: &Method, path: &str, body: &Bytes) -> Response {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    match (method.as_str(), path) {
        ("POST", "/token") => {
            json_reply(StatusCode::OK, json!({"access_token": "t0k3n", "token_type": "bearer", "expires_in": 3600}))
        }
        ("GET", "/items/42") => json_reply(
            StatusCode::OK,
            json!({"id": 42, "name": "Lamp", "status": "back-ordered", "Id": "a", "ID": "b", "2fa": true,
                   "@odata.etag": "W/1", "parent": {"name": "Room"}, "children": [{"name": "Bulb"}], "type": "thing"}),
        ),
        ("POST", "/items") => {
            (StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
        }
        ("PUT", _) | ("POST", "/items/42/photo") => StatusCode::NO_CONTENT.into_response(),
        ("GET", "/items/42/raw") => (StatusCode::OK, vec![0u8, 1, 2, 255]).into_response(),
        ("POST", "/login") => (StatusCode::OK, "hello alice").into_response(),
        ("GET", "/pets") => json_reply(
            StatusCode::OK,
            json!([{"petType": "dog", "name": "Rex", "barks": true}, {"petType": "cat", "meows": false}]),
        ),
        ("GET", path) if path.starts_with("/things/") || path == "/runtime/new" => {
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", "/pets/first" | "/pets/again") => json_reply(StatusCode::OK, json!(null)),
        ("GET", "/pets/last") => {
            json_reply(StatusCode::OK, json!({"value": 1, "next": {"value": 2, "next": {"value": 3}}}))
        }
        _ => json_reply(StatusCode::NOT_FOUND, json!({"Message": format!("no route {path}")})),
    }
}

#[tokio::test]
async fn parameters_of_every_style_reach_the_wire_as_the_document_says() {
    let server = Recorder::start().await;
    let client = server.client().await;
    let filter = Filter { color: Some("dark red".into()), size: Some(3) };
    let tags = ["a".to_owned(), "b c".to_owned()];
    let piped = ["x".to_owned(), "y".to_owned()];
    let item = client
        .items()
        .get_item(42)
        .tags(&tags)
        .ids(&[1, 2])
        .piped(&piped)
        .filter(&filter)
        .x_request_id("req-1")
        .session("s3ss10n")
        .status(&Status::OnHold)
        .await
        .unwrap();
    let seen = server.last("/api/v1/items/42");
    assert_eq!(seen.method, Method::GET);
    let query = seen.uri.split_once('?').map(|(_, query)| query).unwrap_or_default();
    assert_eq!(
        query, "tags=a%2Cb+c&ids=1&ids=2&piped=x%7Cy&status=on+hold&filter%5Bcolor%5D=dark+red&filter%5Bsize%5D=3",
        "csv, exploded, pipe-delimited, enum and deepObject parameters"
    );
    assert_eq!(seen.headers["x-request-id"], "req-1");
    assert_eq!(seen.headers["cookie"], "session=s3ss10n");
    assert_eq!(seen.headers["authorization"], "Bearer t0k3n");

    // Names that clash or are not identifiers keep their wire names; unknown enum values survive.
    assert_eq!(item.id, Some(42));
    assert_eq!((item.id_2.as_deref(), item.id_3.as_deref()), (Some("a"), Some("b")));
    assert_eq!(item.n2fa, Some(true));
    assert_eq!(item.type_.as_deref(), Some("thing"));
    assert_eq!(item.status, Some(Status::Other("back-ordered".into())));
    assert_eq!(item.parent.as_ref().map(|parent| parent.name.as_str()), Some("Room"));
    let round_trip = serde_json::to_value(&item).unwrap();
    assert_eq!(round_trip["status"], "back-ordered");
    assert_eq!(round_trip["@odata.etag"], "W/1");
}

#[tokio::test]
async fn bodies_go_as_json_form_multipart_or_bytes() {
    let server = Recorder::start().await;
    let client = server.client().await;

    let item = Item {
        name: "Desk".into(),
        status: Some(Status::Empty),
        ..serde_json::from_value(json!({"name": "x"})).unwrap()
    };
    let created = client.items().create_item(&item).await.unwrap();
    assert_eq!(created.name, "Desk");
    let seen = server.last("/api/v1/items");
    assert_eq!(seen.headers["content-type"], "application/json");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&seen.body).unwrap(), json!({"name": "Desk", "status": ""}));

    let greeting =
        client.session().login(&Login { username: "alice".into(), password: "p&ss=1".into() }).await.unwrap();
    assert_eq!(greeting, "hello alice");
    let seen = server.last("/api/v1/login");
    assert_eq!(seen.headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(seen.body, "username=alice&password=p%26ss%3D1");

    client.items().upload_photo(42, &Upload { file: "PNG…".into(), description: Some("front".into()) }).await.unwrap();
    let seen = server.last("/api/v1/items/42/photo");
    let content_type = seen.headers["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8(seen.body.to_vec()).unwrap();
    assert!(
        body.contains("name=\"file\"\r\n\r\nPNG…\r\n") && body.contains("name=\"description\"\r\n\r\nfront\r\n"),
        "{body}"
    );

    client.items().upload_raw(42, &[9, 8, 7]).await.unwrap();
    let seen = server.last("/api/v1/items/42/raw");
    assert_eq!(seen.headers["content-type"], "application/octet-stream");
    assert_eq!(seen.body.as_ref(), &[9, 8, 7]);
    assert_eq!(client.items().download_raw(42).await.unwrap(), vec![0, 1, 2, 255]);
}

#[tokio::test]
async fn unions_compositions_and_recursive_types_decode() {
    let server = Recorder::start().await;
    let client = server.client().await;
    let pets = client.pets().get_pets().await.unwrap();
    assert!(matches!(&pets[0], Pet::Dog(dog) if dog.barks && dog.pet_base.name.as_deref() == Some("Rex")), "{pets:?}");
    assert!(matches!(&pets[1], Pet::Cat(cat) if cat.meows == Some(false)), "{pets:?}");
    assert_eq!(client.pets().list().await.unwrap(), None, "a nullable reference decodes null");
    let chain = client.pets().list_2().await.unwrap();
    assert_eq!(chain.next.and_then(|next| next.next).and_then(|last| last.value), Some(3));
}

#[tokio::test]
async fn union_valued_path_and_header_parameters_go_as_their_text() {
    let server = Recorder::start().await;
    let client = server.client().await;
    client
        .items()
        .get_thing(&ItemsGetThingKey::String("a b/c".into()))
        .x_trace(&ItemsGetThingXTrace::Integer(7))
        .await
        .unwrap();
    let seen = server.last("/api/v1/things/");
    assert_eq!(seen.uri, "/api/v1/things/a%20b%2Fc");
    assert_eq!(seen.headers["x-trace"], "7");
}

#[tokio::test]
async fn references_into_paths_and_properties_resolve() {
    let server = Recorder::start().await;
    let client = server.client().await;
    assert_eq!(client.pets().first_pet_again().ids(&[4, 5]).await.unwrap(), None);
    assert_eq!(server.last("/api/v1/pets/again").uri, "/api/v1/pets/again?ids=4&ids=5");
    let label: trackit_features::types::Label = serde_json::from_value(json!({"text": "Lamp"})).unwrap();
    let text: Option<trackit_features::types::ItemName> = label.text;
    assert_eq!(text.as_deref(), Some("Lamp"));
}

#[tokio::test]
async fn parameters_named_like_the_request_builders_own_members_keep_their_wire_names() {
    let server = Recorder::start().await;
    let client = server.client().await;
    client.runtime_2().new_2().client_2("c").send_2(true).clone_2(3).await.unwrap();
    let seen = server.last("/api/v1/runtime/new");
    assert_eq!(seen.uri, "/api/v1/runtime/new?client=c&send=true");
    assert_eq!(seen.headers["clone"], "3");

    // Without the optional parameters, nothing of them is sent.
    client.runtime_2().new_2().await.unwrap();
    assert_eq!(server.last("/api/v1/runtime/new").uri, "/api/v1/runtime/new");
}

#[tokio::test]
async fn a_request_builder_never_prints_its_parameters() {
    let server = Recorder::start().await;
    let client = server.client().await;
    let request = client.items().get_item(42).x_request_id("secret-header-value").session("s3ss10n");
    let printed = format!("{request:?}");
    assert!(printed.contains("getItem"), "names the operation: {printed}");
    assert!(!printed.contains("secret-header-value") && !printed.contains("s3ss10n"), "{printed}");
}
