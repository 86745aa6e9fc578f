//! Swagger 2.0 lowered into the OpenAPI 3.0 model, once, so nothing downstream knows there were
//! two versions.
//!
//! The lowering works JSON to JSON, piece by piece, and checks every piece against `openapiv3`
//! as soon as it is built, so that errors name the place in the 2.0 document. What 3.0 cannot
//! say is kept in extensions: `x-codegen-request-body-name` (the body parameter's name) on
//! request bodies and `x-collection-format` on parameters, headers and form fields.

mod context;
mod parameters;
mod paths;
mod responses;
mod schema;
mod security;

use serde_json::{Map, Value, json};

use self::context::{Lowering, copy_extensions, copy_members};
use self::paths::ServerParts;
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::{self, Kind};

/// The OpenAPI version a lowered document claims.
const LOWERED_VERSION: &str = "3.0.3";

/// Keeps a 2.0 body parameter's name on its request body: the generator names the argument after it.
const BODY_NAME_EXTENSION: &str = "x-codegen-request-body-name";

/// Keeps a 2.0 `collectionFormat` on parameters, headers, items and form fields; 3.0 has no
/// style for `tsv` (nor for `ssv`/`pipes` outside a query).
const COLLECTION_FORMAT_EXTENSION: &str = "x-collection-format";

/// Lowers the Swagger 2.0 document `doc` (named `document` in errors) to OpenAPI 3.0.
pub(crate) fn lower(doc: &Value, document: &str) -> Result<openapiv3::OpenAPI, Error> {
    let root = doc.as_object().ok_or_else(|| Error::Invalid {
        document: document.to_owned(),
        pointer: String::new(),
        reason: format!("a Swagger 2.0 document must be an object, found {}", pointer::describe(doc)),
    })?;
    let mut cx = Lowering { root: doc, document, consumes: Vec::new(), produces: Vec::new() };
    cx.consumes = cx.strings(root, "consumes", "")?;
    cx.produces = cx.strings(root, "produces", "")?;
    let lowered = lower_document(&cx, root)?;
    // Every piece was checked as it was built; a failure here is one of how they combine.
    typed::assembled_document(&lowered).map_err(|failure| Error::Invalid {
        document: document.to_owned(),
        pointer: failure.pointer,
        reason: format!("{} (in the document as lowered to OpenAPI 3.0)", failure.message),
    })
}

fn lower_document(cx: &Lowering<'_>, root: &Map<String, Value>) -> Result<Value, Error> {
    let mut lowered = Map::new();
    lowered.insert("openapi".into(), LOWERED_VERSION.into());
    let info = root.get("info").ok_or_else(|| cx.invalid("", "the document has no `info`"))?;
    cx.check(Kind::Info, info, "/info")?;
    lowered.insert("info".into(), info.clone());

    let servers = ServerParts {
        host: cx.optional_str(root, "host", "")?,
        base_path: cx.optional_str(root, "basePath", "")?.unwrap_or(""),
        schemes: cx.strings(root, "schemes", "")?,
    };
    lowered.insert(
        "servers".into(),
        Value::Array(server_urls(&servers).into_iter().map(|url| json!({ "url": url })).collect()),
    );

    let paths = cx.optional_object(root, "paths", "")?.ok_or_else(|| cx.invalid("", "the document has no `paths`"))?;
    lowered.insert("paths".into(), Value::Object(paths::lower_paths(cx, paths, &servers)?));

    let components = lower_components(cx, root)?;
    if !components.is_empty() {
        lowered.insert("components".into(), Value::Object(components));
    }
    for (key, kind) in
        [("security", Kind::SecurityRequirements), ("tags", Kind::Tags), ("externalDocs", Kind::ExternalDocs)]
    {
        if let Some(value) = root.get(key) {
            cx.check(kind, value, &pointer::child("", key))?;
        }
    }
    copy_members(root, &mut lowered, &["security", "tags", "externalDocs"]);
    copy_extensions(root, &mut lowered);
    Ok(Value::Object(lowered))
}

