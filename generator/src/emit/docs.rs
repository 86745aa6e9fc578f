//! Spec prose → rustdoc that renders cleanly and never fails `cargo doc`, clippy or doctests.
//!
//! Descriptions in real documents contain HTML, square brackets, bare URLs, tabs, control
//! characters and indented or fenced code. Rustdoc would read those as tags, intra-doc links
//! and Rust doctests, and rustc refuses some characters in comments outright, so everything
//! that reaches a doc comment goes through here.

use proc_macro2::TokenStream;
use quote::quote;

/// Characters rustc refuses or warns about in comments: bare CR, other controls, and the
/// bidirectional overrides behind "trojan source" tricks.
fn is_forbidden(ch: char) -> bool {
    (ch.is_control() && ch != '\n' && ch != '\t')
        || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Text with forbidden characters dropped, CRLF and tabs normalised.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ")
        .chars()
        .filter(|ch| !is_forbidden(*ch))
        .collect()
}

/// A name from the document shown as inline code, e.g. a wire name or a path.
pub fn code(text: &str) -> String {
    let cleaned: String = clean(text).replace('\n', " ").replace('`', "'");
    format!("`{cleaned}`")
}

/// Makes spec text safe as Markdown for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<usize> = None;
    for line in clean(text).lines() {
        // Blockquotes are flattened: a fence inside one would otherwise become a doctest.
        let unquoted = line.trim_start().trim_start_matches(['>', ' ']);
        let unquoted = if line.trim_start().starts_with('>') { unquoted } else { line };
        let trimmed = unquoted.trim_start();
        let ticks = trimmed.chars().take_while(|ch| *ch == '`').count();
        let tildes = trimmed.chars().take_while(|ch| *ch == '~').count();
        if ticks >= 3 || tildes >= 3 {
            match fence {
                Some(_) => {
                    out.push("```".to_owned());
                    fence = None;
                }
                None => {
                    // Fenced examples in a spec are never Rust: render them as plain text.
                    out.push("```text".to_owned());
                    fence = Some(ticks.max(tildes));
                }
            }
            continue;
        }
        if fence.is_some() {
            out.push(trimmed.replace("```", "'''"));
        } else {
            // Four spaces of indentation would start a (Rust) code block; up to three keep
            // list continuations intact.
            let indent = unquoted.len() - trimmed.len();
            out.push(format!("{}{}", " ".repeat(indent.min(3)), escape_inline(trimmed)));
        }
    }
    if fence.is_some() {
        out.push("```".to_owned());
    }
    out.join("\n").trim().to_owned()
}

/// Escapes what rustdoc would warn about (links, HTML, bare URLs); keeps backtick spans.
fn escape_inline(line: &str) -> String {
    let balanced = line.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(ch) = rest.chars().next() {
        if !in_code && (rest.starts_with("http://") || rest.starts_with("https://")) {
            // A bare URL draws `rustdoc::bare_urls`; angle brackets make it a link.
            let end =
                rest.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`')).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match ch {
            '`' if balanced => {
                in_code = !in_code;
                out.push(ch);
            }
            // An unbalanced backtick would swallow the rest of the docs.
            '`' => out.push_str("\\`"),
            '[' | ']' | '<' | '\\' if !in_code => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
        rest = &rest[ch.len_utf8()..];
    }
    out
}

/// Outer doc attributes (`///`) for the given paragraphs; empty ones are skipped.
pub fn outer(paragraphs: &[String]) -> TokenStream {
    let text = join(paragraphs);
    if text.is_empty() {
        return TokenStream::new();
    }
    let lines = text.lines().map(|line| format!(" {line}").trim_end().to_owned());
    quote! { #( #[doc = #lines] )* }
}

/// Inner doc attributes (`//!`) for the given paragraphs.
pub fn inner(paragraphs: &[String]) -> TokenStream {
    let text = join(paragraphs);
    let lines = text.lines().map(|line| format!(" {line}").trim_end().to_owned());
    quote! { #( #![doc = #lines] )* }
}

fn join(paragraphs: &[String]) -> String {
    paragraphs.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_and_markup_are_neutralised() {
        assert_eq!(sanitize("    let x = 1;"), "let x = 1;");
        assert_eq!(sanitize("a\n    let x = 1;"), "a\n   let x = 1;");
        assert_eq!(sanitize("```\nfoo()\n```"), "```text\nfoo()\n```");
        assert_eq!(sanitize("> ````\n> not rust\n> ````"), "```text\nnot rust\n```");
        assert_eq!(sanitize("See [Foo] and <b>bold</b>"), "See \\[Foo\\] and \\<b>bold\\</b>");
        assert_eq!(sanitize("keep `a[0]` as is"), "keep `a[0]` as is");
        assert_eq!(sanitize("odd ` tick [x] <b>"), "odd \\` tick \\[x\\] \\<b>");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
        assert_eq!(sanitize("\\<b>"), "\\\\\\<b>");
        assert_eq!(sanitize("See https://example.com/docs."), "See <https://example.com/docs>.");
        assert_eq!(sanitize("- first\n  continues"), "- first\n  continues");
        assert_eq!(sanitize("a\tb\r\nc\u{202E}d"), "a    b\ncd");
    }

    #[test]
    fn names_become_clean_inline_code() {
        assert_eq!(code("a\rb`c"), "`a b'c`");
        assert_eq!(code("x\u{202E}y"), "`xy`");
    }
}
