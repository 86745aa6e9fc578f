//! Parsing of the token endpoint's reply and the cached access token with its local expiry.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
use secrecy::SecretString;
use serde_json::Value;
use tokio::time::Instant;

use crate::profile::Profile;

/// Used when the reply states no lifetime at all; short, so a wrong guess costs little.
const FALLBACK_LIFETIME: Duration = Duration::from_mins(5);
/// Renew this long before expiry at most, so no request leaves with a token about to die.
const MAX_RENEWAL_MARGIN: Duration = Duration::from_mins(1);

/// A successful token reply, split into the secrets and the technician's profile.
pub(crate) struct TokenReply {
    /// `Bearer <access token>`, ready to send; see [`AccessToken::authorization`].
    pub(crate) authorization: HeaderValue,
    pub(crate) refresh_token: Option<SecretString>,
    pub(crate) lifetime: Duration,
    pub(crate) profile: Profile,
}

/// Why a 200 reply from the token endpoint is not a usable token.
///
/// The messages never quote token values, only describe what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TokenReplyError {
    #[error("the reply is not a JSON object{0}")]
    NotAnObject(String),
    #[error("the reply has no `access_token`")]
    MissingAccessToken,
    #[error("the token type is `{0}`, but only bearer tokens are supported")]
    UnsupportedTokenType(String),
    #[error("the access token contains characters not allowed in an HTTP header")]
    UnusableAccessToken,
}

// `authorization` holds the access token, so it is shown only as redacted.
#[allow(clippy::missing_fields_in_debug)]
impl fmt::Debug for TokenReply {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("TokenReply")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "[redacted]"))
            .field("lifetime", &self.lifetime)
            .field("profile", &self.profile)
            .finish()
    }
}

/// Parses a 200 reply of the token endpoint.
pub(crate) fn parse_token_reply(body: &[u8]) -> Result<TokenReply, TokenReplyError> {
    // IIS may put a UTF-8 byte order mark before the JSON.
    let body = body.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(body);
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
        return Err(TokenReplyError::NotAnObject(describe_non_json(body, false)));
    };
    let authorization = match fields.remove("access_token") {
        Some(Value::String(token)) if !token.is_empty() => bearer_header(&token)?,
        _ => return Err(TokenReplyError::MissingAccessToken),
    };
    if let Some(token_type) = fields.remove("token_type") {
        let token_type = token_type.as_str().unwrap_or_default().to_owned();
        if !token_type.eq_ignore_ascii_case("bearer") {
            return Err(TokenReplyError::UnsupportedTokenType(token_type));
        }
    }
    let refresh_token = match fields.remove("refresh_token") {
        Some(Value::String(token)) if !token.is_empty() => Some(SecretString::from(token)),
        _ => None,
    };
    let expires_in = fields.remove("expires_in").and_then(|value| seconds(&value));
    let profile = Profile::from_reply_fields(fields);
    // Both are relative lifetimes, so neither depends on the client's and server's clocks
    // agreeing; when both are given, the shorter one is believed.
    let lifetime = match (expires_in, lifetime_from_dates(&profile)) {
        (Some(stated), Some(from_dates)) => stated.min(from_dates),
        (stated, from_dates) => stated.or(from_dates).unwrap_or(FALLBACK_LIFETIME),
    };
    Ok(TokenReply { authorization, refresh_token, lifetime, profile })
}

/// `Bearer <token>`, built once per token rather than once per call, and marked sensitive so
/// that hyper, h2 (HPACK never-indexed) and `Debug` never show it.
fn bearer_header(token: &str) -> Result<HeaderValue, TokenReplyError> {
    let mut value =
        HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| TokenReplyError::UnusableAccessToken)?;
    value.set_sensitive(true);
    Ok(value)
}

/// Reads `expires_in` written as a number (`1799`) or a string (`"1799"`).
fn seconds(value: &Value) -> Option<Duration> {
    let seconds = match value {
        Value::Number(number) => number.as_f64()?,
        Value::String(text) => text.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    // "Never expires" values (i64::MAX, 1e19) would overflow `Instant` arithmetic: a day is
    // as long as any token is trusted here, and renewal then simply happens daily.
    Duration::try_from_secs_f64(seconds).ok().map(|lifetime| lifetime.min(MAX_LIFETIME))
}

/// The longest lifetime believed; longer claims are cut to it.
const MAX_LIFETIME: Duration = Duration::from_hours(24);

/// `.expires - .issued`: both dates come from the server's clock, so their difference is a
/// lifetime free of clock skew, whatever the dates themselves say about the server's clock.
fn lifetime_from_dates(profile: &Profile) -> Option<Duration> {
    let (issued, expires): (SystemTime, SystemTime) = (profile.issued?, profile.expires?);
    expires.duration_since(issued).ok().map(|lifetime| lifetime.min(MAX_LIFETIME))
}

/// A short description of a body that is not the expected JSON, for diagnostics: the title
/// of an HTML page (IIS error pages have telling ones), or the start of other text.
///
/// A body that starts like JSON is not quoted, because it may hold a token.
pub(crate) fn describe_non_json(body: &[u8], may_quote: bool) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return " (the body is empty)".to_owned();
    }
    if text.starts_with('{') || text.starts_with('[') {
        return ": it starts like JSON but is cut off or malformed".to_owned();
    }
    if let Some(title) = html_title(text) {
        return format!(": an HTML page titled `{}`", crate::error::shorten(title, 200));
    }
    // A success reply in another shape (form-encoded, prefixed) may hold the tokens, so only
    // error replies are quoted.
    if may_quote {
        format!(": `{}`", crate::error::shorten(text, 200))
    } else {
        format!(": {} bytes that are not a JSON object", body.len())
    }
}

