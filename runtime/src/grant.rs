//! The two OAuth grants Track-It! offers (RFC 6749 §4.3 password, §6 refresh), sent over a
//! dedicated client that never follows redirects, so the form cannot be replayed elsewhere.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use reqwest::header::{ACCEPT, LOCATION};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::credentials::Credentials;
use crate::error::error_chain;
use crate::error::shorten;
use crate::timeouts::Timeouts;
use crate::tls::{certificate_problem, origin_of};
use crate::token::{TokenReply, describe_non_json, parse_token_reply};

/// Which grant obtained a token, for logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GrantKind {
    Password,
    RefreshToken,
}

impl fmt::Display for GrantKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            GrantKind::Password => "password",
            GrantKind::RefreshToken => "refresh_token",
        })
    }
}

/// Why a grant gave no token. Cloneable, so one failure can be handed to every waiting caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GrantFailure {
    /// HTTP 400 with an OAuth error code (RFC 6749 §5.2): the grant itself was refused.
    Rejected { error: String, description: Option<String> },
    /// Anything else: unreachable, 5xx, a redirect, an HTML page, a reply that is no token.
    Endpoint { status: Option<u16>, detail: String },
    /// The TLS handshake refused the token endpoint's certificate.
    UntrustedCertificate { url: String, reason: String },
    /// No answer before the request or connect timeout ran out.
    Timeout { after: Option<Duration> },
}

impl GrantFailure {
    /// The same failure with `secret` masked in every text the server sent, plain,
    /// form-encoded or JSON-escaped: a server that echoes the request must not leak it.
    pub(crate) fn masking(self, secret: &str) -> Self {
        // Masking a very short secret would mangle ordinary words and, by where the marks
        // fall, spell the secret out.
        if secret.chars().count() < 4 {
            return self;
        }
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let percent = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string();
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = escaped.trim_matches('"').to_owned();
        let mask = |text: String| -> String {
            [secret, encoded.as_str(), percent.as_str(), escaped.as_str()]
                .into_iter()
                .filter(|form| !form.is_empty())
                .fold(text, |text, form| text.replace(form, "[redacted]"))
        };
        match self {
            GrantFailure::Rejected { error, description } => {
                GrantFailure::Rejected { error: mask(error), description: description.map(mask) }
            }
            GrantFailure::Endpoint { status, detail } => GrantFailure::Endpoint { status, detail: mask(detail) },
            GrantFailure::UntrustedCertificate { url, reason } => {
                GrantFailure::UntrustedCertificate { url: mask(url), reason: mask(reason) }
            }
            GrantFailure::Timeout { after } => GrantFailure::Timeout { after },
        }
    }

    /// The error a caller sees when the password grant failed this way.
    pub(crate) fn into_login_error(self, username: &str) -> Error {
        match self {
            // These two codes mean the request was malformed, not that the password is wrong.
            GrantFailure::Rejected { error, description }
                if error == "unsupported_grant_type" || error == "invalid_request" =>
            {
                Error::TokenEndpoint {
                    status: Some(400),
                    detail: match description {
                        Some(text) => format!("{error}: {text}"),
                        None => error,
                    },
                }
            }
            GrantFailure::Rejected { error, description } => {
                Error::LoginRefused { username: username.to_owned(), error, description }
            }
            GrantFailure::Endpoint { status, detail } => Error::TokenEndpoint { status, detail },
            GrantFailure::UntrustedCertificate { url, reason } => Error::UntrustedCertificate { url, reason },
            GrantFailure::Timeout { after } => Error::Timeout { operation: None, after },
        }
    }
}

/// Something that can run the two grants; the HTTP implementation is [`GrantClient`].
pub(crate) trait Grants: Send + Sync + 'static {
    fn password(&self, credentials: &Credentials) -> impl Future<Output = Result<TokenReply, GrantFailure>> + Send;

    fn refresh(&self, refresh_token: &SecretString) -> impl Future<Output = Result<TokenReply, GrantFailure>> + Send;
}

/// Posts url-encoded grant forms to the token endpoint.
pub(crate) struct GrantClient {
    http: reqwest::Client,
    token_url: Url,
    timeouts: Timeouts,
}

impl GrantClient {
    /// `http` must be built with `redirect::Policy::none()` and `timeouts`.
    pub(crate) fn new(http: reqwest::Client, token_url: Url, timeouts: Timeouts) -> Self {
        Self { http, token_url, timeouts }
    }

    /// A transport failure of the token request: timed out, or anything else.
    fn transport_failure(&self, status: Option<u16>, error: &reqwest::Error) -> GrantFailure {
        match self.timeouts.elapsed_before(error) {
            Some(after) => GrantFailure::Timeout { after: Some(after) },
            None => GrantFailure::Endpoint { status, detail: error_chain(error) },
        }
    }

