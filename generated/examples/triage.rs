//! Triage: close every open ticket a keyword search finds, leaving a note that says why.
//!
//! ```sh
//! TRACKIT_URL=https://helpdesk.example.com/TrackIt/WebApi \
//! TRACKIT_USERNAME='HELP DESK\JPIKE' TRACKIT_PASSWORD=… \
//!     cargo run -p trackit --example triage -- printer
//! ```

use std::process::ExitCode;

use trackit::records::{TICKET_MODULE, Ticket};
use trackit::types::{SearchInput, TicketNote};
use trackit::{Client, Credentials, Error};

/// Searches tickets for `term`, then adds a note to each one whose status is `Open` and closes
/// it. Prints one line per ticket found and returns the ids it closed.
pub async fn triage(client: &Client, term: &str) -> Result<Vec<i32>, Error> {
    let search = SearchInput {
        term: Some(term.to_owned()),
        module_id: Some(TICKET_MODULE),
        // 0/0 asks for every result on one page.
        page_size: Some(0),
        page_number: Some(0),
        ..Default::default()
    };
    let note = TicketNote { note: Some(format!("Closed by triage: matched search {term:?}")), ..Default::default() };

    let mut closed = Vec::new();
    for result in client.search().find(&search).await? {
        // Search results are bare field bags; `Ticket` reads ID, summary and status by name.
        let ticket = Ticket::from(result);
        // Ids arrive as i64, but the ticket calls take i32.
        let Some(id) = ticket.id().and_then(|id| i32::try_from(id).ok()) else {
            continue;
        };
        let summary = ticket.summary().unwrap_or("(no summary)");
        let status = ticket.status().unwrap_or("(no status)");
        if status != "Open" {
            println!("#{id} {summary}: left alone ({status})");
            continue;
        }
        client.tickets().add_note(id, &note).await?;
        let after = client.tickets().close(id).await?;
        println!("#{id} {summary}: {}", after.status().unwrap_or("(status unknown)"));
        closed.push(id);
    }
    Ok(closed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let term = std::env::args().nth(1).unwrap_or_else(|| "printer".to_owned());
    match run(&term).await {
        Ok(closed) => {
            println!("closed {} open ticket(s) matching {term:?}", closed.len());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("triage: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Logs in from the environment, triages, and logs out again (even when triage failed) so
/// the session does not hold a license seat.
async fn run(term: &str) -> Result<Vec<i32>, Box<dyn std::error::Error>> {
    let url = std::env::var("TRACKIT_URL")
        .map_err(|_| "set TRACKIT_URL to the API base, e.g. https://helpdesk.example.com/TrackIt/WebApi")?;
    let client = Client::login(&url, Credentials::from_env()?).await?;
    let closed = triage(&client, term).await;
    let logout = client.technicians().logout().await;
    // A triage error matters more than a failed logout, so it is reported first.
    let closed = closed?;
    logout?;
    Ok(closed)
}
