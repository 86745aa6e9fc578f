//! Finds and downloads the Swagger/OpenAPI document behind whatever server address a user copied.
//!
//! Users know "the Track-It! server", not the document URL, so [`fetch_document`] accepts the
//! server root, the virtual directory, the Web API base, the Swagger UI page or the document
//! itself. It follows redirects by hand (to record each hop and keep credentials on one origin),
//! reads the Swagger UI configuration of Swashbuckle 5 (ASP.NET Web API 2) and of
//! Swashbuckle.AspNetCore, probes well-known locations otherwise, and logs in only when the
//! document answers 401.

use std::{error::Error as StdError, fmt, io, time::Duration};

use reqwest::{Client, RequestBuilder, StatusCode, header, redirect};
use secrecy::{ExposeSecret, SecretString};
use url::{Origin, Url};

/// Redirect hops followed before giving up.
const MAX_REDIRECTS: usize = 5;
const USER_AGENT: &str = concat!("trackit-xtask/", env!("CARGO_PKG_VERSION"));
/// JSON first: ASP.NET Web API 2 answers errors in XML to clients that do not ask for JSON.
const ACCEPT: &str = "application/json, application/yaml;q=0.9, text/html;q=0.8, */*;q=0.5";
/// Where a Swagger UI or document usually lives, relative to an address that showed neither.
const CANDIDATES: [&str; 7] = [
    "swagger/ui/index",
    "WebApi/swagger/ui/index",
    "TrackIt/WebApi/swagger/ui/index",
    "swagger/docs/v2",
    "swagger/docs/v1",
    "swagger/index.html",
    "swagger/v1/swagger.json",
];

/// How [`fetch_document`] talks to the server.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Limit for each whole request (connect, send, read the body).
    pub timeout: Duration,
    /// `GROUP\LOGINID` and password, used only when the server answers 401.
    pub credentials: Option<(String, SecretString)>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(30), credentials: None }
    }
}

/// A Swagger/OpenAPI document and how it was found.
pub struct FetchedDocument {
    /// The URL the document was finally read from.
    pub document_url: Url,
    /// The document exactly as served.
    pub bytes: Vec<u8>,
    /// One entry per request, `"URL (what it answered)"`; see [`FetchedDocument::route`].
    pub via: Vec<String>,
    /// Whether `bytes` hold JSON or YAML.
    pub format: DocumentFormat,
    /// Which specification the document follows.
    pub spec: SpecKind,
}

impl FetchedDocument {
    /// The discovery route on one line, e.g.
    /// `http://h/TrackIt/WebApi (302 Found) → http://h/TrackIt/WebApi/swagger/ui/index (Swagger UI, Swashbuckle 5) → …`.
    pub fn route(&self) -> String {
        self.via.join(" → ")
    }
}

impl fmt::Debug for FetchedDocument {
    // The body can be megabytes; its size is what matters when debugging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchedDocument")
            .field("document_url", &self.document_url.as_str())
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("via", &self.via)
            .field("format", &self.format)
            .field("spec", &self.spec)
            .finish()
    }
}

/// Serialisation of a fetched document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Json,
    Yaml,
}

/// Specification a fetched document declares at its top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecKind {
    /// `"swagger": "2.0"` (what Swashbuckle 5, hence Track-It!, publishes).
    Swagger2,
    /// `"openapi": "3.x.y"`, with the declared version.
    OpenApi3 { version: String },
}

impl fmt::Display for SpecKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Swagger2 => f.write_str("Swagger 2.0"),
            Self::OpenApi3 { version } => write!(f, "OpenAPI {version}"),
        }
    }
}

