//! A schema being lowered, and the keywords that are rewritten once all of its members are
//! read: numeric `exclusiveMinimum`/`exclusiveMaximum`, `contentEncoding`/`contentMediaType`,
//! `prefixItems`, `patternProperties` and `null` choices of `anyOf`/`oneOf`.

use serde_json::{Map, Value, json};

use super::union;
use crate::error::Error;
use crate::load::openapi31::context::Lowering;
use crate::load::pointer;

/// A lowered schema under construction.
#[derive(Default)]
pub(super) struct Draft {
    /// The lowered members so far.
    pub out: Map<String, Value>,
    /// The types listed, other than `null`, without repeats.
    pub types: Vec<String>,
    /// Whether `null` is allowed: listed as a type, as a choice, or `nullable: true`.
    pub nullable: bool,
    /// Lowered `prefixItems` (or tuple-form `items`).
    pub prefix_items: Option<Vec<Value>>,
    /// Lowered values of `patternProperties`.
    pub pattern_properties: Option<Vec<Value>>,
    /// `anyOf`/`oneOf` that had `null` choices taken out.
    pub null_dropped_from: Vec<String>,
}

/// Which side an exclusive bound limits.
#[derive(Clone, Copy)]
pub(super) enum Bound {
    Lower,
    Upper,
}

impl Draft {
    /// Keeps a keyword 3.0 has no word for as `x-{keyword}`, unless the schema has that
    /// extension already.
    pub fn extension(&mut self, keyword: &str, value: Value) {
        self.out.entry(format!("x-{keyword}")).or_insert(value);
    }

    /// Reads `type`: a name or a list of names, of which `null` means nullable.
    pub fn read_types(&mut self, cx: &Lowering<'_>, value: &Value, at: &str) -> Result<(), Error> {
        let names: Vec<(&str, String)> = match value {
            Value::String(name) => vec![(name.as_str(), at.to_owned())],
            Value::Array(names) if names.is_empty() => return Err(cx.invalid(at, "`type` lists no type")),
            Value::Array(names) => names
                .iter()
                .enumerate()
                .map(|(i, name)| match name {
                    Value::String(name) => Ok((name.as_str(), pointer::index(at, i))),
                    other => Err(cx.invalid(
                        &pointer::index(at, i),
                        format!("a type must be a string, found {}", pointer::describe(other)),
                    )),
                })
                .collect::<Result<_, Error>>()?,
            other => {
                return Err(cx.invalid(
                    at,
                    format!("`type` must be a string or an array of strings, found {}", pointer::describe(other)),
                ));
            }
        };
        for (name, _) in names {
            if name == "null" {
                self.nullable = true;
            } else if !self.types.iter().any(|listed| listed == name) {
                self.types.push(name.to_owned());
            }
        }
        Ok(())
    }

    /// A numeric `exclusiveMinimum`/`exclusiveMaximum` as 3.0's `minimum`/`maximum` with a
    /// boolean flag, unless an inclusive bound beside it is stricter.
    pub fn bound(&mut self, source: &Map<String, Value>, bound: Bound) {
        let (exclusive, inclusive) = match bound {
            Bound::Lower => ("exclusiveMinimum", "minimum"),
            Bound::Upper => ("exclusiveMaximum", "maximum"),
        };
        let Some(Value::Number(limit)) = source.get(exclusive) else { return };
        let inclusive_stricter = match source.get(inclusive) {
            None => false,
            Some(Value::Number(other)) => match (other.as_f64(), limit.as_f64(), bound) {
                (Some(other), Some(limit), Bound::Lower) => other > limit,
                (Some(other), Some(limit), Bound::Upper) => other < limit,
                _ => false,
            },
            // Not a number: left for the check to name.
            Some(_) => true,
        };
        if !inclusive_stricter {
            self.out.insert(inclusive.into(), Value::Number(limit.clone()));
            self.out.insert(exclusive.into(), Value::Bool(true));
        }
    }

