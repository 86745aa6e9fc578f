//! Emits `src/types.rs`: one serde type per schema, all in one file (few files compile faster
//! and review better than hundreds of one-struct files).

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, Scope, docs, ident, type_tokens};
use crate::ir::{Field, TypeDef, TypeKind, TypeRef, Usage, Variant};

pub(super) fn types_rs(context: &Context<'_>) -> TokenStream {
    let module_docs = docs::inner(&[
        "Request and reply bodies of the API, one type per schema of the document.".to_owned(),
        "Field names follow Rust conventions; serde keeps the names the server uses on the wire. \
         Types sent in requests implement `Serialize`, types read from replies `Deserialize`; \
         a schema the document repeats is one type, the others aliases of it."
            .to_owned(),
    ]);
    let items = context.api.types.iter().map(|def| {
        let usage = context.api.usage.get(&def.name).copied().unwrap_or_default();
        type_def(def, usage)
    });
    quote! {
        #module_docs

        #(#items)*
    }
}

/// The serde derives a type's direction needs.
fn serde_derives(usage: Usage) -> TokenStream {
    let serialize = usage.serialize.then(|| quote! { serde::Serialize, });
    let deserialize = usage.deserialize.then(|| quote! { serde::Deserialize, });
    quote! { #serialize #deserialize }
}

fn type_def(def: &TypeDef, usage: Usage) -> TokenStream {
    let name = ident(&def.name);
    let mut paragraphs = Vec::new();
    if let Some(description) = &def.description {
        paragraphs.push(docs::sanitize(description));
    }
    paragraphs.push(format!("Schema {} in the document.", docs::code(&def.origin)));
    let doc = docs::outer(&paragraphs);
    match &def.kind {
        TypeKind::Struct(structure) => {
            let default = structure.default.then(|| quote! { Default, });
            let fields = structure.fields.iter().map(field);
            let serde = serde_derives(usage);
            quote! {
                #doc
                #[derive(Clone, Debug, #default PartialEq, #serde)]
                pub struct #name {
                    #(#fields)*
                }
            }
        }
        TypeKind::Enum(variants) => enumeration(&doc, &name, variants, usage),
        TypeKind::Union(variants) => {
            let variants = variants.iter().map(|variant| {
                let variant_name = ident(&variant.rust_name);
                let ty = type_tokens(&variant.ty, Scope::Types);
                let doc = format!(" The value is a `{}`.", variant.rust_name);
                quote! {
                    #[doc = #doc]
                    #variant_name(#ty),
                }
            });
            let serde = serde_derives(usage);
            quote! {
                #doc
                ///
                /// One of several shapes; the first that fits the JSON is taken.
                #[derive(Clone, Debug, PartialEq, #serde)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        TypeKind::Alias(target) => {
            let target = type_tokens(target, Scope::Types);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
        TypeKind::External(path) => {
            // Checked to be a path when `generator.toml` was read.
            let path: TokenStream = path.parse().unwrap_or_default();
            let mut paragraphs: Vec<String> = def.description.as_deref().map(docs::sanitize).into_iter().collect();
            paragraphs
                .push(format!("Schema {} in the document, replaced in `generator.toml`.", docs::code(&def.origin)));
            let doc = docs::outer(&paragraphs);
            quote! {
                #doc
                pub type #name = #path;
            }
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let mut paragraphs = Vec::new();
    // An empty description documents nothing (and `missing_docs` would say so).
    match field.description.as_deref().map(docs::sanitize).filter(|text| !text.is_empty()) {
        Some(description) => paragraphs.push(description),
        None => paragraphs.push(format!("The {} field.", docs::code(&field.wire_name))),
    }
    if field.read_only {
        paragraphs.push("Read-only: set by the server, ignored in requests.".to_owned());
    }
    let doc = docs::outer(&paragraphs);
    if field.flatten {
        let ty = type_tokens(&field.ty, Scope::Types);
        return quote! {
            #doc
            #[serde(flatten)]
            pub #name: #ty,
        };
    }
    let rename = (field.rust_name != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote! { rename = #wire, }
    });
    let (ty, skip) = if field.required {
        (type_tokens(&field.ty, Scope::Types), quote! {})
    } else {
        let inner = match &field.ty {
            TypeRef::Option(inner) => inner.as_ref(),
            other => other,
        };
        let ty = type_tokens(&TypeRef::Option(Box::new(inner.clone())), Scope::Types);
        (ty, quote! { default, skip_serializing_if = "Option::is_none", })
    };
    let serde = if rename.is_some() || !skip.is_empty() {
        quote! { #[serde(#rename #skip)] }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

/// A string enumeration that still accepts values added to the API later: they land in `Other`.
///
/// The serde code is written out rather than derived: a derived enum with an `untagged`
/// catch-all buffers every value and tries each variant, which costs far more to compile (and
/// to run) than matching one string.
fn enumeration(doc: &TokenStream, name: &proc_macro2::Ident, variants: &[Variant], usage: Usage) -> TokenStream {
    let variant_items = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let variant_doc = format!(" {}", docs::code(&variant.wire_name));
        quote! {
            #[doc = #variant_doc]
            #variant_name,
        }
    });
    let to_wire = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let wire = &variant.wire_name;
        quote! { Self::#variant_name => #wire, }
    });
    let from_wire = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let wire = &variant.wire_name;
        quote! { #wire => Self::#variant_name, }
    });
    let serialize = usage.serialize.then(|| {
        quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        }
    });
    let deserialize = usage.deserialize.then(|| {
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    <String as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_items)*
            /// A value this client does not know yet, kept as the server sent it.
            Other(String),
        }

        impl #name {
            /// The value as the server spells it.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Other(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_wire)*
                    _ => Self::Other(value),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        #serialize
        #deserialize
    }
}
