//! Loading documents: Swagger 2.0 and OpenAPI 3.1 lowered to OpenAPI 3.0, OpenAPI 3.0 read as
//! is, and errors that name the place in the document.

use std::io::Read as _;

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, SecurityScheme};
use serde_json::{Value, json};
use trackit_codegen::load::load;

const TRACKIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/sim/fixtures/swagger.json");
const FEATURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/features.swagger.yaml");
const FEATURES_31: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/features.openapi31.yaml");

fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn load_ok(bytes: &[u8], document: &str) -> OpenAPI {
    load(bytes, document).unwrap_or_else(|error| panic!("{error}"))
}

/// The loaded document as JSON, to check it with pointers.
fn load_json(bytes: &[u8], document: &str) -> Value {
    serde_json::to_value(load_ok(bytes, document)).expect("an OpenAPI model serializes")
}

fn at<'v>(value: &'v Value, pointer: &str) -> &'v Value {
    value.pointer(pointer).unwrap_or_else(|| panic!("nothing at {pointer} in {value:#}"))
}

fn error_of(bytes: impl AsRef<[u8]>) -> String {
    match load(bytes.as_ref(), "doc.json") {
        Ok(_) => panic!("expected an error for {}", String::from_utf8_lossy(bytes.as_ref())),
        Err(error) => error.to_string(),
    }
}

fn assert_starts_with(message: &str, expected: &str) {
    assert!(message.starts_with(expected), "message {message:?} does not start with {expected:?}");
}

/// A minimal Swagger 2.0 document around `paths` and `definitions`.
fn swagger(paths: Value, definitions: Value) -> Vec<u8> {
    let doc = json!({
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "definitions": definitions,
    });
    serde_json::to_vec(&doc).expect("JSON serializes")
}

// --- The reference Track-It! document -------------------------------------------------------

#[test]
fn trackit_document_lowers_to_openapi_3() {
    let bytes = read(TRACKIT);
    let api = load_ok(&bytes, "swagger.json");
    let original: Value = serde_json::from_slice(&bytes).expect("the fixture is JSON");

    assert_eq!(api.operations().count(), 32);
    let components = api.components.as_ref().expect("components");
    assert_eq!(components.schemas.len(), 16);
    assert!(components.schemas.contains_key("TrackIt.Application.Web.WebApi.Contracts.Dtos.Input.CreateInputDto"));
    let urls: Vec<&str> = api.servers.iter().map(|server| server.url.as_str()).collect();
    assert_eq!(urls, ["http://localhost/TrackIt/WebApi"]);

    let Some(ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. })) = components.security_schemes.get("oauth2")
    else {
        panic!("oauth2 scheme: {:?}", components.security_schemes)
    };
    assert_eq!(flows.password.as_ref().expect("password flow").token_url, "../../token");

    let mut bodies = 0;
    let mut defaults = Vec::new();
    for (path, item) in original["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let lowered =
                api.paths.paths[path].as_item().expect("item").iter().find(|(m, _)| m == method).expect("operation").1;
            assert_eq!(lowered.operation_id.as_deref(), operation["operationId"].as_str());
            for param in operation["parameters"].as_array().into_iter().flatten() {
                if param["in"] == "body" {
                    let Some(ReferenceOr::Item(body)) = &lowered.request_body else {
                        panic!("{path} {method}: no body")
                    };
                    assert_eq!(body.extensions["x-codegen-request-body-name"], param["name"]);
                    assert_eq!(body.content.len(), operation["consumes"].as_array().expect("consumes").len());
                    bodies += 1;
                } else if let Some(default) = param.get("default") {
                    let data = lowered
                        .parameters
                        .iter()
                        .filter_map(ReferenceOr::as_item)
                        .map(Parameter::parameter_data_ref)
                        .find(|data| data.name == param["name"])
                        .expect("lowered parameter");
                    let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format else {
                        panic!("schema")
                    };
                    assert_eq!(schema.schema_data.default.as_ref(), Some(default), "{path} {method} {}", data.name);
                    defaults.push(default.clone());
                }
            }
        }
    }
    assert_eq!(bodies, 12);
    assert_eq!(defaults.len(), 12);
    for expected in [json!(-1), json!(false), json!(0)] {
        assert!(defaults.contains(&expected), "default {expected} kept");
    }
}

// --- A hand-made 2.0 document, in YAML --------------------------------------------------------

#[test]
fn top_level_pieces_servers_and_security_are_lowered() {
    let doc = load_json(&read(FEATURES), "features.swagger.yaml");
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["x-document-extension"], "kept");
    assert_eq!(doc["info"]["x-audience"], "internal");
    assert_eq!(doc["tags"][0]["name"], "pets");
    assert_eq!(doc["externalDocs"]["url"], "https://example.com/docs");
    assert_eq!(
        doc["servers"],
        json!([{"url": "https://api.example.com:8443/v1"}, {"url": "http://api.example.com:8443/v1"}])
    );
    assert_eq!(doc["security"], json!([{"key": []}]));

    let schemes = at(&doc, "/components/securitySchemes");
    assert_eq!(schemes["basicAuth"], json!({"type": "http", "scheme": "basic"}));
    assert_eq!(schemes["key"], json!({"type": "apiKey", "name": "X-Api-Key", "in": "header"}));
    assert_eq!(schemes["implicit"]["flows"]["implicit"]["authorizationUrl"], "https://example.com/authorize");
    assert_eq!(schemes["implicit"]["flows"]["implicit"]["scopes"], json!({"read": "Read things"}));
    assert_eq!(schemes["app"]["flows"]["clientCredentials"]["tokenUrl"], "/oauth/token");
    let code = &schemes["code"]["flows"]["authorizationCode"];
    assert_eq!(
        (code["authorizationUrl"].as_str(), code["tokenUrl"].as_str()),
        (Some("https://example.com/authorize"), Some("https://example.com/token"))
    );
    assert_eq!(schemes["code"]["x-scheme-extension"], 1);
}

