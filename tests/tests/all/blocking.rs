//! The generated client's `blocking` feature: the same calls from a plain thread.

use trackit::records::RecordInput;
use trackit::types::TicketNote;
use trackit::{Client, Credentials, Error};
use trackit_sim::{DEMO_PASSWORD, DEMO_USER, SimConfig, Simulator};

/// The simulator on a runtime of its own, as a server in another process would be.
fn simulator_elsewhere() -> (tokio::runtime::Runtime, Simulator) {
    let runtime = tokio::runtime::Runtime::new().expect("simulator runtime");
    let simulator = runtime.block_on(Simulator::start(SimConfig::default())).expect("simulator starts");
    (runtime, simulator)
}

#[test]
fn a_script_without_async_logs_in_writes_and_reads_every_page() {
    let (_server, simulator) = simulator_elsewhere();
    let client =
        Client::login_blocking(&simulator.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD)).expect("login");
    let tickets = client.tickets();
    let created = tickets.create(&RecordInput::new().field("Ticket Summary", "Blocking")).send_blocking().unwrap();
    let id = i32::try_from(created.id().unwrap()).unwrap();
    for n in 1..=5 {
        let note = TicketNote { note: Some(format!("note {n}")), ..TicketNote::default() };
        tickets.add_note(id, &note).send_blocking().unwrap();
    }
    let notes: Vec<_> = tickets.notes(id).page_size(2).stream_blocking().collect::<Result<_, _>>().unwrap();
    assert_eq!(notes.len(), 5);
    assert_eq!(tickets.get(id).send_blocking().unwrap().summary(), Some("Blocking"));
}

#[tokio::test]
async fn blocking_calls_inside_an_async_runtime_are_refused_not_deadlocked() {
    let simulator = Simulator::start(SimConfig::default()).await.unwrap();
    let client = Client::login(&simulator.base_url(), Credentials::new(DEMO_USER, DEMO_PASSWORD)).await.unwrap();
    let error = client.tickets().get(1042).send_blocking().unwrap_err();
    assert!(matches!(error, Error::Configuration { .. }), "{error:?}");
    assert!(error.to_string().contains(".await"), "{error}");
}
