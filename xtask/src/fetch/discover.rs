//! Discovery: from whatever address the user gave to the document, through redirects, the
//! Swagger UI page (Swashbuckle 5 and Swashbuckle.AspNetCore) or well-known locations.

use reqwest::{Client, StatusCode};
use url::Url;

use super::address::{is_swagger_address, join_path, swashbuckle_root};
use super::classify::{Answer, classify};
use super::login::Authorization;
use super::transport::{Reply, build_client};
use super::{Attempt, Attempts, DocumentFormat, FetchError, FetchEvent, FetchOptions, FetchedDocument, SpecKind, ui};

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

/// State of one discovery: the client, the route so far and any login.
pub(super) struct Fetcher<'a> {
    pub(super) client: Client,
    pub(super) options: &'a FetchOptions,
    via: Vec<String>,
    pub(super) authorization: Option<Authorization>,
    /// The API base named by a Swashbuckle 5 UI (`rootUrl`), where `/token` lives.
    pub(super) api_base: Option<Url>,
    /// The Swagger UI page that named the document, if discovery went through one.
    swagger_ui: Option<Url>,
}

impl<'a> Fetcher<'a> {
    pub(super) fn new(options: &'a FetchOptions) -> Result<Self, FetchError> {
        let client = build_client(options)?;
        Ok(Self { client, options, via: Vec::new(), authorization: None, api_base: None, swagger_ui: None })
    }

    pub(super) async fn discover(mut self, start: Url) -> Result<FetchedDocument, FetchError> {
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
        self.swagger_ui = Some(page_url.clone());
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
                self.record(format!("{} ({})", reply.url, reply.status));
                continue;
            }
            self.record(format!("{} (Swagger UI configuration)", reply.url));
            references.extend(ui::document_references(&String::from_utf8_lossy(&reply.body)));
        }
        Ok(references)
    }

    fn note(&mut self, url: &Url, answer: &Answer) {
        self.record(format!("{url} ({})", answer.describe()));
    }

    /// Adds a step to the route and tells the observer.
    pub(super) fn record(&mut self, step: String) {
        self.options.observer.notify(&FetchEvent::Step(&step));
        self.via.push(step);
    }

    fn finish(self, reply: Reply, format: DocumentFormat, spec: SpecKind) -> FetchedDocument {
        FetchedDocument {
            document_url: reply.url,
            bytes: reply.body,
            via: self.via,
            swagger_ui: self.swagger_ui,
            format,
            spec,
        }
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
}
