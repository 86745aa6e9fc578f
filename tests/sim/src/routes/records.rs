//! Operations tickets and assignments share (get, update, notes, status, close, delete,
//! templates), parameterized by the record kind.

use axum::response::Response;
use serde_json::{Value, json};

use super::{input, paged_envelope, truncated};
use crate::errors::{ApiError, ok};
use crate::extract::CiQuery;
use crate::state::AppState;
use crate::store::{Actor, FieldBag, RecordKind, seq};

/// `{"Ticket":{whole bag}}` or `{"Assignments":{non-null fields}}` (plural, as the server
/// writes it even for one record).
pub(super) fn record_json(kind: RecordKind, bag: &FieldBag) -> Value {
    match kind {
        RecordKind::Ticket => json!({"Ticket": bag.to_json()}),
        RecordKind::Assignment => json!({"Assignments": bag.to_json_non_null()}),
    }
}

/// The compact record part of status-change replies.
fn status_json(kind: RecordKind, bag: &FieldBag, closing: bool) -> Value {
    let closed_fields: &[u32] = &[seq::ID, seq::LAST_MODIFIED, seq::SEQ_CLOSED_BY, seq::CLOSE_DATE, seq::STATUS];
    let changed_fields: &[u32] = &[seq::ID, seq::LAST_MODIFIED, seq::STATUS];
    let fields = if closing && kind == RecordKind::Ticket { closed_fields } else { changed_fields };
    let key = match kind {
        RecordKind::Ticket => "Ticket",
        RecordKind::Assignment => "Assignments",
    };
    json!({key: bag.to_json_only(fields)})
}

pub(super) fn get(state: &AppState, kind: RecordKind, id: i32) -> Result<Response, ApiError> {
    let store = state.store();
    Ok(ok(&record_json(kind, store.table(kind).get(id)?)))
}

/// `POST …/{id}`: writes `Properties`, and adds `OptionalParams.Note` when it has text.
pub(super) fn update(
    state: &AppState,
    kind: RecordKind,
    id: i32,
    body: &Value,
    actor: &Actor,
) -> Result<Response, ApiError> {
    let properties = input::properties(body)?;
    let note = input::nested_note(Some(body), &["OptionalParams", "Note"])?;
    let mut store = state.store();
    store.table(kind).get(id)?;
    match kind {
        RecordKind::Ticket => {
            let changes = store.tickets.resolve_properties(properties)?;
            store.tickets.update(id, changes, actor)?;
        }
        RecordKind::Assignment => {
            store.update_assignment(id, properties, actor)?;
        }
    }
    if let Some(note) = note.filter(crate::store::NoteInput::has_text) {
        store.table_mut(kind).add_note(id, note, actor)?;
    }
    Ok(ok(&record_json(kind, store.table(kind).get(id)?)))
}

/// `POST …/{id}/AddNote` → `{"Note":{bag}}`.
pub(super) fn add_note(
    state: &AppState,
    kind: RecordKind,
    id: i32,
    body: &Value,
    actor: &Actor,
) -> Result<Response, ApiError> {
    let note = input::note(body)?;
    let created = state.store().table_mut(kind).add_note(id, note, actor)?;
    Ok(ok(&json!({"Note": created.to_json()})))
}

/// `GET …/{id}/Notes/{pageSize}/{pageNumber}?maxContentLength=&SystemNote=`.
pub(super) fn notes(
    state: &AppState,
    kind: RecordKind,
    (id, page_size, page_number): (i32, i32, i32),
    query: &CiQuery,
) -> Result<Response, ApiError> {
    let max_content_length = query.integer("maxContentLength", -1)?;
    let include_system = query.boolean("SystemNote", false)?;
    let store = state.store();
    let notes = store
        .table(kind)
        .notes_of(id, include_system)?
        .into_iter()
        .map(|note| {
            let mut note = note.clone();
            let text = truncated(note.text(seq::NOTE_TEXT).unwrap_or_default(), max_content_length);
            note.set_value(seq::NOTE_TEXT, json!(text));
            note.to_json()
        })
        .collect();
    Ok(ok(&paged_envelope("Notes", notes, page_size, page_number)))
}

/// `GET …/Note/{noteId}` → `{"Note":{bag}}`.
pub(super) fn note_by_id(state: &AppState, kind: RecordKind, note_id: i32) -> Result<Response, ApiError> {
    let store = state.store();
    Ok(ok(&json!({"Note": store.table(kind).note(note_id)?.to_json()})))
}

/// `POST …/{id}/ChangeStatus` with `{"StatusName":…,"Note":{…}}`.
pub(super) fn change_status(
    state: &AppState,
    kind: RecordKind,
    id: i32,
    body: &Value,
    actor: &Actor,
) -> Result<Response, ApiError> {
    let status = input::text(input::object(body)?, "StatusName")?
        .filter(|status| !status.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("The StatusName field is required."))?;
    let note = input::nested_note(Some(body), &["Note"])?;
    let mut store = state.store();
    let note = store.table_mut(kind).change_status(id, status.trim(), note, actor)?;
    let mut reply = status_json(kind, store.table(kind).get(id)?, false);
    reply["Note"] = note.to_json();
    Ok(ok(&reply))
}

/// `POST …/{id}/Close`, body optional (`{}` or `{"Note":{…}}`).
pub(super) fn close(
    state: &AppState,
    kind: RecordKind,
    id: i32,
    body: Option<&Value>,
    actor: &Actor,
) -> Result<Response, ApiError> {
    let note = input::nested_note(body, &["Note"])?;
    let mut store = state.store();
    let note = store.close(kind, id, note, actor)?;
    let mut reply = status_json(kind, store.table(kind).get(id)?, true);
    reply["Note"] = note.to_json();
    Ok(ok(&reply))
}

/// `POST …/{id}/Delete` → `{"success":true}`.
pub(super) fn delete(state: &AppState, kind: RecordKind, id: i32) -> Result<Response, ApiError> {
    state.store().delete(kind, id)?;
    Ok(ok(&json!({"success": true})))
}

/// `GET …/Templates` → `{"TicketTemplates":[…]}` / `{"AssignmentTemplates":[…]}`.
pub(super) fn templates(state: &AppState, kind: RecordKind) -> Response {
    let key = match kind {
        RecordKind::Ticket => "TicketTemplates",
        RecordKind::Assignment => "AssignmentTemplates",
    };
    ok(&json!({key: state.store().templates(kind)}))
}
