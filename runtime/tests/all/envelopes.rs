//! `execute_member` and `execute_page` against the simulator's record and list envelopes.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};
use trackit_runtime::{ApiClient, Call, Error, Method};

use crate::support::{default_simulator, demo_client, ticket_get};

/// One entry of a Track-It! field bag, `{"DisplayName": …, "Value": …}`.
#[derive(Debug, Deserialize)]
struct Field<V> {
    #[serde(rename = "Value")]
    value: V,
}

pub fn notes_page(page_size: i32, page_number: i32) -> Call {
    Call::new("Ticket_GetTicketNotes", Method::GET, "/tickets/{id}/Notes/{pageSize}/{pageNumber}")
        .path_param("id", 1042)
        .path_param("pageSize", page_size)
        .path_param("pageNumber", page_number)
}

/// Adds `count` notes to ticket 1042, so its notes span several pages.
pub async fn add_notes(client: &ApiClient, count: usize) {
    for index in 0..count {
        let call = Call::new("Ticket_AddNote", Method::POST, "/tickets/{id}/AddNote")
            .path_param("id", 1042)
            .json_body(&json!({"Note": format!("note {index}")}))
            .expect("encodes");
        let note: BTreeMap<String, Value> = client.execute_member(call, "Note").await.expect("note added");
        assert!(note.contains_key("1"), "{note:?}");
    }
}

#[tokio::test]
async fn the_record_member_is_decoded_alone() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let ticket: BTreeMap<String, Field<Value>> = client.execute_member(ticket_get(), "Ticket").await.expect("decodes");
    assert_eq!(ticket["1"].value, 1042);
    let whole: Value = client.execute(ticket_get()).await.expect("decodes");
    let member: Value = client.execute_member(ticket_get(), "Ticket").await.expect("decodes");
    assert_eq!(member, whole["Ticket"]);
}

#[tokio::test]
async fn a_member_that_does_not_fit_names_its_path_from_the_top() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let error = client
        .execute_member::<BTreeMap<String, Field<bool>>>(ticket_get(), "Ticket")
        .await
        .expect_err("not every value is a boolean");
    let Error::Decode { operation, path, snippet, .. } = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(*operation, "Ticket_Get");
    assert!(path.starts_with("Ticket.") && path.ends_with(".Value"), "{path}");
    assert!(snippet.contains("\"Value\""), "{snippet}");
    assert!(error.to_string().contains(path.as_str()), "{error}");
}

#[tokio::test]
async fn a_missing_member_is_a_decode_error_naming_what_is_there() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let error = client.execute_member::<Value>(ticket_get(), "Tickets").await.expect_err("no such member");
    let Error::Decode { path, .. } = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(path, "Tickets");
    let message = error.to_string();
    assert!(message.contains("missing") && message.contains("`Ticket`"), "{message}");
}

#[tokio::test]
async fn member_calls_share_status_handling_and_the_401_retry() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let missing = Call::new("Ticket_Get", Method::GET, "/tickets/{id}").path_param("id", 999_999);
    let error = client.execute_member::<Value>(missing, "Ticket").await.expect_err("no such ticket");
    assert!(matches!(error, Error::Api { operation: "Ticket_Get", status: 404, .. }), "{error:?}");

    client.login().await.expect("login");
    sim.revoke_all_tokens();
    let _: Value = client.execute_member(ticket_get(), "Ticket").await.expect("retried after renewal");
    let _: trackit_runtime::paging::Page<Value> =
        client.execute_page(notes_page(0, 0), "Notes", "Count").await.expect("decodes");
    assert_eq!(sim.stats().unauthorized, 1);
}

#[tokio::test]
async fn pages_carry_the_total_and_their_items() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    add_notes(&client, 3).await;
    let everything = client.execute_page::<Value>(notes_page(0, 0), "Notes", "Count").await.expect("decodes");
    let total = everything.count;
    assert!(total >= 4, "{everything:?}");
    assert_eq!(everything.items.len() as u64, total);

    let second = client.execute_page::<Value>(notes_page(2, 2), "Notes", "Count").await.expect("decodes");
    assert_eq!(second.count, total);
    assert_eq!(second.items, everything.items[2..4]);

    let beyond = client.execute_page::<Value>(notes_page(2, 100), "Notes", "Count").await.expect("decodes");
    assert_eq!((beyond.count, beyond.items.len()), (total, 0));
}

#[tokio::test]
async fn a_page_needs_its_count_but_not_its_items() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    // A count without items (a list under another name) is an empty page.
    let empty = client.execute_page::<Value>(notes_page(0, 0), "Attachments", "Count").await.expect("decodes");
    assert_eq!((empty.count > 0, empty.items), (true, Vec::new()));
    // Without the count a stream would stop after the first page: an error says so instead.
    let error = client.execute_page::<Value>(notes_page(0, 0), "Notes", "Total").await.unwrap_err();
    let Error::Decode { path, .. } = &error else { panic!("{error:?}") };
    assert_eq!(path, "Total");
    assert!(error.to_string().contains("`Count`"), "names the members there are: {error}");
}

#[tokio::test]
async fn a_page_item_that_does_not_fit_names_its_index() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    let error = client
        .execute_page::<BTreeMap<String, Field<i64>>>(notes_page(0, 0), "Notes", "Count")
        .await
        .expect_err("note text is no integer");
    let Error::Decode { path, .. } = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert!(path.starts_with("Notes[0]."), "{path}");
}
