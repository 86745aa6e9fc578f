//! YAML read straight into JSON values.
//!
//! YAML's data model is larger than JSON's, and real documents use the difference: keys that
//! are numbers (`200:` under `responses`) become their text, tags are dropped (`!Foo x` is `x`),
//! integers beyond 64 bits become floats, and merge keys (`<<: *base`) are applied. Anchors and
//! aliases are expanded by the parser, which bounds their repetition.

use std::fmt;

use serde::de::{
    self, Deserialize, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

use super::pointer;

/// A YAML node as a JSON value.
pub(super) struct JsonFromYaml(pub Value);

impl<'de> Deserialize<'de> for JsonFromYaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor).map(JsonFromYaml)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Value, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Value, E> {
        Ok(number.into())
    }

    fn visit_u64<E>(self, number: u64) -> Result<Value, E> {
        Ok(number.into())
    }

    fn visit_i128<E: de::Error>(self, number: i128) -> Result<Value, E> {
        match (i64::try_from(number), u64::try_from(number)) {
            (Ok(small), _) => Ok(small.into()),
            (_, Ok(unsigned)) => Ok(unsigned.into()),
            // Beyond 64 bits (a .NET `long` bound written rounded up): keep it approximately.
            _ => self.visit_f64(number as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, number: u128) -> Result<Value, E> {
        match u64::try_from(number) {
            Ok(unsigned) => Ok(unsigned.into()),
            Err(_) => self.visit_f64(number as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Value, E> {
        Number::from_f64(number)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {number} cannot be represented in JSON")))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Value, E> {
        Ok(Value::String(text))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(sequence.size_hint().unwrap_or(0).min(1024));
        while let Some(JsonFromYaml(item)) = sequence.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut mapping: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(Key(key)) = mapping.next_key()? {
            let JsonFromYaml(value) = mapping.next_value()?;
            if object.contains_key(&key) {
                // Also `200:` next to `"200":`, different in YAML but the same JSON key.
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<Value, A::Error> {
        let (IgnoredAny, content) = tagged.variant::<IgnoredAny>()?;
        content.newtype_variant::<JsonFromYaml>().map(|JsonFromYaml(value)| value)
    }
}

/// A mapping key as JSON object key text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor).map(Key)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a mapping key that is text, a number or a boolean")
    }

    fn visit_bool<E>(self, flag: bool) -> Result<String, E> {
        Ok(flag.to_string())
    }

    fn visit_i64<E>(self, number: i64) -> Result<String, E> {
        Ok(number.to_string())
    }

    fn visit_u64<E>(self, number: u64) -> Result<String, E> {
        Ok(number.to_string())
    }

    fn visit_i128<E>(self, number: i128) -> Result<String, E> {
        Ok(number.to_string())
    }

    fn visit_u128<E>(self, number: u128) -> Result<String, E> {
        Ok(number.to_string())
    }

    fn visit_f64<E>(self, number: f64) -> Result<String, E> {
        Ok(number.to_string())
    }

    fn visit_str<E>(self, text: &str) -> Result<String, E> {
        Ok(text.to_owned())
    }

    fn visit_string<E>(self, text: String) -> Result<String, E> {
        Ok(text)
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_none<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<String, A::Error> {
        let (IgnoredAny, content) = tagged.variant::<IgnoredAny>()?;
        content.newtype_variant::<Key>().map(|Key(key)| key)
    }
}

/// Applies YAML merge keys: the members of the mapping (or mappings) under `<<` are added to
/// the mapping that holds it, unless it has them already. The error carries the pointer.
pub(super) fn apply_merge_keys(value: &mut Value) -> Result<(), (String, String)> {
    const MERGE_KEY: &str = "<<";
    let mut pending = vec![(value, String::new())];
    while let Some((node, at)) = pending.pop() {
        match node {
            Value::Object(object) => {
                if let Some(merged) = object.shift_remove(MERGE_KEY) {
                    let sources = match merged {
                        Value::Object(source) => vec![source],
                        Value::Array(items) => items
                            .into_iter()
                            .map(|item| match item {
                                Value::Object(source) => Ok(source),
                                _ => Err(()),
                            })
                            .collect::<Result<_, ()>>()
                            .map_err(|()| merge_error(&at))?,
                        _ => return Err(merge_error(&at)),
                    };
                    for source in sources {
                        for (key, member) in source {
                            object.entry(key).or_insert(member);
                        }
                    }
                }
                pending.extend(object.iter_mut().map(|(key, child)| (child, pointer::child(&at, key))));
            }
            Value::Array(items) => {
                pending.extend(items.iter_mut().enumerate().map(|(i, child)| (child, pointer::index(&at, i))))
            }
            _ => {}
        }
    }
    Ok(())
}

fn merge_error(at: &str) -> (String, String) {
    (pointer::child(at, "<<"), "a merge key (`<<`) takes a mapping or a list of mappings".to_owned())
}
