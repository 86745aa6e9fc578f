//! The program a newcomer wrote from the rustdoc alone (`generated/examples/triage.rs`), run
//! against the simulator: it must close exactly the open tickets its search finds, with a note.

use trackit::records::{RecordInput, Ticket};
use trackit::types::TicketStatusChange;
use trackit::{Client, Credentials};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};

#[allow(dead_code, reason = "the example's own `main` is not used here")]
#[path = "../../../generated/examples/triage.rs"]
mod example;

async fn new_ticket(client: &Client, summary: &str) -> i32 {
    let created = client.tickets().create(&RecordInput::new().field("Ticket Summary", summary)).await.unwrap();
    i32::try_from(created.id().unwrap()).unwrap()
}

#[tokio::test]
async fn triage_closes_the_open_tickets_a_search_finds_and_leaves_a_note() {
    let simulator = Simulator::start(SimConfig::default()).await.unwrap();
    let client = Client::login(&simulator.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD)).await.unwrap();
    let jammed = new_ticket(&client, "Printer jams on tray 2").await;
    let offline = new_ticket(&client, "Second floor printer offline").await;
    let in_progress = new_ticket(&client, "Printer toner low").await;
    let working = TicketStatusChange { status_name: Some("In Progress".into()), ..Default::default() };
    client.tickets().change_status(in_progress, &working).await.unwrap();
    let unrelated = new_ticket(&client, "VPN drops every hour").await;

    let mut closed = example::triage(&client, "printer").await.unwrap();
    closed.sort_unstable();
    assert_eq!(closed, [jammed, offline]);

    for id in [jammed, offline] {
        let ticket: Ticket = client.tickets().get(id).await.unwrap();
        assert_eq!(ticket.status(), Some("Closed"));
        let notes = client.tickets().notes(id).await.unwrap();
        assert!(
            notes.items.iter().any(|note| note.text().is_some_and(|text| text.starts_with("Closed by triage"))),
            "ticket {id} has the triage note: {notes:?}"
        );
    }
    for (id, status) in [(in_progress, "In Progress"), (unrelated, "Open")] {
        assert_eq!(client.tickets().get(id).await.unwrap().status(), Some(status), "ticket {id} is left alone");
    }
    assert!(example::triage(&client, "printer").await.unwrap().is_empty(), "a second run finds nothing open");
}
