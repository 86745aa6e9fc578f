//! Options from `generator.toml`, the file kept beside the document: rename operations, tags
//! and types, replace a schema with a type of your own, give replies a type the document does
//! not declare, choose which tags to emit, describe paging, and add a guide to the docs.
//!
//! Every name in the file must exist in the document, so a typo is an error, not a no-op.
//!
//! ```toml
//! [tags]
//! include = ["Ticket", "Assignment"]          # emit only these tags (all when absent)
//! names = { Ticket = "tickets" }              # accessor `client.tickets()`
//!
//! [operations.Ticket_GetTicketNotes]
//! name = "notes"                              # `client.tickets().notes(id)`
//! reply = { type = "trackit_runtime::records::Note", items = "Notes", count = "Count" }
//!
//! [operations.Ticket_Get]
//! reply = { type = "trackit_runtime::records::Ticket", member = "Ticket" }
//!
//! [types."TrackIt.Application.Web.WebApi.Contracts.Dtos.Input.CreateInputDto"]
//! replace = "trackit_runtime::records::RecordInput"
//!
//! [types."TrackIt.Application.Web.WebApi.Contracts.Dtos.Input.SearchInputDto"]
//! name = "SearchInput"
//! description = "What to search for, in which module, and which page of results."
//! fields = { Term = "The words to find." }
//!
//! [paging]                                    # lists paged by these two parameters
//! size = "pageSize"
//! number = "pageNumber"
//! all = 0                                     # the value of both when a call sets neither
//!
//! [docs]
//! guide = "guide.md"                          # Markdown in the crate folder, shown on the front page
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Error;

/// The options of one `generator.toml`; the default changes nothing.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Which tags to emit and what to call their accessors.
    #[serde(default)]
    pub tags: TagOptions,
    /// Per operation id.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationOptions>,
    /// Per schema name, as the document spells it.
    #[serde(default)]
    pub types: BTreeMap<String, TypeOptions>,
    /// How lists are paged.
    pub paging: Option<Paging>,
    /// Extra documentation.
    #[serde(default)]
    pub docs: DocsOptions,
    /// Where the file was read from, for messages.
    #[serde(skip)]
    pub file: String,
}

/// `[tags]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagOptions {
    /// Emit only these tags; every tag when absent.
    pub include: Option<Vec<String>>,
    /// Tag → accessor and module name (snake case).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

/// `[operations.<operationId>]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationOptions {
    /// The call's name (snake case).
    pub name: Option<String>,
    /// The type of the reply, when the document's is missing or free-form.
    pub reply: Option<ReplyOptions>,
}

/// How a reply is read into a type the document does not declare.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyOptions {
    /// A Rust type path; the crate must depend on where it lives (`trackit_runtime::…`).
    #[serde(rename = "type")]
    pub ty: String,
    /// The reply wraps the value in an object under this key (`{"Ticket": {…}}`).
    pub member: Option<String>,
    /// The reply is a page: the items are a list under this key…
    pub items: Option<String>,
    /// …and the total number of items is under this one.
    pub count: Option<String>,
}

/// `[types."<schema name>"]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeOptions {
    /// The Rust name of the type (camel case).
    pub name: Option<String>,
    /// Use this type (a Rust path) instead of generating one.
    pub replace: Option<String>,
    /// Documentation, when the document has none.
    pub description: Option<String>,
    /// Documentation of fields, by their names on the wire.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// `[paging]`: the parameters that page a list, and what the server returns when they say
/// "everything".
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    /// The page size parameter, as the document names it.
    pub size: String,
    /// The page number parameter (pages count from 1).
    pub number: String,
    /// The value of both when a call sets neither (Track-It!'s `0/0`: no paging).
    pub all: i64,
}

/// `[docs]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocsOptions {
    /// A Markdown file in the crate folder, included in the crate's front page.
    pub guide: Option<String>,
}

