//! The API change report on a pair of documents that differ in every way it knows: the
//! reference Track-It! document and an "upgraded" copy derived from it here, change by change.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use xtask::changes::{ChangeReport, compare_documents};

const DTO: &str = "TrackIt.Application.Web.WebApi.Contracts.Dtos.Input.";

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/sim/fixtures/swagger.json");
    serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("JSON")
}

fn definition<'a>(document: &'a mut Value, name: &str) -> &'a mut Value {
    &mut document["definitions"][format!("{DTO}{name}")]
}

fn parameters<'a>(document: &'a mut Value, path: &str, method: &str) -> &'a mut Vec<Value> {
    document["paths"][path][method]["parameters"].as_array_mut().expect("parameters")
}

/// The reference document after an imaginary Track-It! upgrade; each change is commented with
/// the report line it must produce.
fn upgraded() -> Value {
    let mut document = reference();
    let paths = document["paths"].as_object_mut().expect("paths");
    // operation removed
    paths["/tickets/Templates"].as_object_mut().expect("item").remove("get");
    // operation added
    let mut history = paths["/tickets/{id}"]["get"].clone();
    history["operationId"] = json!("Ticket_GetTicketHistory");
    paths.insert("/tickets/{id}/History".into(), json!({ "get": history }));
    // only the letter case and the path parameter's name change: the same operation
    let solution = paths.shift_remove("/solutions/{solutionId}").expect("solution");
    let mut solution = serde_json::to_string(&solution).expect("JSON");
    solution = solution.replace("\"solutionId\"", "\"SolutionId\"");
    paths.insert("/Solutions/{SolutionId}".into(), serde_json::from_str(&solution).expect("JSON"));
    // operationId renamed
    paths["/tickets/{id}/AddNote"]["post"]["operationId"] = json!("Ticket_AddTicketNote");
    // response type changed
    paths["/tickets/{id}"]["get"]["responses"]["200"]["schema"] = json!({"type": "array", "items": {"type": "object"}});
    // request body type changed
    let search = paths["/searches"]["post"]["parameters"][0]["schema"].take();
    paths["/searches"]["post"]["parameters"][0]["schema"] = json!({"type": "array", "items": search});
    // request body removed, and with it the schema only it used
    paths["/assignments/{id}/Close"]["post"]["parameters"]
        .as_array_mut()
        .expect("parameters")
        .retain(|p| p["in"] != "body");
    document["definitions"]
        .as_object_mut()
        .expect("definitions")
        .shift_remove(&format!("{DTO}CloseAssignmentInputDto"));

    let notes = parameters(&mut document, "/tickets/{id}/Notes/{pageSize}/{pageNumber}", "get");
    // parameter removed
    notes.retain(|parameter| parameter["name"] != "SystemNote");
    // parameter type changed
    let max = notes.iter_mut().find(|parameter| parameter["name"] == "maxContentLength").expect("maxContentLength");
    max["type"] = json!("string");
    max.as_object_mut().expect("parameter").remove("format");
    // required parameter added, optional parameter added
    notes.push(json!({"name": "noteType", "in": "query", "required": true, "type": "string"}));
    notes.push(json!({"name": "since", "in": "query", "required": false, "type": "string", "format": "date-time"}));
    // parameter now required
    let assignment_notes = parameters(&mut document, "/assignments/{id}/Notes/{pageSize}/{pageNumber}", "get");
    let system_note =
        assignment_notes.iter_mut().find(|parameter| parameter["name"] == "SystemNote").expect("SystemNote");
    system_note["required"] = json!(true);

    let note = definition(&mut document, "Notes.TicketNoteDto");
    // field removed; optional field added
    note["properties"].as_object_mut().expect("properties").shift_remove("Duration");
    note["properties"]["IsPublic"] = json!({"type": "boolean"});
    // required field added to a type callers send
    let create = definition(&mut document, "CreateInputDto");
    create["properties"]["Template"] = json!({"type": "string"});
    create["required"] = json!(["Template"]);
    // field changed type; field now required
    let priority = definition(&mut document, "PriorityHeirarchyInputDto");
    priority["properties"]["CategoryId"] = json!({"type": "string"});
    priority["required"] = json!(["RequestorId"]);
    // schema added
    document["definitions"][format!("{DTO}TicketHistoryDto")] =
        json!({"type": "object", "properties": {"When": {"type": "string", "format": "date-time"}}});
    document
}

fn report(old: &Value, new: &Value) -> ChangeReport {
    let old = serde_json::to_vec(old).expect("JSON");
    let new = serde_json::to_vec(new).expect("JSON");
    compare_documents(&old, "old.json", &new, "new.json").expect("both documents load")
}

