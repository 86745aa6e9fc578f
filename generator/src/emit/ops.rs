//! Emits `src/api/`: one module per tag, one async call per operation.
//!
//! Each call only describes its request as one `trackit_runtime::Call` chain (path template,
//! parameters, body) and hands it to the runtime, which owns sending, authentication and
//! decoding; so each operation is a few readable lines and compiles to little.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, Scope, docs, ident, type_tokens};
use crate::ir::{
    BodyEncoding, Envelope, ListStyle, ObjectStyle, Operation, PagingRole, Param, ParamLocation, ReplyKind, TagGroup,
    TypeRef,
};

pub(super) fn api_mod_rs(context: &Context<'_>) -> TokenStream {
    let mut paragraphs = vec!["The API's operations, one module per tag of the document.".to_owned()];
    if let Some(first) = context.api.tags.first() {
        paragraphs.push(format!("Reach them through the client's accessors, e.g. `client.{}()`.", first.module));
    }
    let module_docs = docs::inner(&paragraphs);
    // Each module documents itself; a doc here as well would show twice on its page.
    let modules = context.api.tags.iter().map(|group| {
        let module = ident(&group.module);
        quote! { pub mod #module; }
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
    let struct_doc = docs::outer(&[
        format!(
            "The calls of the operations tagged {}; reach it with `Client::{}`.",
            docs::code(&group.tag),
            group.module
        ),
        "Each call takes the required parameters and returns a request: set optional \
         parameters on it, then `.await` it (or call `.send().await`)."
            .to_owned(),
    ]);
    let accessor_doc = " Wraps a runtime client (for use without the generated `Client`).".to_owned();
    let uses_types = group.operations.iter().any(mentions_named_type);
    let types_import = if uses_types {
        quote! { use crate::{Error, types}; }
    } else {
        quote! { use crate::Error; }
    };
    let calls = group.operations.iter().map(|operation| call(group, operation));
    let requests = group.operations.iter().map(|operation| request(group, operation));
    quote! {
        #module_docs

        use trackit_runtime::{ApiClient, BoxFuture, Call, Method};

        #types_import

        #struct_doc
        #[derive(Clone, Copy, Debug)]
        pub struct #struct_name<'a> {
            client: &'a ApiClient,
        }

        impl<'a> #struct_name<'a> {
            #[doc = #accessor_doc]
            #[must_use]
            pub fn new(client: &'a ApiClient) -> Self {
                Self { client }
            }

            #(#calls)*
        }

        #(#requests)*
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
    (operation.reply_shape.is_none() && named(&operation.response))
        || operation.params.iter().any(|param| named(&param.ty))
        || operation.body.as_ref().is_some_and(|body| named(&body.ty))
}

/// Whether the call's builder sets this parameter (it is optional, or a paging parameter).
fn is_setter(param: &Param) -> bool {
    !param.required || param.paging.is_some()
}

/// The call: takes the required parameters, returns the request builder.
fn call(group: &TagGroup, operation: &Operation) -> TokenStream {
    let name = ident(&operation.rust_name);
    let request = ident(&operation.request_name);
    let doc = docs::outer(&call_docs(group, operation));
    let deprecated = operation.deprecated.then(|| quote! { #[deprecated] });
    let required: Vec<&Param> = operation.params.iter().filter(|param| !is_setter(param)).collect();
    let required_body = operation.body.as_ref().filter(|body| body.required);
    let argument_count = required.len() + usize::from(required_body.is_some());
    let many_arguments = (argument_count > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let arguments = required
        .iter()
        .map(|param| {
            let name = ident(&param.rust_name);
            let ty = field_type(&param.ty);
            quote! { #name: #ty }
        })
        .chain(required_body.map(|body| {
            let name = ident(&body.rust_name);
            let ty = body_type(&body.ty);
            quote! { #name: &'a #ty }
        }));
    let initial = operation
        .params
        .iter()
        .map(|param| {
            let name = ident(&param.rust_name);
            match (param.paging, operation.paging, is_setter(param)) {
                (Some(_), Some(all), _) => {
                    let all = proc_macro2::Literal::i64_unsuffixed(all);
                    quote! { #name: #all }
                }
                (_, _, true) => quote! { #name: None },
                _ => quote! { #name },
            }
        })
        .chain(operation.body.as_ref().map(|body| {
            let name = ident(&body.rust_name);
            if body.required {
                quote! { #name }
            } else {
                quote! { #name: None }
            }
        }));
    quote! {
        #doc
        #deprecated
        #many_arguments
        pub fn #name(&self, #(#arguments),*) -> #request<'a> {
            #request { client: self.client, #(#initial),* }
        }
    }
}

/// The request builder of one call: its fields, setters, `send`, and `IntoFuture`.
fn request(group: &TagGroup, operation: &Operation) -> TokenStream {
    let request = ident(&operation.request_name);
    let request_name = &operation.request_name;
    let call_path = format!("{}::{}", group.struct_name, operation.rust_name);
    let doc = docs::outer(&[
        format!("A {} request, made by [`{call_path}`].", docs::code(&operation.operation_id)),
        "Set optional parameters with its methods, then `.await` it to send it (or call [`Self::send`]).".to_owned(),
    ]);
    let fields = operation
        .params
        .iter()
        .map(|param| {
            let name = ident(&param.rust_name);
            let ty = field_type(&param.ty);
            if is_setter(param) && param.paging.is_none() {
                quote! { #name: Option<#ty> }
            } else {
                quote! { #name: #ty }
            }
        })
        .chain(operation.body.as_ref().map(|body| {
            let name = ident(&body.rust_name);
            let ty = body_type(&body.ty);
            if body.required {
                quote! { #name: &'a #ty }
            } else {
                quote! { #name: Option<&'a #ty> }
            }
        }));
    let setters = operation
        .params
        .iter()
        .filter(|param| is_setter(param))
        .map(|param| {
            let name = ident(&param.rust_name);
            let ty = field_type(&param.ty);
            let doc = docs::outer(&[setter_doc(param)]);
            let value = if param.paging.is_some() {
                quote! { #name }
            } else {
                quote! { Some(#name) }
            };
            // A setter named like an operator method (`add`, `sub`) has its shape, but it is a setter.
            let operator_name = OPERATOR_METHODS
                .contains(&param.rust_name.as_str())
                .then(|| quote! { #[allow(clippy::should_implement_trait)] });
            quote! {
                #doc
                #operator_name
                pub fn #name(mut self, #name: #ty) -> Self {
                    self.#name = #value;
                    self
                }
            }
        })
        .chain(operation.body.as_ref().filter(|body| !body.required).map(|body| {
            let name = ident(&body.rust_name);
            let ty = body_type(&body.ty);
            let what = body.description.as_deref().map_or_else(|| "The request body.".to_owned(), docs::sanitize);
            let doc = docs::outer(&[format!("{} (Optional: without it, no body is sent.)", one_line(&what))]);
            quote! {
                #doc
                pub fn #name(mut self, #name: &'a #ty) -> Self {
                    self.#name = Some(#name);
                    self
                }
            }
        }));

    let method = ident(&operation.method);
    let operation_id = &operation.operation_id;
    let path = &operation.path;
    let parameters: Vec<TokenStream> = operation.params.iter().map(add_param).collect();
    // The body's link, and whether it can fail (encoding); it always comes last.
    let body = operation.body.as_ref().map(|body| {
        let name = ident(&body.rust_name);
        let name = quote! { self.#name };
        match (&body.encoding, body.required) {
            (BodyEncoding::Json, true) => (quote! { .json_body(#name) }, true),
            (BodyEncoding::Json, false) => (quote! { .json_body_opt(#name) }, true),
            (BodyEncoding::Form, true) => (quote! { .form_body(#name) }, true),
            (BodyEncoding::Form, false) => (quote! { .form_body_opt(#name) }, true),
            (BodyEncoding::Multipart, true) => (quote! { .multipart_body(#name) }, true),
            (BodyEncoding::Multipart, false) => (quote! { .multipart_body_opt(#name) }, true),
            (BodyEncoding::Raw(media_type), true) => (quote! { .raw_body(#media_type, #name) }, false),
            (BodyEncoding::Raw(media_type), false) => (quote! { .raw_body_opt(#media_type, #name) }, false),
        }
    });
    // Building the call fails only where a body or a structured value must be encoded.
    let params_fallible = parameters.iter().any(|parameter| parameter.to_string().contains('?'));
    let head = quote! {
        Call::new(#operation_id, Method::#method, #path)
            #(#parameters)*
    };
    let (call_type, call_body, call_value) = match body {
        Some((link, true)) => (quote! { Result<Call, Error> }, quote! { #head #link }, quote! { self.call() }),
        // `let` first: `Ok(….value(x)?)` would be a needless `?` to clippy.
        Some((link, false)) if params_fallible => {
            (quote! { Result<Call, Error> }, quote! { let call = #head #link; Ok(call) }, quote! { self.call() })
        }
        None if params_fallible => {
            (quote! { Result<Call, Error> }, quote! { let call = #head; Ok(call) }, quote! { self.call() })
        }
        Some((link, false)) => (quote! { Call }, quote! { #head #link }, quote! { Ok(self.call()) }),
        None => (quote! { Call }, head, quote! { Ok(self.call()) }),
    };
    // A call without parameters or body needs nothing of the request.
    let uses_self = !operation.params.is_empty() || operation.body.is_some();
    let (receiver, call_value) =
        if uses_self { (quote! { &self }, call_value) } else { (quote! {}, quote! { Ok(Self::call()) }) };
    let (output, execute) = reply(operation, &call_value);
    let send_doc = docs::outer(&[
        "Sends the request and reads the reply.".to_owned(),
        "# Errors\n\nFails when the server cannot be reached or does not answer in time, the login is \
         refused, the server answers with an error status, or the reply does not have the expected shape."
            .to_owned(),
    ]);
    let blocking_doc = docs::outer(&[
        "Sends the request and waits for the reply, for programs without an async runtime.".to_owned(),
        "# Errors\n\nAs [`Self::send`], and when called from inside an async runtime (use `.await` there).".to_owned(),
    ]);
    let stream = stream(operation);
    quote! {
        #doc
        #[derive(Clone)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #request<'a> {
            client: &'a ApiClient,
            #(#fields,)*
        }

        impl<'a> #request<'a> {
            #(#setters)*

            #send_doc
            #[must_use = "the request is sent when the future is awaited"]
            pub fn send(self) -> BoxFuture<'a, Result<#output, Error>> {
                self.client.#execute
            }

            /// The call as the runtime sends it.
            fn call(#receiver) -> #call_type {
                #call_body
            }

            #blocking_doc
            #[cfg(feature = "blocking")]
            pub fn send_blocking(self) -> Result<#output, Error> {
                trackit_runtime::blocking::block_on(self.send())
            }

            #stream
        }

        // Parameters and bodies may hold keys or passwords: `Debug` names only the operation.
        impl std::fmt::Debug for #request<'_> {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.debug_struct(#request_name).field("operation", &#operation_id).finish_non_exhaustive()
            }
        }

        impl<'a> std::future::IntoFuture for #request<'a> {
            type Output = Result<#output, Error>;
            type IntoFuture = BoxFuture<'a, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    }
}

/// Methods of the operator traits, whose shape (`fn add(self, other) -> Self`) a setter shares.
const OPERATOR_METHODS: &[&str] = &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];

/// The reply type and the runtime call that reads it.
fn reply(operation: &Operation, call: &TokenStream) -> (TokenStream, TokenStream) {
    let Some(shape) = &operation.reply_shape else {
        let response = type_tokens(&operation.response, Scope::Api);
        let execute = match operation.reply {
            ReplyKind::Json => quote! { execute_boxed(#call) },
            ReplyKind::Text => quote! { execute_text_boxed(#call) },
            ReplyKind::Bytes => quote! { execute_bytes_boxed(#call) },
        };
        return (response, execute);
    };
    // Checked to be a type when `generator.toml` was read.
    let ty: TokenStream = shape.ty.parse().unwrap_or_default();
    match &shape.envelope {
        Envelope::Whole => (ty, quote! { execute_boxed(#call) }),
        Envelope::Member(key) => (ty, quote! { execute_member_boxed(#call, #key) }),
        Envelope::Page { items, count } => {
            (quote! { trackit_runtime::paging::Page<#ty> }, quote! { execute_page_boxed(#call, #items, #count) })
        }
    }
}

/// For a paged call whose reply is a page: a stream of every item, page after page.
fn stream(operation: &Operation) -> Option<TokenStream> {
    let shape = operation.reply_shape.as_ref()?;
    operation.paging?;
    let Envelope::Page { .. } = shape.envelope else { return None };
    let item: TokenStream = shape.ty.parse().unwrap_or_default();
    let size = operation.params.iter().find(|param| param.paging == Some(PagingRole::Size))?;
    let number = operation.params.iter().find(|param| param.paging == Some(PagingRole::Number))?;
    let size_name = ident(&size.rust_name);
    let number_name = ident(&number.rust_name);
    // `paginate` counts pages in i32; the parameters may be i64.
    let (size_in, number_out) = match (&size.ty, &number.ty) {
        (TypeRef::I64, TypeRef::I64) => {
            (quote! { i32::try_from(self.#size_name).unwrap_or(i32::MAX) }, quote! { i64::from(page_number) })
        }
        (TypeRef::I64, _) => (quote! { i32::try_from(self.#size_name).unwrap_or(i32::MAX) }, quote! { page_number }),
        (_, TypeRef::I64) => (quote! { self.#size_name }, quote! { i64::from(page_number) }),
        _ => (quote! { self.#size_name }, quote! { page_number }),
    };
    let size_out = match size.ty {
        TypeRef::I64 => quote! { i64::from(page_size) },
        _ => quote! { page_size },
    };
    let doc = docs::outer(&[
        "Every item of the list, fetched page after page as the stream is read (pages of the size \
         set with the page size method, or of [`trackit_runtime::paging::DEFAULT_PAGE_SIZE`]); it ends \
         when the reply's count is reached."
            .to_owned(),
        "An error ends the stream after it is yielded.".to_owned(),
    ]);
    let blocking_doc =
        docs::outer(&["[`Self::stream`] as an iterator, for programs without an async runtime: each page is \
         fetched when the items before it have been read."
            .to_owned()]);
    Some(quote! {
        #blocking_doc
        #[cfg(feature = "blocking")]
        pub fn stream_blocking(self) -> impl Iterator<Item = Result<#item, Error>> + 'a {
            trackit_runtime::blocking::iter(self.stream())
        }

        #doc
        pub fn stream(self) -> impl trackit_runtime::paging::Stream<Item = Result<#item, Error>> + Send + 'a {
            let page_size = match #size_in {
                size if size > 0 => size,
                _ => trackit_runtime::paging::DEFAULT_PAGE_SIZE,
            };
            trackit_runtime::paging::paginate(page_size, move |page_number| {
                let mut page = self.clone();
                page.#size_name = #size_out;
                page.#number_name = #number_out;
                page.send()
            })
        }
    })
}

fn setter_doc(param: &Param) -> String {
    let mut line = param
        .description
        .as_deref()
        .map_or_else(|| format!("Sets {}.", docs::code(&param.wire_name)), |text| one_line(&docs::sanitize(text)));
    let location = location_name(param.location);
    if param.paging.is_some() {
        line.push_str(&format!(" ({location} {}; without it, everything in one reply.)", docs::code(&param.wire_name)));
    } else if let Some(default) = &param.default {
        line.push_str(&format!(
            " ({location} {}; the server's default is {}.)",
            docs::code(&param.wire_name),
            docs::code(&default.to_string())
        ));
    } else {
        line.push_str(&format!(" ({location} {}; optional.)", docs::code(&param.wire_name)));
    }
    line
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn body_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bytes => quote! { [u8] },
        _ => type_tokens(ty, Scope::Api),
    }
}

fn call_docs(group: &TagGroup, operation: &Operation) -> Vec<String> {
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
    let mut arguments: Vec<String> = operation.params.iter().filter(|param| !is_setter(param)).map(param_doc).collect();
    if let Some(body) = operation.body.as_ref().filter(|body| body.required) {
        let what = body.description.as_deref().map_or_else(|| "The request body.".to_owned(), docs::sanitize);
        arguments.push(format!("- `{}`: {}", body.rust_name, one_line(&what)));
    }
    if !arguments.is_empty() {
        paragraphs.push(format!("# Arguments\n\n{}", arguments.join("\n")));
    }
    let request = &operation.request_name;
    let mut options: Vec<String> = operation
        .params
        .iter()
        .filter(|param| is_setter(param))
        .map(|param| format!("[`{0}`]({request}::{0})", param.rust_name))
        .collect();
    if let Some(body) = operation.body.as_ref().filter(|body| !body.required) {
        options.push(format!("[`{0}`]({request}::{0})", body.rust_name));
    }
    let mut returns = format!("Returns the request ([`{request}`]): `.await` it to send it");
    if !options.is_empty() {
        returns.push_str(&format!("; before that, set {} if needed", options.join(", ")));
    }
    returns.push('.');
    let is_stream = operation.paging.is_some()
        && operation.reply_shape.as_ref().is_some_and(|shape| matches!(shape.envelope, Envelope::Page { .. }));
    if is_stream {
        returns.push_str(&format!(" [`{request}::stream`] reads every page."));
    }
    paragraphs.push(returns);
    let _ = group;
    paragraphs
}

fn param_doc(param: &Param) -> String {
    let mut notes = Vec::new();
    let location = location_name(param.location);
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

/// Arguments borrow for the request's lifetime: `&str` for strings, slices for lists,
/// references for generated types; numbers and flags are copied.
fn field_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { &'a str },
        TypeRef::Vec(item) => {
            let item = type_tokens(item, Scope::Api);
            quote! { &'a [#item] }
        }
        TypeRef::Named(_) | TypeRef::Json | TypeRef::Map(_) => {
            let ty = type_tokens(ty, Scope::Api);
            quote! { &'a #ty }
        }
        other => type_tokens(other, Scope::Api),
    }
}

/// One link of the `Call` chain for a parameter.
fn add_param(param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    let name = quote! { self.#name };
    // A paging parameter always holds a value (the "all" default until set).
    let required = param.required || param.paging.is_some();
    let wire = &param.wire_name;
    let is_list = matches!(param.ty, TypeRef::Vec(_));
    let separator = match param.list_style {
        ListStyle::Delimited(separator) => separator,
        ListStyle::Repeat => ',',
    };
    // Optional lists send nothing when absent: an empty slice adds no parameter.
    let values = if required {
        quote! { #name }
    } else {
        quote! { #name.unwrap_or_default() }
    };
    if param.structured {
        let deep = param.object_style == ObjectStyle::Deep;
        let some = if required {
            quote! { Some(#name) }
        } else {
            quote! { #name }
        };
        return match param.location {
            ParamLocation::Query if required => quote! { .query_object(#wire, #name, #deep)? },
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
        ParamLocation::Header if is_list && required => quote! {
            .header(#wire, #name.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
        },
        ParamLocation::Header if is_list => quote! {
            .header_opt(#wire, #name.map(|values| values.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")))
        },
        ParamLocation::Query if required => quote! { .query(#wire, #name) },
        ParamLocation::Query => quote! { .query_opt(#wire, #name) },
        ParamLocation::Header if required => quote! { .header(#wire, #name) },
        ParamLocation::Header => quote! { .header_opt(#wire, #name) },
        ParamLocation::Cookie if is_list => quote! {
            .cookie(#wire, #values.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
        },
        ParamLocation::Cookie if required => quote! { .cookie(#wire, #name) },
        ParamLocation::Cookie => quote! { .cookie_opt(#wire, #name) },
    }
}
