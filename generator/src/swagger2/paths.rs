//! Swagger 2.0 path items and operations as OpenAPI 3.0 ones.

use serde_json::{Map, Value, json};

use super::context::{Lowering, copy_extensions, copy_members};
use super::parameters::{self, Parameters};
use super::responses;
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::Kind;

/// The operations a 2.0 path item can hold.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Operation members that mean the same in 3.0.
const COPIED_MEMBERS: [&str; 7] =
    ["tags", "summary", "description", "externalDocs", "operationId", "deprecated", "security"];

/// Where operations are served when they name their own `schemes`.
pub(super) struct ServerParts<'a> {
    pub host: Option<&'a str>,
    pub base_path: &'a str,
    pub schemes: Vec<String>,
}

/// The `paths` object (written at `/paths`).
pub(super) fn lower_paths(
    cx: &Lowering<'_>,
    paths: &Map<String, Value>,
    servers: &ServerParts<'_>,
) -> Result<Map<String, Value>, Error> {
    let mut lowered = Map::with_capacity(paths.len());
    for (path, item) in paths {
        let item_at = pointer::child("/paths", path);
        if path.starts_with("x-") {
            lowered.insert(path.clone(), item.clone());
            continue;
        }
        if !path.starts_with('/') {
            return Err(cx.invalid(&item_at, format!("path `{path}` does not start with `/`")));
        }
        let item = lower_path_item(cx, cx.object(item, &item_at, "a path item")?, &item_at, servers)?;
        lowered.insert(path.clone(), item);
    }
    Ok(lowered)
}

fn lower_path_item(
    cx: &Lowering<'_>,
    item: &Map<String, Value>,
    at: &str,
    servers: &ServerParts<'_>,
) -> Result<Value, Error> {
    if let Some(reference) = item.get("$ref") {
        return Err(cx.unsupported(&pointer::child(at, "$ref"), format!("path item reference {reference}")));
    }
    let shared =
        Parameters::collect(cx, cx.optional_array(item, "parameters", at)?, &pointer::child(at, "parameters"))?;
    let mut lowered = Map::new();
    for method in METHODS {
        if let Some(operation) = item.get(method) {
            let operation_at = pointer::child(at, method);
            let operation = cx.object(operation, &operation_at, "an operation")?;
            lowered.insert(method.into(), lower_operation(cx, operation, &operation_at, &shared, servers)?);
        }
    }
    if !shared.plain.is_empty() {
        lowered.insert("parameters".into(), Value::Array(shared.plain));
    }
    copy_extensions(item, &mut lowered);
    Ok(Value::Object(lowered))
}

fn lower_operation(
    cx: &Lowering<'_>,
    operation: &Map<String, Value>,
    at: &str,
    shared: &Parameters<'_>,
    servers: &ServerParts<'_>,
) -> Result<Value, Error> {
    let mut lowered = Map::new();
    copy_members(operation, &mut lowered, &COPIED_MEMBERS);
    copy_extensions(operation, &mut lowered);
    // Checked before the pieces are added so that a pointer into it is one into the 2.0 operation.
    let mut shell = lowered.clone();
    shell.insert("responses".into(), json!({}));
    cx.check(Kind::Operation, &Value::Object(shell), at)?;

    let consumes = cx.media_types(operation, "consumes", at)?;
    let produces = cx.media_types(operation, "produces", at)?;
    let own =
        Parameters::collect(cx, cx.optional_array(operation, "parameters", at)?, &pointer::child(at, "parameters"))?;
    if let Some(body) = parameters::request_body(cx, shared, &own, &consumes)? {
        lowered.insert("requestBody".into(), body);
    }
    if !own.plain.is_empty() {
        lowered.insert("parameters".into(), Value::Array(own.plain));
    }
    let responses = operation.get("responses").ok_or_else(|| cx.invalid(at, "the operation has no `responses`"))?;
    lowered.insert(
        "responses".into(),
        responses::lower_responses(cx, responses, &pointer::child(at, "responses"), &produces)?,
    );
    let schemes = cx.strings(operation, "schemes", at)?;
    if !schemes.is_empty()
        && schemes != servers.schemes
        && let Some(host) = servers.host
    {
        let url = |scheme: &String| json!({ "url": format!("{scheme}://{host}{}", servers.base_path) });
        lowered.insert("servers".into(), schemes.iter().map(url).collect());
    }
    Ok(Value::Object(lowered))
}
