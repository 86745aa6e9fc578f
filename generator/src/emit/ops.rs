//! Emits `src/api/`: one module per tag, one async call per operation.
//!
//! Each call only describes its request as one `trackit_runtime::Call` chain (path template,
//! parameters, body) and hands it to the runtime, which owns sending, authentication and
//! decoding; so each operation is a few readable lines and compiles to little.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, Scope, docs, ident, type_tokens};
use crate::ir::{BodyEncoding, ListStyle, ObjectStyle, Operation, Param, ParamLocation, ReplyKind, TagGroup, TypeRef};

pub(super) fn api_mod_rs(context: &Context<'_>) -> TokenStream {
    let module_docs = docs::inner(&[
        "The API's operations, one module per tag of the document.".to_owned(),
        "Reach them through the client's accessors, e.g. `client.ticket()`.".to_owned(),
    ]);
    let modules = context.api.tags.iter().map(|group| {
        let module = ident(&group.module);
        let doc = format!(" Operations tagged {}.", docs::code(&group.tag));
        quote! {
            #[doc = #doc]
            pub mod #module;
        }
    });
    let reexports = context.api.tags.iter().map(|group| {
        let module = ident(&group.module);
        let struct_name = ident(&group.struct_name);
        quote! { pub use #module::#struct_name; }
    });
    quote! {
        #module_docs
        #(#modules)*
        #(#reexports)*
    }
}

pub(super) fn tag_rs(group: &TagGroup) -> TokenStream {
    let struct_name = ident(&group.struct_name);
    let mut paragraphs = vec![format!("Operations tagged {}.", docs::code(&group.tag))];
    if let Some(description) = &group.description {
        paragraphs.push(docs::sanitize(description));
    }
    let module_docs = docs::inner(&paragraphs);
    let struct_doc = docs::outer(&[format!(
        "The calls of the operations tagged {}; reach it with `Client::{}`.",
        docs::code(&group.tag),
        group.module
    )]);
    let accessor_doc = " Wraps a runtime client (for use without the generated `Client`).".to_owned();
    let uses_types = group.operations.iter().any(mentions_named_type);
    let types_import = if uses_types {
        quote! { use crate::{Error, types}; }
    } else {
        quote! { use crate::Error; }
    };
    let calls = group.operations.iter().map(call);
    quote! {
        #module_docs

        use trackit_runtime::{ApiClient, Call, Method};

        #types_import

        #struct_doc
        #[derive(Clone, Copy, Debug)]
        pub struct #struct_name<'a> {
            client: &'a ApiClient,
        }

        impl<'a> #struct_name<'a> {
            #[doc = #accessor_doc]
            pub fn new(client: &'a ApiClient) -> Self {
                Self { client }
            }

            #(#calls)*
        }
    }
}

fn mentions_named_type(operation: &Operation) -> bool {
    fn named(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(_) => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => named(inner),
            _ => false,
        }
    }
    named(&operation.response)
        || operation.params.iter().any(|param| named(&param.ty))
        || operation.body.as_ref().is_some_and(|body| named(&body.ty))
}

