//! Seeded read-only operations: search, module fields, priority, templates, attachments,
//! solutions, successors and predecessors.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Harness, field};

/// The example reply for an operation, from the fixtures.
fn example(operation_id: &str) -> Value {
    let path = format!("{}/fixtures/examples/{operation_id}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example exists");
    serde_json::from_str(&text).expect("example is JSON")
}

#[tokio::test]
async fn seeded_replies_match_the_examples() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let cases = [
        ("/tickets/1042", "Ticket_Get"),
        ("/tickets/1042/Notes/0/0", "Ticket_GetTicketNotes"),
        ("/tickets/Note/88121", "Ticket_GetTicketNoteByNoteId"),
        ("/tickets/Templates", "Ticket_GetTicketTemplates"),
        ("/tickets/1042/Assignments/0/0", "Ticket_GetTicketAssignments"),
        ("/assignments/3307", "Assignment_Get"),
        ("/assignments/Templates", "Assignment_GetAssignmentTemplates"),
        ("/assignments/3307/Notes/0/0", "Assignment_GetAssignmentNotes"),
        ("/assignments/Note/90211", "Assignment_GetAssignmentNoteByNoteId"),
        ("/assignments/3307/Attachments/0/0", "Assignment_GetAssignmentAttachments"),
        ("/assignments/3307/Predecessors/0/0", "Assignment_GetAssignmentPredecessors"),
        ("/assignments/3307/Successors/0/0", "Assignment_GetAssignmentSuccessors"),
        ("/attachment/5520", "Attachment_GetAttachment"),
        ("/solutions/215", "Solution_GetSolutionById"),
        ("/solutions/215/Attachments/0/0", "Solution_GetSolutionAttachments"),
    ];
    for (path, operation_id) in cases {
        let (status, reply) = harness.get(path, &token).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(reply, example(operation_id), "{path} vs {operation_id}");
    }
}

#[tokio::test]
async fn ticket_attachments_list_leaves_out_content() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let (status, reply) = harness.get("/tickets/1042/Attachments/0/0", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["Count"], 1);
    assert_eq!(field(&reply["Attachments"][0], 2), "dock-photo.jpg");
    assert!(reply["Attachments"][0].get("6").is_none());
}

#[tokio::test]
async fn module_fields_list_ticket_fields() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let (status, fields) = harness.get("/module/24/fields", &token).await;
    assert_eq!(status, StatusCode::OK);
    let expected = example("Module_GetFields");
    for (seq, entry) in expected.as_object().expect("object") {
        assert_eq!(&fields[seq], entry, "field {seq}");
    }
    assert_eq!(fields["36"], json!({"DisplayName": "Requestor ID"}));
}

#[tokio::test]
async fn search_finds_tickets_by_term() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let (status, found) = harness
        .post(
            "/searches",
            &token,
            &json!({"Term": "DOCK", "ModuleId": 24, "PageSize": 0, "PageNumber": 0, "MaxContentLength": -1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found, example("Search_Search"));
    let (_, paged) = harness.post("/searches", &token, &json!({"term": "dock", "pageSize": 1, "pageNumber": 2})).await;
    assert_eq!(paged["Count"], 2);
    assert_eq!(field(&paged["SearchResults"][0], 1), 977);
    let (_, none) = harness.post("/searches", &token, &json!({"Term": "printer"})).await;
    assert_eq!(none, json!({"Count": 0, "SearchResults": []}));
    let (_, all) = harness.post("/searches", &token, &json!({"Term": "", "MaxContentLength": 4})).await;
    assert_eq!(all["Count"], 2);
    assert_eq!(field(&all["SearchResults"][0], 22), "Dock");
}

#[tokio::test]
async fn priority_hierarchy_resolves_a_priority() {
    let harness = Harness::start().await;
    let token = harness.token().await;
    let body = json!({"CategoryId": 9, "RequestorId": 311, "LocationId": 3, "DepartmentId": 5});
    let (status, reply) = harness.post("/priorityheirarchy", &token, &body).await;
    assert_eq!((status, reply), (StatusCode::OK, example("PriorityHierarchy_GetPriorityHierarchy")));
    let (_, fallback) = harness.post("/PriorityHeirarchy", &token, &json!({"CategoryId": 1})).await;
    assert_eq!(fallback, json!({"Priority": "3 - Medium"}));
}
