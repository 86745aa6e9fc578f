//! Tickets and assignments: one table type for both, holding the records, their notes,
//! field writes and status changes.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::bag::{Catalog, FieldBag};
use super::{Actor, NoteInput, StoreError, seq};
use crate::clock;

/// Which module a table holds; decides wrappers, names and note fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecordKind {
    Ticket,
    Assignment,
}

impl RecordKind {
    /// Singular noun used in messages, e.g. `Ticket 99 was not found.`
    pub fn noun(self) -> &'static str {
        match self {
            RecordKind::Ticket => "Ticket",
            RecordKind::Assignment => "Assignment",
        }
    }

    /// Only ticket notes carry a `Private` flag (the assignment note DTO has none).
    fn notes_have_private_flag(self) -> bool {
        self == RecordKind::Ticket
    }
}

/// A note and the record it belongs to.
#[derive(Clone, Debug)]
pub(crate) struct NoteRecord {
    pub parent: i32,
    pub is_system: bool,
    pub bag: FieldBag,
}

/// Records of one kind plus their notes, with id counters.
pub(crate) struct RecordTable {
    kind: RecordKind,
    pub catalog: Catalog,
    records: BTreeMap<i32, FieldBag>,
    notes: BTreeMap<i32, NoteRecord>,
    next_id: i32,
    next_note_id: i32,
}

/// Field sequences a client may not write (the id and the audit fields).
const READ_ONLY: [u32; 3] = [seq::ID, seq::LAST_MODIFIED, seq::LAST_USER];

impl RecordTable {
    pub fn new(kind: RecordKind, next_id: i32, next_note_id: i32) -> RecordTable {
        RecordTable {
            kind,
            catalog: Catalog::default(),
            records: BTreeMap::new(),
            notes: BTreeMap::new(),
            next_id,
            next_note_id,
        }
    }

    fn not_found(&self, id: i32) -> StoreError {
        StoreError::NotFound { kind: self.kind.noun(), id: id.into() }
    }

    /// Stores a seeded record under the id in its field 1, and learns its fields.
    pub fn seed(&mut self, bag: FieldBag) {
        self.catalog.learn_from(&bag);
        let id = bag.integer(seq::ID).and_then(|id| i32::try_from(id).ok()).unwrap_or(self.next_id);
        self.next_id = self.next_id.max(id + 1);
        self.records.insert(id, bag);
    }

    /// Stores a seeded note.
    pub fn seed_note(&mut self, parent: i32, bag: FieldBag) {
        let id = bag.integer(seq::ID).and_then(|id| i32::try_from(id).ok()).unwrap_or(self.next_note_id);
        self.next_note_id = self.next_note_id.max(id + 1);
        let is_system = bag.value(seq::NOTE_SYSTEM).as_bool().unwrap_or(false);
        self.notes.insert(id, NoteRecord { parent, is_system, bag });
    }

    pub fn get(&self, id: i32) -> Result<&FieldBag, StoreError> {
        self.records.get(&id).ok_or_else(|| self.not_found(id))
    }

    pub fn records(&self) -> impl DoubleEndedIterator<Item = (i32, &FieldBag)> {
        self.records.iter().map(|(id, bag)| (*id, bag))
    }

    /// Maps `Properties` keys (display names or sequence numbers) to catalogue fields.
    pub fn resolve_properties(&self, properties: &Map<String, Value>) -> Result<Vec<(u32, Value)>, StoreError> {
        properties
            .iter()
            .map(|(key, value)| {
                let (seq, name) =
                    self.catalog.resolve(key).ok_or_else(|| StoreError::UnknownField { name: key.clone() })?;
                if READ_ONLY.contains(&seq) {
                    return Err(StoreError::ReadOnlyField { name: name.to_owned() });
                }
                Ok((seq, value.clone()))
            })
            .collect()
    }

    /// A new record with every catalogue field null and the audit fields filled in.
    pub fn blank_record(&self, actor: &Actor) -> FieldBag {
        let mut bag = FieldBag::empty_from(&self.catalog);
        let now = clock::now_iso();
        bag.set_value(seq::LAST_MODIFIED, json!(now));
        bag.set_value(seq::LAST_USER, json!(actor.login));
        bag.set_value(seq::OPEN_DATE, json!(now));
        bag
    }

    /// Inserts a new record with the next id; returns the id.
    pub fn insert(&mut self, mut bag: FieldBag, changes: Vec<(u32, Value)>) -> i32 {
        let id = self.next_id;
        self.next_id += 1;
        bag.set_value(seq::ID, json!(id));
        for (seq, value) in changes {
            bag.set(seq, self.catalog.display_name(seq), value);
        }
        self.records.insert(id, bag);
        id
    }

