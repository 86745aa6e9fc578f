//! What every lowering step needs: the 3.1 document, errors that name 3.1 pointers, `$ref`
//! resolution (JSON pointers, `$anchor`s, `$id`s), and the `$defs` entries moved into
//! `components/schemas`.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::load::pointer::{self, RefProblem};
use crate::load::typed::{self, Kind};

/// Where `$defs` entries go, and how references to them are written.
const SCHEMAS_POINTER: &str = "/components/schemas";

/// Keywords holding schemas to be referenced: `$defs`, and `definitions` as drafts before
/// 2019-09 (and tools since) name it.
pub(super) const DEFINITIONS: [&str; 2] = ["$defs", "definitions"];

/// The OpenAPI 3.1 document being lowered.
pub(super) struct Lowering<'a> {
    /// The whole 3.1 document, for resolving `$ref`s.
    pub root: &'a Value,
    /// Name of the document, for errors.
    pub document: &'a str,
    /// Component schema names in use: the document's own, then those given to `$defs` entries.
    taken_names: RefCell<HashSet<String>>,
    /// The component schema name of each `$defs` entry named so far, by its 3.1 pointer.
    defs_names: RefCell<HashMap<String, String>>,
    /// Lowered `$defs` entries by their component schema name, in the order they were lowered.
    hoisted: RefCell<Map<String, Value>>,
    /// `$anchor` → pointer of the schema that declares it; built on the first anchor reference.
    anchors: OnceCell<HashMap<String, String>>,
    /// `$id` → pointer of the schema that declares it; built on the first reference by URI.
    ids: OnceCell<HashMap<String, String>>,
    /// Path item references being followed, to refuse cycles.
    path_items_open: RefCell<Vec<String>>,
    /// Whether each lowered schema and inlined path item is checked as it is built.
    checks: Checks,
}

/// When lowered pieces are checked against `openapiv3`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Checks {
    /// Once, the whole lowered document: fast, but its pointers are the lowered document's.
    AtTheEnd,
    /// Each piece lowering may have restructured, as it is built: its pointers are the 3.1
    /// document's.
    AsBuilt,
}

impl<'a> Lowering<'a> {
    pub fn new(root: &'a Value, document: &'a str, checks: Checks) -> Self {
        let own_schemas = root
            .pointer(SCHEMAS_POINTER)
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        Self {
            root,
            document,
            taken_names: RefCell::new(own_schemas),
            defs_names: RefCell::default(),
            hoisted: RefCell::default(),
            anchors: OnceCell::new(),
            ids: OnceCell::new(),
            path_items_open: RefCell::default(),
            checks,
        }
    }

    pub fn invalid(&self, at: &str, reason: impl Into<String>) -> Error {
        Error::Invalid { document: self.document.to_owned(), pointer: at.to_owned(), reason: reason.into() }
    }

    pub fn unsupported(&self, at: &str, reason: impl Into<String>) -> Error {
        Error::Unsupported { document: self.document.to_owned(), pointer: at.to_owned(), reason: reason.into() }
    }

    /// With [`Checks::AsBuilt`], checks one lowered node (its children were checked as they
    /// were lowered) against `openapiv3`. The failing member is named inside the 3.1 node at
    /// `at` when the node has it, else the node itself is: lowering may have added members.
    pub fn check_node(&self, kind: Kind, lowered: &Value, source: &Map<String, Value>, at: &str) -> Result<(), Error> {
        if self.checks == Checks::AtTheEnd {
            return Ok(());
        }
        typed::check_node(kind, lowered).map_err(|failure| {
            let member = failure.pointer.strip_prefix('/').unwrap_or_default();
            let named = source.keys().any(|key| pointer::escape(key) == member);
            let pointer = if named { format!("{at}{}", failure.pointer) } else { at.to_owned() };
            Error::Invalid { document: self.document.to_owned(), pointer, reason: failure.message }
        })
    }

    /// Whether pieces are checked as they are built.
    pub fn checks_as_built(&self) -> bool {
        self.checks == Checks::AsBuilt
    }

    /// Checks a whole lowered piece; its pointers are the 3.1 document's below `at`.
    pub fn check(&self, kind: Kind, lowered: &Value, at: &str) -> Result<(), Error> {
        typed::check(kind, lowered).map_err(|failure| failure.into_error(self.document, at))
    }

