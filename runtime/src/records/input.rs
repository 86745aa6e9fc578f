//! The body of a create or update: `{"Properties": {...}, "OptionalParams": ...}`, and the
//! check of its field names against a module's field list.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::FieldBag;
use super::key::parse_sequence;
use crate::Error;

/// Names longer than this get no suggestion: comparing them costs time and helps nobody.
const MAX_SUGGESTION_INPUT: usize = 200;
/// How similar (0 to 1) a misspelt name must be to a display name for it to be suggested.
const MIN_SIMILARITY: f64 = 0.6;

/// The body of `Ticket_Create`, `Ticket_Update`, `Assignment_Create` and `Assignment_Update`
/// (Track-It!'s `CreateInputDto`, `UpdateTicketInputDto` and `UpdateAssignmentInputDto`).
///
/// `Properties` maps a field's display name, or its sequence number as a string, to the new
/// value; `OptionalParams` carries extras such as a note to add with an update. Fields keep
/// the order they were set in. Track-It! refuses the whole write when one name is wrong, so
/// [`RecordInput::check`] can compare the names with the module's field list first.
///
/// ```
/// use serde_json::json;
/// use trackit_runtime::records::{FieldBag, RecordInput};
///
/// let update = RecordInput::new()
///     .field("Assigned To Technician", "SORTEGA")
///     .field("Priority", "1 - Critical")
///     .note("Escalated: the whole floor is affected.");
/// assert_eq!(
///     serde_json::to_value(&update)?,
///     json!({
///         "Properties": {"Assigned To Technician": "SORTEGA", "Priority": "1 - Critical"},
///         "OptionalParams": {"Note": {"Note": "Escalated: the whole floor is affected."}}
///     })
/// );
///
/// // The reply of `GET module/24/fields`.
/// let ticket_fields: FieldBag = serde_json::from_value(json!({
///     "67": {"DisplayName": "Assigned To Technician"},
///     "107": {"DisplayName": "Priority"}
/// }))?;
/// assert!(update.check(&ticket_fields).is_ok());
///
/// let typo = RecordInput::new().field("Assigned Tech", "SORTEGA");
/// let error = typo.check(&ticket_fields).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "Track-It! has no field named `Assigned Tech`; did you mean `Assigned To Technician`?"
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordInput {
    #[serde(rename = "Properties", default)]
    properties: IndexMap<String, Value>,
    #[serde(rename = "OptionalParams", default, skip_serializing_if = "Option::is_none")]
    optional_params: Option<Value>,
}

impl RecordInput {
    /// An empty body.
    #[must_use]
    pub fn new() -> Self {
        RecordInput::default()
    }

    /// Sets a field, by display name (`"Ticket Summary"`) or sequence number (`"22"`).
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets a field, by display name or sequence number, replacing an earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// Adds a note to the update, as `OptionalParams.Note.Note`; other optional parameters
    /// stay. Only ticket and assignment updates take a note this way (a create ignores it);
    /// for a note type or activity code, set `OptionalParams` with
    /// [`optional_params`](Self::optional_params).
    #[must_use]
    pub fn note(mut self, text: impl Into<String>) -> Self {
        let params = self.optional_params.get_or_insert_with(|| Value::Object(Map::new()));
        if !params.is_object() {
            *params = Value::Object(Map::new());
        }
        if let Value::Object(params) = params {
            let note = params.entry("Note").or_insert_with(|| Value::Object(Map::new()));
            if !note.is_object() {
                *note = Value::Object(Map::new());
            }
            if let Value::Object(note) = note {
                note.insert("Note".to_owned(), Value::String(text.into()));
            }
        }
        self
    }

    /// Replaces `OptionalParams` as a whole, e.g.
    /// `json!({"Note": {"Note": "…", "Note Type": "Technician Note", "Private": false}})`.
    #[must_use]
    pub fn optional_params(mut self, params: Value) -> Self {
        self.optional_params = Some(params);
        self
    }

    /// The fields set so far, in order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.properties.iter().map(|(name, value)| (name.as_str(), value))
    }

    /// The value set for a field, by the name it was set with.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.properties.get(name)
    }

    /// `OptionalParams`, when set.
    #[must_use]
    pub fn optional_params_value(&self) -> Option<&Value> {
        self.optional_params.as_ref()
    }

    /// Checks every field name against a module's field list (the reply of
    /// `GET module/{n}/fields`): a name must be a display name there (in any letter case) or a
    /// sequence number there.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownField`] for the first name that is neither, with the closest display
    /// name as a suggestion when one is close enough.
    pub fn check(&self, module_fields: &FieldBag) -> Result<(), Error> {
        for name in self.properties.keys() {
            let is_sequence = parse_sequence(name).is_some_and(|sequence| module_fields.contains(sequence));
            if !is_sequence && !module_fields.contains(name.as_str()) {
                return Err(Error::UnknownField {
                    name: name.clone(),
                    suggestion: closest_display_name(name, module_fields).map(str::to_owned),
                });
            }
        }
        Ok(())
    }
}