#[test]
fn definitions_become_schemas_with_names_and_refs_kept() {
    let doc = load_json(&read(FEATURES), "features.swagger.yaml");
    let schemas = at(&doc, "/components/schemas");
    let names: Vec<&str> = schemas.as_object().expect("schemas").keys().map(String::as_str).collect();
    assert_eq!(names, ["Pet", "Dog", "List[Owner]", "Owner.With~Tilde/Slash", "Error"]);

    let pet = &schemas["Pet"];
    assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
    assert_eq!(pet["required"], json!(["kind", "name"]));
    assert_eq!(pet["x-type-extension"], "kept");
    assert_eq!(pet["properties"]["name"]["example"], "Rex");
    assert_eq!(pet["properties"]["nickname"]["nullable"], true);
    assert_eq!(pet["properties"]["owner"]["allOf"], json!([{"$ref": "#/components/schemas/List[Owner]"}]));
    assert_eq!(pet["properties"]["owner"]["nullable"], true);
    assert_eq!(pet["properties"]["id"]["readOnly"], true);
    assert_eq!(
        (pet["properties"]["photo"]["type"].as_str(), pet["properties"]["photo"]["format"].as_str()),
        (Some("string"), Some("binary"))
    );
    assert_eq!(schemas["Dog"]["allOf"][0], json!({"$ref": "#/components/schemas/Pet"}));
    assert_eq!(schemas["Dog"]["allOf"][1]["properties"]["barks"]["default"], true);
    assert_eq!(schemas["List[Owner]"]["items"], json!({"$ref": "#/components/schemas/Owner.With~0Tilde~1Slash"}));
    assert_eq!(schemas["Owner.With~Tilde/Slash"]["additionalProperties"]["type"], "string");
}

#[test]
fn parameters_get_schemas_and_styles_for_their_collection_formats() {
    let doc = load_json(&read(FEATURES), "features.swagger.yaml");
    let global = at(&doc, "/components/parameters");
    assert_eq!(global.as_object().map(|params| params.len()), Some(1), "formData and body globals are not parameters");
    assert_eq!(
        global["PageSize"]["schema"],
        json!({"type": "integer", "format": "int32", "default": 20, "minimum": 1})
    );

    let shared = at(&doc, "/paths/~1pets/parameters/0");
    assert_eq!(
        (shared["in"].as_str(), shared["style"].as_str(), shared["explode"].as_bool()),
        (Some("header"), Some("simple"), Some(false))
    );

    let params = at(&doc, "/paths/~1pets/get/parameters").as_array().expect("parameters");
    assert_eq!(params[0], json!({"$ref": "#/components/parameters/PageSize"}));
    let by_name =
        |name: &str| params.iter().find(|param| param["name"] == name).unwrap_or_else(|| panic!("parameter {name}"));
    for (name, style, explode) in [
        ("csv", "form", false),
        ("ssv", "spaceDelimited", false),
        ("pipes", "pipeDelimited", false),
        ("multi", "form", true),
        ("plain", "form", false),
    ] {
        let param = by_name(name);
        assert_eq!((param["style"].as_str(), param["explode"].as_bool()), (Some(style), Some(explode)), "{name}");
    }
    assert_eq!(by_name("csv")["x-collection-format"], "csv");
    assert_eq!(by_name("plain").get("x-collection-format"), None);
    assert_eq!(by_name("multi")["schema"]["items"]["enum"], json!(["a", "b"]));
    let tsv = by_name("tsv");
    assert_eq!((tsv["x-collection-format"].as_str(), tsv.get("explode")), (Some("tsv"), None));
    let maybe = by_name("maybe");
    assert_eq!((maybe["schema"]["nullable"].as_bool(), maybe["x-nullable"].as_bool()), (Some(true), Some(true)));
    assert_eq!(maybe["allowEmptyValue"], true);

    let id = at(&doc, "/paths/~1pets~1{id}/get/parameters/0");
    assert_eq!((id["style"].as_str(), id["required"].as_bool()), (Some("simple"), Some(true)));
    assert_eq!(at(&doc, "/paths/~1pets~1{id}/parameters/0/name"), "id");
}

