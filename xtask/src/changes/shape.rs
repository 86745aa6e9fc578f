//! Reading a loaded document for comparison: resolving `$ref`s, describing a schema's type in
//! words, listing an object's fields, and naming schemas as the generated code does.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde::Serialize;

/// `$ref` chains longer than this are treated as unresolvable (and cycles end).
const MAX_REF_HOPS: usize = 8;
/// `allOf` and inline objects nested deeper than this are not looked into.
pub(super) const MAX_DEPTH: usize = 8;

/// The two documents being compared, and how schemas are named in the report.
pub(super) struct Pair<'a> {
    pub(super) old: Document<'a>,
    pub(super) new: Document<'a>,
    pub(super) names: Names,
}

impl<'a> Pair<'a> {
    pub(super) fn new(old: &'a OpenAPI, new: &'a OpenAPI) -> Self {
        let (old, new) = (Document::new(old), Document::new(new));
        let names = Names::new(&old, &new);
        Self { old, new, names }
    }
}

/// One document and its reusable components.
pub(super) struct Document<'a> {
    pub(super) api: &'a OpenAPI,
}

impl<'a> Document<'a> {
    pub(super) fn new(api: &'a OpenAPI) -> Self {
        Self { api }
    }

    pub(super) fn schemas(&self) -> impl Iterator<Item = (&'a str, &'a ReferenceOr<Schema>)> {
        self.api.components.iter().flat_map(|components| components.schemas.iter()).map(|(k, v)| (k.as_str(), v))
    }

    /// The schema a `#/components/schemas/Name` reference points at.
    pub(super) fn schema(&self, reference: &str) -> Option<&'a Schema> {
        let components = self.api.components.as_ref()?;
        resolve(&components.schemas, reference, "#/components/schemas/")
    }

    /// `schema` itself, or what its reference points at.
    pub(super) fn resolve_schema<'s, S: Borrow<Schema>>(&self, schema: &'s ReferenceOr<S>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(item) => Some(item.borrow()),
            ReferenceOr::Reference { reference } => self.schema(reference),
        }
    }

    pub(super) fn parameter(&self, parameter: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
        match parameter {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { reference } => {
                resolve(&self.api.components.as_ref()?.parameters, reference, "#/components/parameters/")
            }
        }
    }

    pub(super) fn request_body(&self, body: &'a ReferenceOr<RequestBody>) -> Option<&'a RequestBody> {
        match body {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { reference } => {
                resolve(&self.api.components.as_ref()?.request_bodies, reference, "#/components/requestBodies/")
            }
        }
    }

    pub(super) fn response(&self, response: &'a ReferenceOr<Response>) -> Option<&'a Response> {
        match response {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { reference } => {
                resolve(&self.api.components.as_ref()?.responses, reference, "#/components/responses/")
            }
        }
    }

    /// The properties and required names of an object schema, `allOf` parts merged;
    /// `None` for anything that is not an object with fields.
    pub(super) fn fields(&self, schema: &'a Schema) -> Option<Fields<'a>> {
        let mut fields = Fields::default();
        self.collect_fields(schema, 0, &mut fields);
        (!fields.properties.is_empty()).then_some(fields)
    }

    fn collect_fields(&self, schema: &'a Schema, depth: usize, fields: &mut Fields<'a>) {
        if depth > MAX_DEPTH {
            return;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                for (name, property) in &object.properties {
                    fields.properties.insert(name.as_str(), property);
                }
                fields.required.extend(object.required.iter().map(String::as_str));
            }
            SchemaKind::AllOf { all_of } => {
                for part in all_of {
                    if let Some(part) = self.resolve_schema(part) {
                        self.collect_fields(part, depth + 1, fields);
                    }
                }
            }
            _ => {}
        }
    }

    /// Names of the schemas a request can carry: reachable from request bodies and parameters.
    pub(super) fn request_schemas(&self) -> BTreeSet<&'a str> {
        let mut found = BTreeSet::new();
        for (_, _, operation) in self.api.operations() {
            let bodies = operation.request_body.iter().filter_map(|body| self.request_body(body));
            for media in bodies.flat_map(|body| body.content.values()) {
                if let Some(schema) = &media.schema {
                    self.reach(schema, 0, &mut found);
                }
            }
            for parameter in operation.parameters.iter().filter_map(|parameter| self.parameter(parameter)) {
                if let openapiv3::ParameterSchemaOrContent::Schema(schema) = &parameter.parameter_data_ref().format {
                    self.reach(schema, 0, &mut found);
                }
            }
        }
        found
    }

    fn reach<S: Borrow<Schema>>(&self, schema: &'a ReferenceOr<S>, depth: usize, found: &mut BTreeSet<&'a str>) {
        if depth > MAX_DEPTH * 4 {
            return;
        }
        let schema = match schema {
            ReferenceOr::Reference { reference } => {
                let Some(name) = reference.strip_prefix("#/components/schemas/") else { return };
                let Some((name, target)) = self.schemas().find(|(candidate, _)| *candidate == name) else { return };
                if !found.insert(name) {
                    return;
                }
                match target {
                    ReferenceOr::Item(item) => item,
                    ReferenceOr::Reference { .. } => return self.reach(target, depth + 1, found),
                }
            }
            ReferenceOr::Item(item) => item.borrow(),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                for property in object.properties.values() {
                    self.reach(property, depth + 1, found);
                }
                if let Some(AdditionalProperties::Schema(values)) = &object.additional_properties {
                    self.reach(values, depth + 1, found);
                }
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &array.items {
                    self.reach(items, depth + 1, found);
                }
            }
            SchemaKind::OneOf { one_of: parts }
            | SchemaKind::AllOf { all_of: parts }
            | SchemaKind::AnyOf { any_of: parts } => {
                for part in parts {
                    self.reach(part, depth + 1, found);
                }
            }
            SchemaKind::Not { not } => self.reach(not, depth + 1, found),
            _ => {}
        }
    }
}

