//! The in-memory Track-It! database: tickets, assignments, notes, attachments, solutions,
//! templates and module field lists, seeded from the example replies.

mod bag;
mod records;
mod seed;

use std::collections::BTreeMap;

use serde_json::{Value, json};

pub(crate) use bag::FieldBag;
pub(crate) use records::{RecordKind, RecordTable};

/// Field sequence numbers the simulator itself reads or writes.
pub(crate) mod seq {
    pub const ID: u32 = 1;
    pub const LAST_MODIFIED: u32 = 2;
    pub const LAST_USER: u32 = 3;
    /// The parent ticket of an assignment.
    pub const ASSIGNMENT_TICKET_ID: u32 = 5;
    pub const ADDITIONAL_INFORMATION: u32 = 7;
    pub const OPEN_DATE: u32 = 12;
    pub const SEQ_OPEN_BY: u32 = 16;
    pub const SEQ_CLOSED_BY: u32 = 17;
    pub const CLOSE_DATE: u32 = 18;
    pub const CALL_COUNTER: u32 = 20;
    pub const SUMMARY: u32 = 22;
    pub const ASSIGNED_TO_GROUP: u32 = 34;
    pub const CLOSED_BY_TECHNICIAN: u32 = 48;
    pub const OPENED_BY_TECHNICIAN: u32 = 66;
    pub const STATUS: u32 = 96;
    pub const PRIORITY: u32 = 107;
    pub const OPENED_BY_NAME: u32 = 177;
    /// Attachment bag: the base64 file content, left out of attachment lists.
    pub const ATTACHMENT_CONTENT: u32 = 6;
    pub const NOTE_CREATED_DATE: u32 = 2;
    pub const NOTE_CREATED_BY: u32 = 3;
    pub const NOTE_TYPE: u32 = 4;
    pub const NOTE_ACTIVITY_CODE: u32 = 5;
    pub const NOTE_TEXT: u32 = 6;
    pub const NOTE_DURATION: u32 = 7;
    pub const NOTE_PRIVATE: u32 = 8;
    pub const NOTE_SYSTEM: u32 = 9;
}

/// Module sequence of tickets in `GET /module/{n}/fields` (per BMC docs).
pub(crate) const TICKET_MODULE: i32 = 24;
/// Status a fresh record gets, and the one `Close` sets.
pub(crate) const STATUS_OPEN: &str = "Open";
pub(crate) const STATUS_CLOSED: &str = "Closed";
/// Priority of records created without one.
const DEFAULT_PRIORITY: &str = "3 - Medium";

/// A store operation that cannot be carried out.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("{kind} {id} was not found.")]
    NotFound { kind: &'static str, id: i64 },
    #[error("Unknown field '{name}'.")]
    UnknownField { name: String },
    #[error("Field '{name}' is read-only.")]
    ReadOnlyField { name: String },
    #[error("{detail}")]
    Invalid { detail: String },
}

/// An embedded fixture that does not have the expected shape.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SeedError {
    #[error("fixture {fixture} is not valid JSON")]
    Json { fixture: &'static str, source: serde_json::Error },
    #[error("fixture {fixture} is malformed: {reason}")]
    Malformed { fixture: &'static str, reason: String },
}

/// The logged-in technician performing a write.
#[derive(Clone, Debug)]
pub(crate) struct Actor {
    /// Login id without the group, e.g. `JPIKE`.
    pub login: String,
    pub group: String,
    pub full_name: String,
    /// Technician sequence number written to `Seq_Open By` / `Seq_Closed By`.
    pub seq: i64,
}

/// A note as sent in `AddNote`, `ChangeStatus` and `Close` bodies.
#[derive(Clone, Debug, Default)]
pub(crate) struct NoteInput {
    pub note_type: Option<String>,
    pub activity_code: Option<String>,
    pub text: Option<String>,
    pub duration: Option<String>,
    pub private: bool,
}

impl NoteInput {
    pub fn has_text(&self) -> bool {
        self.text.as_deref().is_some_and(|text| !text.trim().is_empty())
    }
}

/// What an attachment hangs off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    Ticket(i32),
    Assignment(i32),
    Solution(i32),
}

struct Attachment {
    owner: Owner,
    bag: FieldBag,
}

/// Everything the simulator knows; guarded by one mutex in the app state.
pub(crate) struct Store {
    pub tickets: RecordTable,
    pub assignments: RecordTable,
    /// `(predecessor, successor)` assignment pairs.
    assignment_links: Vec<(i32, i32)>,
    attachments: BTreeMap<i32, Attachment>,
    solutions: BTreeMap<i32, FieldBag>,
    ticket_templates: Vec<Value>,
    assignment_templates: Vec<Value>,
}