#[test]
fn bodies_follow_consumes_and_keep_the_parameter_name() {
    let doc = load_json(&read(FEATURES), "features.swagger.yaml");
    let shared = at(&doc, "/components/requestBodies/NewPet");
    assert_eq!(shared["x-codegen-request-body-name"], "pet");
    assert_eq!(shared["required"], true);
    assert_eq!(shared["content"], json!({"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}));
    // Same media types as the document: a reference; different ones: the body inline.
    assert_eq!(at(&doc, "/paths/~1pets/post/requestBody"), &json!({"$ref": "#/components/requestBodies/NewPet"}));
    let put = at(&doc, "/paths/~1pets~1{id}/put/requestBody");
    assert_eq!(put["content"], json!({"application/xml": {"schema": {"$ref": "#/components/schemas/Pet"}}}));
    assert_eq!(put["x-codegen-request-body-name"], "pet");

    let upload = at(&doc, "/paths/~1pets~1{id}~1photo/post/requestBody");
    assert_eq!(upload["required"], true);
    let multipart = &upload["content"]["multipart/form-data"];
    assert_eq!(multipart["schema"]["required"], json!(["file"]));
    let fields = &multipart["schema"]["properties"];
    assert_eq!(fields["file"], json!({"type": "string", "format": "binary", "description": "The photo"}));
    assert_eq!(fields["tags"]["items"], json!({"type": "string"}));
    assert_eq!(fields["comment"], json!({"type": "string"}), "a global formData parameter is folded in");
    assert_eq!(multipart["encoding"]["tags"]["style"], "form");
    assert_eq!(multipart["encoding"]["tags"]["explode"], true);
    assert_eq!(at(&doc, "/paths/~1pets~1{id}~1photo/post/parameters/0/name"), "id");

    let search = at(&doc, "/paths/~1search/post/requestBody/content/application~1x-www-form-urlencoded");
    assert_eq!(search["schema"]["required"], json!(["q"]));
    assert_eq!(search["encoding"]["fields"]["style"], "pipeDelimited");
    assert_eq!(search["encoding"]["sep"]["x-collection-format"], "tsv");
}

#[test]
fn responses_follow_produces_with_headers_and_examples() {
    let doc = load_json(&read(FEATURES), "features.swagger.yaml");
    let ok = at(&doc, "/paths/~1pets/get/responses/200");
    assert_eq!(ok["description"], "The pets");
    let items = json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}});
    assert_eq!(
        ok["content"]["application/json"],
        json!({"schema": items, "example": [{"kind": "dog", "name": "Rex"}]})
    );
    assert_eq!(ok["content"]["application/xml"], json!({"schema": items}));
    assert_eq!(ok["content"]["text/csv"]["example"], "kind,name");
    assert_eq!(ok["headers"]["X-Rate-Limit"]["schema"], json!({"type": "integer"}));
    assert_eq!(ok["headers"]["X-Rate-Limit"]["description"], "Calls left");
    // This operation produces XML too, so the shared response is inlined for it.
    let not_found = at(&doc, "/paths/~1pets/get/responses/404/content");
    assert_eq!(not_found.as_object().map(|content| content.len()), Some(2));
    assert_eq!(at(&doc, "/paths/~1pets/get/responses/default"), &json!({"description": "Trouble"}));

    let post = at(&doc, "/paths/~1pets/post");
    assert_eq!(post["responses"]["404"], json!({"$ref": "#/components/responses/NotFound"}));
    assert_eq!((post["deprecated"].as_bool(), post["x-operation-extension"].as_bool()), (Some(true), Some(true)));
    assert_eq!(post["security"], json!([]));
    assert_eq!(
        at(&doc, "/components/responses/NotFound/content/application~1json/schema"),
        &json!({"$ref": "#/components/schemas/Error"})
    );
    assert_eq!(at(&doc, "/paths/~1pets~1{id}/get/servers"), &json!([{"url": "https://api.example.com:8443/v1"}]));
}

// --- A hand-made OpenAPI 3.1 document, in YAML ----------------------------------------------

fn features_31() -> Value {
    load_json(&read(FEATURES_31), "features.openapi31.yaml")
}

#[test]
fn openapi_3_1_document_level_is_lowered() {
    let doc = features_31();
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["x-jsonSchemaDialect"], "https://spec.openapis.org/oas/3.1/dialect/base");
    assert_eq!(doc["x-document-extension"], "kept");
    assert_eq!(
        (doc["info"].get("summary"), doc["info"]["x-summary"].as_str()),
        (None, Some("A hand-made OpenAPI 3.1 document"))
    );
    assert_eq!(doc["info"]["license"], json!({"name": "Apache 2.0", "x-identifier": "Apache-2.0"}));
    assert_eq!(doc["servers"], json!([{"url": "https://api.example.com/v1"}]));
    assert_eq!(load_ok(&read(FEATURES_31), "features.openapi31.yaml").operations().count(), 4);

    // A path item reference is inlined; the referencing item's own members win.
    let pets = at(&doc, "/paths/~1pets");
    assert_eq!(pets.get("$ref"), None);
    assert_eq!(pets["summary"], "All pets");
    assert_eq!(pets["description"], "Said here, over the referenced item's");
    assert_eq!(pets["get"]["operationId"], "listPets");
    assert_eq!(at(&doc, "/components/x-pathItems/Pets/get/operationId"), "listPets");

    // References keep only `$ref`; an operation without `responses` gets empty ones.
    let item = at(&doc, "/paths/~1pets~1{id}");
    assert_eq!(item["parameters"][0], json!({"$ref": "#/components/parameters/Id"}));
    assert_eq!(item["get"]["responses"]["200"], json!({"$ref": "#/components/responses/PetReply"}));
    assert_eq!(item["put"]["requestBody"], json!({"$ref": "#/components/requestBodies/PetBody"}));
    assert_eq!(item["delete"]["responses"], json!({}));
    assert_eq!(item["put"]["callbacks"]["onStored"]["{$request.body#/callbackUrl}"]["get"]["operationId"], "listPets");

    assert_eq!(
        at(&doc, "/x-webhooks/newPet/post/requestBody/content/application~1json/schema"),
        &json!({"$ref": "#/components/schemas/Pet"})
    );
    let components = at(&doc, "/components");
    let schemes: Vec<&str> =
        components["securitySchemes"].as_object().expect("schemes").keys().map(String::as_str).collect();
    assert_eq!(schemes, ["key"]);
    assert_eq!(components["x-mutualTLS"]["tls"]["description"], "Client certificates");
    assert_eq!(
        components["parameters"]["Id"]["schema"],
        json!({"type": "string", "example": "rex-1", "x-examples": ["rex-1"]})
    );
    assert_eq!(
        components["requestBodies"]["PetBody"]["content"]["application/octet-stream"]["schema"],
        json!({"type": "string", "x-contentMediaType": "image/png", "format": "binary"})
    );
}

