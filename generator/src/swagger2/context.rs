//! What every lowering step needs: the 2.0 document, its default media types, errors that name
//! 2.0 pointers, typed member access, and `$ref` resolution.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::load::pointer::{self, RefProblem};
use crate::load::typed::{self, Kind};

/// The media type assumed when neither the operation nor the document lists one.
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// The Swagger 2.0 document being lowered.
pub(super) struct Lowering<'a> {
    /// The whole 2.0 document, for resolving `$ref`s.
    pub root: &'a Value,
    /// Name of the document, for errors.
    pub document: &'a str,
    /// Media types of request bodies unless an operation says otherwise.
    pub consumes: Vec<String>,
    /// Media types of responses unless an operation says otherwise.
    pub produces: Vec<String>,
}

impl<'a> Lowering<'a> {
    pub fn invalid(&self, at: &str, reason: impl Into<String>) -> Error {
        Error::Invalid { document: self.document.to_owned(), pointer: at.to_owned(), reason: reason.into() }
    }

    pub fn unsupported(&self, at: &str, reason: impl Into<String>) -> Error {
        Error::Unsupported { document: self.document.to_owned(), pointer: at.to_owned(), reason: reason.into() }
    }

    /// `value` as an object; `what` names it in the error.
    pub fn object<'v>(&self, value: &'v Value, at: &str, what: &str) -> Result<&'v Map<String, Value>, Error> {
        value
            .as_object()
            .ok_or_else(|| self.invalid(at, format!("{what} must be an object, found {}", pointer::describe(value))))
    }

    /// The object member `key` of `parent` (at `at`); absent or `null` (an empty YAML key) is `None`.
    pub fn optional_object<'v>(
        &self,
        parent: &'v Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Result<Option<&'v Map<String, Value>>, Error> {
        match parent.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => self.object(value, &pointer::child(at, key), &format!("`{key}`")).map(Some),
        }
    }

    /// The array member `key` of `parent`; absent or `null` is empty.
    pub fn optional_array<'v>(
        &self,
        parent: &'v Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Result<&'v [Value], Error> {
        match parent.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(self.invalid(
                &pointer::child(at, key),
                format!("`{key}` must be an array, found {}", pointer::describe(other)),
            )),
        }
    }

    /// The string member `key` of `parent`, if present.
    pub fn optional_str<'v>(
        &self,
        parent: &'v Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Result<Option<&'v str>, Error> {
        match parent.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(self.invalid(
                &pointer::child(at, key),
                format!("`{key}` must be a string, found {}", pointer::describe(other)),
            )),
        }
    }

    /// The string member `key` of `parent`, which must be present.
    pub fn required_str<'v>(
        &self,
        parent: &'v Map<String, Value>,
        key: &str,
        at: &str,
        what: &str,
    ) -> Result<&'v str, Error> {
        self.optional_str(parent, key, at)?.ok_or_else(|| self.invalid(at, format!("{what} has no `{key}`")))
    }

    /// A list of strings such as `consumes` or `schemes`; absent or `null` is empty.
    pub fn strings(&self, parent: &Map<String, Value>, key: &str, at: &str) -> Result<Vec<String>, Error> {
        let list_at = pointer::child(at, key);
        self.optional_array(parent, key, at)?
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(text) => Ok(text.clone()),
                other => Err(self.invalid(
                    &pointer::index(&list_at, i),
                    format!("expected a string, found {}", pointer::describe(other)),
                )),
            })
            .collect()
    }

    /// Media types an operation's body or responses use: its own list (`consumes` or
    /// `produces`), else the document's, else JSON. An empty list counts as none, as
    /// Swashbuckle writes `consumes: []` on operations without a body.
    pub fn media_types(&self, operation: &Map<String, Value>, key: &str, at: &str) -> Result<Vec<String>, Error> {
        let own = self.strings(operation, key, at)?;
        Ok(if own.is_empty() { self.document_media_types(key) } else { own })
    }

    /// The document's own `consumes` or `produces`, else JSON.
    pub fn document_media_types(&self, key: &str) -> Vec<String> {
        let listed = if key == "consumes" { &self.consumes } else { &self.produces };
        if listed.is_empty() { vec![DEFAULT_MEDIA_TYPE.to_owned()] } else { listed.clone() }
    }

    /// Checks that a lowered piece reads as `kind`; errors name `at` plus the place inside.
    pub fn check(&self, kind: Kind, lowered: &Value, at: &str) -> Result<(), Error> {
        self.check_within(kind, lowered, at, "")
    }

    /// Like [`Self::check`] for pieces whose lowering added a level: a failure below
    /// `added` (say `/schema` of a query parameter) is reported without it, where the 2.0
    /// document has those keys.
    pub fn check_within(&self, kind: Kind, lowered: &Value, at: &str, added: &str) -> Result<(), Error> {
        typed::check(kind, lowered).map_err(|mut failure| {
            if !added.is_empty()
                && let Some(rest) = failure.pointer.strip_prefix(added)
            {
                failure.pointer = rest.to_owned();
            }
            failure.into_error(self.document, at)
        })
    }

    /// Follows a local `$ref` (found at `at`) into the 2.0 document.
    pub fn resolve(&self, reference: &str, at: &str) -> Result<pointer::LocalTarget<'a>, Error> {
        pointer::resolve_local(self.root, reference).map_err(|problem| match problem {
            RefProblem::External => self.unsupported(
                at,
                format!(
                    "reference `{reference}` to another document; only references inside this document can be followed"
                ),
            ),
            RefProblem::Dangling => self.invalid(at, format!("reference `{reference}` names nothing in this document")),
        })
    }

    /// Follows a `$ref` expected to name an entry of the top-level `section`
    /// (`definitions`, `parameters`, `responses`), and returns the entry's escaped name.
    pub fn section_entry(
        &self,
        reference: &str,
        at: &str,
        section: &str,
    ) -> Result<(String, pointer::LocalTarget<'a>), Error> {
        let target = self.resolve(reference, at)?;
        let entry = target
            .pointer
            .strip_prefix('/')
            .and_then(|path| path.strip_prefix(section))
            .and_then(|path| path.strip_prefix('/'))
            .filter(|name| !name.contains('/'))
            .ok_or_else(|| {
                self.unsupported(at, format!("reference `{reference}` does not name an entry of `/{section}`"))
            })?;
        Ok((entry.to_owned(), target))
    }

    /// The OpenAPI 3.0 form of a schema `$ref`: `#/definitions/X…` becomes `#/components/schemas/X…`.
    pub fn schema_ref(&self, reference: &str, at: &str) -> Result<String, Error> {
        let target = self.resolve(reference, at)?;
        match target.pointer.strip_prefix("/definitions/") {
            Some(rest) => Ok(format!("#/components/schemas/{rest}")),
            None => {
                Err(self.unsupported(at, format!("schema reference `{reference}` does not point into `/definitions`")))
            }
        }
    }
}

/// Copies `x-…` members of `from` into `to`.
pub(super) fn copy_extensions(from: &Map<String, Value>, to: &mut Map<String, Value>) {
    for (key, value) in from {
        if key.starts_with("x-") {
            to.insert(key.clone(), value.clone());
        }
    }
}

/// Copies the members `keys` of `from` that are present into `to`, unchanged.
pub(super) fn copy_members(from: &Map<String, Value>, to: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(value) = from.get(*key) {
            to.insert((*key).to_owned(), value.clone());
        }
    }
}