    /// Follows a local `$ref` (found at `at`) that is not a schema's: it must name something in
    /// this document.
    pub fn resolve(&self, reference: &str, at: &str) -> Result<pointer::LocalTarget<'a>, Error> {
        pointer::resolve_local(self.root, reference).map_err(|problem| self.ref_problem(problem, reference, at))
    }

    fn ref_problem(&self, problem: RefProblem, reference: &str, at: &str) -> Error {
        match problem {
            RefProblem::External => self.unsupported(
                at,
                format!(
                    "reference `{reference}` to another document; only references inside this document can be followed"
                ),
            ),
            RefProblem::Dangling => self.invalid(at, format!("reference `{reference}` names nothing in this document")),
        }
    }

    /// The OpenAPI 3.0 form of a schema's `$ref` (found at `at`, inside the schema resource
    /// whose `$id` sits at `base`, or `""` for none): a JSON pointer into this document, with
    /// `$anchor`s and `$id`s resolved and `$defs` entries renamed to the component schemas
    /// they become.
    pub fn schema_ref(&self, reference: &str, at: &str, base: &str) -> Result<String, Error> {
        let target = self.schema_target(reference, at, base)?;
        Ok(match self.defs_entry(&target) {
            Some((entry, rest)) => {
                let name = self.defs_name(&entry);
                format!("#{}{rest}", pointer::child(SCHEMAS_POINTER, &name))
            }
            // As written when that already names the target, so references keep their text.
            None if reference.strip_prefix('#') == Some(target.as_str()) => reference.to_owned(),
            None => format!("#{target}"),
        })
    }

    /// The pointer a schema's `$ref` names.
    fn schema_target(&self, reference: &str, at: &str, base: &str) -> Result<String, Error> {
        let (uri, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let resource = if uri.is_empty() {
            base.to_owned()
        } else {
            // Another schema resource of this document, named by its `$id`.
            let ids = self.ids.get_or_init(|| declarations(self.root, "$id"));
            ids.get(uri).cloned().ok_or_else(|| self.ref_problem(RefProblem::External, reference, at))?
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            let anchors = self.anchors.get_or_init(|| declarations(self.root, "$anchor"));
            return anchors.get(fragment).cloned().ok_or_else(|| self.ref_problem(RefProblem::Dangling, reference, at));
        }
        // JSON Schema resolves a fragment against the enclosing `$id`; OpenAPI writers mean the
        // document, so that is tried too.
        let candidates = [format!("#{resource}{fragment}"), format!("#{fragment}")];
        let mut last_problem = RefProblem::Dangling;
        for candidate in candidates.iter().take(if resource.is_empty() { 1 } else { 2 }) {
            match pointer::resolve_local(self.root, candidate) {
                Ok(target) => return Ok(target.pointer),
                Err(problem) => last_problem = problem,
            }
        }
        Err(self.ref_problem(last_problem, reference, at))
    }

    /// The `$defs` entry a pointer lies in (the innermost one), and the rest of the pointer.
    fn defs_entry(&self, target: &str) -> Option<(String, String)> {
        let tokens: Vec<&str> = target.split('/').skip(1).collect();
        let keyword = (0..tokens.len().saturating_sub(1)).rev().find(|&i| {
            // `$defs` as a property name is no keyword.
            DEFINITIONS.contains(&tokens[i]) && !(i > 0 && matches!(tokens[i - 1], "properties" | "patternProperties"))
        })?;
        let entry = tokens[..keyword + 2].iter().map(|token| format!("/{token}")).collect();
        let rest = tokens[keyword + 2..].iter().map(|token| format!("/{token}")).collect();
        Some((entry, rest))
    }

    /// The component schema name of the `$defs` entry at `entry`, chosen on first use: the
    /// component it sits in and the entry names along the way (`Pet.Tag`), numbered if taken.
    pub fn defs_name(&self, entry: &str) -> String {
        if let Some(name) = self.defs_names.borrow().get(entry) {
            return name.clone();
        }
        let tokens: Vec<String> = entry.split('/').skip(1).map(unescape).collect();
        let mut parts = Vec::new();
        if let [components, schemas, component, ..] = tokens.as_slice()
            && components == "components"
            && schemas == "schemas"
        {
            parts.push(component.clone());
        }
        parts.extend(
            tokens.windows(2).filter(|pair| DEFINITIONS.contains(&pair[0].as_str())).map(|pair| pair[1].clone()),
        );
        let wanted = parts.join(".");
        let mut taken = self.taken_names.borrow_mut();
        let name = (1..)
            .map(|n| if n == 1 { wanted.clone() } else { format!("{wanted}{n}") })
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or(wanted);
        taken.insert(name.clone());
        self.defs_names.borrow_mut().insert(entry.to_owned(), name.clone());
        name
    }

    /// Keeps a lowered `$defs` entry, to become a component schema.
    pub fn hoist(&self, name: String, lowered: Value) {
        self.hoisted.borrow_mut().entry(name).or_insert(lowered);
    }

    /// `$defs` entries referenced but not lowered (they sit where nothing is lowered, such as
    /// inside `if`), as (3.1 pointer, name).
    pub fn named_not_hoisted(&self) -> Vec<(String, String)> {
        let hoisted = self.hoisted.borrow();
        let mut missing: Vec<(String, String)> = self
            .defs_names
            .borrow()
            .iter()
            .filter(|(_, name)| !hoisted.contains_key(name.as_str()))
            .map(|(entry, name)| (entry.clone(), name.clone()))
            .collect();
        missing.sort();
        missing
    }

    /// The lowered `$defs` entries, taken out.
    pub fn take_hoisted(&self) -> Map<String, Value> {
        std::mem::take(&mut self.hoisted.borrow_mut())
    }

    /// Marks the path item at `target` as being followed; `false` if it already is (a cycle).
    pub fn open_path_item(&self, target: &str) -> bool {
        let mut open = self.path_items_open.borrow_mut();
        if open.iter().any(|pointer| pointer == target) {
            return false;
        }
        open.push(target.to_owned());
        true
    }

    pub fn close_path_item(&self) {
        self.path_items_open.borrow_mut().pop();
    }
}