fn call(operation: &Operation) -> TokenStream {
    let name = ident(&operation.rust_name);
    let doc = docs::outer(&call_docs(operation));
    let deprecated = operation.deprecated.then(|| quote! { #[deprecated] });
    // Arguments mirror the document's parameters one to one, however many there are.
    let argument_count = operation.params.len() + usize::from(operation.body.is_some());
    let many_arguments = (argument_count > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });

    let arguments = operation.params.iter().map(|param| {
        let name = ident(&param.rust_name);
        let ty = argument_type(&param.ty, !param.required);
        quote! { #name: #ty }
    });
    let body_argument = operation.body.as_ref().map(|body| {
        let name = ident(&body.rust_name);
        let inner = match body.ty {
            TypeRef::Bytes => quote! { [u8] },
            _ => type_tokens(&body.ty, Scope::Api),
        };
        if body.required {
            quote! { #name: &#inner }
        } else {
            quote! { #name: Option<&#inner> }
        }
    });
    let arguments = arguments.chain(body_argument);

    let method = ident(&operation.method);
    let operation_id = &operation.operation_id;
    let path = &operation.path;
    let parameters = operation.params.iter().map(add_param);
    let body = operation.body.as_ref().map(|body| {
        let name = ident(&body.rust_name);
        match (&body.encoding, body.required) {
            (BodyEncoding::Json, true) => quote! { .json_body(#name)? },
            (BodyEncoding::Json, false) => quote! { .json_body_opt(#name)? },
            (BodyEncoding::Form, true) => quote! { .form_body(#name)? },
            (BodyEncoding::Form, false) => quote! { .form_body_opt(#name)? },
            (BodyEncoding::Multipart, true) => quote! { .multipart_body(#name)? },
            (BodyEncoding::Multipart, false) => quote! { .multipart_body_opt(#name)? },
            (BodyEncoding::Raw(media_type), true) => quote! { .raw_body(#media_type, #name) },
            (BodyEncoding::Raw(media_type), false) => quote! { .raw_body_opt(#media_type, #name) },
        }
    });
    let response = type_tokens(&operation.response, Scope::Api);
    let execute = match operation.reply {
        ReplyKind::Json => quote! { execute },
        ReplyKind::Text => quote! { execute_text },
        ReplyKind::Bytes => quote! { execute_bytes },
    };

    quote! {
        #doc
        #deprecated
        #many_arguments
        pub async fn #name(&self, #(#arguments),*) -> Result<#response, Error> {
            let call = Call::new(#operation_id, Method::#method, #path)
                #(#parameters)*
                #body;
            self.client.#execute(call).await
        }
    }
}

fn call_docs(operation: &Operation) -> Vec<String> {
    let mut paragraphs = Vec::new();
    match (&operation.summary, &operation.description) {
        (Some(summary), _) => paragraphs.push(docs::sanitize(summary)),
        (None, None) => paragraphs.push(format!("Calls {}.", docs::code(&operation.operation_id))),
        (None, Some(_)) => {}
    }
    if let Some(description) = &operation.description {
        paragraphs.push(docs::sanitize(description));
    }
    paragraphs.push(format!(
        "{} (operation {}).",
        docs::code(&format!("{} {}", operation.method, operation.path)),
        docs::code(&operation.operation_id)
    ));
    let mut arguments: Vec<String> = operation.params.iter().map(param_doc).collect();
    if let Some(body) = &operation.body {
        let what = body.description.as_deref().map_or_else(|| "The request body.".to_owned(), docs::sanitize);
        let optional = if body.required { "" } else { " (optional)" };
        arguments.push(format!("- `{}`{optional}: {}", body.rust_name, one_line(&what)));
    }
    if !arguments.is_empty() {
        paragraphs.push(format!("# Arguments\n\n{}", arguments.join("\n")));
    }
    paragraphs.push(
        "# Errors\n\nFails when the server cannot be reached, the login is refused, the server answers \
         with an error status, or the reply does not have the documented shape."
            .to_owned(),
    );
    paragraphs
}

fn param_doc(param: &Param) -> String {
    let mut notes = Vec::new();
    let location = match param.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    if param.rust_name != param.wire_name || param.location != ParamLocation::Path {
        notes.push(format!("{location} {}", docs::code(&param.wire_name)));
    }
    if !param.required {
        notes.push("optional".to_owned());
        if let Some(default) = &param.default {
            notes.push(format!("server default {}", docs::code(&default.to_string())));
        }
    }
    let mut line = format!("- `{}`", param.rust_name);
    if !notes.is_empty() {
        line.push_str(&format!(" ({})", notes.join(", ")));
    }
    if let Some(description) = &param.description {
        line.push_str(": ");
        line.push_str(&one_line(&docs::sanitize(description)));
    }
    line
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Arguments borrow: `&str` for strings, slices for lists, references for generated types.
fn argument_type(ty: &TypeRef, optional: bool) -> TokenStream {
    let inner = match ty {
        TypeRef::String => quote! { &str },
        TypeRef::Vec(item) => {
            let item = type_tokens(item, Scope::Api);
            quote! { &[#item] }
        }
        TypeRef::Named(_) | TypeRef::Json | TypeRef::Map(_) => {
            let ty = type_tokens(ty, Scope::Api);
            quote! { &#ty }
        }
        other => type_tokens(other, Scope::Api),
    };
    if optional {
        quote! { Option<#inner> }
    } else {
        inner
    }
}

/// One link of the `Call` chain for a parameter.
fn add_param(param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    let wire = &param.wire_name;
    let is_list = matches!(param.ty, TypeRef::Vec(_));
    let separator = match param.list_style {
        ListStyle::Delimited(separator) => separator,
        ListStyle::Repeat => ',',
    };
    // Optional lists send nothing when absent: an empty slice adds no parameter.
    let values = if param.required {
        quote! { #name }
    } else {
        quote! { #name.unwrap_or_default() }
    };
    if param.structured {
        let deep = param.object_style == ObjectStyle::Deep;
        let some = if param.required {
            quote! { Some(#name) }
        } else {
            quote! { #name }
        };
        return match param.location {
            ParamLocation::Query if param.required => quote! { .query_object(#wire, #name, #deep)? },
            ParamLocation::Query => quote! { .query_object_opt(#wire, #name, #deep)? },
            ParamLocation::Path => quote! { .path_param_value(#wire, #name)? },
            ParamLocation::Header => quote! { .header_value(#wire, #some)? },
            ParamLocation::Cookie => quote! { .cookie_value(#wire, #some)? },
        };
    }
    match param.location {
        ParamLocation::Path if is_list => quote! {
            .path_param(#wire, #name.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
        },
        ParamLocation::Path => quote! { .path_param(#wire, #name) },
        ParamLocation::Query if is_list && param.list_style == ListStyle::Repeat => {
            quote! { .query_each(#wire, #values) }
        }
        ParamLocation::Query if is_list => quote! { .query_joined(#wire, #values, #separator) },
        ParamLocation::Header if is_list && param.required => quote! {
            .header(#wire, #name.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
        },
        ParamLocation::Header if is_list => quote! {
            .header_opt(#wire, #name.map(|values| values.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")))
        },
        ParamLocation::Query if param.required => quote! { .query(#wire, #name) },
        ParamLocation::Query => quote! { .query_opt(#wire, #name) },
        ParamLocation::Header if param.required => quote! { .header(#wire, #name) },
        ParamLocation::Header => quote! { .header_opt(#wire, #name) },
        ParamLocation::Cookie if is_list => quote! {
            .cookie(#wire, #values.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
        },
        ParamLocation::Cookie if param.required => quote! { .cookie(#wire, #name) },
        ParamLocation::Cookie => quote! { .cookie_opt(#wire, #name) },
    }
}
