//! Swagger 2.0 parameter lists as OpenAPI 3.0 parameters and request bodies.
//!
//! Query, path and header parameters stay parameters, with a schema made of their type fields
//! and a `style` for their `collectionFormat`. The `in: body` parameter becomes the request body
//! (one content entry per consumed media type), and `in: formData` parameters become one
//! form-encoded or multipart body whose object schema has a property per field.

use serde_json::{Map, Value, json};

use super::context::{Lowering, copy_extensions, copy_members};
use super::{BODY_NAME_EXTENSION, COLLECTION_FORMAT_EXTENSION, schema};
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::Kind;

/// One parameter list (of a path item or an operation), sorted by where each parameter goes.
pub(super) struct Parameters<'a> {
    /// Query, path and header parameters in their OpenAPI 3.0 form (or `$ref`s), in order.
    pub plain: Vec<Value>,
    body: Option<Source<'a>>,
    form: Vec<FormField<'a>>,
}

/// A 2.0 parameter object and where it is written.
struct Source<'a> {
    param: &'a Map<String, Value>,
    at: String,
    /// Its escaped name under `/parameters` when it was reached through a `$ref`.
    component: Option<String>,
}

/// An `in: formData` parameter.
struct FormField<'a> {
    name: &'a str,
    param: &'a Map<String, Value>,
    at: String,
}

impl<'a> Parameters<'a> {
    /// Sorts and lowers the `parameters` list `list`, written at `at`.
    pub fn collect(cx: &Lowering<'a>, list: &'a [Value], at: &str) -> Result<Self, Error> {
        let mut parameters = Parameters { plain: Vec::new(), body: None, form: Vec::new() };
        for (i, entry) in list.iter().enumerate() {
            let entry_at = pointer::index(at, i);
            let source = Self::source(cx, entry, entry_at.clone())?;
            let location = cx.required_str(source.param, "in", &source.at, "the parameter")?;
            match location {
                "body" if parameters.body.is_some() => {
                    return Err(
                        cx.invalid(&entry_at, "a second `in: body` parameter; an operation has at most one body")
                    );
                }
                "body" => parameters.body = Some(source),
                "formData" => {
                    let name = cx.required_str(source.param, "name", &source.at, "the parameter")?;
                    parameters.form.push(FormField { name, param: source.param, at: source.at });
                }
                "query" | "path" | "header" => parameters.plain.push(match source.component {
                    Some(name) => json!({ "$ref": format!("#/components/parameters/{name}") }),
                    None => lower_parameter(cx, source.param, &source.at)?,
                }),
                other => return Err(unknown_location(cx, other, &source.at)),
            }
        }
        Ok(parameters)
    }

    /// The parameter object of a list entry, following a `$ref` into `/parameters`.
    fn source(cx: &Lowering<'a>, entry: &'a Value, at: String) -> Result<Source<'a>, Error> {
        let object = cx.object(entry, &at, "a parameter")?;
        match object.get("$ref") {
            None => Ok(Source { param: object, at, component: None }),
            Some(Value::String(reference)) => {
                let (name, target) = cx.section_entry(reference, &pointer::child(&at, "$ref"), "parameters")?;
                let param = cx.object(target.value, &target.pointer, "a parameter")?;
                Ok(Source { param, at: target.pointer, component: Some(name) })
            }
            Some(other) => Err(cx.invalid(
                &pointer::child(&at, "$ref"),
                format!("`$ref` must be a string, found {}", pointer::describe(other)),
            )),
        }
    }
}

fn unknown_location(cx: &Lowering<'_>, location: &str, at: &str) -> Error {
    cx.invalid(
        &pointer::child(at, "in"),
        format!(
            "unknown parameter location `{location}`; Swagger 2.0 has `query`, `header`, `path`, `formData` and `body`"
        ),
    )
}