#[test]
fn openapi_3_1_schema_keywords_are_lowered() {
    let doc = features_31();
    let names: Vec<&str> =
        at(&doc, "/components/schemas").as_object().expect("schemas").keys().map(String::as_str).collect();
    assert_eq!(names, ["Pet", "Owner", "Pet.Tag", "Owner.Address", "Owner.Broken"], "`$defs` become component schemas");
    let owner = at(&doc, "/components/schemas/Owner");
    assert_eq!(owner.get("definitions"), None);
    assert_eq!(owner["properties"]["address"], json!({"$ref": "#/components/schemas/Owner.Address"}));
    assert_eq!(
        at(&doc, "/components/schemas/Owner.Address/properties/city"),
        &json!({"nullable": true, "type": "string"})
    );
    assert_starts_with(
        at(&doc, "/components/schemas/Owner.Broken/x-unreadable").as_str().unwrap_or_default(),
        "features.openapi31.yaml#/components/schemas/Owner/definitions/Broken/type: `type` must be a string",
    );
    let pet = at(&doc, "/components/schemas/Pet");
    assert_eq!(pet.get("$defs"), None);
    assert_eq!(pet["x-$id"], "https://example.com/schemas/pet");
    assert_eq!(pet["x-$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(at(&doc, "/components/schemas/Pet.Tag/properties/label/type"), "string");
    assert_eq!(at(&doc, "/components/schemas/Pet.Tag/x-$anchor"), "tag-anchor");
    let property = |name: &str| at(pet, &format!("/properties/{name}")).clone();

    // Type lists and `null`.
    assert_eq!(property("nickname"), json!({"nullable": true, "type": "string"}));
    assert_eq!(property("nothing"), json!({"nullable": true}));
    assert_eq!(
        at(&doc, "/components/x-pathItems/Pets/get/parameters/0/schema"),
        &json!({"maximum": 100, "minimum": 0, "exclusiveMinimum": true, "nullable": true, "type": "integer"})
    );
    assert_eq!(
        property("idOrName"),
        json!({"description": "An id or a name", "nullable": true, "anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "integer", "format": "int64", "minimum": 1},
        ]})
    );
    assert_eq!(property("mixed"), json!({"type": "string", "enum": ["a", "b"]}), "no integer is listed");

    // Keywords 3.0 says differently.
    assert_eq!(property("name"), json!({"type": "string", "example": "Rex", "x-examples": ["Rex", "Fido"]}));
    assert_eq!(
        property("age"),
        json!({"type": "integer", "minimum": 5, "maximum": 30, "exclusiveMaximum": true}),
        "the inclusive minimum is the stricter"
    );
    assert_eq!(property("kind"), json!({"enum": ["dog"]}));
    assert_eq!(property("color"), json!({"enum": ["brown", null], "nullable": true}));
    assert_eq!(
        property("photo"),
        json!({"type": "string", "x-contentEncoding": "base64", "x-contentMediaType": "image/png", "format": "byte"})
    );

    // References: bare when the siblings only document, else `allOf` with the siblings kept.
    assert_eq!(property("owner"), json!({"$ref": "#/components/schemas/Owner"}));
    assert_eq!(
        property("guardian"),
        json!({"readOnly": true, "description": "Kept with the reference", "allOf": [{"$ref": "#/components/schemas/Owner"}]})
    );
    assert_eq!(property("tag"), json!({"$ref": "#/components/schemas/Pet.Tag"}), "resolved against `$id`");
    assert_eq!(property("tagByAnchor"), json!({"$ref": "#/components/schemas/Pet.Tag"}));

    // `null` choices.
    assert_eq!(property("maybeOwner"), json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Owner"}]}));
    assert_eq!(
        property("maybeDate"),
        json!({"description": "When, if ever", "type": "string", "format": "date-time", "nullable": true})
    );
    assert_eq!(
        property("choice"),
        json!({"oneOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "integer"}], "nullable": true})
    );

    // Tuples, patterns and what 3.0 cannot say.
    assert_eq!(
        property("point"),
        json!({"type": "array", "maxItems": 2, "items": {"type": "number"}, "x-prefixItems": [{"type": "number"}, {"type": "number"}]})
    );
    assert_eq!(property("pair")["items"], json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}));
    let labels = property("labels");
    assert_eq!(labels["additionalProperties"], json!({"type": "string"}));
    assert_eq!(labels["x-patternProperties"], json!({"^x-": {"type": "string"}}));
    let conditional = property("conditional");
    assert_eq!(conditional["x-if"]["properties"]["kind"]["const"], "cat");
    assert_eq!(conditional["x-dependentRequired"], json!({"a": ["b"]}));
    assert_eq!(conditional["x-unevaluatedProperties"], false);
    assert_eq!(conditional.get("if"), None);
    assert_eq!(property("anything"), json!({}));
}

/// A minimal OpenAPI 3.1 document around `paths` and `components`.
fn openapi31(paths: Value, components: Value) -> Vec<u8> {
    let doc =
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths, "components": components});
    serde_json::to_vec(&doc).expect("JSON serializes")
}

