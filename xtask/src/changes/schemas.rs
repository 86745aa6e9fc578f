//! Named schemas (`components.schemas`, Swagger 2.0 `definitions`) compared field by field,
//! into inline objects nested in them.

use openapiv3::{ReferenceOr, Schema};

use super::shape::{MAX_DEPTH, Pair};
use super::{Change, ChangeKind, Place};

pub(super) fn compare(pair: &Pair<'_>, changes: &mut Vec<Change>) {
    let sent_in_requests = pair.new.request_schemas();
    let new_schemas: Vec<_> = pair.new.schemas().collect();
    for (name, old_schema) in pair.old.schemas() {
        let place = Place::Schema { name: pair.names.show(name).to_owned() };
        let mut push = |kind| changes.push(Change { place: place.clone(), kind });
        let Some((_, new_schema)) = new_schemas.iter().find(|(candidate, _)| *candidate == name) else {
            push(ChangeKind::SchemaRemoved);
            continue;
        };
        let (from, to) = (shape_of(pair, old_schema), shape_of(pair, new_schema));
        if from != to {
            push(ChangeKind::SchemaTypeChanged { from, to });
            continue;
        }
        if let (Some(old_schema), Some(new_schema)) =
            (pair.old.resolve_schema(old_schema), pair.new.resolve_schema(new_schema))
        {
            compare_fields(pair, "", old_schema, new_schema, sent_in_requests.contains(name), 0, &mut push);
        }
    }
    for (name, _) in new_schemas {
        if !pair.old.schemas().any(|(candidate, _)| candidate == name) {
            changes.push(Change {
                place: Place::Schema { name: pair.names.show(name).to_owned() },
                kind: ChangeKind::SchemaAdded,
            });
        }
    }
}

/// What a named schema is at its top level; `object` for any object with fields, so that
/// field changes are reported one by one rather than as a change of the whole type.
fn shape_of(pair: &Pair<'_>, schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Item(item) if matches!(item.schema_kind, openapiv3::SchemaKind::AllOf { .. }) => {
            "object".to_owned()
        }
        other => pair.names.describe(other),
    }
}

/// Compares the fields of two object schemas; `prefix` names where they sit (`Note` for the
/// fields of an inline object in field `Note`), `in_request` whether callers send them.
pub(super) fn compare_fields(
    pair: &Pair<'_>,
    prefix: &str,
    old_schema: &Schema,
    new_schema: &Schema,
    in_request: bool,
    depth: usize,
    push: &mut impl FnMut(ChangeKind),
) {
    if depth > MAX_DEPTH {
        return;
    }
    let (Some(old_fields), Some(new_fields)) = (pair.old.fields(old_schema), pair.new.fields(new_schema)) else {
        return;
    };
    let path = |name: &str| if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") };
    for (name, old_field) in &old_fields.properties {
        let field = path(name);
        let Some(new_field) = new_fields.properties.get(name) else {
            push(ChangeKind::FieldRemoved { field });
            continue;
        };
        let (from, to) = (pair.names.describe(*old_field), pair.names.describe(*new_field));
        if from != to {
            push(ChangeKind::FieldTypeChanged { field: field.clone(), from, to });
        } else if let (ReferenceOr::Item(old_inline), ReferenceOr::Item(new_inline)) = (old_field, new_field) {
            // Same shape, declared in place: its own fields may still differ.
            compare_fields(pair, &field, old_inline, new_inline, in_request, depth + 1, push);
        }
        let (was_required, required) = (old_fields.required.contains(name), new_fields.required.contains(name));
        if was_required != required {
            push(ChangeKind::FieldRequiredChanged { field, required });
        }
    }
    for (name, new_field) in &new_fields.properties {
        if !old_fields.properties.contains_key(name) {
            push(ChangeKind::FieldAdded {
                field: path(name),
                ty: pair.names.describe(*new_field),
                required: new_fields.required.contains(name),
                in_request,
            });
        }
    }
}
