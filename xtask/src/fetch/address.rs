//! Server addresses: what a user typed, turned into a URL, and the URLs derived from it
//! (the API base before `swagger`, the places to probe).

use url::Url;

use super::FetchError;

/// Turns user input into an absolute http(s) URL without a trailing slash.
pub(super) fn parse_start(input: &str) -> Result<Url, FetchError> {
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
pub(super) fn join_path(base: &Url, relative: &str) -> Url {
    let mut url = base.clone();
    url.set_path(&format!("{}/{}", base.path().trim_end_matches('/'), relative.trim_start_matches('/')));
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The API base a Swagger URL belongs to: everything before its last `swagger` segment.
pub(super) fn base_before_swagger(url: &Url) -> Url {
    let segments: Vec<&str> = url.path().split('/').collect();
    let kept = segments.iter().rposition(|segment| segment.eq_ignore_ascii_case("swagger")).unwrap_or(segments.len());
    let mut base = url.clone();
    base.set_path(segments[..kept].join("/").trim_end_matches('/'));
    base.set_query(None);
    base.set_fragment(None);
    base
}

/// Whether `url` already points into Swagger territory, so probing beside it makes no sense.
pub(super) fn is_swagger_address(url: &Url) -> bool {
    url.path().split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase();
        segment == "swagger" || [".json", ".yaml", ".yml"].iter().any(|extension| segment.ends_with(extension))
    })
}

/// Where a Swashbuckle 5 UI's documents live, from its `rootUrl`.
pub(super) fn swashbuckle_root(page_url: &Url, root_url: Option<&str>) -> Url {
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
}