#[test]
fn openapi_3_1_without_paths_loads() {
    let bytes = br#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"A": {"type": ["object", "null"]}}}}"#;
    let api = load_ok(bytes, "a.json");
    assert!(api.paths.paths.is_empty());
    assert_eq!(
        serde_json::to_value(&api.components.expect("components").schemas["A"]).expect("JSON"),
        json!({"type": "object", "nullable": true})
    );
}

#[test]
fn openapi_3_1_errors_name_the_place() {
    let schemas = |schema: Value| {
        openapi31(json!({}), json!({"schemas": {"A": {"type": "object", "properties": {"b": schema}}}}))
    };
    for (schema, expected) in [
        (
            json!({"type": ["string", 7]}),
            "doc.json#/components/schemas/A/properties/b/type/1: a type must be a string, found the number 7",
        ),
        (json!({"type": []}), "doc.json#/components/schemas/A/properties/b/type: `type` lists no type"),
        (
            json!({"type": "number", "exclusiveMinimum": "0"}),
            "doc.json#/components/schemas/A/properties/b/exclusiveMinimum: `exclusiveMinimum` must be a number",
        ),
        (
            json!({"type": "string", "examples": "Rex"}),
            "doc.json#/components/schemas/A/properties/b/examples: a schema's `examples` must be an array",
        ),
        (
            json!({"type": "array", "prefixItems": {}}),
            "doc.json#/components/schemas/A/properties/b/prefixItems: `prefixItems` must be an array",
        ),
        (
            json!({"type": ["string", "integer"], "maxLength": "ten"}),
            "doc.json#/components/schemas/A/properties/b/maxLength: invalid type",
        ),
        (
            json!({"anyOf": [{"type": "null"}, {"type": "string", "maxLength": "ten"}]}),
            "doc.json#/components/schemas/A/properties/b/anyOf/1/maxLength: invalid type",
        ),
        (
            json!({"$ref": "#/components/schemas/B", "description": "d"}),
            "doc.json#/components/schemas/A/properties/b/$ref: reference `#/components/schemas/B` names nothing in this document",
        ),
        (
            json!({"$ref": "#nowhere"}),
            "doc.json#/components/schemas/A/properties/b/$ref: reference `#nowhere` names nothing",
        ),
        (
            json!({"$ref": "other.json#/A"}),
            "doc.json#/components/schemas/A/properties/b/$ref: not supported: reference `other.json#/A` to another document",
        ),
        (
            json!(7),
            "doc.json#/components/schemas/A/properties/b: a schema must be an object or a boolean, found the number 7",
        ),
        (
            json!({"$defs": {"C": {"type": "string", "minLength": -1}}}),
            "doc.json#/components/schemas/A/properties/b/$defs/C/minLength: invalid value",
        ),
    ] {
        assert_starts_with(&error_of(schemas(schema)), expected);
    }

    let path_items = json!({"pathItems": {"P": {"get": {"responses": {"200": {"description": 7}}}}}});
    assert_starts_with(
        &error_of(openapi31(json!({"/a": {"$ref": "#/components/pathItems/P"}}), path_items)),
        "doc.json#/components/pathItems/P/get/responses/200/description: invalid type",
    );
    assert_starts_with(
        &error_of(openapi31(json!({"/a": {"$ref": "#/paths/~1b"}, "/b": {"$ref": "#/paths/~1a"}}), json!({}))),
        "doc.json#/paths/~1a/$ref: path item reference `#/paths/~1b` leads back to itself",
    );
    let paths = json!({"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Nope", "description": "d"}]}}});
    assert_starts_with(
        &error_of(openapi31(paths, json!({}))),
        "doc.json#/paths/~1a/get/parameters/0/$ref: reference `#/components/parameters/Nope` names nothing",
    );
    let paths = json!({"/a": {"get": {"parameters": [{"name": "q", "in": "body"}]}}});
    assert_starts_with(
        &error_of(openapi31(paths, json!({}))),
        "doc.json#/paths/~1a/get/parameters/0/in: unknown variant `body`",
    );
    assert_starts_with(
        &error_of(r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": []}"#),
        "doc.json#/webhooks: `webhooks` must be an object",
    );
}

// --- Other inputs that load -------------------------------------------------------------------

#[test]
fn json_with_a_byte_order_mark_loads() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(swagger(json!({}), json!({})));
    assert_eq!(load_ok(&bytes, "bom.json").servers[0].url, "/");
}

#[test]
fn openapi_3_0_is_read_as_it_is() {
    let yaml = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
    let api = load_ok(yaml.as_bytes(), "a.yaml");
    assert_eq!(api.openapi, "3.0.1");
    assert_eq!(api.operations().count(), 1);
}

