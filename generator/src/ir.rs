//! The generator's own model of an API: operations grouped by tag and named types.
//!
//! Built from the OpenAPI 3.0 model alone (Swagger 2.0 has been lowered by then), with every
//! name already decided, so the emitters only print. Types referenced by operations are
//! converted through [`TypeSpace`]; inline object schemas become named types of their own.

use std::borrow::Cow;
use std::collections::BTreeMap;

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Operation as SpecOperation, Parameter,
    ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody, Response, Schema, SchemaKind, SecurityScheme,
    StatusCode, Type, VariantOrUnknownOrEmpty,
};

use crate::Error;
use crate::config::{Config, ReplyOptions};
use crate::naming::{self, Namespace};

mod compose;
mod cycles;
mod dedupe;
mod usage;

pub use usage::Usage;

/// An API ready to print.
#[derive(Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The path under which the API is served, from the first server (`/TrackIt/WebApi`).
    pub base_path: String,
    /// The OAuth2 password flow's token URL as the document gives it (often relative).
    pub token_url: Option<String>,
    pub tags: Vec<TagGroup>,
    pub types: Vec<TypeDef>,
    /// The serde traits each type needs, by type name.
    pub usage: BTreeMap<String, Usage>,
}

/// The operations of one tag: one module and one accessor on the client.
#[derive(Debug)]
pub struct TagGroup {
    pub tag: String,
    pub description: Option<String>,
    /// Module and accessor name (`ticket`).
    pub module: String,
    /// Name of the struct that carries the calls (`TicketApi`).
    pub struct_name: String,
    pub operations: Vec<Operation>,
}

#[derive(Debug)]
pub struct Operation {
    /// The operationId, or `METHOD path` when the document has none.
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub rust_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Required and optional parameters in document order, path parameters first.
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub response: TypeRef,
    pub reply: ReplyKind,
    /// The reply's type from `generator.toml`, overriding `response`.
    pub reply_shape: Option<ReplyShape>,
    /// Set when the call is paged by the `[paging]` parameters: their value meaning "all".
    pub paging: Option<i64>,
    /// The request builder's name (`GetTicketNotesRequest`).
    pub request_name: String,
}

/// A reply read into a type named in `generator.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyShape {
    /// A Rust type path.
    pub ty: String,
    pub envelope: Envelope,
}

/// Where the value sits in the reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    /// The whole reply.
    Whole,
    /// `{"<key>": value}`
    Member(String),
    /// `{"<count>": n, "<items>": [value…]}`
    Page { items: String, count: String },
}

impl ReplyShape {
    fn from_options(options: &ReplyOptions) -> Self {
        let envelope = match (&options.member, &options.items, &options.count) {
            (Some(member), _, _) => Envelope::Member(member.clone()),
            (None, Some(items), Some(count)) => Envelope::Page { items: items.clone(), count: count.clone() },
            _ => Envelope::Whole,
        };
        Self { ty: options.ty.clone(), envelope }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a structured (object) query parameter is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `name[key]=value`
    Deep,
    /// `key=value`
    Form,
}

/// How a list-valued query parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// `a=1&a=2`
    Repeat,
    /// `a=1,2`
    Delimited(char),
}

#[derive(Debug)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub default: Option<serde_json::Value>,
    pub list_style: ListStyle,
    pub object_style: ObjectStyle,
    /// An object (or list of objects), sent as key/value pairs rather than one text value.
    pub structured: bool,
    /// One of the `[paging]` parameters of a paged call: set by a builder method, defaulting
    /// to the value that means "all".
    pub paging: Option<PagingRole>,
}

/// Which of the two `[paging]` parameters a parameter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagingRole {
    Size,
    Number,
}

#[derive(Debug)]
pub struct Body {
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub encoding: BodyEncoding,
}

/// How a request body goes on the wire. JSON is preferred when the operation offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    /// `application/x-www-form-urlencoded`
    Form,
    /// `multipart/form-data`
    Multipart,
    /// Bytes as given, with this media type (`application/octet-stream`, `text/plain`, …).
    Raw(String),
}

/// How a success reply is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    Json,
    Text,
    Bytes,
}

/// A Rust type as used in a field, argument or reply.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A generated type in the `types` module.
    Named(String),
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    /// Any JSON: the document says the value is free-form.
    Json,
    /// No content.
    Unit,
    /// Raw bytes (a file).
    Bytes,
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
    Option(Box<TypeRef>),
    /// Indirection that breaks a cycle of types containing each other.
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    fn nullable(self, nullable: bool) -> Self {
        match self {
            TypeRef::Option(_) | TypeRef::Json => self,
            other if nullable => TypeRef::Option(Box::new(other)),
            other => other,
        }
    }
}

#[derive(Debug)]
pub struct TypeDef {
    pub name: String,
    /// The schema's name in the document, or where an inline schema stood.
    pub origin: String,
    pub description: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug)]
pub enum TypeKind {
    Struct(Struct),
    /// One of several shapes (`oneOf`/`anyOf`), told apart by trying each in order.
    Union(Vec<UnionVariant>),
    /// A string enumeration; unknown values are kept in an extra catch-all variant.
    Enum(Vec<Variant>),
    Alias(TypeRef),
    /// Replaced in `generator.toml` by a type of the user's (a Rust path).
    External(String),
}

