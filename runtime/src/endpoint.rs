//! Base and token URL rules: normalisation, joining, and the refusal of plain http off loopback.

use std::net::Ipv6Addr;

use url::{Host, Url};

use crate::Error;
use crate::error::redact_userinfo;

/// Parses the base URL and drops trailing slashes (Track-It! 404s on some routes with one).
///
/// A URL with an empty path gets `default_base_path`, e.g. `https://host` → `https://host/TrackIt/WebApi`.
pub(crate) fn parse_base_url(raw: &str, default_base_path: Option<&str>) -> Result<Url, Error> {
    let mut url = parse_absolute(raw)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(&url, "a base URL cannot have a query or a fragment"));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    let path = match default_base_path {
        // A server address, or the virtual directory above the API (`…/TrackIt` for
        // `/TrackIt/WebApi`, in any letter case, as IIS matches paths).
        Some(default) if path.is_empty() || is_folder_above(&path, default) => {
            format!("/{}", default.trim_matches('/'))
        }
        _ => path,
    };
    url.set_path(path.trim_end_matches('/'));
    Ok(url)
}

/// Whether `path` names a folder that contains `default` (`/TrackIt` for `/TrackIt/WebApi`).
fn is_folder_above(path: &str, default: &str) -> bool {
    let folder = format!("{}/", path.trim_end_matches('/').to_ascii_lowercase());
    let default = default.trim_end_matches('/').to_ascii_lowercase();
    default.len() > folder.len() && default.starts_with(&folder)
}

/// Resolves the token URL: absolute as given, or relative to the base URL plus a trailing
/// slash, so `token` means `{base}/token` and `../token` the base's parent.
pub(crate) fn resolve_token_url(base_url: &Url, raw: &str) -> Result<Url, Error> {
    match Url::parse(raw.trim()) {
        Ok(_) => parse_absolute(raw),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let mut directory = base_url.clone();
            directory.set_path(&format!("{}/", base_url.path().trim_end_matches('/')));
            let url = directory
                .join(raw.trim())
                .map_err(|error| Error::InvalidUrl { url: redact_userinfo(raw), reason: error.to_string() })?;
            check_shape(&url)?;
            Ok(url)
        }
        Err(error) => Err(Error::InvalidUrl { url: redact_userinfo(raw), reason: error.to_string() }),
    }
}

/// Appends an already-encoded operation path (`/tickets/1042`) to the base URL's path.
pub(crate) fn operation_url(base_url: &Url, path: &str) -> Url {
    let mut url = base_url.clone();
    let separator = if path.starts_with('/') { "" } else { "/" };
    // `set_path` escapes `?` and `#`, so a stray one cannot turn into a query.
    url.set_path(&format!("{}{separator}{path}", base_url.path().trim_end_matches('/')));
    url
}

/// Refuses `http://` to anything but loopback unless the caller opted in.
pub(crate) fn check_transport_security(url: &Url, allow_insecure_http: bool) -> Result<(), Error> {
    if url.scheme() == "http" && !allow_insecure_http && !is_loopback(url) {
        return Err(Error::InsecureHttp { url: url.to_string() });
    }
    Ok(())
}

/// `localhost`, 127.0.0.0/8 and `::1` (also written as `::ffff:127.x.y.z`).
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => {
            address.is_loopback() || Ipv6Addr::to_ipv4_mapped(&address).is_some_and(|mapped| mapped.is_loopback())
        }
        None => false,
    }
}

fn parse_absolute(raw: &str) -> Result<Url, Error> {
    // Checked on the text too: `https://bob:12/pw@host` parses as host `bob`, port 12, and
    // would carry the password into every message.
    let redacted = redact_userinfo(raw.trim());
    if redacted != raw.trim() {
        return Err(Error::InvalidUrl {
            url: redacted,
            reason: "user names and passwords belong in Credentials, not in the URL".to_owned(),
        });
    }
    let url = Url::parse(raw.trim())
        .map_err(|error| Error::InvalidUrl { url: redact_userinfo(raw), reason: error.to_string() })?;
    check_shape(&url)?;
    Ok(url)
}

