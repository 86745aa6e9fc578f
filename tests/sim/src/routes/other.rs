//! The smaller controllers: attachment, module fields, priority hierarchy, search,
//! solutions and technician logout (7 operations).

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{input, paged_envelope, truncated};
use crate::app::{api, operation};
use crate::auth::Session;
use crate::errors::{ApiError, ok};
use crate::extract::{JsonBody, RoutePath};
use crate::state::SharedState;
use crate::store::{Owner, TICKET_MODULE, seq};

type Reply = Result<Response, ApiError>;

/// Priority when no ticket of the requested category says otherwise.
const DEFAULT_PRIORITY: &str = "3 - Medium";

pub(crate) fn routes() -> Router<SharedState> {
    Router::new()
        .route(&api("/attachment/{attachmentid}"), operation(get(attachment)))
        .route(&api("/module/{modulesequence}/fields"), operation(get(module_fields)))
        .route(&api("/priorityheirarchy"), operation(post(priority)))
        .route(&api("/searches"), operation(post(search)))
        .route(&api("/solutions/{solutionid}"), operation(get(solution)))
        .route(&api("/solutions/{id}/attachments/{pagesize}/{pagenumber}"), operation(get(solution_attachments)))
        .route(&api("/technicians/logout"), operation(get(logout)))
}

/// `Attachment_GetAttachment` → `{"Attachment":{bag with base64 Content}}`.
async fn attachment(RoutePath(id): RoutePath<i32>, _session: Session, State(state): State<SharedState>) -> Reply {
    let store = state.store();
    Ok(ok(&json!({"Attachment": store.attachment(id)?.to_json()})))
}

/// `Module_GetFields` → bare `{"1":{"DisplayName":"Ticket ID"},…}` (module 24 = tickets).
async fn module_fields(
    RoutePath(module): RoutePath<i32>,
    _session: Session,
    State(state): State<SharedState>,
) -> Reply {
    Ok(ok(&state.store().module_fields(module)?))
}

/// `PriorityHierarchy_GetPriorityHierarchy` → `{"Priority":"2 - High"}`: the priority of
/// the newest ticket in the requested category, or the default.
async fn priority(_session: Session, State(state): State<SharedState>, body: JsonBody) -> Reply {
    let body = body.required()?;
    let category = input::integer(input::object(&body)?, "CategoryId", 0)?;
    let store = state.store();
    let priority = store
        .tickets
        .records()
        .rev()
        .find(|(_, bag)| bag.integer(SEQ_CATEGORY) == Some(category.into()))
        .and_then(|(_, bag)| bag.text(seq::PRIORITY).map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_PRIORITY.to_owned());
    Ok(ok(&json!({"Priority": priority})))
}

/// `Seq_Category` of a ticket.
const SEQ_CATEGORY: u32 = 11;

/// `Search_Search`: `Term` against ticket summaries and descriptions →
/// `{"Count":n,"SearchResults":[{1,22,96}…]}`. Only the ticket module (24, or 0/absent) is
/// searchable; other modules find nothing.
async fn search(_session: Session, State(state): State<SharedState>, body: JsonBody) -> Reply {
    let body = body.required()?;
    let request = input::object(&body)?;
    let term = input::text(request, "Term")?.unwrap_or_default();
    let module = input::integer(request, "ModuleId", 0)?;
    let page_size = input::integer(request, "PageSize", 0)?;
    let page_number = input::integer(request, "PageNumber", 0)?;
    let max_content_length = input::integer(request, "MaxContentLength", -1)?;
    let store = state.store();
    let results: Vec<Value> = match module {
        0 | TICKET_MODULE => store
            .search_tickets(&term)
            .into_iter()
            .map(|bag| {
                let mut result = bag.clone();
                let summary = truncated(bag.text(seq::SUMMARY).unwrap_or_default(), max_content_length);
                result.set_value(seq::SUMMARY, json!(summary));
                result.to_json_only(&[seq::ID, seq::SUMMARY, seq::STATUS])
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(ok(&paged_envelope("SearchResults", results, page_size, page_number)))
}

async fn solution(RoutePath(id): RoutePath<i32>, _session: Session, State(state): State<SharedState>) -> Reply {
    let store = state.store();
    Ok(ok(&json!({"Solution": store.solution(id)?.to_json()})))
}

async fn solution_attachments(
    RoutePath((id, page_size, page_number)): RoutePath<(i32, i32, i32)>,
    _session: Session,
    State(state): State<SharedState>,
) -> Reply {
    let attachments = state.store().attachments_of(Owner::Solution(id))?;
    Ok(ok(&paged_envelope("Attachments", attachments, page_size, page_number)))
}

/// `Technician_DoLogout` (a GET): ends the session, revoking its access and refresh tokens.
async fn logout(session: Session, State(state): State<SharedState>) -> Response {
    state.tokens().revoke_session(&session.access_token);
    tracing::info!(login = %session.actor.login, "technician logged out");
    ok(&json!({"success": true}))
}
