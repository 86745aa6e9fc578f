//! Field bags: the JSON objects Track-It! uses for every record, keyed by field sequence
//! number, each field a `{"DisplayName": …, "Value": …}` pair.

use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::key::{FieldKey, parse_sequence};
use super::{DateTime, lenient};

/// One field of a record: its display name and its value.
///
/// In JSON, `{"DisplayName": "Ticket Summary", "Value": "Printer jams"}`. A missing `Value`
/// (as in module field lists) reads as `null`, and is written back as `"Value": null`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// The name the administrator gave the field, e.g. `Ticket Summary`.
    #[serde(rename = "DisplayName")]
    pub display_name: String,
    /// The value as Track-It! sent it; `null` when empty.
    #[serde(rename = "Value")]
    pub value: Value,
}

impl Field {
    /// A field with this display name and value.
    pub fn new(display_name: impl Into<String>, value: Value) -> Self {
        Field { display_name: display_name.into(), value }
    }

    /// The value, unless it is `null`.
    #[must_use]
    pub fn non_null(&self) -> Option<&Value> {
        (!self.value.is_null()).then_some(&self.value)
    }

    /// The value when it is a string.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        lenient::text(&self.value)
    }

    /// Any scalar value as text: strings as they are, numbers in JSON notation, booleans as
    /// `true`/`false`; `None` for `null`, arrays and objects.
    #[must_use]
    pub fn to_text(&self) -> Option<String> {
        lenient::to_text(&self.value)
    }

    /// A whole number, from a JSON number or a numeric string such as `"1042"`.
    #[must_use]
    pub fn integer(&self) -> Option<i64> {
        lenient::integer(&self.value)
    }

    /// A finite number, from a JSON number or a numeric string.
    #[must_use]
    pub fn number(&self) -> Option<f64> {
        lenient::number(&self.value)
    }

    /// A boolean, from `true`/`false`, `"True"`/`"False"` (any letter case) or `1`/`0`.
    #[must_use]
    pub fn boolean(&self) -> Option<bool> {
        lenient::boolean(&self.value)
    }

    /// A date, from text such as `2023-05-15T09:12:44` (see [`parse_date`](super::parse_date)).
    #[must_use]
    pub fn date(&self) -> Option<DateTime> {
        lenient::date(&self.value)
    }
}

// Written by hand so that only a JSON object is a field: the derived version would also
// accept `["Ticket ID", 1042]`, which hides a reply of the wrong shape.
impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(r#"a Track-It! field, an object like {"DisplayName": "Ticket ID", "Value": 1042}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        let mut display_name: Option<String> = None;
        let mut value: Option<Value> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "DisplayName" if display_name.is_some() => return Err(de::Error::duplicate_field("DisplayName")),
                "DisplayName" => display_name = Some(map.next_value()?),
                "Value" if value.is_some() => return Err(de::Error::duplicate_field("Value")),
                "Value" => value = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let display_name = display_name.ok_or_else(|| de::Error::missing_field("DisplayName"))?;
        Ok(Field { display_name, value: value.unwrap_or(Value::Null) })
    }
}

/// A Track-It! record as a field bag: `{"1": {"DisplayName": "Ticket ID", "Value": 1042}, …}`.
///
/// Every field is kept, in the server's order, including fields this crate has no name for
/// and keys that are not sequence numbers, so a bag serializes back to the JSON it came from.
/// Fields are found by sequence number (stable when an administrator renames a field) or by
/// display name (see [`FieldKey`]). The value readers are lenient the way Track-It! needs:
/// ids may come as numeric strings, booleans as `"True"`/`"False"`, dates as ISO text.
///
/// The reply of `GET module/{n}/fields` is a bag too, without values.
///
/// ```
/// use trackit_runtime::records::FieldBag;
///
/// let bag: FieldBag = serde_json::from_str(
///     r#"{
///         "1": {"DisplayName": "Ticket ID", "Value": "1042"},
///         "12": {"DisplayName": "Open Date & Time", "Value": "2023-05-15T09:12:44"},
///         "22": {"DisplayName": "Short Description", "Value": "Printer jams"},
///         "180": {"DisplayName": "Urgent", "Value": "True"}
///     }"#,
/// )?;
/// assert_eq!(bag.integer(1), Some(1042));
/// assert_eq!(bag.text(22), Some("Printer jams")); // by sequence, whatever the field is called
/// assert_eq!(bag.text("short description"), Some("Printer jams")); // by name, any case
/// assert_eq!(bag.boolean("Urgent"), Some(true));
/// assert_eq!(bag.date(12).map(|opened| opened.hour()), Some(9));
/// assert_eq!(bag.sequence_of("Urgent"), Some(180));
/// assert_eq!(bag.len(), 4);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldBag {
    fields: IndexMap<String, Field>,
}