impl Store {
    /// The store filled with the example records.
    pub fn seeded() -> Result<Store, SeedError> {
        seed::seeded_store()
    }

    pub fn table(&self, kind: RecordKind) -> &RecordTable {
        match kind {
            RecordKind::Ticket => &self.tickets,
            RecordKind::Assignment => &self.assignments,
        }
    }

    pub fn table_mut(&mut self, kind: RecordKind) -> &mut RecordTable {
        match kind {
            RecordKind::Ticket => &mut self.tickets,
            RecordKind::Assignment => &mut self.assignments,
        }
    }

    /// Creates a ticket: status Open, opened now by `actor`, then the caller's fields.
    pub fn create_ticket(
        &mut self,
        properties: &serde_json::Map<String, Value>,
        actor: &Actor,
    ) -> Result<i32, StoreError> {
        let changes = self.tickets.resolve_properties(properties)?;
        let mut bag = self.tickets.blank_record(actor);
        bag.set_value(seq::SEQ_OPEN_BY, json!(actor.seq));
        bag.set_value(seq::CALL_COUNTER, json!(1));
        bag.set_value(seq::ASSIGNED_TO_GROUP, json!(actor.group));
        bag.set_value(seq::OPENED_BY_TECHNICIAN, json!(actor.login));
        bag.set_value(seq::OPENED_BY_NAME, json!(actor.full_name));
        bag.set_value(seq::STATUS, json!(STATUS_OPEN));
        bag.set_value(seq::PRIORITY, json!(DEFAULT_PRIORITY));
        Ok(self.tickets.insert(bag, changes))
    }

    /// Creates an assignment under the ticket named by its `Ticket ID` field.
    pub fn create_assignment(
        &mut self,
        properties: &serde_json::Map<String, Value>,
        actor: &Actor,
    ) -> Result<i32, StoreError> {
        let changes = self.assignments.resolve_properties(properties)?;
        let ticket_id = changes
            .iter()
            .find(|(seq, _)| *seq == seq::ASSIGNMENT_TICKET_ID)
            .map(|(_, value)| value)
            .ok_or_else(|| StoreError::Invalid { detail: "Field 'Ticket ID' is required.".to_owned() })?;
        self.check_parent_ticket(ticket_id)?;
        let mut bag = self.assignments.blank_record(actor);
        bag.set_value(seq::ASSIGNED_TO_GROUP, json!(actor.group));
        bag.set_value(seq::STATUS, json!(STATUS_OPEN));
        bag.set_value(seq::PRIORITY, json!(DEFAULT_PRIORITY));
        Ok(self.assignments.insert(bag, normalize_ticket_id(changes)))
    }

    /// Updates an assignment; a new `Ticket ID` must name an existing ticket.
    pub fn update_assignment(
        &mut self,
        id: i32,
        properties: &serde_json::Map<String, Value>,
        actor: &Actor,
    ) -> Result<&FieldBag, StoreError> {
        let changes = self.assignments.resolve_properties(properties)?;
        if let Some((_, ticket_id)) = changes.iter().find(|(seq, _)| *seq == seq::ASSIGNMENT_TICKET_ID) {
            self.check_parent_ticket(ticket_id)?;
        }
        self.assignments.update(id, normalize_ticket_id(changes), actor)
    }

    fn check_parent_ticket(&self, ticket_id: &Value) -> Result<(), StoreError> {
        let id = as_integer(ticket_id)
            .ok_or_else(|| StoreError::Invalid { detail: "Field 'Ticket ID' must be a number.".to_owned() })?;
        if id == 0 || self.tickets.get(id).is_err() {
            return Err(StoreError::Invalid { detail: format!("Ticket {id} was not found.") });
        }
        Ok(())
    }

    /// Moves a ticket or assignment to status Closed; tickets also record who closed them.
    pub fn close(
        &mut self,
        kind: RecordKind,
        id: i32,
        note: Option<NoteInput>,
        actor: &Actor,
    ) -> Result<FieldBag, StoreError> {
        let note = self.table_mut(kind).change_status(id, STATUS_CLOSED, note, actor)?;
        if kind == RecordKind::Ticket {
            let bag = self.tickets.get_mut(id)?;
            bag.set_value(seq::SEQ_CLOSED_BY, json!(actor.seq));
            bag.set_value(seq::CLOSE_DATE, bag.value(seq::LAST_MODIFIED).clone());
            bag.set_value(seq::CLOSED_BY_TECHNICIAN, json!(actor.login));
        }
        Ok(note)
    }