const EXPECTED: [&str; 18] = [
    "breaking    GET /tickets/Templates (Ticket_GetTicketTemplates): operation removed",
    "compatible  GET /tickets/{id}/History (Ticket_GetTicketHistory): operation added",
    "breaking    POST /tickets/{id}/AddNote (Ticket_AddTicketNote): operationId renamed from Ticket_AddNote to Ticket_AddTicketNote",
    "breaking    GET /tickets/{id} (Ticket_Get): response 200 changed type from object to array of object",
    "breaking    POST /searches (Search_Search): request body changed type from SearchInputDto to array of SearchInputDto",
    "breaking    POST /assignments/{id}/Close (Assignment_Close): request body (CloseAssignmentInputDto) removed",
    "breaking    schema CloseAssignmentInputDto: schema removed",
    "breaking    GET /tickets/{id}/Notes/{pageSize}/{pageNumber} (Ticket_GetTicketNotes): query parameter SystemNote removed",
    "breaking    GET /tickets/{id}/Notes/{pageSize}/{pageNumber} (Ticket_GetTicketNotes): query parameter maxContentLength changed type from integer(int32) to string",
    "breaking    GET /tickets/{id}/Notes/{pageSize}/{pageNumber} (Ticket_GetTicketNotes): new required query parameter noteType (string)",
    "compatible  GET /tickets/{id}/Notes/{pageSize}/{pageNumber} (Ticket_GetTicketNotes): new optional query parameter since (string(date-time))",
    "breaking    GET /assignments/{id}/Notes/{pageSize}/{pageNumber} (Assignment_GetAssignmentNotes): query parameter SystemNote is now required",
    "breaking    schema TicketNoteDto: field Duration removed",
    "compatible  schema TicketNoteDto: new optional field IsPublic (boolean)",
    "breaking    schema CreateInputDto: new required field Template (string)",
    "breaking    schema PriorityHeirarchyInputDto: field CategoryId changed type from integer(int32) to string",
    "breaking    schema PriorityHeirarchyInputDto: field RequestorId is now required",
    "compatible  schema TicketHistoryDto: schema added",
];

#[test]
fn every_kind_of_change_is_reported_and_classified() {
    let report = report(&reference(), &upgraded());
    let text = report.to_string();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.remove(0), "18 API changes, 14 breaking", "{text}");
    let mut actual: Vec<&str> = lines.iter().map(|line| line.trim_start()).collect();
    let mut expected: Vec<&str> = EXPECTED.to_vec();
    actual.sort_unstable();
    expected.sort_unstable();
    assert_eq!(actual, expected, "{text}");
    assert!(!text.contains("Solution"), "a change of letter case or parameter name is no change: {text}");

    // Breaking changes come first.
    let first_compatible = lines.iter().position(|line| line.trim_start().starts_with("compatible")).expect("some");
    assert!(lines[first_compatible..].iter().all(|line| line.trim_start().starts_with("compatible")), "{text}");
    assert!(report.has_breaking());
}

#[test]
fn identical_documents_and_additions_only() {
    assert_eq!(report(&reference(), &reference()).summary(), "no API changes");
    let mut added = reference();
    added["paths"]["/tickets/{id}/History"] = json!({"get": added["paths"]["/tickets/{id}"]["get"].clone()});
    let report = report(&reference(), &added);
    assert_eq!(report.summary(), "1 API change, not breaking");
    assert!(!report.has_breaking());
}

#[test]
fn a_new_required_field_only_breaks_types_that_callers_send() {
    let mut document = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "v1"},
        "paths": {"/things": {"get": {"operationId": "Things_Get", "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Thing"}}}}}},
        "definitions": {"Thing": {"type": "object", "properties": {"Name": {"type": "string"}}}}
    });
    let old = document.clone();
    document["definitions"]["Thing"]["properties"]["Id"] = json!({"type": "integer", "format": "int64"});
    document["definitions"]["Thing"]["required"] = json!(["Id"]);
    let text = report(&old, &document).to_string();
    assert_eq!(text, "1 API change, not breaking\n  compatible  schema Thing: new required field Id (integer(int64))");
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

#[test]
fn diff_command_prints_the_report_and_fails_on_breaking_changes() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let write = |name: &str, document: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(document).expect("JSON")).expect("write");
        path.to_str().expect("UTF-8 path").to_owned()
    };
    let old = write("old.json", &reference());
    let new = write("new.json", &upgraded());
    let output = xtask(&["diff", &old, &new]);
    assert_eq!(output.status.code(), Some(1), "breaking changes exit 1");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("18 API changes, 14 breaking\n"), "{stdout}");
    assert!(stdout.contains(EXPECTED[0]), "{stdout}");
    assert!(!stdout.contains('\x1b'), "no colours when stdout is not a terminal: {stdout:?}");

    let same = xtask(&["diff", &old, &old]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&same.stdout), "no API changes\n");

    let quiet = xtask(&["diff", "--quiet", &old, &new]);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());

    let missing = xtask(&["diff", &old, "/nonexistent/new.json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: cannot read /nonexistent/new.json"));
}
