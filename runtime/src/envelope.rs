//! Reading the members that matter out of Track-It!'s reply envelopes (`{"Ticket": {…}}`,
//! `{"Count": n, "Notes": […]}`) straight from the JSON, skipping the others unbuilt.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

/// Finds one member of a JSON object and decodes it as `T`; `None` when it is absent.
pub(crate) struct Member<T> {
    key: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T> Member<T> {
    pub(crate) fn new(key: &'static str) -> Self {
        Self { key, value: PhantomData }
    }
}

// Derived `Clone` would demand `T: Clone`.
impl<T> Clone for Member<T> {
    fn clone(&self) -> Self {
        Self::new(self.key)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Member<T> {
    type Value = Option<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Member<T> {
    type Value = Option<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "a JSON object with a `{}` member", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key_seed(KeyAmong([self.key]))? {
            if key.is_none() {
                map.next_value::<IgnoredAny>()?;
            } else if found.is_some() {
                return Err(de::Error::duplicate_field(self.key));
            } else {
                found = Some(map.next_value()?);
            }
        }
        Ok(found)
    }
}

/// A page envelope's two members as they were found: the total and the items.
pub(crate) struct PageParts<T> {
    pub(crate) count: Option<u64>,
    pub(crate) items: Option<Vec<T>>,
}

/// Reads `{"<count>": n, "<items>": […]}`; either may be absent or `null`.
pub(crate) struct PageEnvelope<T> {
    items: &'static str,
    count: &'static str,
    item: PhantomData<fn() -> T>,
}

impl<T> PageEnvelope<T> {
    pub(crate) fn new(items: &'static str, count: &'static str) -> Self {
        Self { items, count, item: PhantomData }
    }
}

impl<T> Clone for PageEnvelope<T> {
    fn clone(&self) -> Self {
        Self::new(self.items, self.count)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for PageEnvelope<T> {
    type Value = PageParts<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageEnvelope<T> {
    type Value = PageParts<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "a JSON object with `{}` and `{}` members", self.count, self.items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut count, mut items) = (None, None);
        let (mut seen_count, mut seen_items) = (false, false);
        while let Some(key) = map.next_key_seed(KeyAmong([self.count, self.items]))? {
            match key {
                Some(0) if seen_count => return Err(de::Error::duplicate_field(self.count)),
                Some(0) => {
                    seen_count = true;
                    count = map.next_value_seed(Count)?;
                }
                Some(_) if seen_items => return Err(de::Error::duplicate_field(self.items)),
                Some(_) => {
                    seen_items = true;
                    items = map.next_value::<Option<Vec<T>>>()?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(PageParts { count, items })
    }
}

/// Reads an object key and says which of the wanted ones it is, if any.
struct KeyAmong<const N: usize>([&'static str; N]);

impl<'de, const N: usize> DeserializeSeed<'de> for KeyAmong<N> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<const N: usize> Visitor<'_> for KeyAmong<N> {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        // Track-It! spells its keys in one case, but a proxy or another release might not.
        Ok(self.0.iter().position(|wanted| wanted.eq_ignore_ascii_case(key)))
    }
}

/// A total as Track-It! sends it: a number, a numeric string, or `null`.
struct Count;

impl<'de> DeserializeSeed<'de> for Count {
    type Value = Option<u64>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Visitor<'_> for Count {
    type Value = Option<u64>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a count of items: a non-negative whole number, possibly as a string")
    }

    fn visit_u64<E: de::Error>(self, count: u64) -> Result<Self::Value, E> {
        Ok(Some(count))
    }

    fn visit_i64<E: de::Error>(self, count: i64) -> Result<Self::Value, E> {
        u64::try_from(count).map(Some).map_err(|_| E::invalid_value(de::Unexpected::Signed(count), &self))
    }

    // The casts are exact: `count` is checked to be a whole number within `u64`'s range first.
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn visit_f64<E: de::Error>(self, count: f64) -> Result<Self::Value, E> {
        // `2.0` is a whole number written by a serializer that knows only doubles.
        if count.is_finite() && count >= 0.0 && count.fract() == 0.0 && count <= u64::MAX as f64 {
            Ok(Some(count as u64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(count), &self))
        }
    }

    fn visit_str<E: de::Error>(self, count: &str) -> Result<Self::Value, E> {
        let trimmed = count.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        trimmed.parse().map(Some).map_err(|_| E::invalid_value(de::Unexpected::Str(count), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn member(json: &str, key: &'static str) -> Result<Option<Value>, serde_json::Error> {
        Member::new(key).deserialize(&mut serde_json::Deserializer::from_str(json))
    }

    fn page(json: &str) -> Result<PageParts<Value>, serde_json::Error> {
        PageEnvelope::new("Notes", "Count").deserialize(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn a_member_is_picked_and_the_rest_skipped() {
        let found = member(r#"{"Other":[1,{"x":2}],"Ticket":{"1":{"Value":7}},"Tail":"t"}"#, "Ticket").expect("reads");
        assert_eq!(found, Some(json!({"1":{"Value":7}})));
        assert_eq!(member(r#"{"Tickets":{}}"#, "Ticket").expect("reads"), None);
        assert_eq!(member(r#"{"Ticket":null}"#, "Ticket").expect("reads"), Some(Value::Null));
        let escaped = member(r#"{"Tick\u0065t":1}"#, "Ticket").expect("escaped keys compare unescaped");
        assert_eq!(escaped, Some(json!(1)));
        assert_eq!(member(r#"{"ticket":2}"#, "Ticket").expect("reads"), Some(json!(2)));
    }

    #[test]
    fn a_member_envelope_must_be_an_object_without_duplicates() {
        let error = member("[1]", "Ticket").expect_err("not an object");
        assert!(error.to_string().contains("a JSON object with a `Ticket` member"), "{error}");
        let error = member(r#"{"Ticket":1,"Ticket":2}"#, "Ticket").expect_err("duplicate");
        assert!(error.to_string().contains("duplicate field `Ticket`"), "{error}");
    }

    #[test]
    fn counts_come_as_numbers_or_strings() {
        for (json, expected) in [
            (r#"{"Count":3}"#, Some(3)),
            (r#"{"Count":"12"}"#, Some(12)),
            (r#"{"Count":" 4 "}"#, Some(4)),
            (r#"{"Count":2.0}"#, Some(2)),
            (r#"{"Count":null}"#, None),
            (r#"{"Count":""}"#, None),
            (r"{}", None),
        ] {
            assert_eq!(page(json).expect(json).count, expected, "{json}");
        }
        for json in [r#"{"Count":-1}"#, r#"{"Count":"many"}"#, r#"{"Count":1.5}"#, r#"{"Count":true}"#] {
            assert!(page(json).is_err(), "{json}");
        }
    }

    #[test]
    fn items_may_be_absent_or_null() {
        assert!(page(r#"{"Count":0}"#).expect("reads").items.is_none());
        assert!(page(r#"{"Count":0,"Notes":null}"#).expect("reads").items.is_none());
        let parts = page(r#"{"Notes":[{"a":1},2],"Count":"2","Extra":{}}"#).expect("reads");
        assert_eq!(parts.items, Some(vec![json!({"a":1}), json!(2)]));
        assert!(page(r#"{"Notes":[],"Notes":[]}"#).is_err());
    }
}