#[derive(Debug)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Every field can be left out, so the type implements `Default` (settled after all types
    /// are known, as flattened parents count).
    pub default: bool,
}

#[derive(Debug)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub read_only: bool,
    /// The field's own fields appear inline on the wire (`allOf` parents, extra properties).
    pub flatten: bool,
}

#[derive(Debug)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
}

#[derive(Debug)]
pub struct Variant {
    pub wire_name: String,
    pub rust_name: String,
}

/// Names generated code uses bare (the prelude's, and the crate's own); schema names never
/// take them, so the emitted code can stay free of `::std::…` paths.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box",
    "Client",
    "ClientBuilder",
    "Deserialize",
    "Err",
    "Error",
    "None",
    "Ok",
    "Option",
    "Result",
    "Self_",
    "Serialize",
    "Some",
    "String",
    "Vec",
];
/// Names parameters must not take: they become fields and methods of a request builder,
/// beside its client and its own methods (`clone` too: the stream calls `Clone::clone`).
const RESERVED_ARGUMENT_NAMES: &[&str] =
    &["self", "call", "client", "send", "send_blocking", "stream", "stream_blocking", "clone", "into_future", "fmt"];
const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Escapes a key for use in a JSON pointer (RFC 6901).
pub(crate) fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Builds the model of `spec`; `document` names the source in errors.
pub fn build(spec: &OpenAPI, document: &str, config: &Config) -> Result<Api, Error> {
    let schemas = spec.components.as_ref().map(|c| &c.schemas);
    let mut names =
        naming::type_names(schemas.into_iter().flat_map(|s| s.keys().map(String::as_str)), RESERVED_TYPE_NAMES);
    rename_types(&mut names, config)?;
    let mut space = TypeSpace {
        spec,
        document,
        config,
        names,
        defs: BTreeMap::new(),
        taken: Namespace::default(),
        raw: None,
        pointer_types: BTreeMap::new(),
    };
    for name in space.names.values() {
        space.taken.claim(name.clone());
    }
    if let Some(schemas) = schemas {
        for (raw, schema) in schemas {
            let pointer = format!("/components/schemas/{}", pointer_escape(raw));
            let name = space.names[raw].clone();
            space.define_named(&name, raw, schema, &pointer)?;
        }
    }

    let mut groups: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
    let mut method_names: BTreeMap<String, Namespace> = BTreeMap::new();
    let mut seen_tags = std::collections::BTreeSet::new();
    let mut seen_operations = std::collections::BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        let item_pointer = format!("/paths/{}", pointer_escape(path));
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                return Err(unsupported(document, &item_pointer, format!("path item reference `{reference}`")));
            }
        };
        for (method, operation) in item.iter() {
            let tag = operation.tags.first().cloned().unwrap_or_else(|| "default".to_owned());
            seen_tags.insert(tag.clone());
            if let Some(id) = &operation.operation_id {
                seen_operations.insert(id.clone());
            }
            if config.tags.include.as_ref().is_some_and(|include| !include.contains(&tag)) {
                continue;
            }
            let pointer = format!("{item_pointer}/{method}");
            // `new` is the tag struct's constructor; calls must not take it.
            let names = method_names.entry(tag.clone()).or_insert_with(|| Namespace::with_reserved(&["new"]));
            let built = space.operation(&tag, method, path, operation, &item.parameters, &pointer, names)?;
            groups.entry(tag).or_default().push(built);
        }
    }

    let tag_docs: BTreeMap<&str, Option<String>> =
        spec.tags.iter().map(|t| (t.name.as_str(), t.description.clone())).collect();
    // Tag modules double as `Client` accessors, so they must not take the client's own names.
    let mut module_names = Namespace::with_reserved(&[
        "types",
        "client",
        "api",
        "runtime",
        "profile",
        "builder",
        "login",
        "from_runtime",
        "clone",
        "fmt",
    ]);
    let mut struct_names = Namespace::with_reserved(RESERVED_TYPE_NAMES);
    check_config_names(config, &seen_tags, &seen_operations)?;
    if let Some(paging) = &config.paging
        && !groups.values().flatten().any(|operation| operation.paging.is_some())
    {
        return Err(config.error(
            "paging",
            format!(
                "no operation has integer parameters `{}` and `{}` (with `all` = {} in their range)",
                paging.size, paging.number, paging.all
            ),
        ));
    }
    // Names chosen in `generator.toml` first, so a chosen name never depends on the others.
    let mut modules = BTreeMap::new();
    for tag in groups.keys() {
        if let Some(wanted) = config.tags.names.get(tag) {
            let module = claim_exactly(&mut module_names, wanted)
                .ok_or_else(|| config.error(&format!("tags.names.{tag}"), format!("`{wanted}` is already taken")))?;
            modules.insert(tag.clone(), module);
        }
    }
    let mut tags = Vec::with_capacity(groups.len());
    for (tag, mut operations) in groups {
        let module = match modules.remove(&tag) {
            Some(module) => module,
            None => module_names.claim(naming::snake(&tag)),
        };
        let struct_name = struct_names.claim(format!("{}Api", naming::camel(&module)));
        // Request builders live beside the tag's struct and the names its module imports.
        let mut request_names =
            Namespace::with_reserved(&[struct_name.as_str(), "ApiClient", "Call", "Method", "Error", "BoxFuture"]);
        for operation in &mut operations {
            operation.request_name = request_names.claim(format!("{}Request", naming::camel(&operation.rust_name)));
        }
        tags.push(TagGroup {
            module,
            struct_name,
            description: tag_docs.get(tag.as_str()).cloned().flatten(),
            tag,
            operations,
        });
    }

    cycles::break_zero_width_cycles(&mut space.defs);
    cycles::box_recursive_fields(&mut space.defs);
    compose::settle_flattening_and_defaults(&mut space.defs);
    dedupe::merge_identical_types(&mut space.defs);

    let usage = usage::directions(&space.defs, tags.iter().flat_map(|group| &group.operations));
    Ok(Api {
        usage,
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        base_path: base_path(spec),
        token_url: token_url(spec),
        tags,
        types: space.defs.into_values().collect(),
    })
}