/// The display name a misspelt or shortened `name` most likely meant.
///
/// A display name whose words each start with one of the name's words ("Assigned Tech" for
/// `Assigned To Technician`) beats one that is merely spelt alike ("Priorty" for `Priority`);
/// within each kind the most similar spelling wins.
fn closest_display_name<'bag>(name: &str, module_fields: &'bag FieldBag) -> Option<&'bag str> {
    if name.len() > MAX_SUGGESTION_INPUT {
        return None;
    }
    let wanted = name.to_lowercase();
    let wanted_words: Vec<&str> = wanted.split_whitespace().collect();
    if wanted_words.is_empty() {
        return None;
    }
    let mut best: Option<((bool, f64), &str)> = None;
    for (_, field) in module_fields.iter() {
        let candidate = field.display_name.as_str();
        if candidate.is_empty() || candidate.len() > MAX_SUGGESTION_INPUT {
            continue;
        }
        let lowered = candidate.to_lowercase();
        let abbreviates = wanted_words.iter().all(|word| lowered.split_whitespace().any(|part| part.starts_with(word)));
        let similarity = strsim::normalized_damerau_levenshtein(&wanted, &lowered);
        if !abbreviates && similarity < MIN_SIMILARITY {
            continue;
        }
        let score = (abbreviates, similarity);
        if best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ticket_fields() -> FieldBag {
        serde_json::from_value(json!({
            "1": {"DisplayName": "Ticket ID"},
            "22": {"DisplayName": "Ticket Summary"},
            "34": {"DisplayName": "Assigned To Group"},
            "66": {"DisplayName": "Opened By Technician"},
            "67": {"DisplayName": "Assigned To Technician"},
            "72": {"DisplayName": "Category"},
            "96": {"DisplayName": "Status"},
            "107": {"DisplayName": "Priority"},
            "157": {"DisplayName": "Assigned To Technician Name"}
        }))
        .expect("reads")
    }

    #[test]
    fn the_body_has_the_dto_shape() {
        let create = RecordInput::new().field("Ticket Summary", "Printer jams").field("Category", "Hardware");
        assert_eq!(
            serde_json::to_string(&create).expect("writes"),
            r#"{"Properties":{"Ticket Summary":"Printer jams","Category":"Hardware"}}"#
        );

        let mut update = RecordInput::new();
        update.set("107", "1 - Critical").set("Call Counter", 2).set("107", "2 - High");
        let update = update.optional_params(json!({"Param1": null}));
        assert_eq!(
            serde_json::to_value(&update).expect("writes"),
            json!({"Properties": {"107": "2 - High", "Call Counter": 2}, "OptionalParams": {"Param1": null}})
        );
        let names: Vec<&str> = update.fields().map(|(name, _)| name).collect();
        assert_eq!(names, ["107", "Call Counter"]);
        assert_eq!(update.get("Call Counter"), Some(&json!(2)));

        let read_back: RecordInput = serde_json::from_value(json!({"Properties": {"Status": "Open"}})).expect("reads");
        assert_eq!(read_back, RecordInput::new().field("Status", "Open"));
    }

    #[test]
    fn a_note_merges_into_the_optional_params() {
        let update = RecordInput::new()
            .optional_params(json!({"Note": {"Note Type": "Technician Note"}, "Param1": 1}))
            .note("Called the user back.");
        assert_eq!(
            update.optional_params_value(),
            Some(&json!({"Note": {"Note Type": "Technician Note", "Note": "Called the user back."}, "Param1": 1}))
        );
        let replaced = RecordInput::new().optional_params(json!("odd")).note("Text");
        assert_eq!(replaced.optional_params_value(), Some(&json!({"Note": {"Note": "Text"}})));
    }

    #[test]
    fn names_and_sequences_in_the_module_pass_the_check() {
        let input = RecordInput::new()
            .field("Ticket Summary", "Printer jams")
            .field("assigned to technician", "JPIKE")
            .field("96", "Open");
        assert!(input.check(&ticket_fields()).is_ok());
        assert!(RecordInput::new().check(&FieldBag::new()).is_ok());
    }

    #[test]
    fn an_unknown_name_fails_with_the_closest_display_name() {
        let cases = [
            ("Assigned Tech", Some("Assigned To Technician")),
            ("Summary", Some("Ticket Summary")),
            ("Priorty", Some("Priority")),
            ("ticket sumary", Some("Ticket Summary")),
            ("Asset Tag", None),
            ("", None),
            ("23", None),
            ("4294967296", None),
        ];
        for (name, expected) in cases {
            let error = RecordInput::new().field(name, 1).check(&ticket_fields()).expect_err(name);
            match error {
                Error::UnknownField { name: reported, suggestion } => {
                    assert_eq!(reported, name);
                    assert_eq!(suggestion.as_deref(), expected, "{name:?}");
                }
                other => panic!("{name:?} gave {other}"),
            }
        }
    }

    #[test]
    fn the_unknown_field_message_reads_as_a_sentence() {
        let with_hint =
            RecordInput::new().field("Assigned Tech", "JPIKE").check(&ticket_fields()).expect_err("unknown");
        assert_eq!(
            with_hint.to_string(),
            "Track-It! has no field named `Assigned Tech`; did you mean `Assigned To Technician`?"
        );
        let without = RecordInput::new().field("Asset Tag", "LT-1").check(&ticket_fields()).expect_err("unknown");
        assert_eq!(without.to_string(), "Track-It! has no field named `Asset Tag`");
    }

    #[test]
    fn huge_names_get_no_suggestion_and_no_panic() {
        let huge = "Assigned ".repeat(10_000);
        let error = RecordInput::new().field(huge, 1).check(&ticket_fields()).expect_err("unknown");
        assert!(matches!(error, Error::UnknownField { suggestion: None, .. }));
    }
}
