//! The one error type every runtime and generated-client operation returns.

use std::error::Error as StdError;
use std::time::Duration;

/// Everything that can go wrong while logging in to Track-It! or calling its Web API.
///
/// `Display` is a sentence a technician can act on. No variant ever holds a password or a
/// token: request bodies of the token endpoint are never kept, and URLs lose their user info.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A base URL or token URL could not be parsed or is unusable.
    #[error("the URL `{url}` cannot be used: {reason}")]
    InvalidUrl {
        /// The offending URL, with any user info removed.
        url: String,
        /// Why it was refused.
        reason: String,
    },

    /// Plain `http://` to a host other than loopback, which would send the password in clear text.
    #[error(
        "refusing to send credentials over plain http to `{url}`; use https, or opt in with \
         `.allow_insecure_http(true)` on the client builder"
    )]
    InsecureHttp {
        /// The offending URL, with any user info removed.
        url: String,
    },

    /// A client setting cannot be used (for example a user agent with a line break).
    #[error("the Track-It! client cannot be configured: {reason}")]
    Configuration {
        /// What is wrong.
        reason: String,
    },

    /// A CA certificate given to the builder could not be read, or holds no certificate.
    #[error("the CA certificate {origin} cannot be used: {reason}")]
    Certificate {
        /// Where it came from: the file, or the PEM bytes given to the builder.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The server's TLS certificate was refused: issued by a CA this machine does not trust
    /// (often a company CA), made out to another host name, or expired.
    #[error(
        "the TLS certificate of {url} is not trusted ({reason}); add the CA that issued it with \
         ApiClientBuilder::add_root_certificate_file (or add_root_certificate_pem), or, for a test \
         server only, turn checking off with ApiClientBuilder::danger_accept_invalid_certs(true)"
    )]
    UntrustedCertificate {
        /// The server, as `https://host:port`.
        url: String,
        /// What TLS said about the certificate, e.g. `invalid peer certificate: UnknownIssuer`.
        reason: String,
    },

    /// A credentials environment variable is missing or empty.
    #[error(
        "the environment variable {variable} is not set; it must hold the Track-It! {}",
        variable_meaning(variable)
    )]
    MissingCredentials {
        /// The name of the missing variable.
        variable: &'static str,
    },

    /// The token endpoint rejected the username or password (`invalid_grant` on the password grant).
    #[error("Track-It! refused the login of `{username}` ({error}){}", describe(description.as_deref()))]
    LoginRefused {
        /// The username that was refused, e.g. `HELP DESK\JPIKE`.
        username: String,
        /// The OAuth error code, usually `invalid_grant`.
        error: String,
        /// The server's explanation, when it gave one.
        description: Option<String>,
    },

    /// The token endpoint could not be reached or answered with something other than a token.
    #[error("the Track-It! token endpoint failed{}: {detail}", status.map(|code| format!(" with HTTP {code}")).unwrap_or_default())]
    TokenEndpoint {
        /// The HTTP status, when a reply arrived.
        status: Option<u16>,
        /// A short description or snippet of the reply; never contains secrets.
        detail: String,
    },

    /// The API kept answering 401 even after the token was renewed and the call retried once.
    #[error("{operation} was not authorized even after logging in again{}", describe(message.as_deref()))]
    Unauthorized {
        /// The operation id, e.g. `Ticket_Get`.
        operation: &'static str,
        /// The server's `Message`, when it gave one.
        message: Option<String>,
    },

    /// The API answered with a non-success status.
    #[error("{operation} failed with HTTP {status}{}", describe(message.as_deref()))]
    Api {
        /// The operation id, e.g. `Ticket_Get`.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The server's `Message` or `error_description`, when present.
        message: Option<String>,
        /// The reply body as text, truncated when very large.
        body: String,
    },

    /// A successful reply did not have the expected JSON shape.
    #[error("the reply of {operation} could not be read at `{path}`: {source}")]
    Decode {
        /// The operation id, e.g. `Ticket_Get`.
        operation: &'static str,
        /// Where in the JSON document decoding failed, e.g. `Ticket.1.Value`.
        path: String,
        /// The part of the body around the failure.
        snippet: String,
        /// The underlying JSON error.
        source: serde_json::Error,
    },

    /// A request body could not be serialised to JSON.
    #[error("the request body of {operation} could not be encoded as JSON: {source}")]
    Encode {
        /// The operation id, e.g. `Ticket_Create`.
        operation: &'static str,
        /// The underlying JSON error.
        source: serde_json::Error,
    },

    /// The request did not complete: connection refused or dropped, a proxy failure and the
    /// like (a timeout is [`Error::Timeout`]).
    #[error("{} could not reach Track-It!: {}", operation.unwrap_or("a request"), error_chain(source))]
    Transport {
        /// The operation id, when the failure belongs to one.
        operation: Option<&'static str>,
        /// The underlying HTTP client error.
        source: reqwest::Error,
    },

    /// Track-It! did not answer before the request timeout (60 s unless configured with
    /// [`ApiClientBuilder::timeout`](crate::ApiClientBuilder::timeout)) or the connect timeout ran out.
    #[error("{} got no answer from Track-It! {}", operation.unwrap_or("the token request (login)"), within(*after))]
    Timeout {
        /// The operation id, e.g. `Ticket_Get`; `None` for the token request (login or renewal).
        operation: Option<&'static str>,
        /// The timeout that ran out, when known.
        after: Option<Duration>,
    },

    /// A user-supplied middleware layer failed.
    #[error("a middleware layer failed during {operation}: {source}")]
    Middleware {
        /// The operation id, e.g. `Ticket_Get`.
        operation: &'static str,
        /// The layer's error.
        source: Box<dyn StdError + Send + Sync>,
    },

    /// A create or update names a field the module does not have (checked against
    /// `GET module/{n}/fields` by `RecordInput::check`).
    #[error(
        "Track-It! has no field named `{name}`{}",
        suggestion.as_ref().map(|closest| format!("; did you mean `{closest}`?")).unwrap_or_default()
    )]
    UnknownField {
        /// The name as given: a display name or a sequence number.
        name: String,
        /// The closest display name the module has, when one is close enough.
        suggestion: Option<String>,
    },
}

