//! Reading Track-It! field values leniently: ids that arrive as numbers or numeric strings,
//! booleans as `"True"`/`"False"`, dates as ISO text without an offset.

use serde_json::Value;
use time::Date;
use time::format_description::well_known::Iso8601;

use super::DateTime;

/// The longest text tried as a date; anything longer is not one, and is not worth parsing.
const MAX_DATE_LENGTH: usize = 64;

/// The string of a string value.
pub(super) fn text(value: &Value) -> Option<&str> {
    value.as_str()
}

/// Any scalar as text: strings as they are, numbers in JSON notation, booleans as
/// `true`/`false`. Null, arrays and objects have no text.
pub(super) fn to_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A whole number from a JSON number (`1042`, `1042.0`) or a numeric string (`" 1042 "`).
pub(super) fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| number.as_f64().and_then(whole_number)),
        Value::String(text) => {
            let text = text.trim();
            text.parse::<i64>().ok().or_else(|| parse_finite(text).and_then(whole_number))
        }
        _ => None,
    }
}

/// A finite number from a JSON number or a numeric string.
pub(super) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64().filter(|number| number.is_finite()),
        Value::String(text) => parse_finite(text.trim()),
        _ => None,
    }
}

/// `true`/`false`, the strings `"True"`/`"False"` in any letter case (what .NET writes), and
/// `1`/`0` as a number or a string.
pub(super) fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(text) => {
            let text = text.trim();
            if text.eq_ignore_ascii_case("true") || text == "1" {
                Some(true)
            } else if text.eq_ignore_ascii_case("false") || text == "0" {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A date from a string value; see [`parse_date`].
pub(super) fn date(value: &Value) -> Option<DateTime> {
    value.as_str().and_then(parse_date)
}

/// Reads a Track-It! date: `2023-05-15T09:12:44`, with or without fractional seconds
/// (`2023-05-15T09:12:44.1234567`, as .NET writes them), with a space instead of the `T`,
/// or a bare date (`2023-05-15`, read as midnight).
///
/// Track-It! writes the server's local time without an offset. A trailing `Z` or offset is
/// accepted and dropped: the clock reading is kept as written, not converted.
///
/// ```
/// use trackit_runtime::records::parse_date;
///
/// let opened = parse_date("2023-05-15T09:12:44").unwrap();
/// assert_eq!((opened.hour(), opened.minute(), opened.second()), (9, 12, 44));
/// assert_eq!(parse_date("2023-05-15").unwrap().hour(), 0);
/// assert_eq!(parse_date("yesterday"), None);
/// ```
pub fn parse_date(text: &str) -> Option<DateTime> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_DATE_LENGTH {
        return None;
    }
    if let Ok(date_time) = DateTime::parse(text, &Iso8601::DEFAULT) {
        return Some(date_time);
    }
    // SQL Server and some exports put a space between the date and the time.
    if let Some((day, clock)) = text.split_once(' ') {
        let joined = format!("{day}T{}", clock.trim_start());
        if let Ok(date_time) = DateTime::parse(&joined, &Iso8601::DEFAULT) {
            return Some(date_time);
        }
    }
    Date::parse(text, &Iso8601::DEFAULT).ok().map(Date::midnight)
}

/// Writes a date the way Track-It! does, `2023-05-15T09:12:44`, for a create or update body.
/// Fractions of a second are left out.
///
/// ```
/// use trackit_runtime::records::{format_date, parse_date};
///
/// let due = parse_date("2023-05-15 09:12:44.5").unwrap();
/// assert_eq!(format_date(due), "2023-05-15T09:12:44");
/// ```
#[must_use]
pub fn format_date(date_time: DateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        date_time.year(),
        u8::from(date_time.month()),
        date_time.day(),
        date_time.hour(),
        date_time.minute(),
        date_time.second()
    )
}

fn parse_finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|number| number.is_finite())
}