#[test]
fn yaml_anchors_and_merge_keys_are_expanded() {
    let yaml = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: &base {type: object, description: base}\n  B:\n    <<: *base\n    title: B\n";
    let doc = load_json(yaml.as_bytes(), "a.yaml");
    assert_eq!(at(&doc, "/components/schemas/B"), &json!({"title": "B", "type": "object", "description": "base"}));
}

// --- Errors name the place --------------------------------------------------------------------

#[test]
fn invalid_json_reports_line_and_column() {
    let message = error_of("{\"swagger\": \"2.0\",\n  \"info\": }");
    assert_eq!(message, "doc.json: cannot parse as JSON or YAML at line 2, column 11: expected value");
}

#[test]
fn invalid_yaml_reports_line_and_column() {
    let message = error_of("swagger: '2.0'\ninfo:\n  title: [unclosed\n");
    assert_starts_with(&message, "doc.json: cannot parse as JSON or YAML at line 4, column 1: ");
}

#[test]
fn html_pages_are_recognised() {
    let message = error_of("\n<!DOCTYPE html>\n<html><head><title>Swagger UI</title></head></html>");
    assert_starts_with(&message, "doc.json#: this is an HTML page, not a Swagger/OpenAPI document");
}

#[test]
fn a_parameter_without_in_is_named_by_its_pointer() {
    let paths = json!({"/tickets/{id}": {"post": {
        "parameters": [{"name": "id", "in": "path", "type": "integer", "required": true}, {"name": "x", "type": "string"}],
        "responses": {"200": {"description": "ok"}}
    }}});
    assert_eq!(
        error_of(swagger(paths, json!({}))),
        "doc.json#/paths/~1tickets~1{id}/post/parameters/1: the parameter has no `in`"
    );
}

#[test]
fn an_unknown_parameter_location_is_named() {
    let paths =
        json!({"/a": {"get": {"parameters": [{"name": "c", "in": "cookie", "type": "string"}], "responses": {}}}});
    assert_starts_with(
        &error_of(swagger(paths, json!({}))),
        "doc.json#/paths/~1a/get/parameters/0/in: unknown parameter location `cookie`",
    );
}

#[test]
fn a_body_parameter_without_schema_is_named() {
    let paths = json!({"/a": {"post": {"parameters": [{"name": "b", "in": "body"}], "responses": {}}}});
    assert_eq!(
        error_of(swagger(paths, json!({}))),
        "doc.json#/paths/~1a/post/parameters/0: body parameter `b` has no `schema`"
    );
}

#[test]
fn a_dangling_ref_names_the_ref_and_its_place() {
    let paths = json!({"/a": {"post": {
        "parameters": [{"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Missing"}}],
        "responses": {"200": {"description": "ok"}}
    }}});
    assert_eq!(
        error_of(swagger(paths, json!({}))),
        "doc.json#/paths/~1a/post/parameters/0/schema/$ref: reference `#/definitions/Missing` names nothing in this document"
    );
    let definitions = json!({"A": {"type": "object", "properties": {"b": {"$ref": "#/definitions/B"}}}});
    assert_starts_with(
        &error_of(swagger(json!({}), definitions)),
        "doc.json#/definitions/A/properties/b/$ref: reference `#/definitions/B`",
    );
}

#[test]
fn a_ref_to_another_file_is_unsupported() {
    let definitions = json!({"A": {"$ref": "common.json#/definitions/A"}});
    assert_starts_with(
        &error_of(swagger(json!({}), definitions)),
        "doc.json#/definitions/A/$ref: not supported: reference `common.json#/definitions/A` to another document",
    );
}

#[test]
fn a_wrongly_typed_keyword_is_named_by_its_pointer() {
    let definitions = json!({"A": {"type": "object", "properties": {"b": {"type": "string", "maxLength": "ten"}}}});
    assert_starts_with(
        &error_of(swagger(json!({}), definitions)),
        "doc.json#/definitions/A/properties/b/maxLength: invalid type",
    );
    let openapi = json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {
        "parameters": [{"name": "c", "in": "formData", "schema": {"type": "string"}}], "responses": {}
    }}}});
    assert_starts_with(
        &error_of(openapi.to_string()),
        "doc.json#/paths/~1a/get/parameters/0/in: unknown variant `formData`",
    );
    let paths = json!({"/a": {"get": {"responses": {"200": {"description": 7}}}}});
    assert_starts_with(
        &error_of(swagger(paths, json!({}))),
        "doc.json#/paths/~1a/get/responses/200/description: invalid type",
    );
    let openapi = json!({"openapi": "3.0.0", "info": {"title": "t"}, "paths": {}});
    assert_eq!(error_of(openapi.to_string()), "doc.json#/info: missing field `version`");
}