fn check_shape(url: &Url) -> Result<(), Error> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(url, "only http and https are supported"));
    }
    if url.host().is_none() {
        return Err(invalid(url, "the URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        // Both setters only fail for URLs without a host, which `check_shape` has ruled out.
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(invalid(&shown, "user names and passwords belong in Credentials, not in the URL"));
    }
    Ok(())
}

fn invalid(url: &Url, reason: &str) -> Error {
    Error::InvalidUrl { url: url.to_string(), reason: reason.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_that_look_like_ports_or_paths_are_refused_and_hidden() {
        for raw in ["https://bob:12/b@host/TrackIt/WebApi", "https://bob:p@ss/word@host/x", "https://bob:123?x@host/"] {
            let error = parse_base_url(raw, None).unwrap_err().to_string();
            assert!(!error.contains("bob") && !error.contains("ss/word") && !error.contains(":12"), "{error}");
        }
        assert!(parse_base_url("https://host/users/@me", None).is_ok());
    }

    #[test]
    fn the_virtual_directory_leads_to_the_api_below_it() {
        let url = parse_base_url("https://host/trackit/", Some("/TrackIt/WebApi")).unwrap();
        assert_eq!(url.path(), "/TrackIt/WebApi");
        let url = parse_base_url("https://host/Other", Some("/TrackIt/WebApi")).unwrap();
        assert_eq!(url.path(), "/Other");
    }

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL parses")
    }

    #[test]
    fn base_url_loses_trailing_slashes() {
        let base = parse_base_url("https://h/TrackIt/WebApi/", None).expect("valid");
        assert_eq!(base.as_str(), "https://h/TrackIt/WebApi");
        assert_eq!(base.path(), "/TrackIt/WebApi");
    }

    #[test]
    fn empty_base_path_takes_the_default() {
        let base = parse_base_url("https://h", Some("/TrackIt/WebApi/")).expect("valid");
        assert_eq!(base.as_str(), "https://h/TrackIt/WebApi");
        let kept = parse_base_url("https://h/Other", Some("/TrackIt/WebApi")).expect("valid");
        assert_eq!(kept.as_str(), "https://h/Other");
        let root = parse_base_url("https://h/", None).expect("valid");
        assert_eq!(operation_url(&root, "/tickets/1").as_str(), "https://h/tickets/1");
    }

    #[test]
    fn bad_base_urls_are_refused_without_leaking_passwords() {
        let error = parse_base_url("https://bob:hunter2@h/TrackIt", None).expect_err("userinfo");
        assert!(!format!("{error:?}{error}").contains("hunter2"), "{error}");
        assert!(matches!(parse_base_url("ftp://h/x", None), Err(Error::InvalidUrl { .. })));
        assert!(matches!(parse_base_url("h/TrackIt", None), Err(Error::InvalidUrl { .. })));
        assert!(matches!(parse_base_url("https://h/x?y=1", None), Err(Error::InvalidUrl { .. })));
    }

    #[test]
    fn token_url_resolves_relative_to_the_base_directory() {
        let base = url("https://h/TrackIt/WebApi");
        let resolve = |raw| resolve_token_url(&base, raw).expect("valid").to_string();
        assert_eq!(resolve("token"), "https://h/TrackIt/WebApi/token");
        assert_eq!(resolve("../token"), "https://h/TrackIt/token");
        assert_eq!(resolve("/auth/token"), "https://h/auth/token");
        assert_eq!(resolve("https://sso/token"), "https://sso/token");
    }

    #[test]
    fn operation_paths_are_appended() {
        let base = url("https://h/TrackIt/WebApi");
        assert_eq!(
            operation_url(&base, "/tickets/HELP%20DESK").as_str(),
            "https://h/TrackIt/WebApi/tickets/HELP%20DESK"
        );
        assert_eq!(operation_url(&base, "tickets/1?x").as_str(), "https://h/TrackIt/WebApi/tickets/1%3Fx");
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for loopback in [
            "http://localhost:8080/",
            "http://LOCALHOST/",
            "http://127.0.0.1/",
            "http://127.12.0.3/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(is_loopback(&url(loopback)), "{loopback}");
        }
        for remote in ["http://trackit.example/", "http://10.0.0.1/", "http://[::2]/", "http://localhost.example/"] {
            assert!(!is_loopback(&url(remote)), "{remote}");
        }
    }

    #[test]
    fn plain_http_needs_loopback_or_consent() {
        let remote = url("http://trackit.example/TrackIt/WebApi");
        let error = check_transport_security(&remote, false).expect_err("refused");
        assert!(error.to_string().contains("allow_insecure_http(true)"));
        assert!(check_transport_security(&remote, true).is_ok());
        assert!(check_transport_security(&url("http://127.0.0.1:9/"), false).is_ok());
        assert!(check_transport_security(&url("https://trackit.example/"), false).is_ok());
    }
}
