//! How a lookup names a field of a bag: by sequence number, by display name, or by both.

use super::bag::{Field, FieldBag};

/// Names one field of a [`FieldBag`].
///
/// - `u32`: the field's sequence number (`22`), which stays put when an administrator renames
///   the field.
/// - `str`, `String`: its display name (`"Ticket Summary"`), matched exactly first, then
///   ignoring ASCII letter case.
/// - `(u32, &str)`: a sequence number and the field's usual display name. The field at that
///   sequence is taken when it carries that name; otherwise a field with that name anywhere in
///   the bag (a server that numbers the field differently); otherwise the field at the
///   sequence under whatever name it has now (a renamed field). The typed records read their
///   fields this way.
///
/// Generated code may implement it for its own field names.
pub trait FieldKey {
    /// The field this key names in `bag`, when the bag has it.
    fn find_in<'bag>(&self, bag: &'bag FieldBag) -> Option<&'bag Field>;
}

impl FieldKey for u32 {
    fn find_in<'bag>(&self, bag: &'bag FieldBag) -> Option<&'bag Field> {
        bag.by_sequence(*self)
    }
}

impl FieldKey for str {
    fn find_in<'bag>(&self, bag: &'bag FieldBag) -> Option<&'bag Field> {
        bag.by_display_name(self)
    }
}

impl FieldKey for String {
    fn find_in<'bag>(&self, bag: &'bag FieldBag) -> Option<&'bag Field> {
        bag.by_display_name(self)
    }
}

impl FieldKey for (u32, &str) {
    fn find_in<'bag>(&self, bag: &'bag FieldBag) -> Option<&'bag Field> {
        let (sequence, usual_name) = *self;
        let at_sequence = bag.by_sequence(sequence);
        if at_sequence.is_some_and(|field| field.display_name.eq_ignore_ascii_case(usual_name)) {
            return at_sequence;
        }
        bag.by_display_name(usual_name).or(at_sequence)
    }
}

impl<Key: FieldKey + ?Sized> FieldKey for &Key {
    fn find_in<'bag>(&self, bag: &'bag FieldBag) -> Option<&'bag Field> {
        (**self).find_in(bag)
    }
}

/// The sequence number a bag key stands for: plain decimal digits, as Track-It! writes them,
/// that fit a `u32`. Keys such as `"+1"`, `"01"` or `"Ticket"` are not sequences.
pub(super) fn parse_sequence(key: &str) -> Option<u32> {
    let canonical = key.bytes().all(|byte| byte.is_ascii_digit()) && (key == "0" || !key.starts_with('0'));
    if canonical { key.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_decimal_keys_are_sequences() {
        assert_eq!(parse_sequence("22"), Some(22));
        assert_eq!(parse_sequence("0"), Some(0));
        assert_eq!(parse_sequence("4294967295"), Some(u32::MAX));
        for key in ["", "4294967296", "99999999999999999999999", "+1", "-1", "01", " 1", "1.0", "Ticket", "٣"] {
            assert_eq!(parse_sequence(key), None, "{key:?}");
        }
    }
}