#[test]
fn versions_other_than_2_0_3_0_and_3_1_are_refused() {
    assert_starts_with(
        &error_of(r#"{"openapi": "3.2.0", "info": {}, "paths": {}}"#),
        "doc.json#/openapi: not supported: OpenAPI version \"3.2.0\"",
    );
    assert_starts_with(&error_of(r#"{"swagger": "1.2"}"#), "doc.json#/swagger: not supported: Swagger version \"1.2\"");
    assert_starts_with(
        &error_of(r#"{"swaggerVersion": "1.2", "apis": []}"#),
        "doc.json#/swaggerVersion: not supported: Swagger 1.x",
    );
    assert_starts_with(
        &error_of("swagger: 2.0\ninfo: {}\n"),
        "doc.json#/swagger: `swagger` must be the string \"2.0\", found the number 2.0",
    );
    assert_starts_with(
        &error_of(r#"{"swagger": 2}"#),
        "doc.json#/swagger: `swagger` must be the string \"2.0\", found the number 2",
    );
    assert_starts_with(&error_of(r#"{"openapi": 3.0}"#), "doc.json#/openapi: `openapi` must be a version string");
    assert_starts_with(
        &error_of(r#"{"info": {}, "paths": {}}"#),
        "doc.json#: not a Swagger/OpenAPI document: expected a `swagger: \"2.0\"`",
    );
}

#[test]
fn odd_inputs_are_errors_not_panics() {
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_yaml = format!("{}1", "- ".repeat(100_000));

    let inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"  \n\t ".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"42".to_vec(),
        b"\"text\"".to_vec(),
        b"{}".to_vec(),
        b"\xFF\xFE{\x00}\x00".to_vec(),
        b"{\"swagger\": \"2.0\", \"info\": \xC3\x28}".to_vec(),
        b"---\na: 1\n---\nb: 2\n".to_vec(),
        b"a: .nan\nswagger: '2.0'\n".to_vec(),
        b"? [a, b]\n: c\n".to_vec(),
        b"swagger: '2.0'\npaths: []\ninfo: {title: t, version: '1'}".to_vec(),
        b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {a: {}}".to_vec(),
        b"openapi: 3.0.0\ninfo: null\npaths: 1".to_vec(),
        deep_json.into_bytes(),
        deep_yaml.into_bytes(),
    ];
    for input in inputs {
        let outcome = load(&input, "odd");
        let shown = String::from_utf8_lossy(&input[..input.len().min(40)]).into_owned();
        match outcome {
            Ok(api) => assert!(api.paths.paths.is_empty(), "{shown}: unexpectedly loaded"),
            Err(error) => assert!(!error.to_string().is_empty(), "{shown}"),
        }
    }
}

/// As deep as the parsers allow (128 levels): reading must not run out of stack in a test
/// thread, nor take time exponential in the depth when something deep inside is wrong.
#[test]
fn deeply_nested_schemas_load_or_fail_at_the_right_place() {
    const DEPTH: usize = 120;
    for wrong in [false, true] {
        let mut schema = if wrong { json!({"type": "string", "maxLength": "x"}) } else { json!({"type": "string"}) };
        for _ in 0..DEPTH {
            schema = json!({"type": "object", "additionalProperties": schema});
        }
        let swagger2 = swagger(json!({}), json!({"Deep": schema}));
        let openapi3 = json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"Deep": schema}}});
        let mut openapi31 = openapi3.clone();
        openapi31["openapi"] = json!("3.1.0");
        let deep_place = "/additionalProperties".repeat(DEPTH);
        for (bytes, schema_at) in [
            (swagger2, "/definitions/Deep"),
            (openapi3.to_string().into_bytes(), "/components/schemas/Deep"),
            (openapi31.to_string().into_bytes(), "/components/schemas/Deep"),
        ] {
            match load(&bytes, "deep.json") {
                Ok(_) => assert!(!wrong),
                Err(error) => assert!(
                    wrong && error.to_string().starts_with(&format!("deep.json#{schema_at}{deep_place}/maxLength: ")),
                    "{error}"
                ),
            }
        }
    }
}

/// Lowering copies some 3.1 keywords into extensions: nested, they must not double per level.
#[test]
fn nested_tuples_and_patterns_stay_linear() {
    // Two levels of JSON per level of schema, below the parsers' 128.
    const DEPTH: usize = 60;
    let mut schema = json!({"type": "string"});
    for level in 0..DEPTH {
        schema = if level % 2 == 0 {
            json!({"type": ["array", "null"], "prefixItems": [schema]})
        } else {
            json!({"type": "object", "patternProperties": {"^a": schema}})
        };
    }
    let bytes = openapi31(json!({}), json!({"schemas": {"Deep": schema}}));
    let lowered = serde_json::to_vec(&load_ok(&bytes, "deep.json")).expect("serializes");
    assert!(lowered.len() < bytes.len() * DEPTH, "{} bytes from {}", lowered.len(), bytes.len());
}

#[test]
fn invalid_utf8_reports_its_position() {
    assert_eq!(
        error_of(b"{\n  \"a\": \"\xC3\x28\"}"),
        "doc.json: cannot parse as JSON or YAML at line 2, column 9: invalid UTF-8 byte sequence"
    );
}

/// Every node of the hand-made documents replaced by values of the wrong kind, or removed: the
/// loader may refuse each, but never panic.
#[test]
fn damaged_documents_never_panic() {
    for (fixture, reference) in [(FEATURES, "#/definitions/Pet"), (FEATURES_31, "#/components/schemas/Pet")] {
        let yaml: serde_yaml::Value = serde_yaml::from_slice(&read(fixture)).expect("fixture is YAML");
        let original = serde_json::to_value(yaml).expect("YAML as JSON");
        let mut pointers = Vec::new();
        collect_pointers(&original, String::new(), &mut pointers);
        let mut loaded = 0;
        for pointer in &pointers {
            for replacement in [Value::Null, json!([1]), json!({"$ref": reference}), Value::String("file".into())] {
                let mut damaged = original.clone();
                *damaged.pointer_mut(pointer).expect("pointer from the walk") = replacement;
                loaded += usize::from(load(&serde_json::to_vec(&damaged).expect("serializes"), "damaged").is_ok());
            }
        }
        assert!(
            loaded > 0 && pointers.len() > 200,
            "{fixture}: {loaded} of {} damaged documents loaded",
            pointers.len() * 4
        );
    }
}

fn collect_pointers(value: &Value, at: String, into: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(object) => {
            object.iter().map(|(key, child)| (key.replace('~', "~0").replace('/', "~1"), child)).collect()
        }
        Value::Array(items) => items.iter().enumerate().map(|(i, child)| (i.to_string(), child)).collect(),
        _ => Vec::new(),
    };
    for (token, child) in children {
        let child_at = format!("{at}/{token}");
        collect_pointers(child, child_at.clone(), into);
        into.push(child_at);
    }
}

// --- Public specifications ------------------------------------------------------------------

/// Loads every Swagger 2.0 / OpenAPI 3.0 / OpenAPI 3.1 specification of the shared corpus
/// (gzipped ones too), when it is on this machine, prints which fail and why, and compares the
/// operation and schema counts with the corpus manifest. Every 3.1 one must load.
#[test]
fn corpus_specifications_load() {
    // `shared/` sits beside the checkout, on developers' machines and in CI alike.
    let corpus = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"));
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("no corpus at {}; skipped", corpus.display());
        return;
    };
    // file, operations, schemas
    let specs: Vec<(&str, &str, &str)> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            let &[file, _source, version, _bytes, operations, schemas] = columns.as_slice() else { return None };
            let readable = version == "2.0" || version.starts_with("3.0") || version.starts_with("3.1");
            readable.then_some((file, operations, schemas))
        })
        .collect();
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(4);
    let outcomes: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let specs = &specs;
        let handles: Vec<_> = (0..workers)
            .map(|first| {
                scope.spawn(move || {
                    specs
                        .iter()
                        .skip(first)
                        .step_by(workers)
                        .map(|spec| load_counted(corpus, *spec))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().expect("no panic while loading")).collect()
    });
    let failures: Vec<&String> = outcomes.iter().filter_map(|outcome| outcome.as_ref().err()).collect();
    eprintln!(
        "corpus: {} of {} Swagger 2.0 / OpenAPI 3.0 / OpenAPI 3.1 specifications load",
        specs.len() - failures.len(),
        specs.len()
    );
    let openapi31 = specs.iter().filter(|(file, ..)| file.starts_with("oa31_")).count();
    eprintln!("corpus: {openapi31} of them OpenAPI 3.1");
    for failure in &failures {
        eprintln!("  {}", failure.chars().take(300).collect::<String>());
    }
    assert!(!specs.is_empty());
    assert!(failures.len() * 10 <= specs.len(), "{} of {} failed", failures.len(), specs.len());
    assert!(failures.iter().all(|failure| !failure.contains("count")), "lowering lost operations or schemas");
    assert!(openapi31 >= 13, "the corpus holds {openapi31} OpenAPI 3.1 specifications");
    assert!(failures.iter().all(|failure| !failure.starts_with("oa31_")), "every OpenAPI 3.1 specification loads");
}