/// Why no document could be fetched; `Display` is one line meant for the user and names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{input:?} is not a usable server address: {reason}")]
    InvalidAddress { input: String, reason: url::ParseError },
    #[error("{url} uses the {scheme} scheme; only http and https are supported")]
    UnsupportedScheme { url: String, scheme: String },
    #[error(
        "the server address must not contain a user name or password; pass --user 'GROUP\\LOGINID' --password-env VAR instead"
    )]
    CredentialsInAddress,
    #[error("cannot set up the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("cannot reach {url}: {cause}")]
    Unreachable { url: Box<Url>, cause: String },
    #[error("{url} did not answer within {timeout:?}")]
    Timeout { url: Box<Url>, timeout: Duration },
    #[error("TLS failure talking to {url}: {cause}")]
    Tls { url: Box<Url>, cause: String },
    #[error("request to {url} failed: {cause}")]
    Transfer { url: Box<Url>, cause: String },
    #[error("{url} answered {status}")]
    Status { url: Box<Url>, status: StatusCode },
    #[error("{url} answered {status} without a usable Location header")]
    BadRedirect { url: Box<Url>, status: StatusCode },
    #[error("{url} redirected more than {max} times")]
    TooManyRedirects { url: Box<Url>, max: usize },
    #[error("{url} is not a Swagger UI or document ({found}){tried}")]
    NotDiscoverable { url: Box<Url>, found: String, tried: Attempts },
    #[error("{url} is a Swagger UI page but names no document")]
    UiWithoutDocument { url: Box<Url> },
    #[error("{url} answered {found}, not a Swagger or OpenAPI document")]
    NotADocument { url: Box<Url>, found: String },
    #[error("{url} answered with invalid JSON at line {line}, column {column}: {reason}")]
    InvalidJson { url: Box<Url>, line: usize, column: usize, reason: String },
    #[error("{url} answered with invalid YAML{location}: {reason}")]
    InvalidYaml { url: Box<Url>, location: YamlLocation, reason: String },
    #[error("{url} answered JSON that is not a Swagger or OpenAPI document: {detail}")]
    NotSwagger { url: Box<Url>, detail: String },
    #[error("{url} needs a login: pass --user 'GROUP\\LOGINID' --password-env VAR")]
    NeedsLogin { url: Box<Url> },
    #[error("{token_url} refused the login of {user}: {reason}")]
    LoginRefused { token_url: Box<Url>, user: String, reason: String },
    #[error("the token endpoint {token_url} answered {status}")]
    TokenEndpoint { token_url: Box<Url>, status: StatusCode },
    #[error("the token endpoint {token_url} answered without an access_token")]
    TokenMissing { token_url: Box<Url> },
    #[error("{url} still answered 401 Unauthorized after logging in as {user}")]
    StillUnauthorized { url: Box<Url>, user: String },
}

/// Addresses probed during discovery and what each answered; displays as `"; tried: …"`.
#[derive(Debug, Default)]
pub struct Attempts(pub Vec<Attempt>);

/// One probed address.
#[derive(Debug)]
pub struct Attempt {
    pub url: Url,
    pub answer: String,
}

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, attempt) in self.0.iter().enumerate() {
            f.write_str(if index == 0 { "; tried: " } else { ", " })?;
            write!(f, "{} ({})", attempt.url, attempt.answer)?;
        }
        Ok(())
    }
}

/// Where a YAML parse failed, when the parser knows; displays as `" at line L, column C"`.
#[derive(Debug)]
pub struct YamlLocation(pub Option<(usize, usize)>);

impl fmt::Display for YamlLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((line, column)) => write!(f, " at line {line}, column {column}"),
            None => Ok(()),
        }
    }
}

/// Finds the Swagger/OpenAPI document reachable from `start` and returns it as served.
///
/// `start` may be the server root, the virtual directory (`/TrackIt`), the Web API base
/// (`/TrackIt/WebApi`, any case, trailing slash or not), the Swagger UI page or the document
/// URL; without a scheme, https is assumed.
pub async fn fetch_document(start: &str, options: &FetchOptions) -> Result<FetchedDocument, FetchError> {
    let start = parse_start(start)?;
    Fetcher::new(options)?.discover(start).await
}

/// Turns user input into an absolute http(s) URL without a trailing slash.
fn parse_start(input: &str) -> Result<Url, FetchError> {
    let trimmed = input.trim();
    let absolute = if trimmed.contains("://") { trimmed.to_owned() } else { format!("https://{trimmed}") };
    let mut url = Url::parse(&absolute).map_err(|reason| FetchError::InvalidAddress {
        // The input is echoed only when it cannot carry a password (`user:password@host`).
        input: if trimmed.contains('@') { "the server address".to_owned() } else { trimmed.to_owned() },
        reason,
    })?;
    // Checked first so that no later message can echo a password written into the address.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::CredentialsInAddress);
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme { url: url.to_string(), scheme: url.scheme().to_owned() });
    }
    url.set_fragment(None);
    // Track-It! answers 404 on some routes below a base written with a trailing slash.
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// `base` + `/` + `relative`, without query or fragment.
fn join_path(base: &Url, relative: &str) -> Url {
    let mut url = base.clone();
    url.set_path(&format!("{}/{}", base.path().trim_end_matches('/'), relative.trim_start_matches('/')));
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The API base a Swagger URL belongs to: everything before its last `swagger` segment.
fn base_before_swagger(url: &Url) -> Url {
    let segments: Vec<&str> = url.path().split('/').collect();
    let kept = segments.iter().rposition(|segment| segment.eq_ignore_ascii_case("swagger")).unwrap_or(segments.len());
    let mut base = url.clone();
    base.set_path(segments[..kept].join("/").trim_end_matches('/'));
    base.set_query(None);
    base.set_fragment(None);
    base
}

/// Whether `url` already points into Swagger territory, so probing beside it makes no sense.
fn is_swagger_address(url: &Url) -> bool {
    url.path().split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase();
        segment == "swagger" || [".json", ".yaml", ".yml"].iter().any(|extension| segment.ends_with(extension))
    })
}

