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

use std::collections::BTreeMap;
use std::error::Error;

use serde_json::{Value, json};
use trackit::types::{ChangeStatusInputDto, CloseInputDto, CreateInputDto, TicketNoteDto};
use trackit::{Client, Credentials};

/// Reads field `sequence` of a Track-It! field bag such as `{"Ticket": {"1": {"Value": 1043}}}`.
fn field<'a>(reply: &'a Value, record: &str, sequence: u32) -> &'a Value {
    &reply[record][sequence.to_string()]["Value"]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let base_url = std::env::var("TRACKIT_URL").map_err(|_| "set TRACKIT_URL to the API's base URL")?;
    let client = Client::login(&base_url, Credentials::from_env()?).await?;
    let profile = client.profile().ok_or("the server sent no profile")?;
    println!("1. logged in as {} ({}\\{})", profile.full_name(), profile.group, profile.username);

    let create = CreateInputDto {
        properties: Some(BTreeMap::from([
            ("Ticket Summary".to_owned(), json!("Printer on floor 3 jams on every job")),
            ("Category".to_owned(), json!("Hardware")),
        ])),
        ..CreateInputDto::default()
    };
    let created = client.ticket().create(&create).await?;
    let id = field(&created, "Ticket", 1).as_i64().ok_or("the new ticket has no id")?;
    let id = i32::try_from(id)?;
    println!("2. created ticket {id}: {}", field(&created, "Ticket", 22).as_str().unwrap_or("?"));

    let note = TicketNoteDto {
        note: Some("Cleared the paper path; testing with a full tray.".to_owned()),
        note_type: Some("Action".to_owned()),
        ..TicketNoteDto::default()
    };
    client.ticket().add_note(id, &note).await?;
    println!("3. added a note");

    // Page size 0 and page 0 ask Track-It! for every note at once.
    let notes = client.ticket().get_ticket_notes(id, 0, 0, None, None).await?;
    println!("4. ticket {id} has {} note(s)", notes["Count"]);

    let in_progress = ChangeStatusInputDto { status_name: Some("In Progress".to_owned()), note: None };
    let changed = client.ticket().change_status(id, &in_progress).await?;
    println!("5. status is now {}", changed["Ticket"]["96"]["Value"]);

    client.ticket().close(id, Some(&CloseInputDto::default())).await?;
    let closed = client.ticket().get(id).await?;
    println!("6. closed ticket {id}: status {}", field(&closed, "Ticket", 96));

    client.technician().do_logout().await?;
    client.runtime().forget_token();
    println!("7. logged out");
    Ok(())
}
