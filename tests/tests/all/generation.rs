//! Generator properties that hold for any input: determinism, and clear refusals of bad input.

use trackit_codegen::{Error, Settings, generate};

#[test]
fn same_input_gives_the_same_bytes() {
    let spec = crate::reference_spec();
    let first = generate(&spec, "swagger.json", &Settings::default()).unwrap();
    let second = generate(&spec, "swagger.json", &Settings::default()).unwrap();
    assert_eq!(first, second);
    assert!(first.get("src/api/ticket.rs").is_some(), "one module per tag");
    assert!(first.get("src/types.rs").is_some());
}

#[test]
fn every_operation_of_the_reference_document_becomes_a_call() {
    let files = generate(&crate::reference_spec(), "swagger.json", &Settings::default()).unwrap();
    let api: String = files
        .iter()
        .filter(|(path, _)| path.starts_with("src/api/"))
        .map(|(_, contents)| String::from_utf8_lossy(contents).into_owned())
        .collect();
    let spec: serde_json::Value = serde_json::from_slice(&crate::reference_spec()).unwrap();
    let mut count = 0;
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(api.contains(&format!("\"{id}\"")), "no call for {id}");
            count += 1;
        }
    }
    assert_eq!(count, 32);
    // The misspelt route is kept as the server spells it.
    assert!(api.contains("\"/priorityheirarchy\""));
}

#[test]
fn invalid_json_is_refused_with_its_place() {
    let error =
        generate(b"{\n  \"swagger\": \"2.0\",\n  \"paths\": {,}\n}", "broken.json", &Settings::default()).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::Syntax { line: 3, .. }), "{message}");
    assert!(message.starts_with("broken.json:"), "{message}");
}

#[test]
fn a_document_that_is_not_swagger_is_refused() {
    let error = generate(br#"{"hello": "world"}"#, "other.json", &Settings::default()).unwrap_err();
    assert!(error.to_string().starts_with("other.json#"), "{error}");
}

#[test]
fn a_dangling_reference_names_its_pointer() {
    let spec = br##"{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{"operationId":"A_Post","parameters":[{"name":"body","in":"body","schema":{"$ref":"#/definitions/Missing"}}],"responses":{"200":{"description":"OK"}}}}}}"##;
    let error = generate(spec, "dangling.json", &Settings::default()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("Missing"), "{message}");
    assert!(message.contains("/paths/~1a/post"), "{message}");
}

#[test]
fn no_input_panics() {
    let inputs: [&[u8]; 9] = [
        b"",
        b"null",
        b"[]",
        b"42",
        b"\xff\xfe",
        b"<!DOCTYPE html><html><body>IIS</body></html>",
        b"swagger: '2.0'\npaths: 3",
        br#"{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/{id}":{"get":{"responses":{}}}}}"#,
        br##"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/x":{"get":{"parameters":[{"$ref":"#/components/parameters/P"}],"responses":{}}}},"components":{"parameters":{"P":{"$ref":"#/components/parameters/P"}}}}"##,
    ];
    for input in inputs {
        let _ = generate(input, "input", &Settings::default());
    }
}

#[test]
fn broken_path_templates_are_refused_with_their_place() {
    let cases = [
        (
            r#"{"/a/{id": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}], "responses": {"200": {"description": "OK"}}}}}"#,
            "without a matching",
        ),
        (r#"{"/b/{id}": {"get": {"responses": {"200": {"description": "OK"}}}}}"#, "no path parameter `id`"),
        (
            r#"{"/c": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}], "responses": {"200": {"description": "OK"}}}}}"#,
            "does not appear",
        ),
    ];
    for (paths, expected) in cases {
        let spec = format!(r#"{{"swagger": "2.0", "info": {{"title": "t", "version": "1"}}, "paths": {paths}}}"#);
        let message = generate(spec.as_bytes(), "paths.json", &Settings::default()).unwrap_err().to_string();
        assert!(message.starts_with("paths.json#/paths/~1"), "{message}");
        assert!(message.contains(expected), "{message}");
    }
}

/// Types described only in terms of themselves through unions, flattened parents or aliases
/// would recurse forever while decoding (a stack overflow, not an error); they become JSON.
#[test]
fn self_describing_cycles_become_free_form_json() {
    let header =
        r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": "#;
    let cases = [
        r##"{"Root": {"oneOf": [{"$ref": "#/components/schemas/Y"}, {"type": "string"}]}, "Y": {"oneOf": [{"$ref": "#/components/schemas/Root"}, {"type": "integer"}]}}"##,
        r##"{"Root": {"oneOf": [{"$ref": "#/components/schemas/Root"}, {"type": "string"}]}}"##,
        r##"{"Root": {"allOf": [{"$ref": "#/components/schemas/B"}]}, "B": {"allOf": [{"$ref": "#/components/schemas/Root"}, {"type": "object", "properties": {"a": {"type": "string"}}}]}}"##,
    ];
    for schemas in cases {
        let spec = format!("{header}{schemas}}}}}");
        let files = generate(spec.as_bytes(), "cycle.json", &Settings::default()).expect(schemas);
        let types = String::from_utf8_lossy(files.get("src/types.rs").unwrap()).into_owned();
        assert!(types.contains("pub type Root = serde_json::Value;"), "{types}");
        assert!(!types.contains("enum Root") && !types.contains("Box<Root>"), "{types}");
    }
}