/// `{scheme}://{host}{basePath}` per scheme; without schemes a scheme-relative URL; without a
/// host just the base path, relative to wherever the document was served; else `/`.
fn server_urls(parts: &ServerParts<'_>) -> Vec<String> {
    let base_path = match parts.base_path {
        "" => String::new(),
        path if path.starts_with('/') => path.to_owned(),
        path => format!("/{path}"),
    };
    match parts.host {
        Some(host) if parts.schemes.is_empty() => vec![format!("//{host}{base_path}")],
        Some(host) => parts.schemes.iter().map(|scheme| format!("{scheme}://{host}{base_path}")).collect(),
        None if base_path.is_empty() => vec!["/".to_owned()],
        None => vec![base_path],
    }
}

/// `definitions`, global `parameters` and `responses`, and `securityDefinitions` as the
/// sections of `components`.
fn lower_components(cx: &Lowering<'_>, root: &Map<String, Value>) -> Result<Map<String, Value>, Error> {
    let mut components = Map::new();
    if let Some(definitions) = cx.optional_object(root, "definitions", "")? {
        let schemas = definitions
            .iter()
            .map(|(name, definition)| {
                Ok((name.clone(), schema::lower_checked(cx, definition, &pointer::child("/definitions", name))?))
            })
            .collect::<Result<Map<_, _>, Error>>()?;
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if let Some(responses) = cx.optional_object(root, "responses", "")? {
        let consumed = cx.document_media_types("produces");
        let lowered = responses
            .iter()
            .map(|(name, response)| {
                let at = pointer::child("/responses", name);
                Ok((
                    name.clone(),
                    responses::lower_response(cx, cx.object(response, &at, "a response")?, &at, &consumed)?,
                ))
            })
            .collect::<Result<Map<_, _>, Error>>()?;
        components.insert("responses".into(), Value::Object(lowered));
    }
    if let Some(global) = cx.optional_object(root, "parameters", "")? {
        lower_global_parameters(cx, global, &mut components)?;
    }
    if let Some(definitions) = cx.optional_object(root, "securityDefinitions", "")? {
        components.insert(
            "securitySchemes".into(),
            Value::Object(security::lower_security_definitions(cx, definitions, "/securityDefinitions")?),
        );
    }
    Ok(components)
}

/// Global parameters: query, path and header ones as component parameters, body ones as
/// component request bodies. Form fields have no 3.0 component; operations that reference them
/// get them folded into their own bodies.
fn lower_global_parameters(
    cx: &Lowering<'_>,
    global: &Map<String, Value>,
    components: &mut Map<String, Value>,
) -> Result<(), Error> {
    let mut plain = Map::new();
    let mut bodies = Map::new();
    let consumes = cx.document_media_types("consumes");
    for (name, param) in global {
        let at = pointer::child("/parameters", name);
        let param = cx.object(param, &at, "a parameter")?;
        match cx.required_str(param, "in", &at, "the parameter")? {
            "body" => {
                bodies.insert(name.clone(), parameters::lower_body(cx, param, &at, &consumes)?);
            }
            "formData" => {}
            _ => {
                plain.insert(name.clone(), parameters::lower_parameter(cx, param, &at)?);
            }
        }
    }
    if !plain.is_empty() {
        components.insert("parameters".into(), Value::Object(plain));
    }
    if !bodies.is_empty() {
        components.insert("requestBodies".into(), Value::Object(bodies));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(host: Option<&str>, base_path: &str, schemes: &[&str]) -> Vec<String> {
        server_urls(&ServerParts { host, base_path, schemes: schemes.iter().map(|s| (*s).to_owned()).collect() })
    }

    #[test]
    fn servers_follow_host_base_path_and_schemes() {
        assert_eq!(urls(Some("localhost"), "/TrackIt/WebApi", &["http"]), ["http://localhost/TrackIt/WebApi"]);
        assert_eq!(urls(Some("h:8080"), "/v1", &["http", "https"]), ["http://h:8080/v1", "https://h:8080/v1"]);
        assert_eq!(urls(Some("h"), "v1", &[]), ["//h/v1"]);
        assert_eq!(urls(None, "/v1", &["https"]), ["/v1"]);
        assert_eq!(urls(None, "", &[]), ["/"]);
    }
}
