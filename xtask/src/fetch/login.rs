//! Logging in when the document answers 401: Basic `GROUP\LOGINID` if that is all the server
//! offers (IIS Basic authentication, as the Swagger UI's browser would), otherwise a bearer
//! token from the Track-It! password grant at `{api base}/token`. Credentials are sent only
//! to the origin that asked for them.

use reqwest::{RequestBuilder, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use url::{Origin, Url};

use super::FetchError;
use super::address::{base_before_swagger, join_path};
use super::discover::Fetcher;
use super::transport::Reply;

/// Credentials proven to the server, bound to the origin that asked for them.
pub(super) enum Authorization {
    Bearer { origin: Origin, token: SecretString },
    Basic { origin: Origin },
}

impl Fetcher<'_> {
    /// Adds the proven credentials to a request for `url`, if it goes to their origin.
    pub(super) fn authorize(&self, request: RequestBuilder, url: &Url) -> RequestBuilder {
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
    pub(super) async fn log_in(&mut self, challenged: &Reply) -> Result<(), FetchError> {
        let Some((user, password)) = &self.options.credentials else {
            return Err(FetchError::NeedsLogin { url: challenged.url.clone().into() });
        };
        // The password would cross the network in clear: only to this machine, or when the
        // user has said the network is trusted.
        if challenged.url.scheme() == "http"
            && !is_loopback(&challenged.url)
            && !matches!(self.options.trust, super::ServerTrust::AcceptInvalidCertificates)
        {
            return Err(FetchError::PlainHttpLogin { url: challenged.url.clone().into() });
        }
        let origin = challenged.url.origin();
        let offers = |scheme: &str| challenged.challenges.iter().any(|offered| offered == scheme);
        if offers("basic") && !offers("bearer") {
            self.record(format!("{} (401 Unauthorized, retrying with Basic authentication)", challenged.url));
            self.authorization = Some(Authorization::Basic { origin });
            return Ok(());
        }
        self.record(format!("{} (401 Unauthorized)", challenged.url));

        let base = self.api_base.clone().unwrap_or_else(|| base_before_swagger(&challenged.url));
        let token_url = join_path(&base, "token");
        let grant = [("grant_type", "password"), ("username", user.as_str()), ("password", password.expose_secret())];
        let response = self
            .send(&token_url, || {
                self.client.post(token_url.clone()).header(header::ACCEPT, "application/json").form(&grant)
            })
            .await?;
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
        self.record(format!("{token_url} (bearer token issued)"));
        self.authorization = Some(Authorization::Bearer { origin, token });
        Ok(())
    }
}

/// Whether `url` names this machine (`localhost`, 127.0.0.0/8, `::1`).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

/// The schemes of every challenge in `WWW-Authenticate`, lower case.
pub(super) fn authentication_schemes(headers: &header::HeaderMap) -> Vec<String> {
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
    // A server that echoes the form back must not make us print the password, as typed or as
    // it went in the form.
    let secret = password.expose_secret();
    if secret.is_empty() {
        return reason;
    }
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    reason.replace(secret, "********").replace(&encoded, "********")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn refusal_reason_never_contains_the_password() {
        let password = SecretString::from("hunter2".to_owned());
        let body = br#"{"error":"invalid_grant","error_description":"bad password hunter2"}"#;
        assert_eq!(refusal_reason(&body[..], &password), "invalid_grant: bad password ********");
        let password = SecretString::from("p&ss=1".to_owned());
        let body = br#"{"error":"invalid_grant","error_description":"form: password=p%26ss%3D1"}"#;
        assert_eq!(refusal_reason(&body[..], &password), "invalid_grant: form: password=********");
    }
}
