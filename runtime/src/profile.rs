//! The technician profile that Track-It! sends along with every token.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde_json::{Map, Value};

/// The logged-in technician, as described by the token endpoint's reply.
///
/// Katana sends these as string properties with spaced keys (`First Name`, `EMail Address`);
/// missing ones are empty strings. Keys this type does not know are kept in `extra`.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// The login id, from `username` (e.g. `JPIKE`).
    pub username: String,
    /// The technician group, from `usergroupname` (e.g. `HELP DESK`).
    pub group: String,
    /// From `First Name`.
    pub first_name: String,
    /// From `Last Name`.
    pub last_name: String,
    /// From `Phone`.
    pub phone: String,
    /// From `Extension`.
    pub extension: String,
    /// From `EMail Address`.
    pub email: String,
    /// From `Alternate Phone`.
    pub alternate_phone: String,
    /// From `ServerLanguage`, e.g. `en-US`.
    pub server_language: Option<String>,
    /// From `PriorityHeirarchy` (Track-It!'s spelling), e.g. `Category,Requestor,Location,Department`.
    pub priority_hierarchy: Option<String>,
    /// From `.issued` (RFC 1123), the server's clock.
    pub issued: Option<SystemTime>,
    /// From `.expires` (RFC 1123), the server's clock.
    pub expires: Option<SystemTime>,
    /// Every other key of the reply except the token fields themselves.
    pub extra: BTreeMap<String, Value>,
}

impl Profile {
    /// First and last name joined by a space, e.g. `Jordan Pike`.
    #[must_use]
    pub fn full_name(&self) -> String {
        [self.first_name.trim(), self.last_name.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Builds a profile from the token reply's fields, the token fields already removed.
    pub(crate) fn from_reply_fields(mut fields: Map<String, Value>) -> Self {
        let mut text = |key: &str| fields.remove(key).map(value_to_text).unwrap_or_default();
        let username = text("username");
        let group = text("usergroupname");
        let first_name = text("First Name");
        let last_name = text("Last Name");
        let phone = text("Phone");
        let extension = text("Extension");
        let email = text("EMail Address");
        let alternate_phone = text("Alternate Phone");
        let server_language = fields.remove("ServerLanguage").map(value_to_text);
        let priority_hierarchy = fields.remove("PriorityHeirarchy").map(value_to_text);
        let issued = take_date(&mut fields, ".issued");
        let expires = take_date(&mut fields, ".expires");
        Self {
            username,
            group,
            first_name,
            last_name,
            phone,
            extension,
            email,
            alternate_phone,
            server_language,
            priority_hierarchy,
            issued,
            expires,
            extra: fields.into_iter().collect(),
        }
    }
}

/// Takes an RFC 1123 date; one that does not parse stays in the map so it is not lost.
fn take_date(fields: &mut Map<String, Value>, key: &str) -> Option<SystemTime> {
    let parsed = fields.get(key).and_then(Value::as_str).and_then(|text| httpdate::parse_http_date(text).ok())?;
    fields.remove(key);
    Some(parsed)
}

/// Katana sends strings, but a number or boolean is shown as written rather than dropped.
fn value_to_text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use serde_json::json;

    use super::*;

    fn fields(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("test input is an object"),
        }
    }

    #[test]
    fn spaced_keys_and_dates_are_read() {
        let profile = Profile::from_reply_fields(fields(json!({
            "username": "JPIKE",
            "usergroupname": "HELP DESK",
            "First Name": "Jordan",
            "Last Name": "Pike",
            "Phone": "555-0100",
            "Extension": "101",
            "EMail Address": "jordan.pike@example.test",
            "Alternate Phone": "",
            "ServerLanguage": "en-US",
            "PriorityHeirarchy": "Category,Requestor,Location,Department",
            ".issued": "Tue, 16 May 2023 14:00:00 GMT",
            ".expires": "Tue, 16 May 2023 14:30:00 GMT",
            "Department": "IT"
        })));
        assert_eq!(profile.username, "JPIKE");
        assert_eq!(profile.group, "HELP DESK");
        assert_eq!(profile.full_name(), "Jordan Pike");
        assert_eq!(profile.email, "jordan.pike@example.test");
        assert_eq!(profile.phone, "555-0100");
        assert_eq!(profile.extension, "101");
        assert_eq!(profile.alternate_phone, "");
        assert_eq!(profile.server_language.as_deref(), Some("en-US"));
        assert_eq!(profile.priority_hierarchy.as_deref(), Some("Category,Requestor,Location,Department"));
        // A Unix timestamp (the `.issued` date of the reply), so seconds are the natural unit.
        #[allow(clippy::duration_suboptimal_units)]
        let issued = UNIX_EPOCH + Duration::from_secs(1_684_245_600);
        assert_eq!(profile.issued, Some(issued));
        assert_eq!(profile.expires, Some(issued + Duration::from_mins(30)));
        assert_eq!(profile.extra.len(), 1);
        assert_eq!(profile.extra["Department"], json!("IT"));
    }

    #[test]
    fn missing_fields_are_empty_and_bad_dates_are_kept() {
        let profile = Profile::from_reply_fields(fields(json!({
            "username": "JPIKE",
            "Extension": 101,
            ".issued": "yesterday"
        })));
        assert_eq!(profile.group, "");
        assert_eq!(profile.extension, "101");
        assert_eq!(profile.issued, None);
        assert_eq!(profile.server_language, None);
        assert_eq!(profile.extra[".issued"], json!("yesterday"));
        assert_eq!(profile.full_name(), "");
    }
}