impl FieldBag {
    /// An empty bag.
    #[must_use]
    pub fn new() -> Self {
        FieldBag::default()
    }

    /// The field `key` names, when the bag has it.
    pub fn get(&self, key: impl FieldKey) -> Option<&Field> {
        key.find_in(self)
    }

    /// Whether the bag has the field `key` names (with any value, `null` too).
    pub fn contains(&self, key: impl FieldKey) -> bool {
        self.get(key).is_some()
    }

    /// The value of a field; `None` when the field is absent or `null`.
    pub fn value(&self, key: impl FieldKey) -> Option<&Value> {
        self.get(key).and_then(Field::non_null)
    }

    /// The value of a field when it is a string.
    pub fn text(&self, key: impl FieldKey) -> Option<&str> {
        self.get(key).and_then(Field::text)
    }

    /// The value of a field as text, whatever scalar it is (see [`Field::to_text`]).
    pub fn to_text(&self, key: impl FieldKey) -> Option<String> {
        self.get(key).and_then(Field::to_text)
    }

    /// The value of a field as a whole number, from a number or a numeric string.
    pub fn integer(&self, key: impl FieldKey) -> Option<i64> {
        self.get(key).and_then(Field::integer)
    }

    /// The value of a field as a finite number, from a number or a numeric string.
    pub fn number(&self, key: impl FieldKey) -> Option<f64> {
        self.get(key).and_then(Field::number)
    }

    /// The value of a field as a boolean (see [`Field::boolean`]).
    pub fn boolean(&self, key: impl FieldKey) -> Option<bool> {
        self.get(key).and_then(Field::boolean)
    }

    /// The value of a field as a date (see [`parse_date`](super::parse_date)).
    pub fn date(&self, key: impl FieldKey) -> Option<DateTime> {
        self.get(key).and_then(Field::date)
    }

    /// The sequence number of the field with this display name (exact match first, then
    /// ignoring ASCII letter case).
    #[must_use]
    pub fn sequence_of(&self, display_name: &str) -> Option<u32> {
        self.position_of(display_name)
            .and_then(|index| self.fields.get_index(index))
            .and_then(|(key, _)| parse_sequence(key))
    }

    /// Every field in the server's order, with its sequence number (`None` for a key that is
    /// not one).
    pub fn iter(&self) -> impl Iterator<Item = (Option<u32>, &Field)> {
        self.fields.iter().map(|(key, field)| (parse_sequence(key), field))
    }

    /// Every field in the server's order, with the key exactly as the server wrote it.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Field)> {
        self.fields.iter().map(|(key, field)| (key.as_str(), field))
    }

    /// How many fields the bag holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the bag holds no field.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Sets the field at `sequence`, replacing its display name and value when the bag has it
    /// already (it keeps its place) or adding it at the end.
    pub fn insert(&mut self, sequence: u32, display_name: impl Into<String>, value: Value) {
        self.fields.insert(sequence.to_string(), Field::new(display_name, value));
    }

    /// Removes the field at `sequence`, keeping the order of the others.
    pub fn remove(&mut self, sequence: u32) -> Option<Field> {
        self.fields.shift_remove(sequence.to_string().as_str())
    }

    pub(super) fn by_sequence(&self, sequence: u32) -> Option<&Field> {
        self.fields.get(sequence.to_string().as_str())
    }

    pub(super) fn by_display_name(&self, display_name: &str) -> Option<&Field> {
        self.position_of(display_name).and_then(|index| self.fields.get_index(index)).map(|(_, field)| field)
    }

    fn position_of(&self, display_name: &str) -> Option<usize> {
        let names = || self.fields.values().map(|field| field.display_name.as_str());
        names()
            .position(|name| name == display_name)
            .or_else(|| names().position(|name| name.eq_ignore_ascii_case(display_name)))
    }
}

impl FromIterator<(u32, Field)> for FieldBag {
    fn from_iter<Fields: IntoIterator<Item = (u32, Field)>>(fields: Fields) -> Self {
        FieldBag { fields: fields.into_iter().map(|(sequence, field)| (sequence.to_string(), field)).collect() }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// A trimmed copy of `examples/Ticket_Get.json`.
    const TICKET: &str = r#"{
        "1": {"DisplayName": "Ticket ID", "Value": 1042},
        "2": {"DisplayName": "Last Modified", "Value": "2023-05-16T14:07:31"},
        "12": {"DisplayName": "Open Date & Time", "Value": "2023-05-15T09:12:44"},
        "18": {"DisplayName": "Close Date & Time", "Value": null},
        "20": {"DisplayName": "Call Counter", "Value": "1"},
        "22": {"DisplayName": "Ticket Summary", "Value": "Docking station does not detect second monitor"},
        "84": {"DisplayName": "Custom Numeric 1", "Value": "12.5"},
        "96": {"DisplayName": "Status", "Value": "Open"},
        "107": {"DisplayName": "Priority", "Value": "2 - High"},
        "201": {"DisplayName": "VIP", "Value": "False"}
    }"#;

