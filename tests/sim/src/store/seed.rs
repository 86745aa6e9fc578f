//! Fills the store from the embedded example replies (ticket 1042 and everything around it).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::bag::FieldBag;
use super::records::{RecordKind, RecordTable};
use super::{Attachment, Owner, SeedError, Store, seq};

/// One embedded example reply.
struct Fixture {
    name: &'static str,
    text: &'static str,
}

macro_rules! fixture {
    ($name:literal) => {
        Fixture { name: $name, text: include_str!(concat!("../../fixtures/examples/", $name, ".json")) }
    };
}

impl Fixture {
    fn json(&self) -> Result<Value, SeedError> {
        serde_json::from_str(self.text).map_err(|source| SeedError::Json { fixture: self.name, source })
    }

    /// The value under `key`, which must exist.
    fn member(&self, key: &str) -> Result<Value, SeedError> {
        let mut document = self.json()?;
        document
            .get_mut(key)
            .map(Value::take)
            .ok_or_else(|| SeedError::Malformed { fixture: self.name, reason: format!("no '{key}' member") })
    }

    /// The single field bag under `key`.
    fn bag(&self, key: &str) -> Result<FieldBag, SeedError> {
        FieldBag::parse(&self.member(key)?, self.name)
    }

    /// The list of field bags under `key`.
    fn bags(&self, key: &str) -> Result<Vec<FieldBag>, SeedError> {
        let list = self.member(key)?;
        let items = list
            .as_array()
            .ok_or_else(|| SeedError::Malformed { fixture: self.name, reason: format!("'{key}' is not an array") })?;
        items.iter().map(|bag| FieldBag::parse(bag, self.name)).collect()
    }
}

/// The ticket from the search example, closed a while ago, so searching "dock" finds two.
const OLD_TICKET_ID: i32 = 977;
const SEEDED_TICKET_ID: i32 = 1042;
const SEEDED_ASSIGNMENT_ID: i32 = 3307;
const SEEDED_SOLUTION_ID: i32 = 215;

pub(super) fn seeded_store() -> Result<Store, SeedError> {
    let mut tickets = RecordTable::new(RecordKind::Ticket, SEEDED_TICKET_ID + 1, 1);
    let ticket = fixture!("Ticket_Get").bag("Ticket")?;
    tickets.seed(old_closed_ticket(&ticket));
    tickets.seed(ticket);
    let module_fields = fixture!("Module_GetFields").json()?;
    tickets.catalog.learn_from(&FieldBag::parse(&with_null_values(&module_fields), "Module_GetFields")?);
    for note in fixture!("Ticket_GetTicketNotes").bags("Notes")? {
        tickets.seed_note(SEEDED_TICKET_ID, note);
    }

    let mut assignments = RecordTable::new(RecordKind::Assignment, SEEDED_ASSIGNMENT_ID + 1, 1);
    let assignment = fixture!("Assignment_Get").bag("Assignments")?;
    let predecessors = fixture!("Assignment_GetAssignmentPredecessors").bags("Predecessors")?;
    let successors = fixture!("Assignment_GetAssignmentSuccessors").bags("Successors")?;
    let mut assignment_links = Vec::new();
    for (linked, is_predecessor) in
        predecessors.iter().map(|bag| (bag, true)).chain(successors.iter().map(|bag| (bag, false)))
    {
        let linked_id = linked.integer(seq::ID).and_then(|id| i32::try_from(id).ok()).unwrap_or_default();
        assignment_links.push(match is_predecessor {
            true => (linked_id, SEEDED_ASSIGNMENT_ID),
            false => (SEEDED_ASSIGNMENT_ID, linked_id),
        });
        assignments.seed(sibling_assignment(&assignment, linked));
    }
    assignments.seed(assignment);
    for note in fixture!("Assignment_GetAssignmentNotes").bags("Notes")? {
        assignments.seed_note(SEEDED_ASSIGNMENT_ID, note);
    }

    let mut attachments = BTreeMap::new();
    let ticket_attachment = fixture!("Attachment_GetAttachment").bag("Attachment")?;
    let solution_attachments = fixture!("Solution_GetSolutionAttachments").bags("Attachments")?;
    let owned = std::iter::once((Owner::Ticket(SEEDED_TICKET_ID), ticket_attachment))
        .chain(solution_attachments.into_iter().map(|bag| (Owner::Solution(SEEDED_SOLUTION_ID), bag)));
    for (owner, bag) in owned {
        let id = bag.integer(seq::ID).and_then(|id| i32::try_from(id).ok()).unwrap_or_default();
        attachments.insert(id, Attachment { owner, bag });
    }

    let solution = fixture!("Solution_GetSolutionById").bag("Solution")?;
    Ok(Store {
        tickets,
        assignments,
        assignment_links,
        attachments,
        solutions: BTreeMap::from([(SEEDED_SOLUTION_ID, solution)]),
        ticket_templates: template_list(&fixture!("Ticket_GetTicketTemplates"), "TicketTemplates")?,
        assignment_templates: template_list(&fixture!("Assignment_GetAssignmentTemplates"), "AssignmentTemplates")?,
    })
}

