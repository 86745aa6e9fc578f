//! One page of a paged Track-It! list: `{"Count": n, "Notes": [...]}`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::lenient;

/// One page of a paged list, as the list endpoints return it: `{"Count": 2, "Notes": [...]}`.
///
/// The list's key differs per endpoint (`Notes`, `Attachments`, `Assignments`,
/// `SearchResults`, …) and is not documented, so the first array in the reply is taken,
/// whatever its key. A missing or `null` list is an empty page; a reply that is a bare array
/// is a page of it.
///
/// ```
/// use trackit_runtime::records::{Page, Record};
///
/// let page: Page<Record> = serde_json::from_str(
///     r#"{"Count": 12, "Attachments": [{"1": {"DisplayName": "File Name", "Value": "dock.jpg"}}]}"#,
/// )?;
/// assert_eq!(page.count, 12);
/// for attachment in &page {
///     assert_eq!(attachment.text("File Name"), Some("dock.jpg"));
/// }
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// `Count`: how many items the whole list has, on all pages (the number of items on this
    /// page when the server sent no count).
    pub count: u64,
    /// The items on this page, in the server's order.
    pub items: Vec<T>,
}

impl<T> Page<T> {
    /// How many items this page holds (not the whole list: see [`Page::count`]).
    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether this page holds no item.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items on this page.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The items on this page, to change in place.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { count: 0, items: Vec::new() }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'page, T> IntoIterator for &'page Page<T> {
    type Item = &'page T;
    type IntoIter = std::slice::Iter<'page, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'page, T> IntoIterator for &'page mut Page<T> {
    type Item = &'page mut T;
    type IntoIter = std::slice::IterMut<'page, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

// Items are read straight from the reply (no detour through `serde_json::Value`), so a
// decoding error inside an item keeps its path, e.g. `Notes[1].6`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(r#"a page of a Track-It! list, like {"Count": 2, "Notes": [...]}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut count: Option<u64> = None;
        let mut items: Option<Vec<T>> = None;
        while let Some(key) = map.next_key::<String>()? {
            if key.eq_ignore_ascii_case("Count") {
                let value: Value = map.next_value()?;
                count = read_count(&value).map_err(de::Error::custom)?;
            } else if items.is_none() {
                items = map.next_value_seed(ListSeed(PhantomData))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let items = items.unwrap_or_default();
        let count = count.unwrap_or(items.len() as u64);
        Ok(Page { count, items })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Page<T>, A::Error> {
        let items = collect(seq)?;
        Ok(Page { count: items.len() as u64, items })
    }
}

/// `Count` as a number or a numeric string; `null` counts as absent.
fn read_count(value: &Value) -> Result<Option<u64>, String> {
    if value.is_null() {
        return Ok(None);
    }
    lenient::integer(value)
        .and_then(|count| u64::try_from(count).ok())
        .map(Some)
        .ok_or_else(|| format!("`Count` must be a whole number of items, not {value}"))
}

/// Reads a value that may be the list: an array gives its items; anything else is skipped.
struct ListSeed<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ListSeed<T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListSeed<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of records, or any other value to skip")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        collect(seq).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

fn collect<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<T>, A::Error> {
    // The size hint comes from the input; cap it so a lying hint cannot reserve a huge buffer.
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
    while let Some(item) = seq.next_element()? {
        items.push(item);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{FieldBag, Record};
    use super::*;

    fn page(reply: Value) -> Result<Page<Record>, serde_json::Error> {
        serde_json::from_value(reply)
    }

    #[test]
    fn the_first_list_is_the_page_whatever_its_key() {
        let reply = json!({
            "Count": 40,
            "SearchResults": [{"1": {"DisplayName": "Ticket ID", "Value": 1042}}, {}],
            "Other": [1, 2, 3]
        });
        let results = page(reply).expect("reads");
        assert_eq!(results.count, 40);
        assert_eq!(results.len(), 2);
        assert_eq!(results.items[0].integer(1), Some(1042));
        assert!(results.items[1].is_empty());
    }

    #[test]
    fn count_may_come_last_as_a_string_or_not_at_all() {
        let late = page(json!({"Notes": [{}], "Count": "5"})).expect("reads");
        assert_eq!((late.count, late.len()), (5, 1));
        let uncounted = page(json!({"Attachments": [{}, {}]})).expect("reads");
        assert_eq!(uncounted.count, 2);
        let null_count = page(json!({"Count": null, "Notes": []})).expect("reads");
        assert_eq!(null_count.count, 0);
        let lowercase = page(json!({"count": 3, "Notes": []})).expect("reads");
        assert_eq!(lowercase.count, 3);
    }

    #[test]
    fn empty_pages_come_in_several_shapes() {
        for reply in [json!({"Count": 0}), json!({"Count": 0, "Notes": null}), json!({}), json!([])] {
            let empty = page(reply.clone()).expect("reads");
            assert!(empty.is_empty(), "{reply}");
            assert_eq!(empty, Page::default());
        }
        let bare = page(json!([{"1": {"DisplayName": "Note ID", "Value": 1}}])).expect("reads");
        assert_eq!((bare.count, bare.len()), (1, 1));
    }

    #[test]
    fn bad_counts_and_bad_items_are_errors_not_panics() {
        for bad_count in [json!(-1), json!("many"), json!(1.5), json!([2])] {
            let error = page(json!({"Count": bad_count, "Notes": []})).expect_err("bad count");
            assert!(error.to_string().contains("`Count` must be a whole number"), "{error}");
        }
        let error = page(json!({"Count": 1, "Notes": ["not a bag"]})).expect_err("bad item");
        assert!(error.to_string().contains("expected a map"), "{error}");
        let error = page(json!("Notes")).expect_err("not a page");
        assert!(error.to_string().contains("a page of a Track-It! list"), "{error}");
    }

    #[test]
    fn an_item_error_keeps_its_path() {
        let text = r#"{"Count": 2, "Notes": [{}, {"6": {"Value": "no name"}}]}"#;
        let mut reader = serde_json::Deserializer::from_str(text);
        let error = serde_path_to_error::deserialize::<_, Page<FieldBag>>(&mut reader).expect_err("bad item");
        assert_eq!(error.path().to_string(), "Notes[1].6");
    }

    #[test]
    fn a_page_iterates_owned_and_borrowed() {
        let mut notes = page(json!({"Count": 3, "Notes": [{}, {}]})).expect("reads");
        assert_eq!(notes.iter().count(), 2);
        assert_eq!((&notes).into_iter().count(), 2);
        for bag in &mut notes {
            bag.insert(6, "Note", json!("edited"));
        }
        let texts: Vec<String> = notes.into_iter().filter_map(|bag| bag.to_text(6)).collect();
        assert_eq!(texts, ["edited", "edited"]);
    }
}
