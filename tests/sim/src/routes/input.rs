//! Reading request DTOs out of JSON bodies the way JSON.NET binds them: property names
//! case-insensitive, strings coerced from numbers and booleans from "True"/"False".

use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::store::NoteInput;

/// A property of a JSON object, its name matched case-insensitively.
pub(super) fn member<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .filter(|value| !value.is_null())
}

/// The body must be a JSON object.
pub(super) fn object(body: &Value) -> Result<&Value, ApiError> {
    match body {
        Value::Object(_) => Ok(body),
        _ => Err(ApiError::invalid("The request body must be a JSON object.")),
    }
}

/// `Properties` of a create or update body.
pub(super) fn properties(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    member(object(body)?, "Properties")
        .and_then(Value::as_object)
        .ok_or_else(|| ApiError::invalid("The Properties field is required."))
}

/// A string property; numbers and booleans are converted as JSON.NET does.
pub(super) fn text(object: &Value, name: &str) -> Result<Option<String>, ApiError> {
    match member(object, name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(Value::Bool(flag)) => Ok(Some(if *flag { "True" } else { "False" }.to_owned())),
        Some(_) => Err(ApiError::invalid(format!("The value of '{name}' must be a string."))),
    }
}

/// An `Int32` property, `default` when absent.
pub(super) fn integer(object: &Value, name: &str, default: i32) -> Result<i32, ApiError> {
    match member(object, name) {
        None => Ok(default),
        Some(value) => crate::store::as_integer(value)
            .ok_or_else(|| ApiError::invalid(format!("The value of '{name}' must be an integer."))),
    }
}

/// A `bool` property given as `true`, `"True"` or `"false"` (any case), `false` when absent.
fn boolean(object: &Value, name: &str) -> Result<bool, ApiError> {
    match member(object, name) {
        None => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(Value::String(text)) if text.trim().eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(text)) if text.trim().eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(ApiError::invalid(format!("The value of '{name}' must be a boolean."))),
    }
}

/// A note DTO (`TicketNoteDto`, `AssignmentNoteDto`, the status-change note DTOs).
pub(super) fn note(value: &Value) -> Result<NoteInput, ApiError> {
    let note = object(value)?;
    Ok(NoteInput {
        note_type: text(note, "Note Type")?,
        activity_code: text(note, "Activity Code")?,
        text: text(note, "Note")?,
        duration: text(note, "Duration")?,
        private: boolean(note, "Private")?,
    })
}

/// The note nested under `Note` in status-change bodies, or under
/// `OptionalParams.Note` in update bodies.
pub(super) fn nested_note(body: Option<&Value>, path: &[&str]) -> Result<Option<NoteInput>, ApiError> {
    let mut current = match body {
        Some(body) => object(body)?,
        None => return Ok(None),
    };
    for name in path {
        match member(current, name) {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    note(current).map(Some)
}