/// Loads one corpus file and compares its counts with the manifest's.
fn load_counted(corpus: &std::path::Path, (file, operations, schemas): (&str, &str, &str)) -> Result<(), String> {
    let mut bytes = read(&corpus.join(file).to_string_lossy());
    if file.ends_with(".gz") {
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut unpacked)
            .map_err(|error| format!("{file}: cannot gunzip: {error}"))?;
        bytes = unpacked;
    }
    let api = load(&bytes, file).map_err(|error| error.to_string())?;
    // OpenAPI 3.1 schemas' own definitions become component schemas too.
    let hoisted = if file.starts_with("oa31_") {
        let source: Value = serde_json::from_slice(&bytes).map_err(|error| format!("{file}: {error}"))?;
        source.pointer("/components/schemas").map_or(0, nested_definitions)
    } else {
        0
    };
    let counted = (
        api.operations().count().to_string(),
        api.components.map_or(0, |components| components.schemas.len() - hoisted).to_string(),
    );
    if counted == (operations.to_owned(), schemas.to_owned()) {
        Ok(())
    } else {
        Err(format!("{file}: operation and schema count {counted:?}, manifest says ({operations}, {schemas})"))
    }
}

/// How many `$defs` / `definitions` entries lie inside `value`, at any depth.
fn nested_definitions(value: &Value) -> usize {
    match value {
        Value::Object(object) => object
            .iter()
            .map(|(key, member)| match member {
                Value::Object(entries) if key == "$defs" || key == "definitions" => {
                    entries.len() + entries.values().map(nested_definitions).sum::<usize>()
                }
                // Property names are no keywords.
                Value::Object(properties) if key == "properties" => properties.values().map(nested_definitions).sum(),
                _ => nested_definitions(member),
            })
            .sum(),
        Value::Array(items) => items.iter().map(nested_definitions).sum(),
        _ => 0,
    }
}
