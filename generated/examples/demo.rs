//! One technician's session, start to finish: log in, open a ticket, work it, close it, log out.
//!
//! This is the session `cargo xtask demo` runs against the simulator. Against a real server:
//!
//! ```text
//! TRACKIT_URL=https://helpdesk.example.com/TrackIt/WebApi \
//! TRACKIT_USERNAME='HELP DESK\JPIKE' TRACKIT_PASSWORD=… cargo run -p trackit --example demo
//! ```
//!
//! (It creates and closes a real ticket there.)

use std::error::Error;

use trackit::records::RecordInput;
use trackit::types::{TicketNote, TicketStatusChange};
use trackit::{Client, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let base_url = std::env::var("TRACKIT_URL").map_err(|_| "set TRACKIT_URL to the API's base URL")?;
    let client = Client::login(&base_url, Credentials::from_env()?).await?;
    let profile = client.profile().ok_or("the server sent no profile")?;
    println!("1. logged in as {} ({}\\{})", profile.full_name(), profile.group, profile.username);

    let tickets = client.tickets();
    let new_ticket = RecordInput::new()
        .field("Ticket Summary", "Printer on floor 3 jams on every job")
        .field("Category", "Hardware");
    // Module 24 is tickets: a misspelt field name fails here, with a suggestion, not at the server.
    new_ticket.check(&client.modules().fields(24).await?)?;
    let created = tickets.create(&new_ticket).await?;
    let id = i32::try_from(created.id().ok_or("the new ticket has no id")?)?;
    println!("2. created ticket {id}: {}", created.summary().unwrap_or("?"));

    let note = TicketNote {
        note: Some("Cleared the paper path; testing with a full tray.".to_owned()),
        note_type: Some("Action".to_owned()),
        ..TicketNote::default()
    };
    tickets.add_note(id, &note).await?;
    println!("3. added a note");

    // Without a page size, Track-It! sends every note at once.
    let notes = tickets.notes(id).await?;
    println!("4. ticket {id} has {} note(s)", notes.count);

    let in_progress = TicketStatusChange { status_name: Some("In Progress".to_owned()), note: None };
    let changed = tickets.change_status(id, &in_progress).await?;
    println!("5. status is now {:?}", changed.status().unwrap_or("?"));

    tickets.close(id).await?;
    let closed = tickets.get(id).await?;
    println!("6. closed ticket {id}: status {:?}", closed.status().unwrap_or("?"));

    client.technicians().logout().await?;
    client.runtime().forget_token();
    println!("7. logged out");
    Ok(())
}