    fn ticket() -> FieldBag {
        serde_json::from_str(TICKET).expect("the example bag reads")
    }

    #[test]
    fn fields_are_found_by_sequence_and_by_name_in_any_case() {
        let bag = ticket();
        assert_eq!(bag.text(22), Some("Docking station does not detect second monitor"));
        assert_eq!(bag.text("Ticket Summary"), bag.text(22));
        assert_eq!(bag.text("ticket summary"), bag.text(22));
        assert_eq!(bag.text(String::from("TICKET SUMMARY")), bag.text(22));
        assert_eq!(bag.get(96).map(|field| field.display_name.as_str()), Some("Status"));
        assert_eq!(bag.sequence_of("priority"), Some(107));
        assert_eq!(bag.get(23), None);
        assert_eq!(bag.get("Summary"), None);
        assert_eq!(bag.get(u32::MAX), None);
    }

    #[test]
    fn an_exact_name_wins_over_a_case_insensitive_one() {
        let bag: FieldBag = serde_json::from_value(json!({
            "5": {"DisplayName": "status", "Value": "lower"},
            "96": {"DisplayName": "Status", "Value": "exact"}
        }))
        .expect("reads");
        assert_eq!(bag.text("Status"), Some("exact"));
        assert_eq!(bag.text("status"), Some("lower"));
        assert_eq!(bag.text("STATUS"), Some("lower"));
    }

    #[test]
    fn values_are_read_leniently() {
        let bag = ticket();
        assert_eq!(bag.integer(1), Some(1042));
        assert_eq!(bag.integer("Call Counter"), Some(1));
        assert_eq!(bag.number(84), Some(12.5));
        assert_eq!(bag.boolean("VIP"), Some(false));
        assert_eq!(bag.to_text(1).as_deref(), Some("1042"));
        assert_eq!(bag.text(1), None);
        let opened = bag.date(12).expect("open date");
        assert_eq!((opened.year(), u8::from(opened.month()), opened.day(), opened.hour()), (2023, 5, 15, 9));
        assert_eq!(bag.date(22), None);
    }

    #[test]
    fn null_values_count_as_absent_but_the_field_is_there() {
        let bag = ticket();
        assert!(bag.contains(18));
        assert_eq!(bag.value(18), None);
        assert_eq!(bag.date(18), None);
        assert_eq!(bag.get(18).map(|field| &field.value), Some(&Value::Null));
        assert_eq!(bag.value(96), Some(&json!("Open")));
    }

    #[test]
    fn a_renamed_display_name_is_still_found_by_sequence() {
        let bag: FieldBag =
            serde_json::from_value(json!({"22": {"DisplayName": "Issue", "Value": "No network"}})).expect("reads");
        assert_eq!(bag.text(22), Some("No network"));
        assert_eq!(bag.text((22, "Ticket Summary")), Some("No network"));
        assert_eq!(bag.text("Ticket Summary"), None);
    }

    #[test]
    fn sequence_and_name_keys_prefer_the_field_carrying_the_name() {
        // A server that numbers its fields differently: 22 is something else.
        let bag: FieldBag = serde_json::from_value(json!({
            "22": {"DisplayName": "Department", "Value": "Finance"},
            "23": {"DisplayName": "Ticket Summary", "Value": "No network"}
        }))
        .expect("reads");
        assert_eq!(bag.text((22, "Ticket Summary")), Some("No network"));
        assert_eq!(bag.text((24, "Ticket Summary")), Some("No network"));
        assert_eq!(bag.text((22, "Department")), Some("Finance"));
        assert_eq!(bag.text((30, "Nothing")), None);
    }

    #[test]
    fn module_field_lists_read_without_values() {
        let fields: FieldBag = serde_json::from_value(json!({
            "1": {"DisplayName": "Ticket ID"},
            "22": {"DisplayName": "Ticket Summary"}
        }))
        .expect("reads");
        assert_eq!(fields.len(), 2);
        assert_eq!(fields.sequence_of("Ticket Summary"), Some(22));
        assert_eq!(fields.value(22), None);
    }

    #[test]
    fn unknown_fields_and_odd_keys_survive_a_round_trip_in_order() {
        let original = json!({
            "900": {"DisplayName": "Custom Thing", "Value": {"nested": [1, 2]}},
            "1": {"DisplayName": "Ticket ID", "Value": 1042},
            "Extra": {"DisplayName": "Not a sequence", "Value": "kept"},
            "007": {"DisplayName": "Leading zero", "Value": true}
        });
        let bag: FieldBag = serde_json::from_value(original.clone()).expect("reads");
        let sequences: Vec<Option<u32>> = bag.iter().map(|(sequence, _)| sequence).collect();
        assert_eq!(sequences, [Some(900), Some(1), None, None]);
        assert_eq!(bag.text("not a sequence"), Some("kept"));
        let written = serde_json::to_string(&bag).expect("writes");
        assert_eq!(written, serde_json::to_string(&original).expect("writes"));
    }

