//! API operations, one file per controller family, plus the paging and envelope helpers
//! they share.

pub(crate) mod assignments;
mod input;
pub(crate) mod other;
mod records;
pub(crate) mod tickets;

use serde_json::{Value, json};

/// Track-It!'s path paging: `pageSize` 0 (or less) returns everything; otherwise
/// `pageNumber` is 1-based and 0 is read as the first page.
pub(crate) fn page<T>(items: Vec<T>, page_size: i32, page_number: i32) -> Vec<T> {
    let Ok(size) = usize::try_from(page_size) else { return items };
    if size == 0 {
        return items;
    }
    let index = usize::try_from(page_number.max(1) - 1).unwrap_or_default();
    items.into_iter().skip(index.saturating_mul(size)).take(size).collect()
}

/// `{"Count": total, "<key>": [page…]}`, where `Count` is the total before paging.
pub(crate) fn paged_envelope(key: &str, items: Vec<Value>, page_size: i32, page_number: i32) -> Value {
    let total = items.len();
    json!({"Count": total, key: page(items, page_size, page_number)})
}

/// Cuts text to `max_chars` characters when positive (`-1`, the default, keeps it whole).
pub(crate) fn truncated(text: &str, max_chars: i32) -> String {
    match usize::try_from(max_chars) {
        Ok(max) if max > 0 => text.chars().take(max).collect(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_one_based_with_zero_meaning_all() {
        let items: Vec<i32> = (1..=5).collect();
        assert_eq!(page(items.clone(), 0, 0), items);
        assert_eq!(page(items.clone(), 2, 1), [1, 2]);
        assert_eq!(page(items.clone(), 2, 0), [1, 2]);
        assert_eq!(page(items.clone(), 2, 3), [5]);
        assert!(page(items, 2, 4).is_empty());
    }

    #[test]
    fn truncation_keeps_whole_text_by_default() {
        assert_eq!(truncated("abcdef", -1), "abcdef");
        assert_eq!(truncated("abcdef", 0), "abcdef");
        assert_eq!(truncated("abcdéf", 5), "abcdé");
    }
}