    /// `contentEncoding: base64` as `format: byte`, and a non-text `contentMediaType` without
    /// an encoding (raw bytes) as `format: binary`, on a string schema without a format.
    pub fn content_format(&mut self, source: &Map<String, Value>) {
        let may_be_string = self.types.is_empty() || self.types.iter().any(|name| name == "string");
        if self.out.contains_key("format") || !may_be_string {
            return;
        }
        let encoding = source.get("contentEncoding").and_then(Value::as_str);
        let media_type = source.get("contentMediaType").and_then(Value::as_str);
        let format = match (encoding, media_type) {
            (Some(encoding), _) if encoding.eq_ignore_ascii_case("base64") => "byte",
            (None, Some(media_type)) if !is_text(media_type) => "binary",
            _ => return,
        };
        self.out.insert("format".into(), json!(format));
    }

    /// `prefixItems` as `items`: the one schema all positions share, else the `anyOf` of them
    /// and of `items` (what follows them). Which position holds which is lost (kept in
    /// `x-prefixItems`); `items: false` after them becomes `maxItems`.
    pub fn fold_prefix_items(&mut self, source: &Map<String, Value>) {
        let Some(prefix) = self.prefix_items.take() else { return };
        let prefix_len = prefix.len();
        let mut positions = prefix;
        match source.get("items") {
            Some(Value::Bool(false)) => {
                self.out.entry("maxItems").or_insert(json!(prefix_len));
            }
            Some(Value::Object(_) | Value::Bool(true)) if source.contains_key("prefixItems") => {
                positions.extend(self.out.get("items").cloned());
            }
            _ => {}
        }
        if let Some(items) = union(positions) {
            self.out.insert("items".into(), items);
        }
    }

    /// `patternProperties` as `additionalProperties`: the schema of every property not listed,
    /// so the union of the patterns' schemas (and of `additionalProperties`). Which names
    /// match which pattern is lost (kept in `x-patternProperties`).
    pub fn fold_pattern_properties(&mut self) {
        let Some(patterns) = self.pattern_properties.take() else { return };
        let mut candidates = match self.out.get("additionalProperties") {
            Some(Value::Bool(true)) => return,
            None | Some(Value::Bool(false)) => Vec::new(),
            Some(other) => vec![other.clone()],
        };
        candidates.extend(patterns);
        if let Some(schema) = union(candidates) {
            self.out.insert("additionalProperties".into(), schema);
        }
    }

    /// An `anyOf`/`oneOf` left with one choice once `null` was taken out is that choice:
    /// merged into this schema when they share no keyword, else added to `allOf`.
    pub fn fold_single_choices(&mut self) {
        for key in std::mem::take(&mut self.null_dropped_from) {
            let Some(Value::Array(choices)) = self.out.get(&key) else { continue };
            match choices.len() {
                0 => {
                    self.out.shift_remove(&key);
                }
                1 => {
                    let Some(Value::Array(mut choices)) = self.out.shift_remove(&key) else { continue };
                    let choice = choices.remove(0);
                    self.take_choice(choice);
                }
                _ => {}
            }
        }
    }

    fn take_choice(&mut self, choice: Value) {
        if let Value::Object(members) = &choice {
            let clashes = members.keys().any(|key| {
                key == "$ref"
                    || (key != "nullable" && self.out.contains_key(key))
                    || (key == "type" && !self.types.is_empty())
            });
            if !clashes {
                for (key, value) in members {
                    if key == "nullable" {
                        self.nullable |= value == &Value::Bool(true);
                    }
                    self.out.insert(key.clone(), value.clone());
                }
                return;
            }
        }
        match self.out.get_mut("allOf") {
            Some(Value::Array(parts)) => parts.push(choice),
            _ => {
                self.out.insert("allOf".into(), Value::Array(vec![choice]));
            }
        }
    }
}

/// Whether a media type is text, which a string holds as it is rather than as bytes.
fn is_text(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(essence.as_str(), "application/json" | "application/xml" | "application/x-www-form-urlencoded")
}