/// The text of an HTML page's `<title>`, tags matched in any letter case.
fn html_title(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<title")?;
    // ASCII lowering keeps byte offsets, so indices into `lower` are valid in `text`.
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title>")?;
    Some(text[start..end].trim()).filter(|title| !title.is_empty())
}

/// The token currently in use, with its expiry measured on the local monotonic clock.
pub(crate) struct AccessToken {
    /// `Bearer <token>`, marked sensitive: the form the secret is kept and sent in.
    pub(crate) authorization: HeaderValue,
    /// Increases with every token obtained, so a 401 can invalidate exactly the token it saw.
    pub(crate) generation: u64,
    pub(crate) profile: Arc<Profile>,
    received_at: Instant,
    lifetime: Duration,
}

impl AccessToken {
    /// `received_at` should be taken before the grant request was sent, erring on the early side.
    pub(crate) fn new(
        authorization: HeaderValue,
        generation: u64,
        profile: Arc<Profile>,
        received_at: Instant,
        lifetime: Duration,
    ) -> Self {
        Self { authorization, generation, profile, received_at, lifetime }
    }

    /// The instant after which the server will reject the token.
    pub(crate) fn expires_at(&self) -> Instant {
        self.received_at.checked_add(self.lifetime).unwrap_or(self.received_at)
    }

    /// The instant from which the token should be renewed: min(60 s, lifetime/4) before expiry.
    pub(crate) fn renew_at(&self) -> Instant {
        let margin = MAX_RENEWAL_MARGIN.min(self.lifetime / 4);
        self.expires_at() - margin
    }

    /// Whether the token can be sent without renewing it first.
    pub(crate) fn is_fresh(&self, now: Instant) -> bool {
        now < self.renew_at()
    }

    /// Whether the server still accepts the token (used to ride out a failed renewal).
    pub(crate) fn is_alive(&self, now: Instant) -> bool {
        now < self.expires_at()
    }

    pub(crate) fn lifetime(&self) -> Duration {
        self.lifetime
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("AccessToken")
            .field("authorization", &"[redacted]")
            .field("generation", &self.generation)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;
    use serde_json::Map;

    use super::*;

    const TOKEN_JSON: &str = r#"{
        "access_token": "secret-access-abc",
        "token_type": "bearer",
        "expires_in": 1799,
        "refresh_token": "secret-refresh-def",
        "username": "JPIKE",
        "usergroupname": "HELP DESK",
        "First Name": "Jordan",
        "Last Name": "Pike",
        ".issued": "Tue, 16 May 2023 14:00:00 GMT",
        ".expires": "Tue, 16 May 2023 14:30:00 GMT"
    }"#;

    #[test]
    fn numeric_expires_in_is_read() {
        let reply = parse_token_reply(TOKEN_JSON.as_bytes()).expect("valid reply");
        assert_eq!(reply.authorization.to_str().ok(), Some("Bearer secret-access-abc"));
        assert!(reply.authorization.is_sensitive());
        assert_eq!(reply.refresh_token.as_ref().map(ExposeSecret::expose_secret), Some("secret-refresh-def"));
        assert_eq!(reply.lifetime, Duration::from_secs(1799));
        assert_eq!(reply.profile.full_name(), "Jordan Pike");
        assert!(reply.profile.extra.is_empty(), "{:?}", reply.profile.extra);
    }

    #[test]
    fn string_expires_in_is_read() {
        let body = r#"{"access_token":"a","token_type":"bearer","expires_in":"1799"}"#;
        let reply = parse_token_reply(body.as_bytes()).expect("valid reply");
        assert_eq!(reply.lifetime, Duration::from_secs(1799));
        assert!(reply.refresh_token.is_none());
    }

    #[test]
    fn missing_expires_in_falls_back_to_the_dates() {
        let body = r#"{"access_token":"a",
            ".issued":"Tue, 16 May 2023 14:00:00 GMT",".expires":"Tue, 16 May 2023 14:10:00 GMT"}"#;
        let reply = parse_token_reply(body.as_bytes()).expect("valid reply");
        assert_eq!(reply.lifetime, Duration::from_mins(10));

