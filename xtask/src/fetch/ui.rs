//! Reading Swagger UI pages: which documents they show (Swashbuckle 5 and swagger-ui 3+ layouts).

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