/// A reply read in full, after redirects.
struct Reply {
    url: Url,
    status: StatusCode,
    content_type: Option<String>,
    /// Authentication schemes offered by `WWW-Authenticate`, lower case.
    challenges: Vec<String>,
    body: Vec<u8>,
}

/// Credentials proven to the server, bound to the origin that asked for them.
enum Authorization {
    Bearer { origin: Origin, token: SecretString },
    Basic { origin: Origin },
}

/// State of one discovery: the client, the route so far and any login.
struct Fetcher<'a> {
    client: Client,
    options: &'a FetchOptions,
    via: Vec<String>,
    authorization: Option<Authorization>,
    /// The API base named by a Swashbuckle 5 UI (`rootUrl`), where `/token` lives.
    api_base: Option<Url>,
}

impl<'a> Fetcher<'a> {
    fn new(options: &'a FetchOptions) -> Result<Self, FetchError> {
        // Redirects are followed by hand: each hop is recorded, and neither the password grant
        // nor an Authorization header is ever replayed to an address the user did not choose.
        let client = Client::builder()
            .user_agent(USER_AGENT)
            .timeout(options.timeout)
            .redirect(redirect::Policy::none())
            .build()
            .map_err(FetchError::Client)?;
        Ok(Self { client, options, via: Vec::new(), authorization: None, api_base: None })
    }

    async fn discover(mut self, start: Url) -> Result<FetchedDocument, FetchError> {
        let reply = self.get(&start).await?;
        let answer = classify(&reply);
        self.note(&reply.url, &answer);
        let found = match answer {
            Answer::Document { format, spec } => return Ok(self.finish(reply, format, spec)),
            Answer::SwaggerUi(page) => return self.follow_ui(&reply.url, page).await,
            Answer::Status(status) if status.is_server_error() || is_swagger_address(&start) => {
                return Err(FetchError::Status { url: reply.url.into(), status });
            }
            answer if is_swagger_address(&start) => return Err(answer.into_error(reply.url)),
            Answer::InvalidJson { .. } | Answer::InvalidYaml { .. } => {
                return Err(answer.into_error(reply.url));
            }
            other => other.describe(),
        };

        let mut tried = Attempts::default();
        for candidate in CANDIDATES {
            let url = join_path(&start, candidate);
            if url == reply.url {
                continue;
            }
            let probe = self.get(&url).await?;
            let answer = classify(&probe);
            self.note(&probe.url, &answer);
            match answer {
                Answer::Document { format, spec } => return Ok(self.finish(probe, format, spec)),
                Answer::SwaggerUi(page) => return self.follow_ui(&probe.url, page).await,
                Answer::InvalidJson { .. } | Answer::InvalidYaml { .. } => {
                    return Err(answer.into_error(probe.url));
                }
                other => tried.0.push(Attempt { url, answer: other.describe() }),
            }
        }
        Err(FetchError::NotDiscoverable { url: start.into(), found, tried })
    }

    /// Reads the documents a Swagger UI page names and fetches the preferred one.
    async fn follow_ui(mut self, page_url: &Url, page: ui::Page) -> Result<FetchedDocument, FetchError> {
        let mut documents: Vec<Url> = match page.flavour {
            ui::Flavour::Swashbuckle5 => {
                let root = swashbuckle_root(page_url, page.root_url.as_deref());
                let documents = page.documents.iter().map(|path| join_path(&root, path)).collect();
                self.api_base = Some(root);
                documents
            }
            ui::Flavour::SwaggerUi => {
                let mut references = page.documents;
                if references.is_empty() {
                    references = self.read_config_scripts(page_url, &page.scripts).await?;
                }
                // Browsers resolve these against the page, not against the script.
                references.iter().filter_map(|reference| page_url.join(reference).ok()).collect()
            }
        };
        documents.sort_by_key(|url| std::cmp::Reverse(ui::document_version(url.path())));

        let mut documents = documents.into_iter().peekable();
        while let Some(url) = documents.next() {
            let reply = self.get(&url).await?;
            let answer = classify(&reply);
            self.note(&reply.url, &answer);
            match answer {
                Answer::Document { format, spec } => return Ok(self.finish(reply, format, spec)),
                // A UI may list a version the server no longer publishes; try the next one.
                Answer::Status(StatusCode::NOT_FOUND) if documents.peek().is_some() => continue,
                answer => return Err(answer.into_error(reply.url)),
            }
        }
        Err(FetchError::UiWithoutDocument { url: page_url.clone().into() })
    }

