//! The generated client against the simulator: login, a ticket's whole life, errors, logout.

use std::collections::BTreeMap;

use serde_json::json;
use trackit::types::{ChangeStatusInputDto, CreateInputDto, SearchInputDto, TicketNoteDto};
use trackit::{Client, Credentials, Error};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator, WINDOWS_DEMO_PASSWORD, WINDOWS_DEMO_USER};

async fn simulator() -> Simulator {
    Simulator::start(SimConfig::default()).await.expect("simulator starts")
}

async fn login(simulator: &Simulator) -> Client {
    Client::login(&simulator.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD)).await.expect("login works")
}

#[tokio::test]
async fn login_exposes_the_technicians_profile() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    let profile = client.profile().expect("profile after login");
    assert_eq!(profile.username, "JPIKE");
    assert_eq!(profile.group, "HELP DESK");
    assert_eq!(profile.full_name(), "Jordan Pike");
    assert_eq!(simulator.stats().password_grants, 1);
}

#[tokio::test]
async fn a_server_address_without_path_uses_the_documents_base_path() {
    let simulator = simulator().await;
    let client = Client::login(&simulator.root_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD)).await.unwrap();
    let ticket = client.ticket().get(1042).await.unwrap();
    assert_eq!(ticket["Ticket"]["1"]["Value"], 1042);
}

#[tokio::test]
async fn windows_logins_work_too() {
    let simulator = simulator().await;
    let (group, rest) = WINDOWS_DEMO_USER.split_once('\\').unwrap();
    let (domain, user) = rest.split_once('\\').unwrap();
    let credentials = Credentials::windows(group, domain, user, WINDOWS_DEMO_PASSWORD);
    assert_eq!(credentials.username(), WINDOWS_DEMO_USER);
    Client::login(&simulator.base_url(), credentials).await.expect("windows login");
}

#[tokio::test]
async fn a_ticket_from_creation_to_deletion() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    let tickets = client.ticket();

    let create = CreateInputDto {
        properties: Some(BTreeMap::from([
            ("Ticket Summary".to_owned(), json!("Monitor flickers")),
            ("Category".to_owned(), json!("Hardware")),
        ])),
        ..CreateInputDto::default()
    };
    let created = tickets.create(&create).await.unwrap();
    let id = i32::try_from(created["Ticket"]["1"]["Value"].as_i64().expect("new id")).unwrap();
    assert_eq!(created["Ticket"]["22"]["Value"], "Monitor flickers");

    let note =
        TicketNoteDto { note: Some("Swapped the cable.".into()), private: Some(false), ..TicketNoteDto::default() };
    let added = tickets.add_note(id, &note).await.unwrap();
    assert!(added["Note"].is_object(), "{added}");

    let notes = tickets.get_ticket_notes(id, 0, 0, None, Some(false)).await.unwrap();
    assert_eq!(notes["Count"], 1, "{notes}");
    let notes_text = notes.to_string();
    assert!(notes_text.contains("Swapped the cable."), "{notes_text}");

    let truncated = tickets.get_ticket_notes(id, 0, 0, Some(7), None).await.unwrap();
    assert!(!truncated.to_string().contains("Swapped the cable."), "maxContentLength truncates");

    let status = ChangeStatusInputDto { status_name: Some("In Progress".into()), note: None };
    let changed = tickets.change_status(id, &status).await.unwrap();
    assert_eq!(changed["Ticket"]["96"]["Value"], "In Progress");

    tickets.close(id, None).await.unwrap();
    assert_eq!(tickets.get(id).await.unwrap()["Ticket"]["96"]["Value"], "Closed");

    let deleted = tickets.delete(id).await.unwrap();
    assert_eq!(deleted["success"], true);
    let error = tickets.get(id).await.unwrap_err();
    assert_eq!(error.status(), Some(404), "{error}");
}

#[tokio::test]
async fn search_and_the_misspelt_priority_route() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    let search = SearchInputDto {
        term: Some("monitor".into()),
        module_id: Some(24),
        page_size: Some(0),
        page_number: Some(0),
        ..SearchInputDto::default()
    };
    let found = client.search().search(&search).await.unwrap();
    assert!(found["Count"].as_i64().unwrap() >= 1, "{found}");
    let priority = client
        .priority_hierarchy()
        .get_priority_hierarchy(&trackit::types::PriorityHeirarchyInputDto {
            category_id: Some(9),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(priority.is_object(), "{priority}");
    let fields = client.module().get_fields(24).await.unwrap();
    assert!(fields.to_string().contains("Ticket Summary"), "{fields}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_once_and_clearly() {
    let simulator = simulator().await;
    let error =
        Client::login(&simulator.base_url(), Credentials::new(DEMO_USER, "not-the-password")).await.unwrap_err();
    assert!(matches!(error, Error::LoginRefused { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("JPIKE"), "{message}");
    assert!(!message.contains("not-the-password") && !format!("{error:?}").contains("not-the-password"));
    assert_eq!(simulator.stats().token_requests, 1, "no retry loop on a refused password");
}

#[tokio::test]
async fn a_revoked_token_is_renewed_once_and_the_call_retried() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    simulator.revoke_all_tokens();
    let ticket = client.ticket().get(1042).await.expect("renewed and retried");
    assert_eq!(ticket["Ticket"]["1"]["Value"], 1042);
    let stats = simulator.stats();
    assert_eq!(stats.unauthorized, 1);
    // Login, then the renewal: the revoked refresh token is refused, the password grant is not.
    assert_eq!(stats.token_requests, 3);
    assert_eq!(stats.password_grants, 2);
}

#[tokio::test]
async fn logout_ends_the_session_and_the_next_call_logs_in_again() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    let reply = client.technician().do_logout().await.unwrap();
    assert_eq!(reply["success"], true);
    client.runtime().forget_token();
    client.ticket().get(1042).await.expect("a new login after logout");
    assert_eq!(simulator.stats().password_grants, 2);
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let error = Client::login(&format!("http://{address}/TrackIt/WebApi"), Credentials::new(DEMO_USER, DEMO_PASSWORD))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains(&address.to_string())
            || matches!(error, Error::TokenEndpoint { .. } | Error::Transport { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn plain_http_to_another_machine_needs_an_explicit_opt_in() {
    let error =
        Client::builder("http://helpdesk.example.com/TrackIt/WebApi", Credentials::new(DEMO_USER, DEMO_PASSWORD))
            .build()
            .unwrap_err();
    assert!(matches!(error, Error::InsecureHttp { .. }), "{error:?}");
    assert!(error.to_string().contains("allow_insecure_http"), "{error}");
    // Building makes no connection, so opting in is safe to test here.
    Client::builder("http://helpdesk.example.com/TrackIt/WebApi", Credentials::new(DEMO_USER, DEMO_PASSWORD))
        .allow_insecure_http(true)
        .build()
        .expect("opted in");
}
