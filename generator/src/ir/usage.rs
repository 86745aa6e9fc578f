//! Which way each type travels: into requests, out of replies, or both.
//!
//! serde code is most of what a generated crate costs to compile, and half of it is never
//! called: a reply type is only read, a request body only written. Each type implements the
//! traits its direction needs; types no operation uses are read-only (a webhook payload, say).

use std::collections::BTreeMap;

use super::{Operation, TypeDef, TypeKind, TypeRef};

/// The serde traits a type implements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Part of a request: `Serialize`.
    pub serialize: bool,
    /// Part of a reply (or of no operation): `Deserialize`.
    pub deserialize: bool,
}

pub(crate) fn directions<'a>(
    defs: &BTreeMap<String, TypeDef>,
    operations: impl Iterator<Item = &'a Operation>,
) -> BTreeMap<String, Usage> {
    let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
    for operation in operations {
        let requests = operation.params.iter().map(|param| &param.ty).chain(operation.body.iter().map(|body| &body.ty));
        for ty in requests {
            mark(defs, ty, &mut usage, |usage| &mut usage.serialize);
        }
        mark(defs, &operation.response, &mut usage, |usage| &mut usage.deserialize);
    }
    // Types no operation uses are read, with everything they contain.
    for name in defs.keys() {
        let unused = usage.get(name).is_none_or(|usage| !usage.serialize && !usage.deserialize);
        if unused {
            mark(defs, &TypeRef::Named(name.clone()), &mut usage, |usage| &mut usage.deserialize);
        }
    }
    usage
}

/// Sets `flag` on every type `ty` reaches (an explicit stack: documents nest deeply).
fn mark(
    defs: &BTreeMap<String, TypeDef>,
    ty: &TypeRef,
    usage: &mut BTreeMap<String, Usage>,
    flag: fn(&mut Usage) -> &mut bool,
) {
    let mut pending = vec![ty];
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Named(name) => {
                let seen = flag(usage.entry(name.clone()).or_default());
                if *seen {
                    continue;
                }
                *seen = true;
                match defs.get(name).map(|def| &def.kind) {
                    Some(TypeKind::Struct(structure)) => pending.extend(structure.fields.iter().map(|field| &field.ty)),
                    Some(TypeKind::Union(variants)) => pending.extend(variants.iter().map(|variant| &variant.ty)),
                    Some(TypeKind::Alias(target)) => pending.push(target),
                    Some(TypeKind::Enum(_) | TypeKind::External(_)) | None => {}
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
                pending.push(inner);
            }
            _ => {}
        }
    }
}
