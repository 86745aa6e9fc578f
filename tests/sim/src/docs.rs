//! Unauthenticated pages: the IIS welcome page, the technician web app stub, the Swagger
//! UI page (Swashbuckle 5 layout) with its redirects, and the Swagger document.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use crate::BASE_PATH;
use crate::app::api;
use crate::errors::ok;
use crate::extract::request_host;
use crate::state::SharedState;

/// Where Swashbuckle's UI lives, relative to the Web API base.
const UI_PATH: &str = "swagger/ui/index";
/// The document the UI loads, relative to the Web API base (`info.version` is `v2`).
const DISCOVERY_PATH: &str = "swagger/docs/v2";

pub(crate) const IIS_NOT_FOUND: &str = "<!DOCTYPE html>\n<html><head><title>404 - File or directory not found.</title></head>\n<body><h2>404 - File or directory not found.</h2>\n<p>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</p></body></html>\n";

const IIS_WELCOME: &str = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\" />\n<title>IIS Windows Server</title>\n</head>\n<body>\n<div id=\"container\"><h1>Internet Information Services</h1><p>Welcome</p></div>\n</body>\n</html>\n";

const TECHNICIAN_APP: &str = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\" />\n<title>Track-It!</title>\n</head>\n<body class=\"trackit-technician-web\">\n<div id=\"app\">Track-It! Technician Web: please sign in.</div>\n</body>\n</html>\n";

pub(crate) fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(|| async { Html(IIS_WELCOME) }))
        .route("/trackit", get(|| async { Html(TECHNICIAN_APP) }))
        .route("/trackit/", get(|| async { Html(TECHNICIAN_APP) }))
        .route(&api(""), get(redirect_to_ui))
        .route(&api("/"), get(redirect_to_ui))
        .route(&api("/swagger"), get(redirect_to_ui))
        .route(&api("/swagger/ui/index"), get(swagger_ui))
        .route(&api("/swagger/docs/{version}"), get(swagger_document))
}

/// `http://HOST/TrackIt/WebApi` (`https` when serving TLS), from the request's `Host` header,
/// as Swashbuckle builds it from the request.
fn root_url(state: &SharedState, headers: &HeaderMap) -> String {
    let scheme = if state.config.tls.is_some() { "https" } else { "http" };
    format!("{scheme}://{}{BASE_PATH}", request_host(headers))
}

/// Swashbuckle's redirect from the base (and `swagger`) to the UI page.
async fn redirect_to_ui(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let location = format!("{}/{UI_PATH}", root_url(&state, &headers));
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

async fn swagger_ui(State(state): State<SharedState>, headers: HeaderMap) -> Html<String> {
    Html(ui_page(&root_url(&state, &headers)))
}

/// `swagger/docs/v2` (and `v1`, served by older releases): the document, its `host` set
/// to the one the client used.
async fn swagger_document(
    State(state): State<SharedState>,
    Path(version): Path<String>,
    headers: HeaderMap,
) -> Response {
    if version != "v1" && version != "v2" {
        return (StatusCode::NOT_FOUND, "Unknown API version").into_response();
    }
    let mut document = state.swagger.clone();
    if let Some(host) = document.get_mut("host") {
        *host = Value::String(request_host(&headers));
    }
    ok(&document)
}

/// The page Swashbuckle 5 renders from its embedded `index.html`.
fn ui_page(root_url: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html>
<head>
  <meta charset="UTF-8">
  <title>Swagger UI</title>
  <link rel="icon" type="image/png" href="images/favicon-32x32-png" sizes="32x32" />
  <link rel="icon" type="image/png" href="images/favicon-16x16-png" sizes="16x16" />
  <link href='css/typography-css' media='screen' rel='stylesheet' type='text/css'/>
  <link href='css/reset-css' media='screen' rel='stylesheet' type='text/css'/>
  <link href='css/screen-css' media='screen' rel='stylesheet' type='text/css'/>
  <script src='lib/jquery-1-8-0-min-js' type='text/javascript'></script>
  <script src='swagger-ui-min-js' type='text/javascript'></script>
  <script type="text/javascript">
    // Get Swashbuckle config into JavaScript
    function arrayFrom(configString) {{
      return (configString !== "") ? configString.split('|') : [];
    }}

    function stringOrNullFrom(configString) {{
      return (configString !== "null") ? configString : null;
    }}

    window.swashbuckleConfig = {{
      rootUrl: '{root_url}',
      discoveryPaths: arrayFrom('{DISCOVERY_PATH}'),
      booleanValues: arrayFrom('true|false'),
      validatorUrl: stringOrNullFrom('null'),
      customScripts: arrayFrom(''),
      docExpansion: 'none',
      supportedSubmitMethods: arrayFrom('get|put|post|delete|options|head|patch'),
      oAuth2Enabled: ('true' == 'true'),
      oAuth2ClientId: '',
      oAuth2ClientSecret: '',
      oAuth2Realm: '',
      oAuth2AppName: '',
      oAuth2ScopeSeperator: ' ',
      oAuth2AdditionalQueryStringParams: JSON.parse('{{}}')
    }};

    $(function () {{
      window.swaggerUi = new SwaggerUi({{
        url: swashbuckleConfig.rootUrl + "/" + swashbuckleConfig.discoveryPaths[0],
        dom_id: "swagger-ui-container",
        supportedSubmitMethods: swashbuckleConfig.supportedSubmitMethods,
        docExpansion: swashbuckleConfig.docExpansion
      }});
      window.swaggerUi.load();
    }});
  </script>
</head>

<body class="swagger-section">
  <div id='header'>
    <div class="swagger-ui-wrap">
      <a id="logo" href="http://swagger.io"><span class="logo__title">swagger</span></a>
      <form id='api_selector'>
        <div class='input'><input placeholder="http://example.com/api" id="input_baseUrl" name="baseUrl" type="text"/></div>
        <div id='auth_container'></div>
        <div class='input'><a id="explore" class="header__btn" href="#" data-sw-translate>Explore</a></div>
      </form>
    </div>
  </div>

  <div id="message-bar" class="swagger-ui-wrap" data-sw-translate>&nbsp;</div>
  <div id="swagger-ui-container" class="swagger-ui-wrap"></div>
</body>
</html>
"##
    )
}