/// The request body of an operation, from its own parameters and those of its path item (which
/// it overrides: its body replaces theirs, its form fields replace theirs of the same name).
pub(super) fn request_body(
    cx: &Lowering<'_>,
    shared: &Parameters<'_>,
    own: &Parameters<'_>,
    consumes: &[String],
) -> Result<Option<Value>, Error> {
    let body = own.body.as_ref().or(shared.body.as_ref());
    let mut form: Vec<&FormField<'_>> =
        shared.form.iter().filter(|field| own.form.iter().all(|mine| mine.name != field.name)).collect();
    form.extend(&own.form);
    match (body, form.is_empty()) {
        (Some(body), false) => Err(
            cx.invalid(&body.at, "an operation cannot have both an `in: body` parameter and `in: formData` parameters")
        ),
        // A shared body fits its component only if the component was built for the same media types.
        (Some(Source { component: Some(name), .. }), true) if consumes == cx.document_media_types("consumes") => {
            Ok(Some(json!({ "$ref": format!("#/components/requestBodies/{name}") })))
        }
        (Some(body), true) => lower_body(cx, body.param, &body.at, consumes).map(Some),
        (None, false) => lower_form(cx, &form, consumes).map(Some),
        (None, true) => Ok(None),
    }
}

/// A query, path or header parameter in its OpenAPI 3.0 form.
pub(super) fn lower_parameter(cx: &Lowering<'_>, param: &Map<String, Value>, at: &str) -> Result<Value, Error> {
    let name = cx.required_str(param, "name", at, "the parameter")?;
    let location = cx.required_str(param, "in", at, "the parameter")?;
    if !matches!(location, "query" | "path" | "header") {
        return Err(unknown_location(cx, location, at));
    }
    let mut lowered = Map::new();
    lowered.insert("name".into(), name.into());
    lowered.insert("in".into(), location.into());
    copy_members(param, &mut lowered, &["description"]);
    if location == "path" {
        // 2.0 and 3.0 both demand it; some documents say `false` for a path segment anyway.
        lowered.insert("required".into(), Value::Bool(true));
    } else {
        copy_members(param, &mut lowered, &["required"]);
    }
    if location == "query" {
        copy_members(param, &mut lowered, &["allowEmptyValue"]);
    }
    if let Some(style) = collection_style(cx, param, at)?.and_then(|format| parameter_style(location, format)) {
        lowered.insert("style".into(), style.name.into());
        lowered.insert("explode".into(), style.explode.into());
    }
    copy_extensions(param, &mut lowered);
    if let Some(format) = param.get("collectionFormat") {
        lowered.insert(COLLECTION_FORMAT_EXTENSION.into(), format.clone());
    }
    lowered.insert("schema".into(), schema::simple(cx, param, at, false)?);
    let lowered = Value::Object(lowered);
    cx.check_within(Kind::Parameter, &lowered, at, "/schema")?;
    Ok(lowered)
}

/// A body parameter as a request body with one content entry per media type in `consumes`.
pub(super) fn lower_body(
    cx: &Lowering<'_>,
    param: &Map<String, Value>,
    at: &str,
    consumes: &[String],
) -> Result<Value, Error> {
    let name = cx.required_str(param, "name", at, "the body parameter")?;
    let schema =
        param.get("schema").ok_or_else(|| cx.invalid(at, format!("body parameter `{name}` has no `schema`")))?;
    let schema = schema::lower_checked(cx, schema, &pointer::child(at, "schema"))?;
    let content: Map<String, Value> =
        consumes.iter().map(|media_type| (media_type.clone(), json!({ "schema": schema }))).collect();
    let mut lowered = Map::new();
    copy_members(param, &mut lowered, &["description"]);
    lowered.insert("content".into(), Value::Object(content));
    copy_members(param, &mut lowered, &["required"]);
    copy_extensions(param, &mut lowered);
    lowered.insert(BODY_NAME_EXTENSION.into(), name.into());
    let lowered = Value::Object(lowered);
    cx.check(Kind::RequestBody, &lowered, at)?;
    Ok(lowered)
}

