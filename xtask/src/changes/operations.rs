//! Operations compared one by one: added and removed, operationId, parameters, request body
//! and response types.

use std::collections::BTreeMap;

use openapiv3::{MediaType, Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Response, Schema};

use super::schemas::compare_fields;
use super::shape::{Document, Names, Pair};
use super::{Change, ChangeKind, Place};

/// One operation of a document.
struct Endpoint<'a> {
    method: &'a str,
    path: &'a str,
    item: &'a PathItem,
    operation: &'a Operation,
}

impl Endpoint<'_> {
    fn place(&self) -> Place {
        Place::Operation {
            path: self.path.to_owned(),
            method: self.method.to_ascii_uppercase(),
            operation_id: self.operation.operation_id.clone(),
        }
    }
}

pub(super) fn compare(pair: &Pair<'_>, changes: &mut Vec<Change>) {
    let old_endpoints = endpoints(&pair.old);
    let mut new_endpoints = endpoints(&pair.new);
    for (key, before) in &old_endpoints {
        match new_endpoints.remove(key) {
            Some(after) => compare_endpoint(pair, before, &after, changes),
            None => changes.push(Change { place: before.place(), kind: ChangeKind::OperationRemoved }),
        }
    }
    for after in new_endpoints.values() {
        changes.push(Change { place: after.place(), kind: ChangeKind::OperationAdded });
    }
}

/// Operations keyed by method and path, the path in lower case with parameter names blanked:
/// `/Tickets/{ticketId}` on the new server is `/tickets/{id}` of the old one.
fn endpoints<'a>(document: &Document<'a>) -> BTreeMap<(String, String), Endpoint<'a>> {
    let mut found = BTreeMap::new();
    for (path, item) in document.api.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, operation) in item.iter() {
            let key = (method.to_owned(), path_key(path));
            found.insert(key, Endpoint { method, path, item, operation });
        }
    }
    found
}

fn path_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                key.push('{');
            }
            '}' => {
                in_parameter = false;
                key.push('}');
            }
            _ if in_parameter => {}
            c => key.push(c.to_ascii_lowercase()),
        }
    }
    key.trim_end_matches('/').to_owned()
}

fn compare_endpoint(pair: &Pair<'_>, before: &Endpoint<'_>, after: &Endpoint<'_>, changes: &mut Vec<Change>) {
    let (old, new, names) = (&pair.old, &pair.new, &pair.names);
    let place = after.place();
    let mut push = |kind| changes.push(Change { place: place.clone(), kind });
    if let (Some(from), Some(to)) = (&before.operation.operation_id, &after.operation.operation_id)
        && from != to
    {
        push(ChangeKind::OperationIdChanged { from: from.clone(), to: to.clone() });
    }

    let old_parameters = parameters(old, before);
    let mut new_parameters = parameters(new, after);
    for (key, old_parameter) in &old_parameters {
        let name = &old_parameter.parameter_data_ref().name;
        let Some(new_parameter) = new_parameters.remove(key) else {
            let parameter = format!("{} parameter {name}", key.0);
            push(ChangeKind::ParameterRemoved { parameter });
            continue;
        };
        let parameter = format!("{} parameter {}", key.0, new_parameter.parameter_data_ref().name);
        let (from, to) = (parameter_type(names, old_parameter), parameter_type(names, new_parameter));
        let (was_required, required) =
            (old_parameter.parameter_data_ref().required, new_parameter.parameter_data_ref().required);
        if from != to {
            push(ChangeKind::ParameterTypeChanged { parameter: parameter.clone(), from, to });
        }
        if was_required != required {
            push(ChangeKind::ParameterRequiredChanged { parameter, required });
        }
    }
    for (key, parameter) in new_parameters {
        push(ChangeKind::ParameterAdded {
            parameter: format!("{} parameter {}", key.0, parameter.parameter_data_ref().name),
            ty: parameter_type(names, parameter),
            required: parameter.parameter_data_ref().required,
        });
    }

    match (request_body(old, before), request_body(new, after)) {
        (None, Some((schema, required))) => {
            push(ChangeKind::RequestBodyAdded { ty: describe(names, schema), required })
        }
        (Some((schema, _)), None) => push(ChangeKind::RequestBodyRemoved { ty: describe(names, schema) }),
        (Some((old_schema, was_required)), Some((new_schema, required))) => {
            let (from, to) = (describe(names, old_schema), describe(names, new_schema));
            if from != to {
                push(ChangeKind::RequestBodyTypeChanged { from, to });
            } else if let (Some(old_schema), Some(new_schema)) = (old_schema, new_schema) {
                inline_fields(pair, "body", old_schema, new_schema, true, &mut push);
            }
            if was_required != required {
                push(ChangeKind::RequestBodyRequiredChanged { required });
            }
        }
        (None, None) => {}
    }

    for (status, old_response) in &before.operation.responses.responses {
        let Some(new_response) = after.operation.responses.responses.get(status) else { continue };
        let (old_schema, new_schema) = (response_schema(old, old_response), response_schema(new, new_response));
        let (from, to) = (describe(names, old_schema), describe(names, new_schema));
        if from != to {
            push(ChangeKind::ResponseTypeChanged { status: status.to_string(), from, to });
        } else if let (Some(old_schema), Some(new_schema)) = (old_schema, new_schema) {
            let prefix = format!("response {status}");
            inline_fields(pair, &prefix, old_schema, new_schema, false, &mut push);
        }
    }
}