/// Applies `[types."…"].name`: every schema named must exist, and no two types may share a name.
fn rename_types(names: &mut BTreeMap<String, String>, config: &Config) -> Result<(), Error> {
    for (raw, options) in &config.types {
        let key = format!("types.\"{raw}\"");
        if !names.contains_key(raw) {
            return Err(config.error(&key, format!("the document has no schema `{raw}`")));
        }
        let Some(wanted) = &options.name else { continue };
        if RESERVED_TYPE_NAMES.contains(&wanted.as_str()) {
            return Err(config.error(&format!("{key}.name"), format!("`{wanted}` is reserved for generated code")));
        }
        if let Some((other, _)) = names.iter().find(|(other, name)| *name == wanted && *other != raw) {
            return Err(config.error(&format!("{key}.name"), format!("`{wanted}` is already the name of `{other}`")));
        }
        names.insert(raw.clone(), wanted.clone());
    }
    Ok(())
}

/// Every tag and operation named in `generator.toml` must be in the document.
fn check_config_names(
    config: &Config,
    tags: &std::collections::BTreeSet<String>,
    operations: &std::collections::BTreeSet<String>,
) -> Result<(), Error> {
    let known = |set: &std::collections::BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
    for tag in config.tags.include.iter().flatten().chain(config.tags.names.keys()) {
        if !tags.contains(tag) {
            return Err(config.error("tags", format!("the document has no tag `{tag}` (it has {})", known(tags))));
        }
    }
    for id in config.operations.keys() {
        if !operations.contains(id) {
            return Err(config.error(
                &format!("operations.{id}"),
                format!("the document has no operation `{id}` (if the server dropped it, delete these options)"),
            ));
        }
    }
    Ok(())
}

/// Takes exactly `wanted` in `names`, or nothing when it is taken.
fn claim_exactly(names: &mut Namespace, wanted: &str) -> Option<String> {
    let claimed = names.claim(wanted.to_owned());
    (claimed == wanted).then_some(claimed)
}

fn unsupported(document: &str, pointer: &str, reason: impl Into<String>) -> Error {
    Error::Unsupported { document: document.to_owned(), pointer: pointer.to_owned(), reason: reason.into() }
}

fn invalid(document: &str, pointer: &str, reason: impl Into<String>) -> Error {
    Error::Invalid { document: document.to_owned(), pointer: pointer.to_owned(), reason: reason.into() }
}

/// The path part of the first server URL, without a trailing slash.
///
/// Server URLs come absolute (`http://host/api`), scheme-relative (`//host/api`, from a
/// Swagger 2.0 document without `schemes`) or as a bare path (`/api`).
fn base_path(spec: &OpenAPI) -> String {
    let Some(server) = spec.servers.first() else { return String::new() };
    let url = server.url.as_str();
    let after_authority = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |slash| &rest[slash..]),
        None => match url.strip_prefix("//") {
            Some(rest) => rest.find('/').map_or("", |slash| &rest[slash..]),
            None => url,
        },
    };
    after_authority.trim_end_matches('/').to_owned()
}

fn token_url(spec: &OpenAPI) -> Option<String> {
    let schemes = &spec.components.as_ref()?.security_schemes;
    schemes.values().find_map(|scheme| match scheme {
        ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. }) => {
            flows.password.as_ref().map(|flow| flow.token_url.clone())
        }
        _ => None,
    })
}

struct TypeSpace<'a> {
    spec: &'a OpenAPI,
    document: &'a str,
    config: &'a Config,
    /// Raw component schema name → Rust type name.
    names: BTreeMap<String, String>,
    defs: BTreeMap<String, TypeDef>,
    /// Every type name handed out, so inline types never take a component's name.
    taken: Namespace,
    /// The document as JSON, made on the first reference into a place other than a component
    /// schema (`#/components/schemas/Disk/properties/filesystem`).
    raw: Option<serde_json::Value>,
    /// Types already made for such references, so each place becomes one type.
    pointer_types: BTreeMap<String, TypeRef>,
}

