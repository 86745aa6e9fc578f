//! OpenAPI 3.1 lowered into the OpenAPI 3.0 model, once, so nothing downstream knows there were
//! three versions.
//!
//! The lowering works JSON to JSON and keeps the document's shape, so errors name the place in
//! the 3.1 document: schemas are checked against `openapiv3` one by one as they are lowered
//! (lowering restructures some), everything else once at the end. What 3.0 has no place for is
//! kept in extensions: `x-webhooks` (lowered path items), `x-jsonSchemaDialect`, `x-summary`
//! on `info`, `x-identifier` on `license`, `x-pathItems` and `x-mutualTLS` on `components`,
//! and the schema keywords listed in [`schema`].

mod context;
mod objects;
mod schema;

use serde_json::{Map, Value, json};

use self::context::{Checks, Lowering};
use self::objects::Object;
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::{self, Kind};

/// The OpenAPI version a lowered document claims.
const LOWERED_VERSION: &str = "3.0.3";

/// Lowers the OpenAPI 3.1 document `doc` (named `document` in errors) to OpenAPI 3.0.
pub(crate) fn lower(doc: &Value, document: &str) -> Result<openapiv3::OpenAPI, Error> {
    let cx = Lowering::new(doc, document, Checks::AtTheEnd);
    let Value::Object(root) = doc else {
        return Err(cx.invalid("", format!("an OpenAPI document must be an object, found {}", pointer::describe(doc))));
    };
    let lowered = lower_document(&cx, root)?;
    let failure = match check_lowered(&cx, &lowered) {
        Ok(()) => {
            return typed::assembled_document(&lowered).map_err(|failure| {
                cx.invalid(&failure.pointer, format!("{} (in the document as lowered to OpenAPI 3.0)", failure.message))
            });
        }
        Err(failure) => failure,
    };
    // Lowering restructures schemas and inlines path items, so the failure's pointer may name
    // a place the 3.1 document does not have. Lowering again, checking those pieces as they are
    // built, names the 3.1 place; found nowhere there, the failure lies where lowering moved
    // nothing, and its pointer is the 3.1 document's.
    lower_document(&Lowering::new(doc, document, Checks::AsBuilt), root)?;
    Err(failure)
}

/// Checks the lowered document against `openapiv3`, with the path items kept in extensions
/// (named where the 3.1 document has them).
fn check_lowered(cx: &Lowering<'_>, lowered: &Value) -> Result<(), Error> {
    cx.check(Kind::Document, lowered, "")?;
    for (lowered_at, at) in [("/x-webhooks", "/webhooks"), ("/components/x-pathItems", "/components/pathItems")] {
        // Only what lowering put there: the document may have such extensions of its own.
        let (Some(Value::Object(source)), Some(Value::Object(items))) =
            (cx.root.pointer(at), lowered.pointer(lowered_at))
        else {
            continue;
        };
        for (name, item) in items.iter().filter(|(name, _)| !name.starts_with("x-") && source.contains_key(*name)) {
            cx.check(Kind::PathItem, item, &pointer::child(at, name))?;
        }
    }
    Ok(())
}

fn lower_document(cx: &Lowering<'_>, root: &Map<String, Value>) -> Result<Value, Error> {
    let mut lowered = Map::with_capacity(root.len() + 1);
    lowered.insert("openapi".into(), json!(LOWERED_VERSION));
    for (key, value) in root {
        let at = pointer::child("", key);
        let (key, value) = match key.as_str() {
            "openapi" => continue,
            "info" => (key.clone(), lower_info(value)),
            "paths" => (key.clone(), lower_paths(cx, value)?),
            "components" => (key.clone(), lower_components(cx, value, &at)?),
            "webhooks" => ("x-webhooks".to_owned(), lower_webhooks(cx, value, &at)?),
            "jsonSchemaDialect" => ("x-jsonSchemaDialect".to_owned(), value.clone()),
            // `servers`, `security`, `tags`, `externalDocs` and extensions: as in 3.0.
            _ => (key.clone(), value.clone()),
        };
        lowered.entry(key).or_insert(value);
    }
    // Optional in 3.1 (a document may hold only webhooks or components), required in 3.0.
    lowered.entry("paths").or_insert_with(|| json!({}));
    add_hoisted_schemas(cx, &mut lowered)?;
    Ok(Value::Object(lowered))
}