/// The request body's schema (`None`: a body without one) and whether it is required.
fn request_body<'a>(
    document: &Document<'a>,
    endpoint: &Endpoint<'a>,
) -> Option<(Option<&'a ReferenceOr<Schema>>, bool)> {
    let body = document.request_body(endpoint.operation.request_body.as_ref()?)?;
    Some((preferred(&body.content).and_then(|media| media.schema.as_ref()), body.required))
}

fn response_schema<'a>(
    document: &Document<'a>,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a ReferenceOr<Schema>> {
    let response = document.response(response)?;
    preferred(&response.content)?.schema.as_ref()
}

/// Effective parameters, keyed by location and name: the path item's, overridden by the
/// operation's. Path parameters are keyed by their place in the path instead, so renaming
/// `{id}` to `{ticketId}` (which changes no call) is no change. Request bodies are compared
/// separately.
fn parameters<'a>(document: &Document<'a>, endpoint: &Endpoint<'a>) -> BTreeMap<(&'static str, String), &'a Parameter> {
    let mut found = BTreeMap::new();
    for parameter in endpoint.item.parameters.iter().chain(&endpoint.operation.parameters) {
        let Some(parameter) = document.parameter(parameter) else { continue };
        let location = match parameter {
            Parameter::Query { .. } => "query",
            Parameter::Header { .. } => "header",
            Parameter::Path { .. } => "path",
            Parameter::Cookie { .. } => "cookie",
        };
        let name = &parameter.parameter_data_ref().name;
        let key = match location {
            "path" => path_position(endpoint.path, name).map_or_else(|| name.clone(), |index| format!("#{index:03}")),
            _ => name.clone(),
        };
        found.insert((location, key), parameter);
    }
    found
}

/// Which `{…}` of `path` names `parameter`, counting from 0.
fn path_position(path: &str, parameter: &str) -> Option<usize> {
    path.split('{').skip(1).position(|rest| rest.split('}').next() == Some(parameter))
}

fn parameter_type(names: &Names, parameter: &Parameter) -> String {
    match &parameter.parameter_data_ref().format {
        ParameterSchemaOrContent::Schema(schema) => names.describe(schema),
        ParameterSchemaOrContent::Content(content) => {
            describe(names, preferred(content).and_then(|media| media.schema.as_ref()))
        }
    }
}

/// JSON when offered (what the generated client sends and reads), otherwise the first type.
fn preferred(content: &indexmap::IndexMap<String, MediaType>) -> Option<&MediaType> {
    content
        .iter()
        .find(|(media_type, _)| media_type.contains("json"))
        .or_else(|| content.first())
        .map(|(_, media)| media)
}

fn describe(names: &Names, schema: Option<&ReferenceOr<Schema>>) -> String {
    schema.map_or_else(|| "no body".to_owned(), |schema| names.describe(schema))
}

/// Fields of request and response bodies declared inline rather than as named schemas
/// (named ones are compared once, under `components.schemas`).
fn inline_fields(
    pair: &Pair<'_>,
    prefix: &str,
    old_schema: &ReferenceOr<Schema>,
    new_schema: &ReferenceOr<Schema>,
    in_request: bool,
    push: &mut impl FnMut(ChangeKind),
) {
    if let (ReferenceOr::Item(old_schema), ReferenceOr::Item(new_schema)) = (old_schema, new_schema) {
        compare_fields(pair, prefix, old_schema, new_schema, in_request, 0, push);
    }
}

#[cfg(test)]
mod tests {
    use super::path_key;

    #[test]
    fn paths_match_whatever_the_case_and_parameter_names() {
        assert_eq!(path_key("/Tickets/{ticketId}/Notes/"), path_key("/tickets/{id}/notes"));
        assert_ne!(path_key("/tickets/{id}"), path_key("/tickets/{id}/notes"));
    }

    #[test]
    fn path_parameters_are_found_by_place() {
        assert_eq!(super::path_position("/a/{id}/b/{pageSize}", "pageSize"), Some(1));
        assert_eq!(super::path_position("/a/{id}", "other"), None);
    }
}