/// Ticket 977, "Dock flickers on wake", closed: a copy of 1042 with other details.
fn old_closed_ticket(template: &FieldBag) -> FieldBag {
    let mut bag = template.clone();
    bag.set_value(seq::ID, json!(OLD_TICKET_ID));
    bag.set_value(seq::SUMMARY, json!("Dock flickers on wake"));
    bag.set_value(seq::ADDITIONAL_INFORMATION, json!("Both screens flicker for a few seconds after the laptop wakes."));
    bag.set_value(seq::OPEN_DATE, json!("2023-03-02T10:15:00"));
    bag.set_value(seq::LAST_MODIFIED, json!("2023-03-03T16:40:00"));
    bag.set_value(seq::CLOSE_DATE, json!("2023-03-03T16:40:00"));
    bag.set_value(seq::SEQ_CLOSED_BY, bag.value(seq::SEQ_OPEN_BY).clone());
    bag.set_value(seq::CLOSED_BY_TECHNICIAN, bag.value(seq::OPENED_BY_TECHNICIAN).clone());
    bag.set_value(seq::STATUS, json!(super::STATUS_CLOSED));
    bag
}

/// A full assignment record for a predecessor or successor known only by a short bag.
/// It gets no parent ticket, so ticket 1042 lists only assignment 3307, as in the example.
fn sibling_assignment(template: &FieldBag, short: &FieldBag) -> FieldBag {
    let mut bag = template.clone();
    bag.set_value(seq::ASSIGNMENT_TICKET_ID, Value::Null);
    for (seq, field) in short.fields() {
        bag.set(seq, &field.display_name, field.value.clone());
    }
    bag
}

/// Module field lists have no `Value`; give each field a null one so they parse as a bag.
fn with_null_values(fields: &Value) -> Value {
    let mut copy = fields.clone();
    if let Some(entries) = copy.as_object_mut() {
        for field in entries.values_mut() {
            if let Some(field) = field.as_object_mut() {
                field.entry("Value").or_insert(Value::Null);
            }
        }
    }
    copy
}

fn template_list(fixture: &Fixture, key: &str) -> Result<Vec<Value>, SeedError> {
    match fixture.member(key)? {
        Value::Array(items) => Ok(items),
        _ => Err(SeedError::Malformed { fixture: fixture.name, reason: format!("'{key}' is not an array") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_the_example_records() {
        let store = seeded_store().expect("fixtures parse");
        assert!(store.tickets.get(SEEDED_TICKET_ID).is_ok());
        assert!(store.tickets.get(OLD_TICKET_ID).is_ok());
        assert_eq!(store.tickets.notes_of(SEEDED_TICKET_ID, false).map(|notes| notes.len()).ok(), Some(2));
        assert_eq!(store.linked_assignments(SEEDED_ASSIGNMENT_ID, true).map(|l| l.len()).ok(), Some(1));
        assert_eq!(store.attachments_of(Owner::Solution(SEEDED_SOLUTION_ID)).map(|l| l.len()).ok(), Some(1));
        assert_eq!(store.search_tickets("DOCK").len(), 2);
    }
}