    #[test]
    fn extra_keys_inside_a_field_are_ignored() {
        let bag: FieldBag =
            serde_json::from_value(json!({"1": {"Type": "Integer", "Value": 3, "DisplayName": "Ticket ID"}}))
                .expect("reads");
        assert_eq!(bag.get(1), Some(&Field::new("Ticket ID", json!(3))));
    }

    #[test]
    fn entries_that_are_not_fields_are_refused_with_a_clear_error() {
        let cases = [
            (json!({"1": "Ticket ID"}), "expected a Track-It! field"),
            (json!({"1": ["Ticket ID", 1042]}), "expected a Track-It! field"),
            (json!({"1": {"Value": 1042}}), "missing field `DisplayName`"),
            (json!({"1": {"DisplayName": 7, "Value": 1042}}), "invalid type: integer `7`"),
            (json!([{"DisplayName": "Ticket ID"}]), "expected a map"),
            (json!("bag"), "expected a map"),
        ];
        for (input, expected) in cases {
            let error = serde_json::from_value::<FieldBag>(input.clone()).expect_err("must be refused");
            assert!(error.to_string().contains(expected), "{input}: {error}");
        }
        let duplicated = r#"{"1": {"DisplayName": "A", "DisplayName": "B"}}"#;
        let error = serde_json::from_str::<FieldBag>(duplicated).expect_err("duplicate key");
        assert!(error.to_string().contains("duplicate field `DisplayName`"), "{error}");
    }

    #[test]
    fn insert_replaces_in_place_and_appends_new_fields() {
        let mut bag = ticket();
        bag.insert(96, "Status", json!("Closed"));
        bag.insert(500, "Custom", json!(1));
        assert_eq!(bag.text(96), Some("Closed"));
        assert_eq!(bag.iter().position(|(sequence, _)| sequence == Some(96)), Some(7));
        assert_eq!(bag.iter().last().map(|(sequence, _)| sequence), Some(Some(500)));
        assert_eq!(bag.remove(500).map(|field| field.value), Some(json!(1)));
        assert_eq!(bag.len(), 10);

        let built: FieldBag = [(1, Field::new("Ticket ID", json!(7)))].into_iter().collect();
        assert_eq!(
            serde_json::to_value(&built).expect("writes"),
            json!({"1": {"DisplayName": "Ticket ID", "Value": 7}})
        );
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
            prop_oneof![Just("DisplayName"), Just("Value"), Just("1")].prop_map(|key| Value::String(key.to_owned())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(
                    (prop_oneof!["\\PC{0,8}", Just("DisplayName".to_owned()), Just("Value".to_owned())], inner),
                    0..6
                )
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    fn valid_bag() -> impl Strategy<Value = Value> {
        let value = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::from),
            prop::collection::vec(any::<i32>(), 0..3).prop_map(Value::from),
        ];
        let key = prop_oneof![any::<u32>().prop_map(|sequence| sequence.to_string()), "\\PC{0,6}"];
        prop::collection::vec((key, "\\PC{0,16}", value), 0..12).prop_map(|fields| {
            Value::Object(
                fields
                    .into_iter()
                    .map(|(key, name, value)| (key, json!({"DisplayName": name, "Value": value})))
                    .collect(),
            )
        })
    }

    proptest! {
        #[test]
        fn reading_any_json_never_panics(input in any_json()) {
            let text = input.to_string();
            if let Ok(bag) = serde_json::from_str::<FieldBag>(&text) {
                // Exercise every reader on whatever came through.
                for (sequence, field) in bag.iter() {
                    let _ = (field.to_text(), field.integer(), field.number(), field.boolean(), field.date());
                    if let Some(sequence) = sequence {
                        prop_assert!(bag.get(sequence).is_some());
                    }
                    prop_assert!(bag.get(field.display_name.as_str()).is_some());
                }
            }
            let _ = serde_json::from_value::<FieldBag>(input);
        }

        #[test]
        fn valid_bags_round_trip(input in valid_bag()) {
            let bag: FieldBag = serde_json::from_value(input.clone()).map_err(|error| TestCaseError::fail(error.to_string()))?;
            let written = serde_json::to_value(&bag).map_err(|error| TestCaseError::fail(error.to_string()))?;
            // Compare the text so that key order counts too.
            prop_assert_eq!(written.to_string(), input.to_string());
        }
    }
}