    async fn request(&self, form: &[(&str, &str)]) -> Result<TokenReply, GrantFailure> {
        // The form holds the password or refresh token: it is never logged or kept.
        let response =
            self.http.post(self.token_url.clone()).header(ACCEPT, "application/json").form(form).send().await.map_err(
                |error| match certificate_problem(&error) {
                    Some(reason) => {
                        GrantFailure::UntrustedCertificate { url: origin_of(Some(&self.token_url)), reason }
                    }
                    None => self.transport_failure(None, &error),
                },
            )?;
        let status = response.status();
        let location =
            response.headers().get(LOCATION).and_then(|value| value.to_str().ok()).map(crate::error::redact_userinfo);
        let body = response.bytes().await.map_err(|error| self.transport_failure(Some(status.as_u16()), &error))?;

        if status.is_success() {
            return parse_token_reply(&body)
                .map_err(|error| GrantFailure::Endpoint { status: Some(status.as_u16()), detail: error.to_string() });
        }
        if status.is_redirection() {
            return Err(GrantFailure::Endpoint {
                status: Some(status.as_u16()),
                detail: format!(
                    "it redirects to `{}`, which is not followed; configure the token URL directly",
                    location.as_deref().unwrap_or("?")
                ),
            });
        }
        Err(classify_error_reply(status.as_u16(), &body))
    }
}

/// Splits an error reply into an OAuth rejection (400 with `error`) and everything else.
fn classify_error_reply(status: u16, body: &[u8]) -> GrantFailure {
    let json = serde_json::from_slice::<Value>(body).ok();
    let field = |key: &str| json.as_ref().and_then(|value| value.get(key)).and_then(Value::as_str).map(str::to_owned);
    let error = field("error");
    let description = field("error_description");
    match error {
        Some(error) if status == 400 => GrantFailure::Rejected { error, description },
        _ => {
            let detail = description.or_else(|| field("Message")).or(error).map_or_else(
                || format!("unexpected reply{}", describe_non_json(body, true)),
                |text| shorten(&text, 300),
            );
            GrantFailure::Endpoint { status: Some(status), detail }
        }
    }
}

impl Grants for GrantClient {
    async fn password(&self, credentials: &Credentials) -> Result<TokenReply, GrantFailure> {
        let password = credentials.password().expose_secret();
        self.request(&[("grant_type", "password"), ("username", credentials.username()), ("password", password)])
            .await
            .map_err(|failure| failure.masking(password))
    }

    async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenReply, GrantFailure> {
        let token = refresh_token.expose_secret();
        self.request(&[("grant_type", "refresh_token"), ("refresh_token", token)])
            .await
            .map_err(|failure| failure.masking(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echoed_password_is_masked_in_every_spelling() {
        let secret = "p&ss=1 \"x\"";
        let echoed = GrantFailure::Rejected {
            error: "invalid_grant".into(),
            description: Some(format!("bad {secret} / p%26ss%3D1+%22x%22 / p%26ss%3D1%20%22x%22 / p&ss=1 \\\"x\\\"")),
        };
        let GrantFailure::Rejected { description: Some(text), .. } = echoed.masking(secret) else { unreachable!() };
        assert!(!text.contains("p&ss") && !text.contains("p%26ss"), "{text}");
    }

    #[test]
    fn oauth_rejections_are_recognised() {
        let failure = classify_error_reply(
            400,
            br#"{"error":"invalid_grant","error_description":"The group, login ID or password is not valid."}"#,
        );
        assert_eq!(
            failure,
            GrantFailure::Rejected {
                error: "invalid_grant".into(),
                description: Some("The group, login ID or password is not valid.".into()),
            }
        );
        let error = failure.into_login_error("HELP DESK\\JPIKE");
        assert!(matches!(error, Error::LoginRefused { ref username, .. } if username == "HELP DESK\\JPIKE"));
    }

    #[test]
    fn malformed_request_codes_are_not_a_refused_login() {
        let failure = classify_error_reply(400, br#"{"error":"unsupported_grant_type"}"#);
        let error = failure.into_login_error("HELP DESK\\JPIKE");
        assert!(matches!(error, Error::TokenEndpoint { status: Some(400), .. }));
    }

    #[test]
    fn server_errors_keep_a_short_detail() {
        assert_eq!(
            classify_error_reply(500, br#"{"Message":"An error has occurred."}"#),
            GrantFailure::Endpoint { status: Some(500), detail: "An error has occurred.".into() }
        );
        assert_eq!(
            classify_error_reply(503, b"<html><body>Service Unavailable</body></html>"),
            GrantFailure::Endpoint {
                status: Some(503),
                detail: "unexpected reply: `<html><body>Service Unavailable</body></html>`".into()
            }
        );
    }
}
