//! Ticket and assignment life cycles: create, read, update, notes, status, close, delete.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Harness, field};

/// Field 1 of the record under `wrapper`.
fn record_id(reply: &Value, wrapper: &str) -> i64 {
    field(&reply[wrapper], 1).as_i64().expect("record id")
}

#[tokio::test]
async fn ticket_life_cycle() {
    let harness = Harness::start().await;
    let token = harness.token().await;

    let create = json!({"Properties": {"ticket summary": "New starter needs a headset", "72": "Hardware", "Requestor ID": "ALINDQVIST"}});
    let (status, created) = harness.post("/tickets", &token, &create).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = record_id(&created, "Ticket");
    assert_eq!(id, 1043);
    let ticket = &created["Ticket"];
    assert_eq!(field(ticket, 22), "New starter needs a headset");
    assert_eq!(ticket["22"]["DisplayName"], "Ticket Summary");
    assert_eq!(field(ticket, 72), "Hardware");
    assert_eq!(field(ticket, 36), "ALINDQVIST");
    assert_eq!(field(ticket, 96), "Open");
    assert_eq!(field(ticket, 66), "JPIKE");
    let opened = field(ticket, 12).as_str().expect("open date");
    assert_eq!(opened.len(), "2023-05-16T14:07:31".len());
    assert_eq!(&opened[10..11], "T");

    let (status, fetched) = harness.get(&format!("/tickets/{id}"), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);

    let (status, updated) = harness
        .post(&format!("/tickets/{id}"), &token, &json!({"Properties": {"Assigned To Technician": "SORTEGA"}}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(field(&updated["Ticket"], 67), "SORTEGA");

    for text in ["first note", "second note", "third note"] {
        let note = json!({"note type": "Technician Note", "Activity Code": "Research", "NOTE": text, "Duration": "00:15", "Private": "True"});
        let (status, added) = harness.post(&format!("/tickets/{id}/AddNote"), &token, &note).await;
        assert_eq!(status, StatusCode::OK, "{added}");
        assert_eq!(field(&added["Note"], 6), text);
        assert_eq!(field(&added["Note"], 8), true);
        assert_eq!(field(&added["Note"], 3), "JPIKE");
    }
    let (_, all) = harness.get(&format!("/tickets/{id}/Notes/0/0"), &token).await;
    assert_eq!(all["Count"], 3);
    assert_eq!(field(&all["Notes"][0], 6), "third note", "newest first");
    let (_, second_page) = harness.get(&format!("/tickets/{id}/Notes/2/2?maxContentLength=5"), &token).await;
    assert_eq!(second_page["Count"], 3);
    assert_eq!(second_page["Notes"].as_array().map(Vec::len), Some(1));
    assert_eq!(field(&second_page["Notes"][0], 6), "first");
    let note_id = field(&all["Notes"][0], 1).as_i64().expect("note id");
    let (status, single) = harness.get(&format!("/tickets/Note/{note_id}"), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(single["Note"], all["Notes"][0]);

    let change = json!({"StatusName": "In Progress", "Note": {"Note": "Working on it", "Private": false}});
    let (status, changed) = harness.post(&format!("/tickets/{id}/ChangeStatus"), &token, &change).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(field(&changed["Ticket"], 96), "In Progress");
    assert_eq!(field(&changed["Note"], 6), "Working on it");
    let (_, visible) = harness.get(&format!("/tickets/{id}/Notes/0/0"), &token).await;
    assert_eq!(visible["Count"], 4);
    let (_, with_system) = harness.get(&format!("/tickets/{id}/Notes/0/0?SystemNote=true"), &token).await;
    assert_eq!(with_system["Count"], 5);
    let system = with_system["Notes"]
        .as_array()
        .expect("notes")
        .iter()
        .find(|note| field(note, 9) == true)
        .expect("system note");
    assert_eq!(field(system, 6), "Status changed from 'Open' to 'In Progress'.");

    let (status, closed) = harness.post(&format!("/tickets/{id}/Close"), &token, &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(field(&closed["Ticket"], 96), "Closed");
    assert_eq!(field(&closed["Ticket"], 17), 17);
    assert!(field(&closed["Ticket"], 18).is_string());
    assert!(closed["Note"].is_object());
    let (_, after_close) = harness.get(&format!("/tickets/{id}"), &token).await;
    assert_eq!(field(&after_close["Ticket"], 48), "JPIKE");

    let response = harness
        .http
        .post(harness.url(&format!("/tickets/{id}/Delete")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("POST");
    assert_eq!(crate::read(response).await, (StatusCode::OK, json!({"success": true})));
    let (status, gone) = harness.get(&format!("/tickets/{id}"), &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(gone, json!({"Message": format!("Ticket {id} was not found.")}));
    assert_eq!(harness.post(&format!("/tickets/{id}/Delete"), &token, &Value::Null).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn close_accepts_an_empty_body_and_a_note() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let response =
        harness.http.post(harness.url("/tickets/1042/Close")).bearer_auth(&token).send().await.expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    let note = json!({"Note": {"Note Type": "Ticket Resolution", "Activity Code": "Completed Work", "Note": "Dock replaced."}});
    let (status, closed) = harness.post("/tickets/1042/Close", &token, &note).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(field(&closed["Note"], 4), "Ticket Resolution");
    assert_eq!(field(&closed["Note"], 6), "Dock replaced.");
}

#[tokio::test]
async fn assignment_life_cycle() {
    let harness = Harness::start().await;
    let token = harness.token().await;

    let (status, seeded) = harness.get("/assignments/3307", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(field(&seeded["Assignments"], 5), 1042);

    let refused = harness.post("/assignments", &token, &json!({"Properties": {"Summary": "orphan"}})).await;
    assert_eq!(refused.0, StatusCode::BAD_REQUEST);
    let create = json!({"Properties": {"Ticket ID": "1042", "Summary": "Collect the old headset", "Assigned To Technician": "JPIKE"}});
    let (status, created) = harness.post("/assignments", &token, &create).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = record_id(&created, "Assignments");
    let assignment = &created["Assignments"];
    assert_eq!(field(assignment, 5), 1042);
    assert_eq!(field(assignment, 96), "Open");
    assert!(assignment.as_object().expect("bag").values().all(|f| !f["Value"].is_null()), "non-null fields only");

    let (_, listed) = harness.get("/tickets/1042/Assignments/0/0", &token).await;
    assert_eq!(listed["Count"], 2);

    let (status, updated) =
        harness.post(&format!("/assignments/{id}"), &token, &json!({"Properties": {"67": "SORTEGA"}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(field(&updated["Assignments"], 67), "SORTEGA");

    let note = json!({"Note Type": "Technician Note", "Note": "Old headset collected.", "Duration": "00:05"});
    let (status, added) = harness.post(&format!("/assignments/{id}/AddNote"), &token, &note).await;
    assert_eq!(status, StatusCode::OK);
    assert!(added["Note"].get("8").is_none(), "assignment notes have no Private flag");
    let (_, notes) = harness.get(&format!("/assignments/{id}/Notes/0/0"), &token).await;
    assert_eq!(notes["Count"], 1);
    let note_id = field(&notes["Notes"][0], 1).as_i64().expect("note id");
    assert_eq!(harness.get(&format!("/assignments/Note/{note_id}"), &token).await.0, StatusCode::OK);
    assert_eq!(harness.get(&format!("/tickets/Note/{note_id}"), &token).await.0, StatusCode::NOT_FOUND);

    let (status, paused) =
        harness.post(&format!("/assignments/{id}/ChangeStatus"), &token, &json!({"StatusName": "Paused"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(field(&paused["Assignments"], 96), "Paused");
    let (status, closed) =
        harness.post(&format!("/assignments/{id}/Close"), &token, &json!({"Note": {"Note": "Done."}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(field(&closed["Assignments"], 96), "Closed");
    assert_eq!(field(&closed["Note"], 6), "Done.");

    let response = harness
        .http
        .post(harness.url(&format!("/assignments/{id}/Delete")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("POST");
    assert_eq!(crate::read(response).await, (StatusCode::OK, json!({"success": true})));
    assert_eq!(harness.get(&format!("/assignments/{id}"), &token).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deleting_a_ticket_removes_its_assignments() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let response =
        harness.http.post(harness.url("/tickets/1042/Delete")).bearer_auth(&token).send().await.expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(harness.get("/assignments/3307", &token).await.0, StatusCode::NOT_FOUND);
    assert_eq!(harness.get("/tickets/1042/Notes/0/0", &token).await.0, StatusCode::NOT_FOUND);
}