    /// Fetches Swashbuckle.AspNetCore's `index.js` or swagger-ui's `swagger-initializer.js`.
    async fn read_config_scripts(&mut self, page_url: &Url, scripts: &[String]) -> Result<Vec<String>, FetchError> {
        let mut references = Vec::new();
        for script in scripts {
            let Ok(url) = page_url.join(script) else {
                continue;
            };
            let reply = self.get(&url).await?;
            if !reply.status.is_success() {
                self.via.push(format!("{} ({})", reply.url, reply.status));
                continue;
            }
            self.via.push(format!("{} (Swagger UI configuration)", reply.url));
            references.extend(ui::document_references(&String::from_utf8_lossy(&reply.body)));
        }
        Ok(references)
    }

    fn note(&mut self, url: &Url, answer: &Answer) {
        self.via.push(format!("{url} ({})", answer.describe()));
    }

    fn finish(self, reply: Reply, format: DocumentFormat, spec: SpecKind) -> FetchedDocument {
        FetchedDocument { document_url: reply.url, bytes: reply.body, via: self.via, format, spec }
    }

    /// GETs `url`, following redirects and logging in once if the server answers 401.
    async fn get(&mut self, url: &Url) -> Result<Reply, FetchError> {
        let reply = self.get_following_redirects(url).await?;
        if reply.status != StatusCode::UNAUTHORIZED {
            return Ok(reply);
        }
        let Some((user, _)) = &self.options.credentials else {
            return Err(FetchError::NeedsLogin { url: reply.url.into() });
        };
        if self.authorization.is_some() {
            return Err(FetchError::StillUnauthorized { url: reply.url.into(), user: user.clone() });
        }
        self.log_in(&reply).await?;
        let retried = self.get_following_redirects(url).await?;
        if retried.status == StatusCode::UNAUTHORIZED {
            return Err(FetchError::StillUnauthorized { url: retried.url.into(), user: user.clone() });
        }
        Ok(retried)
    }

    async fn get_following_redirects(&mut self, start: &Url) -> Result<Reply, FetchError> {
        let mut url = start.clone();
        for _ in 0..=MAX_REDIRECTS {
            let request = self.client.get(url.clone()).header(header::ACCEPT, ACCEPT);
            let response =
                self.authorize(request, &url).send().await.map_err(|error| self.transport_error(&url, &error))?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let next = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|location| location.to_str().ok())
                    .and_then(|location| url.join(location).ok())
                    .filter(|next| matches!(next.scheme(), "http" | "https"))
                    .ok_or_else(|| FetchError::BadRedirect { url: url.clone().into(), status })?;
                self.via.push(format!("{url} ({status})"));
                url = next;
                continue;
            }
            let content_type = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_ascii_lowercase);
            let challenges = authentication_schemes(response.headers());
            let body = response.bytes().await.map_err(|error| self.transport_error(&url, &error))?.to_vec();
            return Ok(Reply { url, status, content_type, challenges, body });
        }
        Err(FetchError::TooManyRedirects { url: start.clone().into(), max: MAX_REDIRECTS })
    }

    fn authorize(&self, request: RequestBuilder, url: &Url) -> RequestBuilder {
        let origin = url.origin();
        match (&self.authorization, &self.options.credentials) {
            (Some(Authorization::Bearer { origin: granted, token }), _) if *granted == origin => {
                request.bearer_auth(token.expose_secret())
            }
            (Some(Authorization::Basic { origin: granted }), Some((user, password))) if *granted == origin => {
                request.basic_auth(user, Some(password.expose_secret()))
            }
            _ => request,
        }
    }

    /// Answers a 401: Basic authentication if that is all the server offers, otherwise the
    /// Track-It! password grant at `{api base}/token`.
    async fn log_in(&mut self, challenged: &Reply) -> Result<(), FetchError> {
        let Some((user, password)) = &self.options.credentials else {
            return Err(FetchError::NeedsLogin { url: challenged.url.clone().into() });
        };
        let origin = challenged.url.origin();
        let offers = |scheme: &str| challenged.challenges.iter().any(|offered| offered == scheme);
        if offers("basic") && !offers("bearer") {
            self.via.push(format!("{} (401 Unauthorized, retrying with Basic authentication)", challenged.url));
            self.authorization = Some(Authorization::Basic { origin });
            return Ok(());
        }
        self.via.push(format!("{} (401 Unauthorized)", challenged.url));

        let base = self.api_base.clone().unwrap_or_else(|| base_before_swagger(&challenged.url));
        let token_url = join_path(&base, "token");
        let response = self
            .client
            .post(token_url.clone())
            .header(header::ACCEPT, "application/json")
            .form(&[("grant_type", "password"), ("username", user.as_str()), ("password", password.expose_secret())])
            .send()
            .await
            .map_err(|error| self.transport_error(&token_url, &error))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| self.transport_error(&token_url, &error))?;
        if status == StatusCode::BAD_REQUEST {
            return Err(FetchError::LoginRefused {
                token_url: token_url.into(),
                user: user.clone(),
                reason: refusal_reason(&body, password),
            });
        }
        if !status.is_success() {
            return Err(FetchError::TokenEndpoint { token_url: token_url.into(), status });
        }
        let token =
            access_token(&body).ok_or_else(|| FetchError::TokenMissing { token_url: token_url.clone().into() })?;
        self.via.push(format!("{token_url} (bearer token issued)"));
        self.authorization = Some(Authorization::Bearer { origin, token });
        Ok(())
    }

    /// One short line for a failed exchange: reqwest's own messages repeat the URL and nest.
    fn transport_error(&self, url: &Url, error: &reqwest::Error) -> FetchError {
        let url = Box::new(url.clone());
        if error.is_timeout() {
            return FetchError::Timeout { url, timeout: self.options.timeout };
        }
        if let Some(tls) = find_tls_error(error) {
            return FetchError::Tls { url, cause: tls.to_string() };
        }
        let cause = root_cause(error);
        if error.is_connect() { FetchError::Unreachable { url, cause } } else { FetchError::Transfer { url, cause } }
    }
}

