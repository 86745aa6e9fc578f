//! Swagger 2.0 `securityDefinitions` as OpenAPI 3.0 security schemes.
//!
//! URLs are kept as written: Track-It! gives its token endpoint relative to the document
//! (`../../token`), and only the generator knows what that is relative to.

use serde_json::{Map, Value, json};

use super::context::{Lowering, copy_extensions, copy_members};
use crate::error::Error;
use crate::load::pointer;
use crate::load::typed::Kind;

/// Every entry of `securityDefinitions` (written at `at`), lowered, under the same names.
pub(super) fn lower_security_definitions(
    cx: &Lowering<'_>,
    definitions: &Map<String, Value>,
    at: &str,
) -> Result<Map<String, Value>, Error> {
    definitions
        .iter()
        .map(|(name, scheme)| {
            let scheme_at = pointer::child(at, name);
            let scheme = lower_scheme(cx, cx.object(scheme, &scheme_at, "a security definition")?, &scheme_at)?;
            Ok((name.clone(), scheme))
        })
        .collect()
}

fn lower_scheme(cx: &Lowering<'_>, scheme: &Map<String, Value>, at: &str) -> Result<Value, Error> {
    let kind = cx.required_str(scheme, "type", at, "the security definition")?;
    let mut lowered = match kind {
        "basic" => json!({ "type": "http", "scheme": "basic" }),
        "apiKey" => {
            let name = cx.required_str(scheme, "name", at, "the apiKey security definition")?;
            let location = cx.required_str(scheme, "in", at, "the apiKey security definition")?;
            if !matches!(location, "query" | "header") {
                return Err(cx.invalid(
                    &pointer::child(at, "in"),
                    format!("an API key goes in `query` or `header`, not `{location}`"),
                ));
            }
            json!({ "type": "apiKey", "name": name, "in": location })
        }
        "oauth2" => json!({ "type": "oauth2", "flows": oauth2_flows(cx, scheme, at)? }),
        other => {
            return Err(cx.invalid(
                &pointer::child(at, "type"),
                format!("unknown security type `{other}`; Swagger 2.0 has `basic`, `apiKey` and `oauth2`"),
            ));
        }
    };
    if let Value::Object(lowered) = &mut lowered {
        copy_members(scheme, lowered, &["description"]);
        copy_extensions(scheme, lowered);
    }
    cx.check(Kind::SecurityScheme, &lowered, at)?;
    Ok(lowered)
}

/// The one 2.0 flow as a 3.0 `flows` object.
fn oauth2_flows(cx: &Lowering<'_>, scheme: &Map<String, Value>, at: &str) -> Result<Value, Error> {
    let flow = cx.required_str(scheme, "flow", at, "the oauth2 security definition")?;
    let (name, needs_authorization_url, needs_token_url) = match flow {
        "implicit" => ("implicit", true, false),
        "password" => ("password", false, true),
        "application" => ("clientCredentials", false, true),
        "accessCode" => ("authorizationCode", true, true),
        other => {
            return Err(cx.invalid(
                &pointer::child(at, "flow"),
                format!("unknown oauth2 flow `{other}`; Swagger 2.0 has `implicit`, `password`, `application` and `accessCode`"),
            ));
        }
    };
    let mut lowered = Map::new();
    let what = format!("the oauth2 `{flow}` flow");
    if needs_authorization_url {
        lowered.insert("authorizationUrl".into(), cx.required_str(scheme, "authorizationUrl", at, &what)?.into());
    }
    if needs_token_url {
        lowered.insert("tokenUrl".into(), cx.required_str(scheme, "tokenUrl", at, &what)?.into());
    }
    // 2.0 requires `scopes`, but an absent map means the same as an empty one.
    let scopes = cx.optional_object(scheme, "scopes", at)?.cloned().unwrap_or_default();
    lowered.insert("scopes".into(), Value::Object(scopes));
    Ok(json!({ name: lowered }))
}
