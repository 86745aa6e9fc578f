//! Track-It! field bags: records keyed by field sequence number, each field a
//! `{"DisplayName":…,"Value":…}` pair, and the per-module field catalogue.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::SeedError;

/// One field of a record.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub display_name: String,
    pub value: Value,
}

/// A record as Track-It! returns it. Fields stay sorted by sequence number, the order the
/// server emits them in.
#[derive(Clone, Debug, Default)]
pub(crate) struct FieldBag {
    fields: BTreeMap<u32, Field>,
}

impl FieldBag {
    /// Reads `{"1":{"DisplayName":"Ticket ID","Value":1042},…}` from a fixture.
    pub fn parse(bag: &Value, fixture: &'static str) -> Result<FieldBag, SeedError> {
        let bad = |reason: &str| SeedError::Malformed { fixture, reason: reason.to_owned() };
        let entries = bag.as_object().ok_or_else(|| bad("field bag is not an object"))?;
        let mut fields = BTreeMap::new();
        for (key, field) in entries {
            let seq = key.parse::<u32>().map_err(|_| bad("field key is not a sequence number"))?;
            let display_name =
                field.get("DisplayName").and_then(Value::as_str).ok_or_else(|| bad("field has no DisplayName"))?;
            let value = field.get("Value").cloned().unwrap_or(Value::Null);
            fields.insert(seq, Field { display_name: display_name.to_owned(), value });
        }
        Ok(FieldBag { fields })
    }

    /// A record holding every catalogue field, all null.
    pub fn empty_from(catalog: &Catalog) -> FieldBag {
        let mut bag = FieldBag::default();
        for (seq, display_name) in &catalog.fields {
            bag.set(*seq, display_name, Value::Null);
        }
        bag
    }

    pub fn value(&self, seq: u32) -> &Value {
        self.fields.get(&seq).map_or(&Value::Null, |field| &field.value)
    }

    pub fn text(&self, seq: u32) -> Option<&str> {
        self.value(seq).as_str()
    }

    pub fn integer(&self, seq: u32) -> Option<i64> {
        self.value(seq).as_i64()
    }

    /// Sets a field, keeping its display name if the record already has it.
    pub fn set(&mut self, seq: u32, display_name: &str, value: Value) {
        self.fields
            .entry(seq)
            .and_modify(|field| field.value = value.clone())
            .or_insert_with(|| Field { display_name: display_name.to_owned(), value });
    }

    /// Replaces the value of a field the record is known to have.
    pub fn set_value(&mut self, seq: u32, value: Value) {
        if let Some(field) = self.fields.get_mut(&seq) {
            field.value = value;
        }
    }

    pub fn fields(&self) -> impl Iterator<Item = (u32, &Field)> {
        self.fields.iter().map(|(seq, field)| (*seq, field))
    }

    /// The whole bag as JSON.
    pub fn to_json(&self) -> Value {
        self.to_json_where(|_, _| true)
    }

    /// Only the fields whose value is not null (what assignment GETs return).
    pub fn to_json_non_null(&self) -> Value {
        self.to_json_where(|_, field| !field.value.is_null())
    }

    /// Only the listed sequence numbers, for compact replies.
    pub fn to_json_only(&self, seqs: &[u32]) -> Value {
        self.to_json_where(|seq, _| seqs.contains(&seq))
    }

    pub fn to_json_where(&self, keep: impl Fn(u32, &Field) -> bool) -> Value {
        let mut out = Map::new();
        for (seq, field) in self.fields().filter(|(seq, field)| keep(*seq, field)) {
            out.insert(seq.to_string(), json!({"DisplayName": field.display_name, "Value": field.value}));
        }
        Value::Object(out)
    }
}

/// The fields a module defines, by sequence number.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    fields: BTreeMap<u32, String>,
}

impl Catalog {
    /// Adds every field of `bag` (first display name wins).
    pub fn learn_from(&mut self, bag: &FieldBag) {
        for (seq, field) in bag.fields() {
            self.fields.entry(seq).or_insert_with(|| field.display_name.clone());
        }
    }

    /// Resolves a `Properties` key: a sequence number, or a display name compared
    /// case-insensitively.
    pub fn resolve(&self, key: &str) -> Option<(u32, &str)> {
        let trimmed = key.trim();
        if let Ok(seq) = trimmed.parse::<u32>() {
            return self.fields.get(&seq).map(|name| (seq, name.as_str()));
        }
        self.fields.iter().find(|(_, name)| name.eq_ignore_ascii_case(trimmed)).map(|(seq, name)| (*seq, name.as_str()))
    }

    pub fn display_name(&self, seq: u32) -> &str {
        self.fields.get(&seq).map_or("", String::as_str)
    }

    /// `GET /module/{n}/fields` shape: `{"1":{"DisplayName":"Ticket ID"},…}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (seq, name) in &self.fields {
            out.insert(seq.to_string(), json!({"DisplayName": name}));
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FieldBag {
        let json = json!({"22":{"DisplayName":"Ticket Summary","Value":"x"},"1":{"DisplayName":"Ticket ID","Value":7},"7":{"DisplayName":"Additional Information","Value":null}});
        FieldBag::parse(&json, "test").expect("valid bag")
    }

    #[test]
    fn keeps_numeric_order_and_filters_nulls() {
        let bag = sample();
        let keys: Vec<String> = bag.to_json().as_object().expect("object").keys().cloned().collect();
        assert_eq!(keys, ["1", "7", "22"]);
        assert_eq!(bag.to_json_non_null().as_object().map(Map::len), Some(2));
        assert_eq!(bag.to_json_only(&[22])["22"]["Value"], "x");
    }

    #[test]
    fn catalog_resolves_names_and_sequences() {
        let mut catalog = Catalog::default();
        catalog.learn_from(&sample());
        assert_eq!(catalog.resolve("ticket summary"), Some((22, "Ticket Summary")));
        assert_eq!(catalog.resolve("7"), Some((7, "Additional Information")));
        assert_eq!(catalog.resolve("Nope"), None);
        assert_eq!(catalog.resolve("99"), None);
    }
}