/// Where a Swashbuckle 5 UI's documents live, from its `rootUrl`.
fn swashbuckle_root(page_url: &Url, root_url: Option<&str>) -> Url {
    let Some(root) = root_url.and_then(|root| page_url.join(root).ok()) else {
        return base_before_swagger(page_url);
    };
    // Swashbuckle computes rootUrl from the server's own view of the request; behind a proxy
    // that terminates TLS it names `http://internal-host`, so keep the origin we actually used.
    let mut rebuilt = page_url.clone();
    rebuilt.set_path(root.path().trim_end_matches('/'));
    rebuilt.set_query(None);
    rebuilt.set_fragment(None);
    rebuilt
}

/// The schemes of every challenge in `WWW-Authenticate`, lower case.
fn authentication_schemes(headers: &header::HeaderMap) -> Vec<String> {
    headers
        .get_all(header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| {
            let word = part.split_whitespace().next()?;
            // `realm="x"` continues the previous challenge; a bare token starts a new one.
            (!word.contains('=')).then(|| word.to_ascii_lowercase())
        })
        .collect()
}

fn access_token(body: &[u8]) -> Option<SecretString> {
    let reply: serde_json::Value = serde_json::from_slice(body).ok()?;
    let token = reply.get("access_token")?.as_str()?;
    (!token.is_empty()).then(|| SecretString::from(token.to_owned()))
}

/// The OAuth error of a 400 token reply, e.g. `invalid_grant: The user name or password is incorrect.`
fn refusal_reason(body: &[u8], password: &SecretString) -> String {
    let reply: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let field = |name: &str| reply.get(name).and_then(serde_json::Value::as_str);
    let reason = match (field("error"), field("error_description")) {
        (Some(error), Some(description)) => format!("{error}: {description}"),
        (Some(error), None) => error.to_owned(),
        _ => "400 Bad Request".to_owned(),
    };
    // A server that echoes the form back must not make us print the password.
    let secret = password.expose_secret();
    if secret.is_empty() { reason } else { reason.replace(secret, "********") }
}

/// Every error in the chain, looking inside `io::Error`s: their `source` skips the error they
/// wrap, and hyper/tokio-rustls nest them (`Other(InvalidData(rustls::Error))`).
fn causes<'e>(error: &'e (dyn StdError + 'static)) -> impl Iterator<Item = &'e (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&current| {
        match current.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => current.source(),
        }
    })
}

