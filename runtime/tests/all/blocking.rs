//! The `blocking` feature: plain threads calling the client through the shared runtime.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use trackit_runtime::blocking::{block_on, iter};
use trackit_runtime::paging::{Page, paginate};
use trackit_runtime::{Call, Error, Method};
use trackit_sim::{SimConfig, Simulator};

use crate::envelopes::notes_page;
use crate::support::{demo_client, ticket_get};

/// The simulator on its own runtime, as a server in another process would be.
fn simulator_elsewhere(config: SimConfig) -> (tokio::runtime::Runtime, Simulator) {
    let runtime = tokio::runtime::Runtime::new().expect("simulator runtime");
    let sim = runtime.block_on(Simulator::start(config)).expect("simulator starts");
    (runtime, sim)
}

#[test]
fn a_plain_thread_logs_in_calls_pages_and_renews() {
    // `expires_in: 2`: renewal is due from 1.5 s on.
    let (_server, sim) =
        simulator_elsewhere(SimConfig { token_lifetime: Duration::from_secs(3), ..SimConfig::default() });
    let client = demo_client(&sim);
    let profile = block_on(client.login()).expect("login");
    assert!(!profile.full_name().is_empty());

    let ticket: Value = block_on(client.execute_member(ticket_get(), "Ticket")).expect("ticket");
    assert_eq!(ticket["1"]["Value"], 1042);
    for index in 0..4 {
        let call = Call::new("Ticket_AddNote", Method::POST, "/tickets/1042/AddNote")
            .json_body(&json!({"Note": format!("blocking note {index}")}))
            .expect("encodes");
        let _: Value = block_on(client.execute_member(call, "Note")).expect("note added");
    }

    let pages = client.clone();
    let notes = paginate(2, move |page_number| {
        let client = pages.clone();
        async move { client.execute_page::<Value>(notes_page(2, page_number), "Notes", "Count").await }
    });
    let ids: BTreeSet<String> = iter(notes).map(|note| note.expect("note")["1"]["Value"].to_string()).collect();
    let everything: Page<Value> = block_on(client.execute_page(notes_page(0, 0), "Notes", "Count")).expect("all");
    assert_eq!(ids.len() as u64, everything.count);
    assert_eq!(ids.len(), 6);

    // Connections and the token outlive each call: the next one, after the renewal margin
    // began, renews with the refresh grant on the same runtime.
    std::thread::sleep(Duration::from_millis(1600));
    let _: Value = block_on(client.execute_member(ticket_get(), "Ticket")).expect("after renewal");
    let stats = sim.stats();
    assert_eq!((stats.password_grants, stats.unauthorized), (1, 0), "{stats:?}");
    assert!(stats.refresh_grants >= 1, "{stats:?}");
}

#[test]
fn calls_from_many_threads_share_one_login() {
    let (_server, sim) = simulator_elsewhere(SimConfig::default());
    let client = demo_client(&sim);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || block_on(client.execute_member::<Value>(ticket_get(), "Ticket")))
        })
        .collect();
    for thread in threads {
        thread.join().expect("thread runs").expect("call succeeds");
    }
    assert_eq!(sim.stats().password_grants, 1);
}

#[test]
fn errors_come_back_unchanged() {
    let (_server, sim) = simulator_elsewhere(SimConfig::default());
    let missing = Call::new("Ticket_Get", Method::GET, "/tickets/999999");
    let error = block_on(demo_client(&sim).execute_member::<Value>(missing, "Ticket")).expect_err("404");
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
}

#[tokio::test]
async fn inside_an_async_runtime_blocking_is_refused_with_a_hint() {
    let error = block_on(async { Ok(1) }).expect_err("refused");
    assert!(matches!(error, Error::Configuration { .. }), "{error:?}");
    assert!(error.to_string().contains("use `.await`"), "{error}");

    let stream = paginate(2, |_| async { Ok(Page { count: 1, items: vec![1] }) });
    let mut items = iter(stream);
    assert!(matches!(items.next(), Some(Err(Error::Configuration { .. }))));
    assert!(items.next().is_none());
}
