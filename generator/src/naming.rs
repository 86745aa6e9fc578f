//! Turns strings from a spec into valid, idiomatic and unique Rust identifiers.
//!
//! This is the only place that knows Rust's identifier rules. Everything here is a pure function
//! of its input, so names are stable from run to run; uniqueness is settled by [`Namespace`],
//! which hands out names in the order it is asked and is itself fed in a fixed order.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be plain identifiers (strict and reserved keywords of every edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Breaks a spec string into ASCII alphanumeric words; everything else separates words.
///
/// Non-ASCII letters are transliterated (`Ünïcode` → `Unicode`) rather than kept, because
/// non-ASCII identifiers draw lints and are hard to type; serde keeps the wire name anyway.
fn words(raw: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(raw, " ");
    let mut out = String::with_capacity(ascii.len());
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_owned()
}

fn escape_keyword(ident: String) -> String {
    if KEYWORDS.contains(&ident.as_str()) { format!("{ident}_") } else { ident }
}

/// `snake_case` name for a field, parameter, method or module; never empty, never a keyword.
pub fn snake(raw: &str) -> String {
    let cased = words(raw).to_snake_case();
    let ident = match cased.chars().next() {
        None => "value".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("n{cased}"),
        Some(_) => cased,
    };
    escape_keyword(ident)
}

/// `UpperCamelCase` name for a type or variant; never empty, never a keyword.
pub fn camel(raw: &str) -> String {
    let cased = words(raw).to_upper_camel_case();
    match cased.chars().next() {
        None => "Value".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("N{cased}"),
        // The one keyword in camel case; a trailing `_` would not be camel case.
        Some(_) if cased == "Self" => "SelfType".to_owned(),
        Some(_) => cased,
    }
}

/// Hands out unique names within one scope (a module, a struct, an argument list).
///
/// The first request for a name gets it; later requests get `_2`, `_3`, … appended. Names can
/// be reserved up front so that generated helpers do not collide with spec-derived names.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|name| (*name).to_owned()).collect() }
    }

    /// Takes `wanted`, or the first free numbered form of it (`get_2`, `Id2`, `v1_2`).
    pub fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        // Types read best as `Id2`; snake names and names ending in a digit need the `_`,
        // and names already ending in `_` (escaped keywords) have one.
        let camel =
            wanted.starts_with(|c: char| c.is_ascii_uppercase()) && !wanted.ends_with(|c: char| c.is_ascii_digit());
        let glue = if camel || wanted.ends_with('_') { "" } else { "_" };
        (2usize..)
            .map(|counter| format!("{wanted}{glue}{counter}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(wanted)
    }
}