/// Every object in `root` with a string member `keyword` (`$anchor`, `$id`): its value → the
/// object's pointer; the first declaration wins.
fn declarations(root: &Value, keyword: &str) -> HashMap<String, String> {
    let mut found = HashMap::new();
    let mut pending = vec![(root, String::new())];
    while let Some((value, at)) = pending.pop() {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(name)) = object.get(keyword) {
                    found.entry(name.clone()).or_insert_with(|| at.clone());
                }
                pending.extend(object.iter().rev().map(|(key, child)| (child, pointer::child(&at, key))));
            }
            Value::Array(items) => {
                pending.extend(items.iter().enumerate().rev().map(|(i, child)| (child, pointer::index(&at, i))));
            }
            _ => {}
        }
    }
    found
}

/// One reference token without its escapes.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn definitions_are_named_after_their_component_and_numbered_when_taken() {
        let root = json!({"components": {"schemas": {"Pet": {}, "Pet.Tag": {}}}});
        let cx = Lowering::new(&root, "doc", Checks::AtTheEnd);
        assert_eq!(cx.defs_name("/components/schemas/Pet/$defs/Tag"), "Pet.Tag2");
        assert_eq!(cx.defs_name("/components/schemas/Pet/$defs/Tag"), "Pet.Tag2", "named once");
        assert_eq!(cx.defs_name("/components/schemas/Pet/$defs/Tag/$defs/a~1b"), "Pet.Tag.a/b");
        assert_eq!(cx.defs_name("/paths/~1a/get/responses/200/content/x/schema/$defs/Tag"), "Tag");
        assert_eq!(cx.defs_name("/definitions/Old"), "Old");
    }

    #[test]
    fn references_into_definitions_name_the_entry_and_keep_the_rest() {
        let root = json!({"components": {"schemas": {"A": {
            "$defs": {"B": {"properties": {"c": {}}}},
            "properties": {"$defs": {"properties": {"x": {}}}},
        }}}});
        let cx = Lowering::new(&root, "doc", Checks::AtTheEnd);
        let reference = |target: &str| cx.schema_ref(target, "/at", "").ok();
        assert_eq!(reference("#/components/schemas/A/$defs/B").as_deref(), Some("#/components/schemas/A.B"));
        assert_eq!(
            reference("#/components/schemas/A/$defs/B/properties/c").as_deref(),
            Some("#/components/schemas/A.B/properties/c")
        );
        assert_eq!(
            reference("#/components/schemas/A/properties/$defs/properties/x").as_deref(),
            Some("#/components/schemas/A/properties/$defs/properties/x"),
            "a property named `$defs` is no keyword"
        );
        assert_eq!(reference("#/components/schemas/A/$defs/Nope"), None);
    }
}