impl<'a> TypeSpace<'a> {
    fn define_named(
        &mut self,
        name: &str,
        raw: &str,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<(), Error> {
        let options = self.config.types.get(raw);
        let (description, mut kind) = match (schema, options.and_then(|options| options.replace.clone())) {
            (ReferenceOr::Reference { .. }, Some(path)) => (None, TypeKind::External(path)),
            (ReferenceOr::Item(schema), Some(path)) => (describe(schema), TypeKind::External(path)),
            (ReferenceOr::Reference { reference }, None) => {
                (None, TypeKind::Alias(self.reference(reference, pointer)?))
            }
            (ReferenceOr::Item(schema), None) => (describe(schema), self.kind_of(name, schema, pointer)?),
        };
        let description = options.and_then(|options| options.description.clone()).or(description);
        if let Some(options) = options {
            self.describe_fields(raw, &mut kind, &options.fields)?;
        }
        self.defs.insert(name.to_owned(), TypeDef { name: name.to_owned(), origin: raw.to_owned(), description, kind });
        Ok(())
    }

    /// Applies `[types."…"].fields` descriptions; each must name a property of the schema.
    fn describe_fields(
        &self,
        raw: &str,
        kind: &mut TypeKind,
        descriptions: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        for (wire_name, description) in descriptions {
            let field = match kind {
                TypeKind::Struct(structure) => structure.fields.iter_mut().find(|field| &field.wire_name == wire_name),
                _ => None,
            };
            let Some(field) = field else {
                return Err(self.config.error(
                    &format!("types.\"{raw}\".fields.{wire_name}"),
                    format!("schema `{raw}` has no property `{wire_name}`"),
                ));
            };
            field.description = Some(description.clone());
        }
        Ok(())
    }

    /// The shape of a named schema: a struct for objects with properties, an enum for string
    /// enumerations, an alias for everything else.
    fn kind_of(&mut self, name: &str, schema: &Schema, pointer: &str) -> Result<TypeKind, Error> {
        if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind
            && !object.properties.is_empty()
        {
            let mut fields = self.fields(name, &object.properties, &object.required, pointer)?;
            self.extra_properties(name, object.additional_properties.as_ref(), pointer, &mut fields)?;
            return Ok(TypeKind::Struct(Struct { fields, default: false }));
        }
        if let Some(kind) = self.composite_kind(name, schema, pointer)? {
            return Ok(kind);
        }
        if let SchemaKind::Type(Type::String(string)) = &schema.schema_kind
            && !string.enumeration.is_empty()
        {
            let mut variants = Namespace::with_reserved(&["Other"]);
            let mut seen = std::collections::BTreeSet::new();
            // A value listed twice would make two variants with one wire name.
            let values = string.enumeration.iter().flatten().filter(|value| seen.insert(value.as_str()));
            return Ok(TypeKind::Enum(
                values
                    .map(|value| {
                        let wanted = if value.trim().is_empty() { "Empty".to_owned() } else { naming::camel(value) };
                        Variant { wire_name: value.clone(), rust_name: variants.claim(wanted) }
                    })
                    .collect(),
            ));
        }
        Ok(TypeKind::Alias(self.schema_type(name, schema, pointer)?))
    }

    fn fields(
        &mut self,
        owner: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        pointer: &str,
    ) -> Result<Vec<Field>, Error> {
        let mut names = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, property) in properties {
            let field_pointer = format!("{pointer}/properties/{}", pointer_escape(wire_name));
            let rust_name = names.claim(naming::snake(wire_name));
            let inline_name = format!("{owner}{}", naming::camel(wire_name));
            let (ty, description, read_only) = match property {
                ReferenceOr::Reference { reference } => (self.reference(reference, &field_pointer)?, None, false),
                ReferenceOr::Item(schema) => (
                    self.schema_type(&inline_name, schema, &field_pointer)?,
                    schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone()),
                    schema.schema_data.read_only,
                ),
            };
            let is_required = required.iter().any(|r| r == wire_name);
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name,
                ty,
                required: is_required,
                description,
                read_only,
                flatten: false,
            });
        }
        Ok(fields)
    }

    /// The Rust type of a schema in use position. `suggested` names an inline type if one is needed.
    fn schema_type(&mut self, suggested: &str, schema: &Schema, pointer: &str) -> Result<TypeRef, Error> {
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                self.inline_def(suggested, schema, pointer)?
            }
            // Binary strings stay strings on the JSON wire (base64 in .NET); raw byte bodies come later.
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Array(array)) => {
                let item = match &array.items {
                    None => TypeRef::Json,
                    Some(ReferenceOr::Reference { reference }) => {
                        self.reference(reference, &format!("{pointer}/items"))?
                    }
                    Some(ReferenceOr::Item(item)) => {
                        self.schema_type(&format!("{suggested}Item"), item, &format!("{pointer}/items"))?
                    }
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                self.inline_def(suggested, schema, pointer)?
            }
            SchemaKind::Type(Type::Object(object)) => match &object.additional_properties {
                Some(AdditionalProperties::Schema(value)) => {
                    let value_pointer = format!("{pointer}/additionalProperties");
                    let value = match value.as_ref() {
                        ReferenceOr::Reference { reference } => self.reference(reference, &value_pointer)?,
                        ReferenceOr::Item(value) => {
                            self.schema_type(&format!("{suggested}Value"), value, &value_pointer)?
                        }
                    };
                    TypeRef::Map(Box::new(value))
                }
                // `type: object` alone: .NET's `object`, any JSON value.
                _ => TypeRef::Json,
            },
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::AllOf { .. } | SchemaKind::Any(_) => {
                match self.single_member(suggested, schema, pointer)? {
                    Some(member) => member,
                    None if compose::is_structured(schema) => self.inline_def(suggested, schema, pointer)?,
                    None => compose::scalar_of_any(schema),
                }
            }
            // `not` says what a value is not, which no Rust type expresses.
            SchemaKind::Not { .. } => TypeRef::Json,
        };
        Ok(ty.nullable(nullable))
    }

    fn inline_def(&mut self, suggested: &str, schema: &Schema, pointer: &str) -> Result<TypeRef, Error> {
        let name = self.taken.claim(naming::camel(suggested));
        let description = describe(schema);
        let kind = self.kind_of(&name, schema, pointer)?;
        // The place in the document, not the document's name: a file's path on the machine that
        // generated the crate must not end up in its source.
        let origin = format!("#{pointer}");
        self.defs.insert(name.clone(), TypeDef { name: name.clone(), origin, description, kind });
        Ok(TypeRef::Named(name))
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        match reference.strip_prefix("#/components/schemas/") {
            Some(raw) if !raw.contains('/') => {
                let raw = raw.replace("~1", "/").replace("~0", "~");
                match self.names.get(&raw) {
                    Some(name) => Ok(TypeRef::Named(name.clone())),
                    None => Err(invalid(self.document, pointer, format!("reference `{reference}` names no schema"))),
                }
            }
            _ => self.pointer_reference(reference, pointer),
        }
    }

    /// A reference to any other place in the document (a property of another schema, a
    /// schema inside a path): that place becomes a type of its own, made once.
    fn pointer_reference(&mut self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        if let Some(ty) = self.pointer_types.get(reference) {
            return Ok(ty.clone());
        }
        let Some(fragment) = reference.strip_prefix('#') else {
            return Err(unsupported(self.document, pointer, format!("reference `{reference}` to another document")));
        };
        // A URI fragment may be percent-encoded (`%7Bid%7D` for `{id}`).
        let target = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned();
        let target = target.as_str();
        let raw = self.raw.get_or_insert_with(|| serde_json::to_value(self.spec).unwrap_or_default());
        let Some(value) = raw.pointer(target).cloned() else {
            return Err(invalid(
                self.document,
                pointer,
                format!("reference `{reference}` names nothing in this document"),
            ));
        };
        let schema: ReferenceOr<Schema> = serde_json::from_value(value).map_err(|error| {
            invalid(self.document, pointer, format!("reference `{reference}` does not lead to a schema: {error}"))
        })?;
        let segments: Vec<&str> = target.rsplit('/').take(3).collect();
        let suggested: Vec<&str> = segments.into_iter().rev().filter(|s| *s != "properties" && *s != "items").collect();
        let name = self.taken.claim(naming::camel(&suggested.join(" ")));
        // Registered before it is converted, so a place that refers to itself ends.
        self.pointer_types.insert(reference.to_owned(), TypeRef::Named(name.clone()));
        self.define_named(&name, reference, &schema, target)?;
        Ok(TypeRef::Named(name))
    }

    /// Follows references to the item they name: `#/components/{section}/…` by name, any other
    /// place in the document (`#/paths/~1users/get/responses/200`) through its JSON pointer.
    fn resolve<T: Clone + serde::de::DeserializeOwned>(
        &mut self,
        item: &'a ReferenceOr<T>,
        section: &str,
        get: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
        pointer: &str,
    ) -> Result<Cow<'a, T>, Error> {
        let mut current: Cow<'a, ReferenceOr<T>> = Cow::Borrowed(item);
        // A chain longer than this is a cycle; refuse instead of looping.
        for _ in 0..16 {
            let reference = match current {
                Cow::Borrowed(ReferenceOr::Item(item)) => return Ok(Cow::Borrowed(item)),
                Cow::Owned(ReferenceOr::Item(item)) => return Ok(Cow::Owned(item)),
                Cow::Borrowed(ReferenceOr::Reference { reference }) => reference.clone(),
                Cow::Owned(ReferenceOr::Reference { reference }) => reference,
            };
            let names_nothing =
                || invalid(self.document, pointer, format!("reference `{reference}` names nothing in this document"));
            let by_name = reference
                .strip_prefix(&format!("#/components/{section}/"))
                .filter(|name| !name.contains('/'))
                .and_then(|name| self.spec.components.as_ref().and_then(|c| get(c, name)));
            current = match by_name {
                Some(target) => Cow::Borrowed(target),
                None => {
                    let fragment = reference.strip_prefix('#').ok_or_else(|| {
                        unsupported(self.document, pointer, format!("reference `{reference}` to another document"))
                    })?;
                    // A URI fragment may be percent-encoded (`%7Bid%7D` for `{id}`).
                    let target = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned();
                    let raw = self.raw.get_or_insert_with(|| serde_json::to_value(self.spec).unwrap_or_default());
                    let value = raw.pointer(&target).cloned().ok_or_else(names_nothing)?;
                    Cow::Owned(serde_json::from_value(value).map_err(|error| {
                        invalid(
                            self.document,
                            pointer,
                            format!("reference `{reference}` leads to something else: {error}"),
                        )
                    })?)
                }
            };
        }
        Err(invalid(self.document, pointer, "references form a cycle"))
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        tag: &str,
        method: &str,
        path: &str,
        operation: &'a SpecOperation,
        path_level: &'a [ReferenceOr<Parameter>],
        pointer: &str,
        method_names: &mut Namespace,
    ) -> Result<Operation, Error> {
        let operation_id =
            operation.operation_id.clone().unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
        let options = operation.operation_id.as_ref().and_then(|id| self.config.operations.get(id));
        let rust_name = match options.and_then(|options| options.name.as_ref()) {
            Some(wanted) => claim_exactly(method_names, wanted).ok_or_else(|| {
                self.config.error(
                    &format!("operations.{operation_id}.name"),
                    format!("`{wanted}` is already a call of tag `{tag}`"),
                )
            })?,
            None => method_names.claim(operation_rust_name(tag, method, path, operation.operation_id.as_deref())),
        };
        let type_prefix = naming::camel(&format!("{tag} {rust_name}"));

        // Operation parameters override path-item parameters of the same name and location.
        let mut merged: Vec<(Cow<'a, Parameter>, String)> = Vec::new();
        for (index, parameter) in operation.parameters.iter().enumerate() {
            let param_pointer = format!("{pointer}/parameters/{index}");
            merged.push((
                self.resolve(parameter, "parameters", |c, n| c.parameters.get(n), &param_pointer)?,
                param_pointer,
            ));
        }
        for (index, parameter) in path_level.iter().enumerate() {
            let param_pointer = format!("/paths/{}/parameters/{index}", pointer_escape(path));
            let parameter = self.resolve(parameter, "parameters", |c, n| c.parameters.get(n), &param_pointer)?;
            let data = parameter.parameter_data_ref();
            let shadowed = merged.iter().any(|(p, _)| {
                p.parameter_data_ref().name == data.name
                    && std::mem::discriminant(p.as_ref()) == std::mem::discriminant(parameter.as_ref())
            });
            if !shadowed {
                merged.push((parameter, param_pointer));
            }
        }
        // Path parameters first, in the order they appear in the path, then the rest in document order.
        let position_in_path = |name: &str| path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX);
        merged.sort_by_key(|(p, _)| match p.as_ref() {
            Parameter::Path { parameter_data, .. } => (0, position_in_path(&parameter_data.name)),
            _ => (1, 0),
        });

        let mut arguments = Namespace::with_reserved(RESERVED_ARGUMENT_NAMES);
        let mut params = Vec::with_capacity(merged.len());
        for (parameter, param_pointer) in merged {
            let (location, list_style, object_style) = match parameter.as_ref() {
                Parameter::Path { .. } => (ParamLocation::Path, ListStyle::Delimited(','), ObjectStyle::Form),
                Parameter::Header { .. } => (ParamLocation::Header, ListStyle::Delimited(','), ObjectStyle::Form),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, ListStyle::Delimited(','), ObjectStyle::Form),
                Parameter::Query { style, parameter_data, .. } => {
                    let list_style = match style {
                        QueryStyle::SpaceDelimited => ListStyle::Delimited(' '),
                        QueryStyle::PipeDelimited => ListStyle::Delimited('|'),
                        QueryStyle::Form if parameter_data.explode == Some(false) => ListStyle::Delimited(','),
                        QueryStyle::Form | QueryStyle::DeepObject => ListStyle::Repeat,
                    };
                    let object_style =
                        if *style == QueryStyle::DeepObject { ObjectStyle::Deep } else { ObjectStyle::Form };
                    (ParamLocation::Query, list_style, object_style)
                }
            };
            let data = parameter.parameter_data_ref();
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schema,
                ParameterSchemaOrContent::Content(_) => {
                    return Err(unsupported(self.document, &param_pointer, "parameters described by `content`"));
                }
            };
            let suggested = format!("{type_prefix}{}", naming::camel(&data.name));
            let (ty, default) = match schema {
                ReferenceOr::Reference { reference } => {
                    (self.reference(reference, &format!("{param_pointer}/schema"))?, None)
                }
                ReferenceOr::Item(schema) => (
                    self.schema_type(&suggested, schema, &format!("{param_pointer}/schema"))?,
                    schema.schema_data.default.clone(),
                ),
            };
            let ty = match ty {
                TypeRef::Option(inner) => *inner,
                other => other,
            };
            // Structured values go in the query as key/value pairs, elsewhere as their JSON text
            // (what a union of number and text needs).
            let structured = !self.is_scalar_or_list(&ty);
            params.push(Param {
                rust_name: arguments.claim(naming::snake(&data.name)),
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                description: data.description.clone(),
                default,
                list_style,
                object_style,
                structured,
                paging: None,
            });
        }
        let paging = self.mark_paging(&mut params);

        let body = match &operation.request_body {
            None => None,
            Some(body) => {
                let body_pointer = format!("{pointer}/requestBody");
                let body = self.resolve(body, "requestBodies", |c, n| c.request_bodies.get(n), &body_pointer)?;
                Some(self.body(&body, &type_prefix, &body_pointer, &mut arguments)?)
            }
        };

        check_path_template(path, &params).map_err(|reason| invalid(self.document, pointer, reason))?;
        let (response, reply) = self.response(operation, &type_prefix, pointer)?;
        let reply_shape = match options.and_then(|options| options.reply.as_ref()) {
            Some(_) if reply != ReplyKind::Json => {
                return Err(self.config.error(
                    &format!("operations.{operation_id}.reply"),
                    "only a JSON reply can be given a type; this operation's reply is not JSON",
                ));
            }
            Some(reply) => Some(ReplyShape::from_options(reply)),
            None => None,
        };
        Ok(Operation {
            operation_id,
            method: method.to_uppercase(),
            path: path.to_owned(),
            rust_name,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            params,
            body,
            response,
            reply,
            reply_shape,
            paging,
            request_name: String::new(),
        })
    }

    /// Marks the `[paging]` parameters when the call has both as integers; returns the value
    /// that means "all".
    fn mark_paging(&self, params: &mut [Param]) -> Option<i64> {
        let paging = self.config.paging.as_ref()?;
        let is_integer = |param: &Param| matches!(param.ty, TypeRef::I32 | TypeRef::I64);
        let size = params.iter().position(|param| param.wire_name == paging.size && is_integer(param))?;
        let number = params.iter().position(|param| param.wire_name == paging.number && is_integer(param))?;
        // The "all" value must fit the parameters' type.
        let fits = |param: &Param| param.ty == TypeRef::I64 || i32::try_from(paging.all).is_ok();
        if !fits(&params[size]) || !fits(&params[number]) {
            return None;
        }
        params[size].paging = Some(PagingRole::Size);
        params[number].paging = Some(PagingRole::Number);
        Some(paging.all)
    }

    /// Whether values of `ty` have one text form: numbers, strings, booleans, enums.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        let mut current = ty;
        // Aliases can chain (and, in a broken document, loop): follow a bounded number.
        for _ in 0..16 {
            match current {
                TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => {
                    return true;
                }
                TypeRef::Named(name) => match self.defs.get(name).map(|def| &def.kind) {
                    Some(TypeKind::Enum(_)) => return true,
                    Some(TypeKind::Alias(target)) => current = target,
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }

    fn is_scalar_or_list(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Vec(item) => self.is_scalar(item),
            other => self.is_scalar(other),
        }
    }

    fn body(
        &mut self,
        body: &RequestBody,
        type_prefix: &str,
        pointer: &str,
        arguments: &mut Namespace,
    ) -> Result<Body, Error> {
        let wire_name = body.extensions.get("x-codegen-request-body-name").and_then(|v| v.as_str()).unwrap_or("body");
        let rust_name = arguments.claim(naming::snake(wire_name));
        let description = body.description.clone();
        let Some((media_type, content, encoding)) = choose_body_media_type(&body.content) else {
            // `content: {}`: the document describes a body without saying what it is.
            return Ok(Body {
                rust_name,
                ty: TypeRef::Bytes,
                required: body.required,
                description,
                encoding: BodyEncoding::Raw("application/octet-stream".into()),
            });
        };
        let ty = if let BodyEncoding::Raw(_) = encoding {
            TypeRef::Bytes
        } else {
            let schema_pointer = format!("{pointer}/content/{}/schema", pointer_escape(media_type));
            match &content.schema {
                None => TypeRef::Json,
                Some(ReferenceOr::Reference { reference }) => self.reference(reference, &schema_pointer)?,
                Some(ReferenceOr::Item(schema)) => {
                    self.schema_type(&format!("{type_prefix}Body"), schema, &schema_pointer)?
                }
            }
        };
        Ok(Body { rust_name, ty, required: body.required, description, encoding })
    }

    /// The type of the first success response: 200 first, then other 2XX codes; JSON when
    /// offered, else text or bytes.
    fn response(
        &mut self,
        operation: &'a SpecOperation,
        type_prefix: &str,
        pointer: &str,
    ) -> Result<(TypeRef, ReplyKind), Error> {
        let successes = operation.responses.responses.iter().filter(|(code, _)| match code {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        });
        let Some((code, response)) = successes.min_by_key(|(code, _)| code.to_string()) else {
            return Ok((TypeRef::Json, ReplyKind::Json));
        };
        let response_pointer = format!("{pointer}/responses/{code}");
        let response = self.resolve(response, "responses", |c, n| c.responses.get(n), &response_pointer)?;
        let response: &Response = &response;
        let Some((media_type, content)) = response.content.iter().find(|(media_type, _)| is_json(media_type)) else {
            return Ok(match response.content.keys().next() {
                None => (TypeRef::Unit, ReplyKind::Json),
                Some(media_type) if is_text(media_type) => (TypeRef::String, ReplyKind::Text),
                Some(_) => (TypeRef::Bytes, ReplyKind::Bytes),
            });
        };
        let schema_pointer = format!("{response_pointer}/content/{}/schema", pointer_escape(media_type));
        let ty = match &content.schema {
            None => TypeRef::Json,
            Some(ReferenceOr::Reference { reference }) => self.reference(reference, &schema_pointer)?,
            Some(ReferenceOr::Item(schema)) => {
                self.schema_type(&format!("{type_prefix}Response"), schema, &schema_pointer)?
            }
        };
        Ok((ty, ReplyKind::Json))
    }
}

