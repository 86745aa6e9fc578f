//! Ticket controller: `/tickets…` (12 operations).

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use super::{input, paged_envelope, records};
use crate::app::{api, operation};
use crate::auth::Session;
use crate::errors::{ApiError, ok};
use crate::extract::{CiQuery, JsonBody, RoutePath};
use crate::state::SharedState;
use crate::store::{Owner, RecordKind};

const KIND: RecordKind = RecordKind::Ticket;

type Reply = Result<Response, ApiError>;

pub(crate) fn routes() -> Router<SharedState> {
    Router::new()
        .route(&api("/tickets"), operation(post(create)))
        .route(&api("/tickets/templates"), operation(get(templates)))
        .route(&api("/tickets/note/{noteid}"), operation(get(note_by_id)))
        .route(&api("/tickets/{id}"), operation(get(fetch).post(update)))
        .route(&api("/tickets/{id}/attachments/{pagesize}/{pagenumber}"), operation(get(attachments)))
        .route(&api("/tickets/{id}/notes/{pagesize}/{pagenumber}"), operation(get(notes)))
        .route(&api("/tickets/{id}/assignments/{pagesize}/{pagenumber}"), operation(get(assignments)))
        .route(&api("/tickets/{id}/changestatus"), operation(post(change_status)))
        .route(&api("/tickets/{id}/addnote"), operation(post(add_note)))
        .route(&api("/tickets/{id}/close"), operation(post(close)))
        .route(&api("/tickets/{id}/delete"), operation(post(delete)))
}

/// `Ticket_Create`: `{"Properties":{…}}` → `{"Ticket":{bag}}` with the new id in field 1.
async fn create(session: Session, State(state): State<SharedState>, body: JsonBody) -> Reply {
    let body = body.required()?;
    let properties = input::properties(&body)?;
    let mut store = state.store();
    let id = store.create_ticket(properties, &session.actor)?;
    tracing::info!(id, "ticket created");
    Ok(ok(&records::record_json(KIND, store.tickets.get(id)?)))
}

async fn fetch(RoutePath(id): RoutePath<i32>, _session: Session, State(state): State<SharedState>) -> Reply {
    records::get(&state, KIND, id)
}

async fn update(
    RoutePath(id): RoutePath<i32>,
    session: Session,
    State(state): State<SharedState>,
    body: JsonBody,
) -> Reply {
    records::update(&state, KIND, id, &body.required()?, &session.actor)
}

async fn templates(_session: Session, State(state): State<SharedState>) -> Response {
    records::templates(&state, KIND)
}

async fn note_by_id(RoutePath(note_id): RoutePath<i32>, _session: Session, State(state): State<SharedState>) -> Reply {
    records::note_by_id(&state, KIND, note_id)
}

async fn notes(
    RoutePath(path): RoutePath<(i32, i32, i32)>,
    _session: Session,
    State(state): State<SharedState>,
    query: CiQuery,
) -> Reply {
    records::notes(&state, KIND, path, &query)
}

async fn attachments(
    RoutePath((id, page_size, page_number)): RoutePath<(i32, i32, i32)>,
    _session: Session,
    State(state): State<SharedState>,
) -> Reply {
    let attachments = state.store().attachments_of(Owner::Ticket(id))?;
    Ok(ok(&paged_envelope("Attachments", attachments, page_size, page_number)))
}

/// `Ticket_GetTicketAssignments` → `{"Count":n,"Assignments":[…]}`.
async fn assignments(
    RoutePath((id, page_size, page_number)): RoutePath<(i32, i32, i32)>,
    _session: Session,
    State(state): State<SharedState>,
) -> Reply {
    let store = state.store();
    store.tickets.get(id)?;
    let assignments = store.assignments_of_ticket(id).map(|(_, bag)| bag.to_json_non_null()).collect();
    Ok(ok(&paged_envelope("Assignments", assignments, page_size, page_number)))
}

async fn change_status(
    RoutePath(id): RoutePath<i32>,
    session: Session,
    State(state): State<SharedState>,
    body: JsonBody,
) -> Reply {
    records::change_status(&state, KIND, id, &body.required()?, &session.actor)
}

async fn add_note(
    RoutePath(id): RoutePath<i32>,
    session: Session,
    State(state): State<SharedState>,
    body: JsonBody,
) -> Reply {
    records::add_note(&state, KIND, id, &body.required()?, &session.actor)
}

async fn close(
    RoutePath(id): RoutePath<i32>,
    session: Session,
    State(state): State<SharedState>,
    body: JsonBody,
) -> Reply {
    records::close(&state, KIND, id, body.0.as_ref(), &session.actor)
}

/// `Ticket_Delete` takes no body; one that is sent is ignored.
async fn delete(RoutePath(id): RoutePath<i32>, _session: Session, State(state): State<SharedState>) -> Reply {
    tracing::info!(id, "ticket deleted");
    records::delete(&state, KIND, id)
}