/// Chooses type names for schema names such as
/// `TrackIt.Application.Web.WebApi.Contracts.Dtos.Input.Notes.TicketNoteDto`.
///
/// .NET (Swashbuckle) names types by their full namespace path, which makes unreadable Rust.
/// Each name starts from its last dotted segment (`TicketNoteDto`); names that would then clash
/// take in one more segment (`NotesTicketNoteDto`) until they are distinct. Names left equal
/// after all segments (`Id` and `ID`) get numbered suffixes in sorted order of the raw names.
pub fn type_names<'a>(raw_names: impl IntoIterator<Item = &'a str>, reserved: &[&str]) -> BTreeMap<String, String> {
    let raw: BTreeSet<&str> = raw_names.into_iter().collect();
    let segments: BTreeMap<&str, Vec<&str>> = raw
        .iter()
        .map(|name| {
            let parts: Vec<&str> = name.split('.').filter(|part| !part.is_empty()).collect();
            (*name, parts)
        })
        .collect();
    let candidate = |name: &str, depth: usize| -> String {
        let parts = &segments[name];
        let start = parts.len().saturating_sub(depth);
        let joined: Vec<&str> = parts[start..].to_vec();
        camel(&joined.join(" "))
    };

    let mut depth: BTreeMap<&str, usize> = raw.iter().map(|name| (*name, 1)).collect();
    loop {
        let mut by_candidate: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for name in &raw {
            by_candidate.entry(candidate(name, depth[name])).or_default().push(name);
        }
        let mut progressed = false;
        for clashing in by_candidate.values().filter(|names| names.len() > 1) {
            for name in clashing {
                if depth[name] < segments[name].len() {
                    *depth.get_mut(name).expect("every raw name has a depth") += 1;
                    progressed = true;
                }
            }
        }
        if !progressed {
            break;
        }
    }

    let mut namespace = Namespace::with_reserved(reserved);
    raw.iter().map(|name| ((*name).to_owned(), namespace.claim(candidate(name, depth[name])))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_handles_spaces_keywords_and_digits() {
        assert_eq!(snake("Note Type"), "note_type");
        assert_eq!(snake("EMail Address"), "e_mail_address");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("1st"), "n1st");
        assert_eq!(snake(""), "value");
        assert_eq!(snake("---"), "value");
        assert_eq!(snake("maxContentLength"), "max_content_length");
        assert_eq!(snake("SystemNote"), "system_note");
        assert_eq!(snake("Ünïcode"), "unicode");
        assert_eq!(snake("über"), "uber");
    }

    #[test]
    fn camel_handles_brackets_and_keywords() {
        assert_eq!(camel("List[Foo]"), "ListFoo");
        assert_eq!(camel("Dictionary[String,Object]"), "DictionaryStringObject");
        assert_eq!(camel("Self"), "SelfType");
        assert_eq!(camel("2fa"), "N2fa");
    }

    #[test]
    fn type_names_take_the_shortest_unique_suffix() {
        let names = type_names(
            [
                "TrackIt.Dtos.Input.Notes.TicketNoteDto",
                "TrackIt.Dtos.Input.CreateInputDto",
                "TrackIt.Dtos.Output.CreateInputDto",
                "Id",
                "ID",
            ],
            &["Client"],
        );
        assert_eq!(names["TrackIt.Dtos.Input.Notes.TicketNoteDto"], "TicketNoteDto");
        assert_eq!(names["TrackIt.Dtos.Input.CreateInputDto"], "InputCreateInputDto");
        assert_eq!(names["TrackIt.Dtos.Output.CreateInputDto"], "OutputCreateInputDto");
        assert_eq!(names["ID"], "Id");
        assert_eq!(names["Id"], "Id2");
    }

    #[test]
    fn namespace_numbers_repeats() {
        let mut scope = Namespace::with_reserved(&["client"]);
        assert_eq!(scope.claim("client".into()), "client_2");
        assert_eq!(scope.claim("get".into()), "get");
        assert_eq!(scope.claim("get".into()), "get_2");
        assert_eq!(scope.claim("v1".into()), "v1");
        assert_eq!(scope.claim("v1".into()), "v1_2");
        assert_eq!(scope.claim("Id".into()), "Id");
        assert_eq!(scope.claim("Id".into()), "Id2");
        assert_eq!(scope.claim("self_".into()), "self_");
        assert_eq!(scope.claim("self_".into()), "self_2");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// syn refuses keywords and non-identifiers, as rustc would.
    fn is_identifier(name: &str) -> bool {
        syn::parse_str::<syn::Ident>(name).is_ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_string_gives_a_stable_snake_case_identifier(raw in any::<String>()) {
            let name = snake(&raw);
            prop_assert!(is_identifier(&name), "{name:?} from {raw:?}");
            prop_assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{name:?}");
            prop_assert_eq!(snake(&raw), name);
        }

        #[test]
        fn any_string_gives_a_stable_camel_case_identifier(raw in any::<String>()) {
            let name = camel(&raw);
            prop_assert!(is_identifier(&name), "{name:?} from {raw:?}");
            prop_assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name:?}");
            prop_assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name:?}");
            prop_assert_eq!(camel(&raw), name);
        }

        #[test]
        fn schema_names_map_to_unique_identifiers(
            raws in prop::collection::btree_set("[A-Za-z0-9 ._\\[\\],-]{0,12}|\\PC{0,6}", 1..24),
        ) {
            let names = type_names(raws.iter().map(String::as_str), &["Client", "Error"]);
            let chosen: std::collections::BTreeSet<&String> = names.values().collect();
            prop_assert_eq!(chosen.len(), raws.len(), "{:?}", names);
            for name in names.values() {
                prop_assert!(is_identifier(name) && name != "Client" && name != "Error", "{name:?}");
            }
            prop_assert_eq!(type_names(raws.iter().map(String::as_str), &["Client", "Error"]), names);
        }

        #[test]
        fn a_namespace_never_hands_out_a_name_twice(wanted in prop::collection::vec("[a-z_]{1,4}[0-9]?", 1..40)) {
            let mut scope = Namespace::with_reserved(&["new"]);
            let mut seen = std::collections::BTreeSet::new();
            for name in wanted {
                let claimed = scope.claim(snake(&name));
                prop_assert!(claimed != "new" && seen.insert(claimed.clone()), "{claimed:?} twice");
            }
        }
    }
}