/// `info` with 3.1's `summary` and `license.identifier` (an SPDX expression) as extensions.
fn lower_info(info: &Value) -> Value {
    let mut info = info.clone();
    if let Value::Object(members) = &mut info {
        move_to_extension(members, "summary");
        if let Some(Value::Object(license)) = members.get_mut("license") {
            move_to_extension(license, "identifier");
        }
    }
    info
}

fn move_to_extension(members: &mut Map<String, Value>, key: &str) {
    if let Some(value) = members.shift_remove(key) {
        members.entry(format!("x-{key}")).or_insert(value);
    }
}

fn lower_paths(cx: &Lowering<'_>, paths: &Value) -> Result<Value, Error> {
    match paths {
        // `paths:` with nothing after it, in YAML.
        Value::Null => Ok(json!({})),
        Value::Object(paths) => paths
            .iter()
            .map(|(path, item)| {
                let item = if path.starts_with("x-") {
                    item.clone()
                } else {
                    objects::lower_path_item(cx, item, &pointer::child("/paths", path))?
                };
                Ok((path.clone(), item))
            })
            .collect::<Result<Map<_, _>, Error>>()
            .map(Value::Object),
        // The check names it.
        other => Ok(other.clone()),
    }
}

/// Webhooks (requests the API sends) as lowered path items under `x-webhooks`: the 3.0 model
/// has no place for them, and a client does not call them.
fn lower_webhooks(cx: &Lowering<'_>, webhooks: &Value, at: &str) -> Result<Value, Error> {
    let Value::Object(webhooks) = webhooks else {
        return Err(cx.invalid(at, format!("`webhooks` must be an object, found {}", pointer::describe(webhooks))));
    };
    let mut lowered = Map::with_capacity(webhooks.len());
    for (name, item) in webhooks {
        let item_at = pointer::child(at, name);
        let item = if name.starts_with("x-") { item.clone() } else { objects::lower_path_item(cx, item, &item_at)? };
        lowered.insert(name.clone(), item);
    }
    Ok(Value::Object(lowered))
}

/// `components` lowered, with the sections 3.0 lacks moved to extensions: `pathItems` (whose
/// references were inlined) and `mutualTLS` security schemes.
fn lower_components(cx: &Lowering<'_>, components: &Value, at: &str) -> Result<Value, Error> {
    let Value::Object(mut lowered) = objects::lower(cx, Object::Components, components, at)? else {
        // The check names it.
        return Ok(components.clone());
    };
    if let Some(path_items) = lowered.shift_remove("pathItems") {
        lowered.entry("x-pathItems").or_insert(path_items);
    }
    if let Some(Value::Object(schemes)) = lowered.get_mut("securitySchemes") {
        let mutual_tls: Vec<String> = schemes
            .iter()
            .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
            .map(|(name, _)| name.clone())
            .collect();
        let moved: Map<String, Value> =
            mutual_tls.iter().filter_map(|name| Some((name.clone(), schemes.shift_remove(name)?))).collect();
        if !moved.is_empty() {
            lowered.entry("x-mutualTLS").or_insert(Value::Object(moved));
        }
    }
    Ok(Value::Object(lowered))
}

/// Adds the lowered `$defs` entries to `components/schemas`. Entries only referenced from
/// places that are not lowered (inside `if`, say) are lowered here, until none is left.
fn add_hoisted_schemas(cx: &Lowering<'_>, lowered: &mut Map<String, Value>) -> Result<(), Error> {
    loop {
        let missing = cx.named_not_hoisted();
        if missing.is_empty() {
            break;
        }
        for (entry, name) in missing {
            let schema = match cx.root.pointer(&entry) {
                Some(definition) => schema::lower_definition(cx, definition, &entry, "")?,
                None => json!({}),
            };
            cx.hoist(name, schema);
        }
    }
    let hoisted = cx.take_hoisted();
    if hoisted.is_empty() {
        return Ok(());
    }
    let components = lowered.entry("components").or_insert_with(|| json!({}));
    if let Value::Object(components) = components
        && let Value::Object(schemas) = components.entry("schemas").or_insert_with(|| json!({}))
    {
        for (name, schema) in hoisted {
            schemas.entry(name).or_insert(schema);
        }
    }
    Ok(())
}