    /// Deletes a ticket with its notes and assignments, or an assignment with its notes.
    pub fn delete(&mut self, kind: RecordKind, id: i32) -> Result<(), StoreError> {
        self.table_mut(kind).delete(id)?;
        let orphaned: Vec<i32> = match kind {
            RecordKind::Ticket => self.assignments_of_ticket(id).map(|(id, _)| id).collect(),
            RecordKind::Assignment => vec![id],
        };
        for assignment in orphaned {
            // Already gone when it is the record deleted above.
            let _ = self.assignments.delete(assignment);
            self.assignment_links.retain(|(before, after)| *before != assignment && *after != assignment);
        }
        let owner = match kind {
            RecordKind::Ticket => Owner::Ticket(id),
            RecordKind::Assignment => Owner::Assignment(id),
        };
        self.attachments.retain(|_, attachment| attachment.owner != owner);
        Ok(())
    }

    pub fn assignments_of_ticket(&self, ticket_id: i32) -> impl Iterator<Item = (i32, &FieldBag)> {
        self.assignments
            .records()
            .filter(move |(_, bag)| bag.integer(seq::ASSIGNMENT_TICKET_ID) == Some(ticket_id.into()))
    }

    /// Assignments that must finish before (`predecessors`) or after this one.
    pub fn linked_assignments(&self, id: i32, predecessors: bool) -> Result<Vec<&FieldBag>, StoreError> {
        self.assignments.get(id)?;
        let linked = self.assignment_links.iter().filter_map(|(before, after)| match predecessors {
            true if *after == id => Some(*before),
            false if *before == id => Some(*after),
            _ => None,
        });
        Ok(linked.filter_map(|linked| self.assignments.get(linked).ok()).collect())
    }

    /// Attachments of an existing owner, without their content.
    pub fn attachments_of(&self, owner: Owner) -> Result<Vec<Value>, StoreError> {
        match owner {
            Owner::Ticket(id) => self.tickets.get(id).map(drop)?,
            Owner::Assignment(id) => self.assignments.get(id).map(drop)?,
            Owner::Solution(id) => self.solution(id).map(drop)?,
        }
        Ok(self
            .attachments
            .values()
            .filter(|attachment| attachment.owner == owner)
            .map(|attachment| attachment.bag.to_json_where(|seq, _| seq != seq::ATTACHMENT_CONTENT))
            .collect())
    }

    pub fn attachment(&self, id: i32) -> Result<&FieldBag, StoreError> {
        self.attachments
            .get(&id)
            .map(|attachment| &attachment.bag)
            .ok_or(StoreError::NotFound { kind: "Attachment", id: id.into() })
    }

    pub fn solution(&self, id: i32) -> Result<&FieldBag, StoreError> {
        self.solutions.get(&id).ok_or(StoreError::NotFound { kind: "Solution", id: id.into() })
    }

    pub fn templates(&self, kind: RecordKind) -> &[Value] {
        match kind {
            RecordKind::Ticket => &self.ticket_templates,
            RecordKind::Assignment => &self.assignment_templates,
        }
    }

    /// `GET /module/{n}/fields`: only the ticket module is known.
    pub fn module_fields(&self, module: i32) -> Result<Value, StoreError> {
        match module {
            TICKET_MODULE => Ok(self.tickets.catalog.to_json()),
            other => Err(StoreError::NotFound { kind: "Module", id: other.into() }),
        }
    }

    /// Tickets whose summary or additional information contains every word of `term`
    /// (case-insensitive), newest id first. An empty term matches every ticket.
    pub fn search_tickets(&self, term: &str) -> Vec<&FieldBag> {
        let words: Vec<String> = term.split_whitespace().map(str::to_lowercase).collect();
        self.tickets
            .records()
            .rev()
            .map(|(_, bag)| bag)
            .filter(|bag| {
                let haystack = [seq::SUMMARY, seq::ADDITIONAL_INFORMATION]
                    .map(|seq| bag.text(seq).unwrap_or_default().to_lowercase())
                    .join("\n");
                words.iter().all(|word| haystack.contains(word.as_str()))
            })
            .collect()
    }
}

/// JSON.NET would coerce `"1042"` to a number; store ids as numbers either way.
fn normalize_ticket_id(changes: Vec<(u32, Value)>) -> Vec<(u32, Value)> {
    changes
        .into_iter()
        .map(|(seq, value)| match (seq, as_integer(&value)) {
            (seq::ASSIGNMENT_TICKET_ID, Some(id)) => (seq, json!(id)),
            _ => (seq, value),
        })
        .collect()
}

/// An `i32` from a JSON number or numeric string.
pub(crate) fn as_integer(value: &Value) -> Option<i32> {
    match value {
        Value::Number(number) => number.as_i64().and_then(|n| i32::try_from(n).ok()),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}