    /// Applies field writes and stamps the audit fields.
    pub fn update(&mut self, id: i32, changes: Vec<(u32, Value)>, actor: &Actor) -> Result<&FieldBag, StoreError> {
        let kind = self.kind;
        let catalog = &self.catalog;
        let bag = self.records.get_mut(&id).ok_or(StoreError::NotFound { kind: kind.noun(), id: id.into() })?;
        for (seq, value) in changes {
            bag.set(seq, catalog.display_name(seq), value);
        }
        touch(bag, actor);
        Ok(bag)
    }

    /// Sets the status (field 96), adds the system note recording the change, and, when
    /// the caller sent note text, that note too. Returns the note to echo back: the
    /// caller's note, or the system note when there is none.
    pub fn change_status(
        &mut self,
        id: i32,
        status: &str,
        note: Option<NoteInput>,
        actor: &Actor,
    ) -> Result<FieldBag, StoreError> {
        let bag = self.get_mut(id)?;
        let previous = bag.text(seq::STATUS).unwrap_or_default().to_owned();
        bag.set_value(seq::STATUS, json!(status));
        touch(bag, actor);
        let system_note = NoteInput {
            note_type: Some("Technician Note".to_owned()),
            activity_code: Some("Status Changed".to_owned()),
            text: Some(format!("Status changed from '{previous}' to '{status}'.")),
            ..NoteInput::default()
        };
        let system = self.insert_note(id, system_note, actor, true);
        match note.filter(NoteInput::has_text) {
            Some(note) => Ok(self.insert_note(id, note, actor, false)),
            None => Ok(system),
        }
    }

    /// Mutable access for module-specific field changes (e.g. closing a ticket).
    pub fn get_mut(&mut self, id: i32) -> Result<&mut FieldBag, StoreError> {
        let kind = self.kind;
        self.records.get_mut(&id).ok_or(StoreError::NotFound { kind: kind.noun(), id: id.into() })
    }

    /// Removes a record and its notes.
    pub fn delete(&mut self, id: i32) -> Result<(), StoreError> {
        self.records.remove(&id).ok_or_else(|| self.not_found(id))?;
        self.notes.retain(|_, note| note.parent != id);
        Ok(())
    }

    /// Adds a user note to an existing record.
    pub fn add_note(&mut self, id: i32, note: NoteInput, actor: &Actor) -> Result<FieldBag, StoreError> {
        touch(self.get_mut(id)?, actor);
        Ok(self.insert_note(id, note, actor, false))
    }

    fn insert_note(&mut self, parent: i32, note: NoteInput, actor: &Actor, is_system: bool) -> FieldBag {
        let id = self.next_note_id;
        self.next_note_id += 1;
        let mut bag = FieldBag::default();
        bag.set(seq::ID, "Note ID", json!(id));
        bag.set(seq::NOTE_CREATED_DATE, "Created Date", json!(clock::now_iso()));
        bag.set(seq::NOTE_CREATED_BY, "Created By", json!(actor.login));
        bag.set(seq::NOTE_TYPE, "Note Type", json!(note.note_type.unwrap_or_else(|| "Technician Note".to_owned())));
        bag.set(
            seq::NOTE_ACTIVITY_CODE,
            "Activity Code",
            json!(note.activity_code.unwrap_or_else(|| "Note By Technician".to_owned())),
        );
        bag.set(seq::NOTE_TEXT, "Note", json!(note.text.unwrap_or_default()));
        bag.set(seq::NOTE_DURATION, "Duration", json!(note.duration));
        if self.kind.notes_have_private_flag() {
            bag.set(seq::NOTE_PRIVATE, "Private", json!(note.private));
        }
        bag.set(seq::NOTE_SYSTEM, "System Note", json!(is_system));
        self.notes.insert(id, NoteRecord { parent, is_system, bag: bag.clone() });
        bag
    }

    pub fn note(&self, note_id: i32) -> Result<&FieldBag, StoreError> {
        self.notes.get(&note_id).map(|note| &note.bag).ok_or(StoreError::NotFound { kind: "Note", id: note_id.into() })
    }

    /// Notes of a record, newest first; system notes only when asked for.
    pub fn notes_of(&self, id: i32, include_system: bool) -> Result<Vec<&FieldBag>, StoreError> {
        self.get(id)?;
        Ok(self
            .notes
            .values()
            .rev()
            .filter(|note| note.parent == id && (include_system || !note.is_system))
            .map(|note| &note.bag)
            .collect())
    }
}

fn touch(bag: &mut FieldBag, actor: &Actor) {
    bag.set_value(seq::LAST_MODIFIED, json!(clock::now_iso()));
    bag.set_value(seq::LAST_USER, json!(actor.login));
}
