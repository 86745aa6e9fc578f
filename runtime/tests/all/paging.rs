//! `paginate` over the simulator's real note pages.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use trackit_runtime::paging::{Page, StreamExt, TryStreamExt, paginate};
use trackit_runtime::{ApiClient, Error};

use crate::envelopes::{add_notes, notes_page};
use crate::support::{default_simulator, demo_client};

/// The note ids of ticket 1042 in the order the server lists them, fetched all at once.
async fn all_note_ids(client: &ApiClient) -> Vec<Value> {
    let page: Page<Value> = client.execute_page(notes_page(0, 0), "Notes", "Count").await.expect("all notes");
    page.items.iter().map(|note| note["1"]["Value"].clone()).collect()
}

/// Walks the notes in pages of `page_size`; returns the note ids and how many pages were fetched.
async fn walk(client: &ApiClient, page_size: i32) -> (Vec<Value>, usize) {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let client = client.clone();
    let notes = paginate(page_size, move |page_number| {
        counter.fetch_add(1, Ordering::Relaxed);
        let client = client.clone();
        async move { client.execute_page::<Value>(notes_page(page_size, page_number), "Notes", "Count").await }
    });
    let ids = notes.map_ok(|note| note["1"]["Value"].clone()).try_collect().await.expect("every page");
    (ids, fetches.load(Ordering::Relaxed))
}

#[tokio::test]
async fn every_note_arrives_once_whatever_the_page_size() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    add_notes(&client, 5).await;
    let expected = all_note_ids(&client).await;
    let total = expected.len();
    assert_eq!(total, 7, "two seeded notes and five added");
    for (page_size, pages) in [(1, 7), (2, 4), (3, 3), (7, 1), (8, 1), (50, 1)] {
        let (ids, fetched) = walk(&client, page_size).await;
        assert_eq!(ids, expected, "page size {page_size}");
        assert_eq!(fetched, pages, "page size {page_size}");
    }
}

#[tokio::test]
async fn a_fetch_that_ignores_paging_is_called_once() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    add_notes(&client, 3).await;
    let expected = all_note_ids(&client).await;
    let before = sim.stats().requests;
    let everything = client.clone();
    // Asks for pages of 2 but always fetches the whole list (page size 0).
    let notes = paginate(2, move |_| {
        let client = everything.clone();
        async move { client.execute_page::<Value>(notes_page(0, 0), "Notes", "Count").await }
    });
    let ids: Vec<Value> = notes.map_ok(|note| note["1"]["Value"].clone()).try_collect().await.expect("all notes");
    assert_eq!(ids, expected);
    assert_eq!(sim.stats().requests - before, 1);
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_once_and_ends_it() {
    let sim = default_simulator().await;
    let client = demo_client(&sim);
    add_notes(&client, 3).await;
    let pages = client.clone();
    let notes = paginate(2, move |page_number| {
        let client = pages.clone();
        async move { client.execute_page::<Value>(notes_page(2, page_number), "Notes", "Count").await }
    });
    let mut notes = std::pin::pin!(notes);
    notes.next().await.expect("first note").expect("page 1");
    notes.next().await.expect("second note").expect("page 1");
    sim.faults().fail_next_requests(1, 503);
    let error = notes.next().await.expect("an item").expect_err("page 2 fails");
    assert!(matches!(error, Error::Api { operation: "Ticket_GetTicketNotes", status: 503, .. }), "{error:?}");
    let requests = sim.stats().requests;
    assert!(notes.next().await.is_none());
    assert!(notes.next().await.is_none());
    assert_eq!(sim.stats().requests, requests, "nothing fetched after the error");
}