fn find_tls_error<'e>(error: &'e (dyn StdError + 'static)) -> Option<&'e rustls::Error> {
    causes(error).find_map(|cause| cause.downcast_ref::<rustls::Error>())
}

/// The innermost cause, e.g. `connection refused` rather than reqwest's nested sentence.
fn root_cause(error: &(dyn StdError + 'static)) -> String {
    let deepest = causes(error).last().unwrap_or(error);
    match deepest.downcast_ref::<io::Error>() {
        Some(io) if io.kind() != io::ErrorKind::Other => io.kind().to_string(),
        _ => deepest.to_string(),
    }
}

/// What a reply turned out to be.
enum Answer {
    Document { format: DocumentFormat, spec: SpecKind },
    SwaggerUi(ui::Page),
    Status(StatusCode),
    Html,
    NotSwagger { detail: String },
    InvalidJson { line: usize, column: usize, reason: String },
    InvalidYaml { location: Option<(usize, usize)>, reason: String },
    Other { content_type: String },
}

impl Answer {
    /// A short phrase for the route and for error lists.
    fn describe(&self) -> String {
        match self {
            Self::Document { spec, .. } => format!("{spec} document"),
            Self::SwaggerUi(page) => format!("Swagger UI, {}", page.flavour),
            Self::Status(status) => status.to_string(),
            Self::Html => "an HTML page".to_owned(),
            Self::NotSwagger { .. } => "JSON that is not Swagger/OpenAPI".to_owned(),
            Self::InvalidJson { line, column, .. } => {
                format!("invalid JSON at line {line}, column {column}")
            }
            Self::InvalidYaml { .. } => "invalid YAML".to_owned(),
            Self::Other { content_type } => format!("a {content_type} reply"),
        }
    }

    /// The error for an address that should have been a document.
    fn into_error(self, url: Url) -> FetchError {
        let url = Box::new(url);
        match self {
            Self::Status(status) => FetchError::Status { url, status },
            Self::NotSwagger { detail } => FetchError::NotSwagger { url, detail },
            Self::InvalidJson { line, column, reason } => FetchError::InvalidJson { url, line, column, reason },
            Self::InvalidYaml { location, reason } => {
                FetchError::InvalidYaml { url, location: YamlLocation(location), reason }
            }
            other => FetchError::NotADocument { found: other.describe(), url },
        }
    }
}

/// Sniffs a reply by content: servers label Swagger documents `text/plain`, `application/octet-stream`…
fn classify(reply: &Reply) -> Answer {
    if !reply.status.is_success() {
        return Answer::Status(reply.status);
    }
    let content_type = reply.content_type.as_deref().unwrap_or("");
    let body = reply.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&reply.body);
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) || content_type.contains("json") {
        return classify_json(body);
    }
    if first == Some(&b'<') || content_type.contains("html") {
        return match ui::Page::parse(&String::from_utf8_lossy(body)) {
            Some(page) => Answer::SwaggerUi(page),
            None => Answer::Html,
        };
    }
    classify_yaml(body, content_type)
}

fn classify_json(body: &[u8]) -> Answer {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            let message = error.to_string();
            // serde_json appends " at line L column C", which the error states separately.
            let reason = message.rsplit_once(" at line ").map_or(message.as_str(), |(reason, _)| reason).to_owned();
            return Answer::InvalidJson { line: error.line(), column: error.column(), reason };
        }
    };
    let Some(object) = value.as_object() else {
        return Answer::NotSwagger { detail: "the top level is not an object".to_owned() };
    };
    let field = |name: &str| object.get(name).map(json_scalar);
    match spec_kind(field("swagger"), field("openapi")) {
        Ok(spec) => Answer::Document { format: DocumentFormat::Json, spec },
        Err(detail) => Answer::NotSwagger { detail },
    }
}

fn classify_yaml(body: &[u8], content_type: &str) -> Answer {
    let labelled_yaml = content_type.contains("yaml") || content_type.contains("yml");
    let other = || Answer::Other {
        content_type: match content_type.split(';').next().map(str::trim) {
            Some(essence) if !essence.is_empty() => essence.to_owned(),
            _ => "unlabelled".to_owned(),
        },
    };
    match serde_yaml::from_slice::<serde_yaml::Value>(body) {
        Ok(serde_yaml::Value::Mapping(mapping)) => {
            let field = |name: &str| mapping.get(name).map(yaml_scalar);
            match spec_kind(field("swagger"), field("openapi")) {
                Ok(spec) => Answer::Document { format: DocumentFormat::Yaml, spec },
                Err(detail) if labelled_yaml => Answer::NotSwagger { detail },
                Err(_) => other(),
            }
        }
        Ok(_) => other(),
        Err(error) if labelled_yaml => Answer::InvalidYaml {
            location: error.location().map(|location| (location.line(), location.column())),
            reason: error.to_string(),
        },
        Err(_) => other(),
    }
}

/// Decides from the top-level `swagger` and `openapi` values; `Err` explains the mismatch.
fn spec_kind(swagger: Option<String>, openapi: Option<String>) -> Result<SpecKind, String> {
    match (swagger, openapi) {
        (Some(version), _) if version == "2.0" || version == "2" => Ok(SpecKind::Swagger2),
        (_, Some(version)) if version.starts_with("3.") => Ok(SpecKind::OpenApi3 { version }),
        (Some(version), _) => Err(format!("\"swagger\" is {version:?}; only Swagger 2.0 and OpenAPI 3 are supported")),
        (None, Some(version)) => {
            Err(format!("\"openapi\" is {version:?}; only Swagger 2.0 and OpenAPI 3 are supported"))
        }
        (None, None) => Err("it has no top-level \"swagger\" or \"openapi\" field".to_owned()),
    }
}

fn json_scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// YAML allows `swagger: 2.0` unquoted, which parses as a number.
fn yaml_scalar(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(text) => text.clone(),
        serde_yaml::Value::Number(number) if number.as_f64() == Some(2.0) => "2.0".to_owned(),
        serde_yaml::Value::Number(number) => number.to_string(),
        other => format!("{other:?}"),
    }
}