        let bare = parse_token_reply(br#"{"access_token":"a","expires_in":"soon"}"#).expect("valid reply");
        assert_eq!(bare.lifetime, FALLBACK_LIFETIME);
    }

    #[test]
    fn the_shorter_of_expires_in_and_the_dates_wins_whatever_the_server_clock() {
        // The server's clock is two days behind; only the difference of the dates matters.
        let body = r#"{"access_token":"a","expires_in":1799,
            ".issued":"Sun, 14 May 2023 14:00:00 GMT",".expires":"Sun, 14 May 2023 14:20:00 GMT"}"#;
        let reply = parse_token_reply(body.as_bytes()).expect("valid reply");
        assert_eq!(reply.lifetime, Duration::from_mins(20));
        let body = r#"{"access_token":"a","expires_in":"60",
            ".issued":"Sun, 14 May 2023 14:00:00 GMT",".expires":"Sun, 14 May 2023 14:20:00 GMT"}"#;
        assert_eq!(parse_token_reply(body.as_bytes()).expect("valid").lifetime, Duration::from_mins(1));
    }

    #[test]
    fn odd_but_readable_replies_are_read_and_absurd_lifetimes_capped() {
        let body = "\u{feff}{\"access_token\":\"a\",\"expires_in\":9223372036854775807}";
        let reply = parse_token_reply(body.as_bytes()).expect("a BOM before the JSON is fine");
        assert_eq!(reply.lifetime, MAX_LIFETIME);
        let reply = parse_token_reply(br#"{"access_token":"a","expires_in":"1e19"}"#).expect("valid");
        assert_eq!(reply.lifetime, MAX_LIFETIME);
        let form = parse_token_reply(b"access_token=SECRET&token_type=bearer").unwrap_err();
        assert!(!format!("{form:?}").contains("SECRET"));
    }

    #[test]
    fn unusable_replies_are_refused_without_quoting_tokens() {
        assert_eq!(
            parse_token_reply(b"<html>Server Error</html>").unwrap_err(),
            TokenReplyError::NotAnObject(": 25 bytes that are not a JSON object".into())
        );
        let cut_off = parse_token_reply(br#"{"access_token":"leaky""#).unwrap_err();
        assert_eq!(cut_off, TokenReplyError::NotAnObject(": it starts like JSON but is cut off or malformed".into()));
        assert!(!cut_off.to_string().contains("leaky"));
        let iis = b"<!DOCTYPE html>\r\n<html><head><TITLE>IIS 10.0 Detailed Error - 500.19</TITLE></head></html>";
        assert_eq!(
            parse_token_reply(iis).unwrap_err(),
            TokenReplyError::NotAnObject(": an HTML page titled `IIS 10.0 Detailed Error - 500.19`".into())
        );
        assert_eq!(parse_token_reply(br#"{"token_type":"bearer"}"#).unwrap_err(), TokenReplyError::MissingAccessToken);
        assert_eq!(
            parse_token_reply(br#"{"access_token":"a","token_type":"mac"}"#).unwrap_err(),
            TokenReplyError::UnsupportedTokenType("mac".into())
        );
        assert_eq!(
            parse_token_reply(br#"{"access_token":"line\nbreak"}"#).unwrap_err(),
            TokenReplyError::UnusableAccessToken
        );
    }

    #[test]
    fn debug_output_redacts_tokens() {
        let reply = parse_token_reply(TOKEN_JSON.as_bytes()).expect("valid reply");
        let printed = format!("{reply:?}");
        assert!(!printed.contains("secret-access"), "{printed}");
        assert!(!printed.contains("secret-refresh"), "{printed}");

        let token = AccessToken::new(reply.authorization, 7, Arc::new(reply.profile), Instant::now(), reply.lifetime);
        let printed = format!("{token:?}");
        assert!(!printed.contains("secret-access"), "{printed}");
        assert!(printed.contains("generation: 7"), "{printed}");
    }

    #[test]
    fn renewal_margin_is_a_quarter_of_short_lifetimes() {
        let start = Instant::now();
        let token = |lifetime| {
            let authorization = HeaderValue::from_static("Bearer t");
            AccessToken::new(authorization, 1, Arc::new(Profile::from_reply_fields(Map::new())), start, lifetime)
        };
        let long = token(Duration::from_secs(1799));
        assert_eq!(long.renew_at(), start + Duration::from_secs(1739));
        let short = token(Duration::from_secs(4));
        assert_eq!(short.renew_at(), start + Duration::from_secs(3));
        assert!(short.is_fresh(start + Duration::from_millis(2999)));
        assert!(!short.is_fresh(start + Duration::from_secs(3)));
        assert!(short.is_alive(start + Duration::from_secs(3)));
        assert!(!short.is_alive(start + Duration::from_secs(4)));
    }
}