/// The body media type to send: JSON, then a form, then multipart, then the first listed.
fn choose_body_media_type(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&String, &openapiv3::MediaType, BodyEncoding)> {
    let essence = |media_type: &str| media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let find = |wanted: &dyn Fn(&str) -> bool| content.iter().find(|(media_type, _)| wanted(media_type));
    if let Some((media_type, item)) = find(&|media_type| is_json(media_type)) {
        return Some((media_type, item, BodyEncoding::Json));
    }
    if let Some((media_type, item)) = find(&|media_type| essence(media_type) == "application/x-www-form-urlencoded") {
        return Some((media_type, item, BodyEncoding::Form));
    }
    if let Some((media_type, item)) = find(&|media_type| essence(media_type) == "multipart/form-data") {
        return Some((media_type, item, BodyEncoding::Multipart));
    }
    let (media_type, item) = content.iter().next()?;
    // A wildcard cannot go on the wire as a Content-Type.
    let sent = if media_type.contains('*') { "application/octet-stream".to_owned() } else { media_type.clone() };
    Some((media_type, item, BodyEncoding::Raw(sent)))
}

/// The path template and the path parameters must name each other exactly, or no URL can be
/// built (`/a/{id` or `/b/{id}` without an `id` parameter would be sent literally).
fn check_path_template(path: &str, params: &[Param]) -> Result<(), String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("path template `{path}` has a `}}` without a `{{`"));
        }
        let Some(length) = rest[open + 1..].find(['{', '}']).filter(|end| rest[open + 1 + end..].starts_with('}'))
        else {
            return Err(format!("path template `{path}` has a `{{` without a matching `}}`"));
        };
        names.push(&rest[open + 1..open + 1 + length]);
        rest = &rest[open + length + 2..];
    }
    let declared: Vec<&str> = params
        .iter()
        .filter(|param| param.location == ParamLocation::Path)
        .map(|param| param.wire_name.as_str())
        .collect();
    if let Some(missing) = names.iter().find(|name| !declared.contains(name)) {
        return Err(format!(
            "path template `{path}` names `{{{missing}}}`, but no path parameter `{missing}` is declared"
        ));
    }
    if let Some(unused) = declared.iter().find(|name| !names.contains(name)) {
        return Err(format!("path parameter `{unused}` does not appear in the path template `{path}`"));
    }
    Ok(())
}