/// Form fields as one request body: multipart when a field is a file or the operation consumes
/// only multipart, URL-encoded otherwise.
fn lower_form(cx: &Lowering<'_>, fields: &[&FormField<'_>], consumes: &[String]) -> Result<Value, Error> {
    let has_file = fields.iter().any(|field| field.param.get("type").is_some_and(|kind| kind == "file"));
    let only_multipart = consumes.iter().all(|media_type| media_type.starts_with("multipart/form-data"));
    let media_type =
        if has_file || only_multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut encoding = Map::new();
    for field in fields {
        let mut property = schema::simple(cx, field.param, &field.at, false)?;
        if let Value::Object(property) = &mut property {
            copy_members(field.param, property, &["description"]);
            copy_extensions(field.param, property);
            if let Some(format) = field.param.get("collectionFormat") {
                property.insert(COLLECTION_FORMAT_EXTENSION.into(), format.clone());
            }
            if field.param.get("allowEmptyValue") == Some(&Value::Bool(true)) {
                property.insert("x-allow-empty-value".into(), Value::Bool(true));
            }
        }
        cx.check(Kind::Schema, &property, &field.at)?;
        if let Some(format) = collection_style(cx, field.param, &field.at)? {
            encoding.insert(field.name.to_owned(), field_encoding(format));
        }
        if field.param.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(field.name.to_owned()));
        }
        properties.insert(field.name.to_owned(), property);
    }
    let any_required = !required.is_empty();
    let mut object = Map::new();
    object.insert("type".into(), "object".into());
    object.insert("properties".into(), Value::Object(properties));
    if any_required {
        object.insert("required".into(), Value::Array(required));
    }
    let mut media = Map::new();
    media.insert("schema".into(), Value::Object(object));
    if !encoding.is_empty() {
        media.insert("encoding".into(), Value::Object(encoding));
    }
    let mut body = Map::new();
    body.insert("content".into(), json!({ media_type: media }));
    if any_required {
        body.insert("required".into(), Value::Bool(true));
    }
    Ok(Value::Object(body))
}

/// The `collectionFormat` in force for an array: the one written, else 2.0's default `csv`.
/// `None` for parameters that are not arrays and name no format.
fn collection_style<'p>(cx: &Lowering<'_>, param: &'p Map<String, Value>, at: &str) -> Result<Option<&'p str>, Error> {
    let format = match param.get("collectionFormat") {
        Some(Value::String(format)) => format.as_str(),
        Some(other) => {
            return Err(cx.invalid(
                &pointer::child(at, "collectionFormat"),
                format!("`collectionFormat` must be a string, found {}", pointer::describe(other)),
            ));
        }
        None if param.get("type").is_some_and(|kind| kind == "array") => "csv",
        None => return Ok(None),
    };
    if matches!(format, "csv" | "ssv" | "tsv" | "pipes" | "multi") {
        Ok(Some(format))
    } else {
        Err(cx.invalid(
            &pointer::child(at, "collectionFormat"),
            format!("unknown `collectionFormat` `{format}`; Swagger 2.0 has `csv`, `ssv`, `tsv`, `pipes` and `multi`"),
        ))
    }
}

/// A 3.0 `style` with its `explode`.
struct Style {
    name: &'static str,
    explode: bool,
}

/// The 3.0 style of a 2.0 collection format at a location; `None` where 3.0 has none (`tsv`,
/// `ssv` in a path, …), which `x-collection-format` then carries alone.
fn parameter_style(location: &str, format: &str) -> Option<Style> {
    let (name, explode) = match (location, format) {
        ("query", "csv") => ("form", false),
        ("query", "ssv") => ("spaceDelimited", false),
        ("query", "pipes") => ("pipeDelimited", false),
        ("query", "multi") => ("form", true),
        ("path" | "header", "csv") => ("simple", false),
        _ => return None,
    };
    Some(Style { name, explode })
}

/// The encoding of a form field that is a collection.
fn field_encoding(format: &str) -> Value {
    match parameter_style("query", format) {
        Some(Style { name, explode }) => json!({ "style": name, "explode": explode }),
        None => json!({ COLLECTION_FORMAT_EXTENSION: format }),
    }
}