impl Error {
    /// The HTTP status that caused this error, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::LoginRefused { .. } => Some(400),
            Error::TokenEndpoint { status, .. } => *status,
            Error::Unauthorized { .. } => Some(401),
            Error::Api { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status().map(|status| status.as_u16()),
            _ => None,
        }
    }

    /// Whether the request timed out.
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.is_timeout(),
            Error::Timeout { .. } => true,
            _ => false,
        }
    }

    /// Whether trying the same call again later may succeed (network trouble, 5xx, 429).
    ///
    /// A refused login is never retryable: repeated password grants can lock the account.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        let retryable_status = |status: u16| status >= 500 || status == 408 || status == 429;
        match self {
            Error::Transport { source, .. } => !source.is_builder() && !source.is_decode(),
            Error::Timeout { .. } => true,
            Error::TokenEndpoint { status, .. } => status.is_none_or(retryable_status),
            Error::Api { status, .. } => retryable_status(*status),
            _ => false,
        }
    }
}

impl Error {
    /// A copy of a token failure, so one failed renewal can answer every caller that waited on it.
    pub(crate) fn duplicate(&self) -> Option<Error> {
        match self {
            Error::LoginRefused { username, error, description } => Some(Error::LoginRefused {
                username: username.clone(),
                error: error.clone(),
                description: description.clone(),
            }),
            Error::TokenEndpoint { status, detail } => {
                Some(Error::TokenEndpoint { status: *status, detail: detail.clone() })
            }
            Error::UntrustedCertificate { url, reason } => {
                Some(Error::UntrustedCertificate { url: url.clone(), reason: reason.clone() })
            }
            Error::Timeout { operation, after } => Some(Error::Timeout { operation: *operation, after: *after }),
            _ => None,
        }
    }
}

fn describe(message: Option<&str>) -> String {
    match message {
        Some(text) if !text.is_empty() => format!(": {text}"),
        _ => String::new(),
    }
}

/// `within 60 s`, `within 250 ms`, or `in time` when the limit is unknown.
fn within(after: Option<Duration>) -> String {
    match after {
        Some(after) if after.subsec_millis() == 0 && !after.is_zero() => format!("within {} s", after.as_secs()),
        Some(after) if after < Duration::from_secs(1) => format!("within {} ms", after.as_millis()),
        Some(after) => format!("within {:.1} s", after.as_secs_f64()),
        None => "in time".to_owned(),
    }
}