/// A type's documentation: its description (or title), and the allowed values of a numeric
/// enumeration, which stays a plain number type.
fn describe(schema: &Schema) -> Option<String> {
    let text = schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone());
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => {
            integer.enumeration.iter().flatten().map(ToString::to_string).collect()
        }
        SchemaKind::Type(Type::Number(number)) => {
            number.enumeration.iter().flatten().map(ToString::to_string).collect()
        }
        _ => Vec::new(),
    };
    if values.is_empty() {
        return text;
    }
    let listed = format!("One of `{}`.", values.join("`, `"));
    Some(match text {
        Some(text) => format!("{text}\n\n{listed}"),
        None => listed,
    })
}

fn is_text(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence.starts_with("text/") || essence.ends_with("/xml") || essence.ends_with("+xml")
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// The call's name: the operationId without a Swashbuckle `Controller_` prefix equal to its tag
/// (`Ticket_GetTicketNotes` under tag `Ticket` → `get_ticket_notes`), else the method and path.
fn operation_rust_name(tag: &str, method: &str, path: &str, operation_id: Option<&str>) -> String {
    match operation_id {
        Some(id) => {
            let stripped = id
                .split_once('_')
                .filter(|(prefix, rest)| prefix.eq_ignore_ascii_case(tag) && !rest.is_empty())
                .map_or(id, |(_, rest)| rest);
            naming::snake(stripped)
        }
        None => {
            debug_assert!(HTTP_METHODS.contains(&method));
            naming::snake(&format!("{method} {}", path.replace(['{', '}'], " ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_drop_the_controller_prefix_only_when_it_is_the_tag() {
        assert_eq!(operation_rust_name("Ticket", "get", "/", Some("Ticket_GetTicketNotes")), "get_ticket_notes");
        assert_eq!(operation_rust_name("Ticket", "get", "/", Some("Ticket_Get")), "get");
        assert_eq!(operation_rust_name("Other", "get", "/", Some("Ticket_Get")), "ticket_get");
        assert_eq!(operation_rust_name("pets", "get", "/pets/{petId}", None), "get_pets_pet_id");
    }

    fn path_param(name: &str) -> Param {
        Param {
            wire_name: name.into(),
            rust_name: name.into(),
            location: ParamLocation::Path,
            ty: TypeRef::I32,
            required: true,
            description: None,
            default: None,
            list_style: ListStyle::Repeat,
            object_style: ObjectStyle::Form,
            structured: false,
            paging: None,
        }
    }

    #[test]
    fn path_templates_must_match_their_parameters() {
        assert!(check_path_template("/tickets/{id}/Notes/{n}", &[path_param("id"), path_param("n")]).is_ok());
        assert!(check_path_template("/a/{id", &[path_param("id")]).unwrap_err().contains("without a matching"));
        assert!(check_path_template("/a/id}", &[]).unwrap_err().contains("without a `{`"));
        assert!(check_path_template("/b/{id}", &[]).unwrap_err().contains("no path parameter `id`"));
        assert!(check_path_template("/c", &[path_param("id")]).unwrap_err().contains("does not appear"));
    }

    #[test]
    fn base_path_is_the_path_of_the_first_server() {
        let mut spec = OpenAPI::default();
        spec.servers.push(openapiv3::Server { url: "http://localhost/TrackIt/WebApi/".into(), ..Default::default() });
        assert_eq!(base_path(&spec), "/TrackIt/WebApi");
        spec.servers[0].url = "/v1".into();
        assert_eq!(base_path(&spec), "/v1");
        spec.servers[0].url = "https://api.example.com".into();
        assert_eq!(base_path(&spec), "");
        spec.servers[0].url = "//helpdesk.example.com/TrackIt/WebApi".into();
        assert_eq!(base_path(&spec), "/TrackIt/WebApi");
    }
}
