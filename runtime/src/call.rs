//! `Call`: everything a generated operation hands to [`ApiClient::execute`](crate::ApiClient::execute).

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;

use crate::Error;

/// Everything but RFC 3986 "unreserved" characters is escaped, so a value can never add a
/// path segment (`/`), start a query (`?`) or be read as a dot segment by IIS.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path segment, e.g. `HELP DESK/1` → `HELP%20DESK%2F1`.
///
/// `.` and `..` are escaped too, so a value cannot walk up the path.
pub fn encode_path_segment(value: &dyn fmt::Display) -> String {
    let text = value.to_string();
    match text.as_str() {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(&text, PATH_SEGMENT).to_string(),
    }
}

/// One Web API request: operation id (for errors), method, path, query and an optional JSON body.
pub struct Call {
    pub(crate) operation_id: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    /// `{name}` placeholders of `path` and their already-encoded values.
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(&'static str, String)>,
    /// Query pairs whose names are built at run time (`filter[name]`).
    pub(crate) owned_query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Serialised once, so the middleware can replay the request after a 401.
    pub(crate) body: Option<Vec<u8>>,
    /// The body's media type; JSON unless a `*_body` method says otherwise.
    pub(crate) content_type: Option<String>,
    /// `name=value` pairs, sent together as one `Cookie` header.
    pub(crate) cookies: Vec<(&'static str, String)>,
}

impl Call {
    /// `path` is relative to the base URL and starts with `/`. It is either already encoded, or a
    /// template whose `{name}` placeholders are filled by [`Call::path_param`], e.g.
    /// `/tickets/{id}/Notes/{pageSize}/{pageNumber}`.
    pub fn new(operation_id: &'static str, method: Method, path: impl Into<String>) -> Self {
        Self {
            operation_id,
            method,
            path: path.into(),
            path_params: Vec::new(),
            query: Vec::new(),
            owned_query: Vec::new(),
            headers: Vec::new(),
            body: None,
            content_type: None,
            cookies: Vec::new(),
        }
    }

    /// Fills the `{name}` placeholder of the path template with `value`, encoded as one segment.
    #[must_use]
    pub fn path_param(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.path_params.push((name, encode_path_segment(&value)));
        self
    }

    /// Adds a query parameter; encoding happens when the URL is built.
    #[must_use]
    pub fn query(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    /// Adds the query parameter once per value (`ids=1&ids=2`), as OpenAPI's exploded form style.
    #[must_use]
    pub fn query_each<V: fmt::Display>(self, name: &'static str, values: impl IntoIterator<Item = V>) -> Self {
        values.into_iter().fold(self, |call, value| call.query(name, value))
    }

    /// Adds the values joined by `separator` as one query parameter (`ids=1,2`); nothing when
    /// there are no values.
    #[must_use]
    pub fn query_joined<V: fmt::Display>(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = V>,
        separator: char,
    ) -> Self {
        let joined: Vec<String> = values.into_iter().map(|value| value.to_string()).collect();
        if joined.is_empty() { self } else { self.query(name, joined.join(&separator.to_string())) }
    }

    /// Adds a request header, for operations that take header parameters.
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Adds a request header when `value` is `Some`.
    #[must_use]
    pub fn header_opt<V: fmt::Display>(self, name: &'static str, value: Option<V>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// Adds a query parameter when `value` is `Some`.
    #[must_use]
    pub fn query_opt<V: fmt::Display>(self, name: &'static str, value: Option<V>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Serialises `body` as the JSON request body.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] when `body` cannot be serialised to JSON.
    pub fn json_body<B: serde::Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes =
            serde_json::to_vec(body).map_err(|source| Error::Encode { operation: self.operation_id, source })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Encodes `body` (a struct or map of scalars) as an HTML form,
    /// `application/x-www-form-urlencoded`.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] when `body` cannot be serialised or is not an object with named fields.
    pub fn form_body<B: serde::Serialize + ?Sized>(self, body: &B) -> Result<Self, Error> {
        let bytes = crate::body::form(&body).map_err(|reason| self.encode_error(reason))?;
        Ok(self.raw_body("application/x-www-form-urlencoded", bytes))
    }

    /// Encodes `body` (a struct or map) as `multipart/form-data`, one part per field.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] when `body` cannot be serialised or is not an object with named fields.
    pub fn multipart_body<B: serde::Serialize + ?Sized>(self, body: &B) -> Result<Self, Error> {
        let (bytes, content_type) = crate::body::multipart(&body).map_err(|reason| self.encode_error(reason))?;
        Ok(self.raw_body(content_type, bytes))
    }

    /// Sends `bytes` as the body, with the given media type.
    #[must_use]
    pub fn raw_body(mut self, content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Some(bytes.into());
        self.content_type = Some(content_type.into());
        self
    }

    /// Adds a query parameter holding a structured value: as `name[key]=value` pairs
    /// (OpenAPI's `deepObject`), or, with `deep` false, as the object's own `key=value` pairs.
    /// Scalars are sent as `name=value`; lists repeat the name.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] when `value` cannot be serialised to JSON.
    pub fn query_object<V: serde::Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &V,
        deep: bool,
    ) -> Result<Self, Error> {
        let value =
            serde_json::to_value(value).map_err(|source| Error::Encode { operation: self.operation_id, source })?;
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(object) => {
                for (key, value) in object.into_iter().filter(|(_, value)| !value.is_null()) {
                    let key = if deep { format!("{name}[{key}]") } else { key };
                    self.owned_query.push((key, crate::body::scalar_text(value)));
                }
            }
            serde_json::Value::Array(items) => {
                self.owned_query
                    .extend(items.into_iter().map(|item| (name.to_owned(), crate::body::scalar_text(item))));
            }
            scalar => self.owned_query.push((name.to_owned(), crate::body::scalar_text(scalar))),
        }
        Ok(self)
    }

    /// [`Call::query_object`] when `value` is `Some`.
    ///
    /// # Errors
    ///
    /// As [`Call::query_object`].
    pub fn query_object_opt<V: serde::Serialize + ?Sized>(
        self,
        name: &'static str,
        value: Option<&V>,
        deep: bool,
    ) -> Result<Self, Error> {
        match value {
            Some(value) => self.query_object(name, value, deep),
            None => Ok(self),
        }
    }

    /// [`Call::form_body`] when `body` is `Some`; sends no body otherwise.
    ///
    /// # Errors
    ///
    /// As [`Call::form_body`].
    pub fn form_body_opt<B: serde::Serialize + ?Sized>(self, body: Option<&B>) -> Result<Self, Error> {
        match body {
            Some(body) => self.form_body(body),
            None => Ok(self),
        }
    }

    /// [`Call::multipart_body`] when `body` is `Some`; sends no body otherwise.
    ///
    /// # Errors
    ///
    /// As [`Call::multipart_body`].
    pub fn multipart_body_opt<B: serde::Serialize + ?Sized>(self, body: Option<&B>) -> Result<Self, Error> {
        match body {
            Some(body) => self.multipart_body(body),
            None => Ok(self),
        }
    }

    /// [`Call::raw_body`] when `bytes` is `Some`; sends no body otherwise.
    #[must_use]
    pub fn raw_body_opt(self, content_type: impl Into<String>, bytes: Option<&[u8]>) -> Self {
        match bytes {
            Some(bytes) => self.raw_body(content_type, bytes),
            None => self,
        }
    }

    /// Fills a path placeholder with a structured value (a union of number and text, say): its
    /// JSON text, strings without quotes.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] when `value` cannot be serialised to JSON.
    pub fn path_param_value<V: serde::Serialize + ?Sized>(self, name: &'static str, value: &V) -> Result<Self, Error> {
        let text = self.value_text(value)?;
        Ok(self.path_param(name, text))
    }

    /// Adds a header holding a structured value, as [`Call::path_param_value`] spells it.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] when `value` cannot be serialised to JSON.
    pub fn header_value<V: serde::Serialize + ?Sized>(
        self,
        name: &'static str,
        value: Option<&V>,
    ) -> Result<Self, Error> {
        self.with_value_text(value, |call, text| call.header(name, text))
    }

    /// Adds a cookie holding a structured value, as [`Call::path_param_value`] spells it.
    ///
    /// # Errors
    ///
    /// [`Error::Encode`] when `value` cannot be serialised to JSON.
    pub fn cookie_value<V: serde::Serialize + ?Sized>(
        self,
        name: &'static str,
        value: Option<&V>,
    ) -> Result<Self, Error> {
        self.with_value_text(value, |call, text| call.cookie(name, text))
    }

    /// Applies `add` with the value's text when there is a value.
    fn with_value_text<V: serde::Serialize + ?Sized>(
        self,
        value: Option<&V>,
        add: impl FnOnce(Self, String) -> Self,
    ) -> Result<Self, Error> {
        match value {
            Some(value) => {
                let text = self.value_text(value)?;
                Ok(add(self, text))
            }
            None => Ok(self),
        }
    }

    fn value_text<V: serde::Serialize + ?Sized>(&self, value: &V) -> Result<String, Error> {
        serde_json::to_value(value)
            .map(crate::body::scalar_text)
            .map_err(|source| Error::Encode { operation: self.operation_id, source })
    }

    /// Adds a cookie; all cookies of a call go in one `Cookie` header.
    #[must_use]
    pub fn cookie(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.cookies.push((name, value.to_string()));
        self
    }

    /// Adds a cookie when `value` is `Some`.
    #[must_use]
    pub fn cookie_opt<V: fmt::Display>(self, name: &'static str, value: Option<V>) -> Self {
        match value {
            Some(value) => self.cookie(name, value),
            None => self,
        }
    }

    fn encode_error(&self, reason: String) -> Error {
        use serde::ser::Error as _;
        Error::Encode { operation: self.operation_id, source: serde_json::Error::custom(reason) }
    }

    /// Serialises `body` as the JSON request body when it is `Some`; sends no body otherwise.
    ///
    /// # Errors
    ///
    /// As [`Call::json_body`].
    pub fn json_body_opt<B: serde::Serialize + ?Sized>(self, body: Option<&B>) -> Result<Self, Error> {
        match body {
            Some(body) => self.json_body(body),
            None => Ok(self),
        }
    }

    /// The path relative to the base URL, with placeholders filled.
    ///
    /// One pass over the template (it runs on every call), so a value is never scanned for
    /// placeholders itself; a placeholder without a value stays as written.
    pub(crate) fn resolved_path(&self) -> String {
        if self.path_params.is_empty() {
            return self.path.clone();
        }
        let mut resolved = String::with_capacity(self.path.len() + 16);
        let mut rest = self.path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(length) = rest[open..].find('}') else { break };
            let name = &rest[open + 1..open + length];
            resolved.push_str(&rest[..open]);
            match self.path_params.iter().find(|(param, _)| *param == name) {
                Some((_, value)) => resolved.push_str(value),
                None => resolved.push_str(&rest[open..=open + length]),
            }
            rest = &rest[open + length + 1..];
        }
        resolved.push_str(rest);
        resolved
    }

    /// The operation id, e.g. `Ticket_Get`.
    #[must_use]
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The HTTP method.
    #[must_use]
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path (template) relative to the base URL.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Call")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(encode_path_segment(&1042), "1042");
        assert_eq!(encode_path_segment(&"HELP DESK/1"), "HELP%20DESK%2F1");
        assert_eq!(encode_path_segment(&"a?b#c%d"), "a%3Fb%23c%25d");
        assert_eq!(encode_path_segment(&"Zoë"), "Zo%C3%AB");
        assert_eq!(encode_path_segment(&"v1.2-x_y~z"), "v1.2-x_y~z");
        assert_eq!(encode_path_segment(&".."), "%2E%2E");
        assert_eq!(encode_path_segment(&"."), "%2E");
    }

    #[test]
    fn call_collects_query_and_body() {
        let call = Call::new("Ticket_GetTicketNotes", Method::GET, "/tickets/1/Notes/0/0")
            .query("maxContentLength", -1)
            .query_opt("SystemNote", Some(false))
            .query_opt::<i32>("skipped", None)
            .json_body(&json!({"Note": "x"}))
            .expect("encodes");
        assert_eq!(call.query, vec![("maxContentLength", "-1".to_owned()), ("SystemNote", "false".to_owned())]);
        assert_eq!(call.body.as_deref(), Some(br#"{"Note":"x"}"#.as_slice()));
        assert!(format!("{call:?}").contains("body_bytes: Some(12)"));
    }

    #[test]
    fn path_templates_and_lists() {
        let call = Call::new("X", Method::GET, "/a/{id}/b/{name}")
            .path_param("id", 7)
            .path_param("name", "HELP DESK/1")
            .query_each("tag", ["x", "y"])
            .query_joined("ids", [1, 2, 3], ',')
            .query_joined("none", Vec::<i32>::new(), ',');
        assert_eq!(call.resolved_path(), "/a/7/b/HELP%20DESK%2F1");
        let partly = Call::new("X", Method::GET, "/a/{id}/{missing}/{id}").path_param("id", "{id}");
        assert_eq!(partly.resolved_path(), "/a/%7Bid%7D/{missing}/%7Bid%7D");
        assert_eq!(call.query, vec![("tag", "x".to_owned()), ("tag", "y".to_owned()), ("ids", "1,2,3".to_owned())]);
    }

    #[test]
    fn unserialisable_bodies_are_an_encode_error() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1u8], 1);
        let error =
            Call::new("Ticket_Create", Method::POST, "/tickets").json_body(&map).expect_err("map keys must be strings");
        assert!(matches!(error, Error::Encode { operation: "Ticket_Create", .. }));
    }
}