/// Reading Swagger UI pages: which documents they show.
mod ui {
    use std::fmt;

    /// A recognised Swagger UI page.
    pub(super) struct Page {
        pub(super) flavour: Flavour,
        /// Swashbuckle 5 `rootUrl`, against which `documents` are resolved.
        pub(super) root_url: Option<String>,
        /// Document paths (Swashbuckle 5, relative to `root_url`) or URLs (relative to the page).
        pub(super) documents: Vec<String>,
        /// Scripts that may hold the configuration when the page itself does not.
        pub(super) scripts: Vec<String>,
    }

    #[derive(Clone, Copy)]
    pub(super) enum Flavour {
        /// `window.swashbuckleConfig = { rootUrl: '…', discoveryPaths: arrayFrom('a|b') }`.
        Swashbuckle5,
        /// swagger-ui 3+ as served by Swashbuckle.AspNetCore or the stock distribution.
        SwaggerUi,
    }

    impl fmt::Display for Flavour {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                Self::Swashbuckle5 => "Swashbuckle 5",
                Self::SwaggerUi => "swagger-ui",
            })
        }
    }

    impl Page {
        pub(super) fn parse(html: &str) -> Option<Self> {
            if html.contains("swashbuckleConfig") {
                return Some(Self {
                    flavour: Flavour::Swashbuckle5,
                    root_url: string_values(html, "rootUrl").into_iter().next(),
                    documents: string_values(html, "discoveryPaths")
                        .iter()
                        .flat_map(|paths| paths.split('|'))
                        .map(str::trim)
                        .filter(|path| !path.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    scripts: Vec::new(),
                });
            }
            if !html.to_ascii_lowercase().contains("swagger-ui") {
                return None;
            }
            Some(Self {
                flavour: Flavour::SwaggerUi,
                root_url: None,
                documents: document_references(html),
                scripts: script_sources(html).into_iter().filter(|source| is_config_script(source)).collect(),
            })
        }
    }

    /// Document URLs in swagger-ui configuration: `"urls":[{"url":"…"}]` or `url: "…"`.
    pub(super) fn document_references(script: &str) -> Vec<String> {
        string_values(script, "url")
    }

    /// The highest `vN` path segment, so `swagger/docs/v2` beats `swagger/docs/v1`.
    pub(super) fn document_version(path: &str) -> u32 {
        path.split('/')
            .filter_map(|segment| {
                let digits = segment.strip_prefix(['v', 'V'])?;
                digits.parse().ok()
            })
            .max()
            .unwrap_or(0)
    }

    fn is_config_script(source: &str) -> bool {
        let path = source.split(['?', '#']).next().unwrap_or(source);
        let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        file == "index.js" || file.ends_with("initializer.js")
    }

    /// `src` values of `<script>` tags.
    fn script_sources(html: &str) -> Vec<String> {
        // ASCII lower-casing keeps byte offsets, so positions found in `lower` index `html`.
        let lower = html.to_ascii_lowercase();
        let mut sources = Vec::new();
        let mut from = 0;
        while let Some(found) = lower[from..].find("<script") {
            let tag_start = from + found;
            let tag_end = lower[tag_start..].find('>').map_or(lower.len(), |end| tag_start + end);
            from = tag_end;
            let Some(src) = lower[tag_start..tag_end].find("src=") else {
                continue;
            };
            let value_start = tag_start + src + "src=".len();
            if let Some(value) = string_literal(&html[value_start..tag_end]) {
                sources.push(value);
            }
        }
        sources
    }

    /// Every string assigned to property `key` in JavaScript or JSON text
    /// (`key: '…'`, `"key":"…"`, `key: arrayFrom('…')`).
    fn string_values(text: &str, key: &str) -> Vec<String> {
        let mut values = Vec::new();
        let mut from = 0;
        while let Some(found) = text[from..].find(key) {
            let start = from + found;
            let end = start + key.len();
            from = end;
            let rest = match text[..start].chars().next_back() {
                Some(quote @ ('"' | '\'')) => match text[end..].strip_prefix(quote) {
                    Some(rest) => rest,
                    None => continue,
                },
                Some(before) if is_identifier(before) => continue,
                _ if text[end..].chars().next().is_some_and(is_identifier) => continue,
                _ => &text[end..],
            };
            let Some(rest) = rest.trim_start().strip_prefix(':') else {
                continue;
            };
            let rest = rest.trim_start();
            let rest = rest.strip_prefix("arrayFrom(").map_or(rest, str::trim_start);
            if let Some(value) = string_literal(rest) {
                values.push(value);
            }
        }
        values
    }

    fn is_identifier(c: char) -> bool {
        c.is_alphanumeric() || c == '_' || c == '$'
    }

    /// The quoted string `text` starts with, unescaped; `None` if there is none.
    fn string_literal(text: &str) -> Option<String> {
        let mut chars = text.chars();
        let quote = chars.next().filter(|c| matches!(c, '"' | '\''))?;
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\n' => return None,
                '\\' => match chars.next()? {
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    escaped => value.push(escaped),
                },
                c if c == quote => return Some(value),
                c => value.push(c),
            }
        }
        None
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn reads_swashbuckle5_config() {
            let html = "<script>window.swashbuckleConfig = {\n rootUrl: 'http://h/TrackIt/WebApi',\n \
                        discoveryPaths: arrayFrom('swagger/docs/v1|swagger/docs/v2'),\n \
                        oAuth2RedirectUrl: 'x' };</script>";
            let page = Page::parse(html).expect("a Swashbuckle 5 page");
            assert_eq!(page.root_url.as_deref(), Some("http://h/TrackIt/WebApi"));
            assert_eq!(page.documents, ["swagger/docs/v1", "swagger/docs/v2"]);
        }

        #[test]
        fn reads_aspnetcore_inline_and_initializer_configs() {
            let inline = r#"var configObject = JSON.parse('{"urls":[{"url":"\/swagger\/v1\/swagger.json","name":"A"}],"validatorUrl":null}');"#;
            assert_eq!(document_references(inline), ["/swagger/v1/swagger.json"]);
            let initializer = "window.ui = SwaggerUIBundle({\n  url: \"https://h/openapi.yaml\",\n  dom_id: '#swagger-ui', oauth2RedirectUrl: 'r'\n});";
            assert_eq!(document_references(initializer), ["https://h/openapi.yaml"]);
        }

        #[test]
        fn finds_config_scripts_but_not_bundles() {
            let html = r#"<div id="swagger-ui"></div><script src="./swagger-ui-bundle.js"></script><SCRIPT SRC="index.js?v=1"></SCRIPT>"#;
            let page = Page::parse(html).expect("a swagger-ui page");
            assert!(page.documents.is_empty());
            assert_eq!(page.scripts, ["index.js?v=1"]);
        }

        #[test]
        fn prefers_highest_version() {
            assert_eq!(document_version("/TrackIt/WebApi/swagger/docs/v2"), 2);
            assert_eq!(document_version("/swagger/v10/swagger.json"), 10);
            assert_eq!(document_version("/openapi.json"), 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_addresses_are_normalised() {
        let url = parse_start("host.example/TrackIt/WebAPI/").expect("valid");
        assert_eq!(url.as_str(), "https://host.example/TrackIt/WebAPI");
        let url = parse_start("http://host.example").expect("valid");
        assert_eq!(url.as_str(), "http://host.example/");
        assert!(matches!(parse_start("https://u:secret@host.example"), Err(FetchError::CredentialsInAddress)));
        assert!(matches!(parse_start("ftp://host.example"), Err(FetchError::UnsupportedScheme { .. })));
    }

    #[test]
    fn api_base_is_cut_before_swagger() {
        let url = Url::parse("http://h/TrackIt/WebApi/Swagger/docs/v2?x=1").expect("valid");
        assert_eq!(base_before_swagger(&url).as_str(), "http://h/TrackIt/WebApi");
        let root = Url::parse("http://h/swagger/v1/swagger.json").expect("valid");
        assert_eq!(join_path(&base_before_swagger(&root), "token").as_str(), "http://h/token");
    }

    #[test]
    fn swashbuckle_root_keeps_the_origin_used() {
        let page = Url::parse("https://public/TrackIt/WebApi/swagger/ui/index").expect("valid");
        let root = swashbuckle_root(&page, Some("http://internal:8080/TrackIt/WebApi"));
        assert_eq!(root.as_str(), "https://public/TrackIt/WebApi");
        assert_eq!(swashbuckle_root(&page, None).as_str(), "https://public/TrackIt/WebApi");
    }

    #[test]
    fn challenges_are_split_by_scheme() {
        let mut headers = header::HeaderMap::new();
        headers.append(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Negotiate, Basic realm=\"h\", charset=\"UTF-8\""),
        );
        assert_eq!(authentication_schemes(&headers), ["negotiate", "basic"]);
    }

    #[test]
    fn spec_versions() {
        assert_eq!(spec_kind(Some("2.0".into()), None), Ok(SpecKind::Swagger2));
        assert!(matches!(spec_kind(None, Some("3.0.1".into())), Ok(SpecKind::OpenApi3 { .. })));
        assert!(spec_kind(Some("1.2".into()), None).is_err());
        assert!(spec_kind(None, None).is_err());
    }

    #[test]
    fn refusal_reason_never_contains_the_password() {
        let password = SecretString::from("hunter2".to_owned());
        let body = br#"{"error":"invalid_grant","error_description":"bad password hunter2"}"#;
        assert_eq!(refusal_reason(body, &password), "invalid_grant: bad password ********");
    }
}
