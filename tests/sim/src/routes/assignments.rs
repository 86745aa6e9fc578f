//! Assignment controller: `/assignments…` (13 operations).

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
use crate::store::{Owner, RecordKind, seq};

const KIND: RecordKind = RecordKind::Assignment;

type Reply = Result<Response, ApiError>;

pub(crate) fn routes() -> Router<SharedState> {
    Router::new()
        .route(&api("/assignments"), operation(post(create)))
        .route(&api("/assignments/templates"), operation(get(templates)))
        .route(&api("/assignments/note/{noteid}"), operation(get(note_by_id)))
        .route(&api("/assignments/{id}"), operation(get(fetch).post(update)))
        .route(&api("/assignments/{id}/attachments/{pagesize}/{pagenumber}"), operation(get(attachments)))
        .route(&api("/assignments/{id}/notes/{pagesize}/{pagenumber}"), operation(get(notes)))
        .route(&api("/assignments/{id}/successors/{pagesize}/{pagenumber}"), operation(get(successors)))
        .route(&api("/assignments/{id}/predecessors/{pagesize}/{pagenumber}"), operation(get(predecessors)))
        .route(&api("/assignments/{id}/addnote"), operation(post(add_note)))
        .route(&api("/assignments/{id}/changestatus"), operation(post(change_status)))
        .route(&api("/assignments/{id}/close"), operation(post(close)))
        .route(&api("/assignments/{id}/delete"), operation(post(delete)))
}

/// `Assignment_Create`: `Properties` must name the parent ticket (`Ticket ID` or `5`).
async fn create(session: Session, State(state): State<SharedState>, body: JsonBody) -> Reply {
    let body = body.required()?;
    let properties = input::properties(&body)?;
    let mut store = state.store();
    let id = store.create_assignment(properties, &session.actor)?;
    tracing::info!(id, "assignment created");
    Ok(ok(&records::record_json(KIND, store.assignments.get(id)?)))
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
    let attachments = state.store().attachments_of(Owner::Assignment(id))?;
    Ok(ok(&paged_envelope("Attachments", attachments, page_size, page_number)))
}

async fn successors(path: RoutePath<(i32, i32, i32)>, _session: Session, State(state): State<SharedState>) -> Reply {
    linked(&state, path, false)
}

async fn predecessors(path: RoutePath<(i32, i32, i32)>, _session: Session, State(state): State<SharedState>) -> Reply {
    linked(&state, path, true)
}

/// `{"Count":n,"Predecessors":[…]}` or `{"Count":n,"Successors":[…]}`, short bags.
fn linked(
    state: &SharedState,
    RoutePath((id, page_size, page_number)): RoutePath<(i32, i32, i32)>,
    predecessors: bool,
) -> Reply {
    let store = state.store();
    let items = store
        .linked_assignments(id, predecessors)?
        .into_iter()
        .map(|bag| bag.to_json_only(&[seq::ID, seq::SUMMARY, seq::STATUS]))
        .collect();
    let key = if predecessors { "Predecessors" } else { "Successors" };
    Ok(ok(&paged_envelope(key, items, page_size, page_number)))
}

async fn add_note(
    RoutePath(id): RoutePath<i32>,
    session: Session,
    State(state): State<SharedState>,
    body: JsonBody,
) -> Reply {
    records::add_note(&state, KIND, id, &body.required()?, &session.actor)
}

async fn change_status(
    RoutePath(id): RoutePath<i32>,
    session: Session,
    State(state): State<SharedState>,
    body: JsonBody,
) -> Reply {
    records::change_status(&state, KIND, id, &body.required()?, &session.actor)
}

async fn close(
    RoutePath(id): RoutePath<i32>,
    session: Session,
    State(state): State<SharedState>,
    body: JsonBody,
) -> Reply {
    records::close(&state, KIND, id, body.0.as_ref(), &session.actor)
}

async fn delete(RoutePath(id): RoutePath<i32>, _session: Session, State(state): State<SharedState>) -> Reply {
    records::delete(&state, KIND, id)
}