#[allow(
    clippy::float_cmp,
    clippy::cast_possible_truncation,
    reason = "the number is checked to be whole and inside the i64 range before the cast"
)]
fn whole_number(number: f64) -> Option<i64> {
    // -2^63 is exactly representable; 2^63 is the first value past i64::MAX.
    const LOWEST: f64 = -9_223_372_036_854_775_808.0;
    const PAST_HIGHEST: f64 = 9_223_372_036_854_775_808.0;
    if number.trunc() == number && (LOWEST..PAST_HIGHEST).contains(&number) { Some(number as i64) } else { None }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integers_come_from_numbers_and_numeric_strings() {
        assert_eq!(integer(&json!(1042)), Some(1042));
        assert_eq!(integer(&json!("1042")), Some(1042));
        assert_eq!(integer(&json!(" 1042 ")), Some(1042));
        assert_eq!(integer(&json!(1042.0)), Some(1042));
        assert_eq!(integer(&json!("1042.0")), Some(1042));
        assert_eq!(integer(&json!(1042.5)), None);
        assert_eq!(integer(&json!(1e300)), None);
        assert_eq!(integer(&json!(u64::MAX)), None);
        assert_eq!(integer(&json!("NaN")), None);
        assert_eq!(integer(&json!("12 apples")), None);
        assert_eq!(integer(&json!(true)), None);
        assert_eq!(integer(&Value::Null), None);
    }

    #[test]
    fn numbers_must_be_finite() {
        assert_eq!(number(&json!(2.5)), Some(2.5));
        assert_eq!(number(&json!("2.5")), Some(2.5));
        assert_eq!(number(&json!("inf")), None);
        assert_eq!(number(&json!("NaN")), None);
        assert_eq!(number(&json!([1])), None);
    }

    #[test]
    fn booleans_accept_dotnet_strings_and_digits() {
        for yes in [json!(true), json!("True"), json!("TRUE"), json!(" true "), json!(1), json!("1")] {
            assert_eq!(boolean(&yes), Some(true), "{yes}");
        }
        for no in [json!(false), json!("False"), json!("false"), json!(0), json!("0")] {
            assert_eq!(boolean(&no), Some(false), "{no}");
        }
        for neither in [json!("yes"), json!(2), json!(0.5), json!(null), json!({})] {
            assert_eq!(boolean(&neither), None, "{neither}");
        }
    }

    #[test]
    fn scalars_render_as_text() {
        assert_eq!(to_text(&json!("Open")).as_deref(), Some("Open"));
        assert_eq!(to_text(&json!(1042)).as_deref(), Some("1042"));
        assert_eq!(to_text(&json!(2.5)).as_deref(), Some("2.5"));
        assert_eq!(to_text(&json!(false)).as_deref(), Some("false"));
        assert_eq!(to_text(&json!(null)), None);
        assert_eq!(to_text(&json!(["a"])), None);
    }

    #[test]
    fn dates_in_the_shapes_track_it_writes() {
        let opened = parse_date("2023-05-15T09:12:44").expect("plain date and time");
        assert_eq!(format_date(opened), "2023-05-15T09:12:44");
        assert_eq!(opened.nanosecond(), 0);

        let precise = parse_date("2023-05-15T09:12:44.1234567").expect("seven fraction digits, as .NET writes");
        assert_eq!(precise.second(), 44);
        assert_eq!(precise.nanosecond(), 123_456_700);

        let day_only = parse_date("2023-05-15").expect("a bare date");
        assert_eq!(format_date(day_only), "2023-05-15T00:00:00");

        let spaced = parse_date("2023-05-15 09:12:44").expect("a space instead of T");
        assert_eq!(spaced, opened);

        let zulu = parse_date("2023-05-15T09:12:44Z").expect("a trailing Z");
        assert_eq!(zulu, opened);
    }

    #[test]
    fn dates_refuse_what_is_not_a_date() {
        for text in ["", "   ", "yesterday", "2023-13-01", "2023-02-30T00:00:00", "15/05/2023", "2023-05-15T25:00:00"] {
            assert_eq!(parse_date(text), None, "{text:?}");
        }
        assert_eq!(parse_date(&"2023-05-15".repeat(1000)), None);
        assert_eq!(date(&json!(20_230_515)), None);
    }
}