impl Config {
    /// Reads the options from the text of a `generator.toml`; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] with the line and key when the text is not valid TOML or names an
    /// unknown option, or a value is not a usable name or Rust path.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, Error> {
        let mut config: Config =
            toml::from_str(text).map_err(|error| config_error(file, "", error.to_string().trim_end()))?;
        config.file = file.to_owned();
        config.check_syntax()?;
        Ok(config)
    }

    /// The names and paths must be Rust; whether they exist in the document is checked when
    /// the document is built.
    fn check_syntax(&self) -> Result<(), Error> {
        for (tag, name) in &self.tags.names {
            self.expect_ident(&format!("tags.names.{tag}"), name)?;
        }
        for (id, options) in &self.operations {
            if let Some(name) = &options.name {
                self.expect_ident(&format!("operations.{id}.name"), name)?;
            }
            if let Some(reply) = &options.reply {
                let key = format!("operations.{id}.reply");
                // A named type (with generics), not `_`, `&str` or `impl Trait`: it is stored and returned.
                let named =
                    matches!(syn::parse_str::<syn::Type>(&reply.ty), Ok(syn::Type::Path(path)) if path.qself.is_none());
                if !named {
                    return Err(self.error(
                        &format!("{key}.type"),
                        format!("`{}` is not the path of an owned Rust type", reply.ty),
                    ));
                }
                if reply.items.is_some() && reply.items == reply.count {
                    return Err(self.error(&key, "`items` and `count` must be different keys"));
                }
                match (&reply.member, &reply.items, &reply.count) {
                    (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                        return Err(self.error(&key, "a reply is either a `member` or a page (`items`, `count`)"));
                    }
                    (None, None, Some(_)) | (None, Some(_), None) => {
                        return Err(self.error(&key, "a page needs both `items` and `count`"));
                    }
                    _ => {}
                }
            }
        }
        for (schema, options) in &self.types {
            if let Some(name) = &options.name
                && (syn::parse_str::<syn::Ident>(name).is_err()
                    || crate::naming::camel(name) != *name
                    || PRIMITIVE_TYPES.contains(&name.as_str()))
            {
                return Err(self.error(
                    &format!("types.\"{schema}\".name"),
                    format!("`{name}` is not an UpperCamelCase Rust type name"),
                ));
            }
            if let Some(path) = &options.replace
                && !is_type_path(path)
            {
                return Err(self.error(&format!("types.\"{schema}\".replace"), format!("`{path}` is not a Rust path")));
            }
        }
        if let Some(paging) = &self.paging
            && paging.size == paging.number
        {
            return Err(self.error("paging", "`size` and `number` must name different parameters"));
        }
        if let Some(guide) = &self.docs.guide {
            let inside = std::path::Path::new(guide)
                .components()
                .all(|component| matches!(component, std::path::Component::Normal(_)));
            if !inside || guide.is_empty() || guide.contains(['"', '\\']) {
                return Err(self.error("docs.guide", "the guide must be a relative path inside the crate folder"));
            }
        }
        Ok(())
    }

    fn expect_ident(&self, key: &str, name: &str) -> Result<(), Error> {
        let snake = crate::naming::snake(name);
        if snake != name || syn::parse_str::<syn::Ident>(name).is_err() {
            return Err(self.error(key, format!("`{name}` is not a snake_case Rust name (try `{snake}`)")));
        }
        Ok(())
    }

    /// An error about the option at `key`.
    pub(crate) fn error(&self, key: &str, reason: impl Into<String>) -> Error {
        config_error(&self.file, key, reason)
    }
}

/// Names a type must not take: the language's own (`str`, `bool`…).
const PRIMITIVE_TYPES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    "f32", "f64", "Self",
];

/// A path that can name a type: not `self`, `super` or `crate` alone.
fn is_type_path(path: &str) -> bool {
    match syn::parse_str::<syn::Path>(path) {
        Ok(parsed) => parsed
            .segments
            .last()
            .is_some_and(|last| !matches!(last.ident.to_string().as_str(), "self" | "super" | "crate" | "Self")),
        Err(_) => false,
    }
}

fn config_error(file: &str, key: &str, reason: impl Into<String>) -> Error {
    Error::Config { file: file.to_owned(), key: key.to_owned(), reason: reason.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_changes_nothing() {
        let config = Config::from_toml("", "generator.toml").unwrap();
        assert!(config.operations.is_empty() && config.types.is_empty() && config.paging.is_none());
    }

    #[test]
    fn mistakes_name_the_file_and_the_key() {
        let unknown = Config::from_toml("[operation.X]\nname = \"x\"\n", "g.toml").unwrap_err().to_string();
        assert!(unknown.starts_with("g.toml"), "{unknown}");
        assert!(unknown.contains("operation"), "{unknown}");

        let bad_name = Config::from_toml("[operations.Ticket_Get]\nname = \"GetIt\"\n", "g.toml").unwrap_err();
        assert_eq!(
            bad_name.to_string(),
            "g.toml: operations.Ticket_Get.name: `GetIt` is not a snake_case Rust name (try `get_it`)"
        );

        let bad_type =
            Config::from_toml("[operations.A.reply]\ntype = \"not a type!\"\n", "g.toml").unwrap_err().to_string();
        assert!(bad_type.contains("operations.A.reply.type"), "{bad_type}");

        let half_page = Config::from_toml("[operations.A.reply]\ntype = \"u8\"\nitems = \"Notes\"\n", "g.toml")
            .unwrap_err()
            .to_string();
        assert!(half_page.contains("both `items` and `count`"), "{half_page}");

        let escape = Config::from_toml("[docs]\nguide = \"../secret.md\"\n", "g.toml").unwrap_err().to_string();
        assert!(escape.contains("docs.guide"), "{escape}");
    }
}
