//! Spec prose → rustdoc that renders cleanly and never fails `cargo doc` or doctests.
//!
//! Descriptions in real documents contain HTML, square brackets and indented or fenced code.
//! Rustdoc would read those as tags, intra-doc links and Rust doctests, so they are escaped.

use proc_macro2::TokenStream;
use quote::quote;

/// Makes spec text safe as Markdown for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        // Indentation would start an (untagged, so Rust) code block; spec prose never means that.
        let line = line.trim_start();
        if let Some(info) = line.strip_prefix("```").or_else(|| line.strip_prefix("~~~")) {
            if in_fence {
                out.push("```".to_owned());
            } else {
                let _ = info;
                // Fenced examples in a spec are never Rust: render them as plain text.
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
        } else {
            out.push(escape_inline(line));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n").trim().to_owned()
}

/// Escapes what rustdoc would warn about as links or HTML; keeps backtick spans verbatim.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for ch in line.chars() {
        match ch {
            '`' => {
                in_code = !in_code;
                out.push(ch);
            }
            // Brackets read as intra-doc links and `<` as HTML tags; both draw rustdoc warnings.
            '[' | ']' | '<' if !in_code => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    // An unbalanced backtick would swallow the rest of the docs: escape them all instead.
    if in_code { out.replace('`', "\\`") } else { out }
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
        assert_eq!(sanitize("```\nfoo()\n```"), "```text\nfoo()\n```");
        assert_eq!(sanitize("See [Foo] and <b>bold</b>"), "See \\[Foo\\] and \\<b>bold\\</b>");
        assert_eq!(sanitize("keep `a[0]` as is"), "keep `a[0]` as is");
        assert_eq!(sanitize("odd ` tick"), "odd \\` tick");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
    }
}