fn variable_meaning(variable: &str) -> &'static str {
    if variable.ends_with("PASSWORD") { "password" } else { "username as GROUP\\LOGINID or GROUP\\DOMAIN\\user" }
}

/// reqwest's own message is often just "error sending request"; the cause says what happened.
pub(crate) fn error_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

/// Cuts `text` to at most `max_chars` characters, saying how much was left out.
pub(crate) fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} more characters)", &text[..cut], text[cut..].chars().count()),
    }
}

/// Removes `user:password@` from a URL-like string so it can go into an error message.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let authority_start = scheme_end + 3;
    // A password may itself hold `/`, `?` or `#`, so the authority cannot be trusted to end at
    // them: everything up to the last `@` is user information when it has no `/` at all, or
    // when it starts like `user:password` (an `@` further into a path, `/users/@me`, stays).
    let Some(at) = url[authority_start..].rfind('@') else { return url.to_owned() };
    let candidate = &url[authority_start..authority_start + at];
    let before_slash = candidate.split('/').next().unwrap_or_default();
    if candidate.contains('/') && !before_slash.contains(':') {
        return url.to_owned();
    }
    format!("{}***@{}", &url[..authority_start], &url[authority_start + at + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_counts_characters() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("äbcdef", 2), "äb… (4 more characters)");
    }

    #[test]
    fn userinfo_is_redacted() {
        assert_eq!(redact_userinfo("https://bob:hunter2@host/TrackIt/WebApi"), "https://***@host/TrackIt/WebApi");
        assert_eq!(redact_userinfo("https://bob:hun/ter2@host/x"), "https://***@host/x");
        assert_eq!(redact_userinfo("https://bob:a?b#c@host/x"), "https://***@host/x");
        assert_eq!(redact_userinfo("https://host/a@b"), "https://host/a@b");
        assert_eq!(redact_userinfo("not a url"), "not a url");
    }

    #[test]
    fn messages_read_as_sentences() {
        let refused = Error::LoginRefused {
            username: "HELP DESK\\JPIKE".into(),
            error: "invalid_grant".into(),
            description: Some("The group, login ID or password is not valid.".into()),
        };
        assert_eq!(
            refused.to_string(),
            "Track-It! refused the login of `HELP DESK\\JPIKE` (invalid_grant): \
             The group, login ID or password is not valid."
        );
        assert_eq!(refused.status(), Some(400));
        assert!(!refused.is_retryable());

        let insecure = Error::InsecureHttp { url: "http://host/TrackIt/WebApi".into() };
        assert!(insecure.to_string().contains("allow_insecure_http(true)"));

        let missing = Error::MissingCredentials { variable: "TRACKIT_PASSWORD" };
        assert!(missing.to_string().contains("TRACKIT_PASSWORD"));

        let api =
            Error::Api { operation: "Ticket_Get", status: 404, message: Some("No ticket.".into()), body: "{}".into() };
        assert_eq!(api.to_string(), "Ticket_Get failed with HTTP 404: No ticket.");
        assert_eq!(api.status(), Some(404));
    }

    #[test]
    fn timeouts_say_how_long_was_waited() {
        let timeout = Error::Timeout { operation: Some("Ticket_Get"), after: Some(Duration::from_mins(1)) };
        assert_eq!(timeout.to_string(), "Ticket_Get got no answer from Track-It! within 60 s");
        assert!(timeout.is_timeout() && timeout.is_retryable());
        assert_eq!(timeout.status(), None);
        let login = Error::Timeout { operation: None, after: Some(Duration::from_millis(1500)) };
        assert_eq!(login.to_string(), "the token request (login) got no answer from Track-It! within 1.5 s");
        let short = Error::Timeout { operation: Some("Ticket_Get"), after: Some(Duration::from_millis(200)) };
        assert!(short.to_string().ends_with("within 200 ms"), "{short}");
        let unknown = Error::Timeout { operation: Some("Ticket_Get"), after: None };
        assert!(unknown.to_string().ends_with("in time"), "{unknown}");
        assert!(matches!(login.duplicate(), Some(Error::Timeout { operation: None, after: Some(_) })));
    }
}
