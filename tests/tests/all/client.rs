//! The generated client against the simulator: login, a ticket's whole life, errors, logout.

use trackit::paging::TryStreamExt;
use trackit::records::RecordInput;
use trackit::types::{PriorityHierarchyInput, SearchInput, TicketNote, TicketStatusChange};
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
    let ticket = client.tickets().get(1042).await.unwrap();
    assert_eq!(ticket.id(), Some(1042));
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
    let tickets = client.tickets();

    let create = RecordInput::new().field("Ticket Summary", "Monitor flickers").field("Category", "Hardware");
    create.check(&client.modules().fields(24).await.unwrap()).expect("the simulator knows these fields");
    let created = tickets.create(&create).await.unwrap();
    let id = i32::try_from(created.id().expect("new id")).unwrap();
    assert_eq!(created.summary(), Some("Monitor flickers"));
    assert_eq!(created.text("Category"), Some("Hardware"));

    let note = TicketNote { note: Some("Swapped the cable.".into()), private: Some(false), ..TicketNote::default() };
    let added = tickets.add_note(id, &note).await.unwrap();
    assert_eq!(added.text(), Some("Swapped the cable."));

    let notes = tickets.notes(id).system_note(false).await.unwrap();
    assert_eq!(notes.count, 1);
    assert_eq!(notes.items[0].text(), Some("Swapped the cable."));

    let truncated = tickets.notes(id).max_content_length(7).await.unwrap();
    assert_eq!(truncated.items[0].text(), Some("Swapped"), "maxContentLength truncates");

    let status = TicketStatusChange { status_name: Some("In Progress".into()), note: None };
    let changed = tickets.change_status(id, &status).await.unwrap();
    assert_eq!(changed.status(), Some("In Progress"));

    tickets.close(id).await.unwrap();
    let closed = tickets.get(id).await.unwrap();
    assert_eq!(closed.status(), Some("Closed"));
    assert!(closed.closed().is_some(), "a closed ticket has a close date: {closed:?}");

    assert!(tickets.delete(id).await.unwrap(), "the server says the ticket is gone");
    let error = tickets.get(id).await.unwrap_err();
    assert_eq!(error.status(), Some(404), "{error}");
}

#[tokio::test]
async fn a_misspelt_field_name_is_caught_before_the_write() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    let fields = client.modules().fields(24).await.unwrap();
    let typo = RecordInput::new().field("Ticket Sumary", "x");
    let error = typo.check(&fields).unwrap_err();
    assert!(error.to_string().contains("Ticket Summary"), "suggests the right name: {error}");
}

#[tokio::test]
async fn notes_stream_page_after_page_until_the_count() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    let tickets = client.tickets();
    let created = tickets.create(&RecordInput::new().field("Ticket Summary", "Paging")).await.unwrap();
    let id = i32::try_from(created.id().unwrap()).unwrap();
    for n in 1..=7 {
        let note = TicketNote { note: Some(format!("note {n}")), ..TicketNote::default() };
        tickets.add_note(id, &note).await.unwrap();
    }
    let before = simulator.stats().requests;
    let notes: Vec<_> = tickets.notes(id).page_size(3).stream().try_collect().await.unwrap();
    let texts: Vec<_> = notes.iter().filter_map(|note| note.text()).collect();
    assert_eq!(texts.len(), 7, "{texts:?}");
    for n in 1..=7 {
        assert!(texts.contains(&format!("note {n}").as_str()), "{texts:?}");
    }
    assert_eq!(simulator.stats().requests - before, 3, "pages of 3, 3 and 1: no request after the count");

    let page = tickets.notes(id).page_size(3).page_number(3).await.unwrap();
    assert_eq!((page.count, page.items.len()), (7, 1));
}

#[tokio::test]
async fn search_and_the_misspelt_priority_route() {
    let simulator = simulator().await;
    let client = login(&simulator).await;
    let search = SearchInput { term: Some("dock".into()), module_id: Some(24), ..SearchInput::default() };
    let found = client.search().find(&search).await.unwrap();
    assert!(found.count >= 1, "{found:?}");
    assert_eq!(found.count as usize, found.items.len());
    assert!(found.items.iter().all(|bag| bag.text(22).is_some_and(|s| s.to_lowercase().contains("dock"))));
    let priority = client
        .priority_hierarchy()
        .resolve(&PriorityHierarchyInput { category_id: Some(9), ..Default::default() })
        .await
        .unwrap();
    assert!(!priority.is_empty(), "{priority}");
    let fields = client.modules().fields(24).await.unwrap();
    assert_eq!(fields.sequence_of("Ticket Summary"), Some(22));
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
    let ticket = client.tickets().get(1042).await.expect("renewed and retried");
    assert_eq!(ticket.id(), Some(1042));
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
    assert!(client.technicians().logout().await.unwrap());
    client.runtime().forget_token();
    client.tickets().get(1042).await.expect("a new login after logout");
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