/// An object's fields.
#[derive(Default)]
pub(super) struct Fields<'a> {
    pub(super) properties: IndexMap<&'a str, &'a ReferenceOr<Box<Schema>>>,
    pub(super) required: BTreeSet<&'a str>,
}

/// Follows `reference` (with `prefix`) through `map`, also through chained references.
fn resolve<'a, T>(map: &'a IndexMap<String, ReferenceOr<T>>, reference: &str, prefix: &str) -> Option<&'a T> {
    let mut reference = reference;
    for _ in 0..MAX_REF_HOPS {
        match map.get(reference.strip_prefix(prefix)?)? {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    None
}

/// How schemas are called in the report: by the last dot-separated part of their name
/// (`TicketNoteDto` for `TrackIt.…Notes.TicketNoteDto`, as the generated type is named),
/// unless two schemas share that part.
pub(super) struct Names {
    display: HashMap<String, String>,
}

impl Names {
    pub(super) fn new(old: &Document<'_>, new: &Document<'_>) -> Self {
        let all: BTreeSet<&str> = old.schemas().chain(new.schemas()).map(|(name, _)| name).collect();
        let mut by_short: BTreeMap<&str, usize> = BTreeMap::new();
        for name in &all {
            *by_short.entry(short(name)).or_default() += 1;
        }
        let display = all
            .iter()
            .map(|name| {
                let shown = if by_short[short(name)] == 1 { short(name) } else { name };
                ((*name).to_owned(), shown.to_owned())
            })
            .collect();
        Self { display }
    }

    pub(super) fn show<'n>(&'n self, name: &'n str) -> &'n str {
        self.display.get(name).map_or(name, String::as_str)
    }

    /// A schema's type in words: `string`, `integer(int32)`, `array of TicketNoteDto`,
    /// `map of object`, with `, nullable` when null is allowed.
    pub(super) fn describe<S: Borrow<Schema>>(&self, schema: &ReferenceOr<S>) -> String {
        match schema {
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next().unwrap_or(reference);
                self.show(name).to_owned()
            }
            ReferenceOr::Item(schema) => self.describe_schema(schema.borrow()),
        }
    }

    pub(super) fn describe_schema(&self, schema: &Schema) -> String {
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => with_format("string", &string.format),
            SchemaKind::Type(Type::Number(number)) => with_format("number", &number.format),
            SchemaKind::Type(Type::Integer(integer)) => with_format("integer", &integer.format),
            SchemaKind::Type(Type::Boolean(_)) => "boolean".to_owned(),
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => format!("array of {}", self.describe(items)),
                None => "array".to_owned(),
            },
            SchemaKind::Type(Type::Object(object)) => match &object.additional_properties {
                Some(AdditionalProperties::Schema(values)) if object.properties.is_empty() => {
                    format!("map of {}", self.describe(values))
                }
                _ => "object".to_owned(),
            },
            SchemaKind::OneOf { one_of } => format!("one of [{}]", self.list(one_of)),
            SchemaKind::AllOf { all_of } => format!("all of [{}]", self.list(all_of)),
            SchemaKind::AnyOf { any_of } => format!("any of [{}]", self.list(any_of)),
            SchemaKind::Not { not } => format!("not {}", self.describe(not)),
            SchemaKind::Any(any) => any.typ.clone().unwrap_or_else(|| "any".to_owned()),
        };
        if schema.schema_data.nullable { format!("{kind}, nullable") } else { kind }
    }

    fn list(&self, schemas: &[ReferenceOr<Schema>]) -> String {
        schemas.iter().map(|schema| self.describe(schema)).collect::<Vec<_>>().join(", ")
    }
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// `integer(int32)`; the format's spelling in the document (`date-time`), not Rust's.
fn with_format<F: Serialize>(base: &str, format: &VariantOrUnknownOrEmpty<F>) -> String {
    let spelled = match format {
        VariantOrUnknownOrEmpty::Item(known) => serde_json::to_value(known).ok().and_then(|value| match value {
            serde_json::Value::String(text) => Some(text),
            _ => None,
        }),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    };
    match spelled {
        Some(format) => format!("{base}({format})"),
        None => base.to_owned(),
    }
}
