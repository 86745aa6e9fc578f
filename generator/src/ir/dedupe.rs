//! Merges types the document spells out more than once.
//!
//! Large documents repeat inline shapes: GitHub's declares `state: enum [open, closed]` and
//! its kin over three thousand times, which became as many enums, each with its own serde
//! code for the compiler to check and build. A type with the same shape as one before it (by
//! name) becomes an alias of that one: every name stays, the code exists once.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::{TypeDef, TypeKind, TypeRef};

/// Enough rounds for shapes that match only once the types they use were merged.
const MAX_ROUNDS: usize = 8;

pub(crate) fn merge_identical_types(defs: &mut BTreeMap<String, TypeDef>) {
    for _ in 0..MAX_ROUNDS {
        let mut first_of_shape: HashMap<String, &str> = HashMap::new();
        let mut merges: BTreeMap<String, String> = BTreeMap::new();
        for (name, def) in defs.iter() {
            let Some(shape) = shape_key(def) else { continue };
            match first_of_shape.get(&shape) {
                Some(first) => {
                    merges.insert(name.clone(), (*first).to_owned());
                }
                None => {
                    first_of_shape.insert(shape, name);
                }
            }
        }
        if merges.is_empty() {
            return;
        }
        for (duplicate, first) in &merges {
            if let Some(def) = defs.get_mut(duplicate) {
                def.kind = TypeKind::Alias(TypeRef::Named(first.clone()));
            }
        }
        // Users of a merged type now name the first one, so their own shapes can match.
        for def in defs.values_mut() {
            match &mut def.kind {
                TypeKind::Struct(structure) => {
                    structure.fields.iter_mut().for_each(|field| redirect(&mut field.ty, &merges));
                }
                TypeKind::Union(variants) => variants.iter_mut().for_each(|variant| redirect(&mut variant.ty, &merges)),
                TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::External(_) => {}
            }
        }
    }
}

fn redirect(ty: &mut TypeRef, merges: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(first) = merges.get(name) {
                first.clone_into(name);
            }
        }
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
            redirect(inner, merges);
        }
        _ => {}
    }
}

/// What makes two types interchangeable on the wire and in Rust: fields, variants and types,
/// but not their documentation. Aliases cost nothing and are left alone.
fn shape_key(def: &TypeDef) -> Option<String> {
    let mut key = String::new();
    match &def.kind {
        TypeKind::Struct(structure) => {
            let _ = write!(key, "struct default={}", structure.default);
            for field in &structure.fields {
                let _ = write!(
                    key,
                    "|{:?} {:?} {:?} {} {} {}",
                    field.wire_name, field.rust_name, field.ty, field.required, field.read_only, field.flatten
                );
            }
        }
        TypeKind::Enum(variants) => {
            key.push_str("enum");
            for variant in variants {
                let _ = write!(key, "|{:?} {:?}", variant.wire_name, variant.rust_name);
            }
        }
        TypeKind::Union(variants) => {
            key.push_str("union");
            for variant in variants {
                let _ = write!(key, "|{:?} {:?}", variant.rust_name, variant.ty);
            }
        }
        TypeKind::Alias(_) | TypeKind::External(_) => return None,
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Struct, Variant};

    fn enumeration(name: &str, values: &[&str]) -> (String, TypeDef) {
        let variants = values
            .iter()
            .map(|value| Variant { wire_name: (*value).into(), rust_name: value.to_uppercase() })
            .collect();
        (
            name.into(),
            TypeDef { name: name.into(), origin: name.into(), description: None, kind: TypeKind::Enum(variants) },
        )
    }

    fn holder(name: &str, field_type: &str) -> (String, TypeDef) {
        let field = Field {
            wire_name: "state".into(),
            rust_name: "state".into(),
            ty: TypeRef::Named(field_type.into()),
            required: true,
            description: Some(format!("docs of {name} differ")),
            read_only: false,
            flatten: false,
        };
        let kind = TypeKind::Struct(Struct { fields: vec![field], default: false });
        (name.into(), TypeDef { name: name.into(), origin: name.into(), description: None, kind })
    }

    #[test]
    fn equal_shapes_become_aliases_of_the_first_and_users_follow() {
        let mut defs: BTreeMap<String, TypeDef> = [
            enumeration("IssueState", &["open", "closed"]),
            enumeration("PullState", &["open", "closed"]),
            enumeration("Sort", &["asc", "desc"]),
            holder("Issue", "IssueState"),
            holder("Pull", "PullState"),
        ]
        .into_iter()
        .collect();
        merge_identical_types(&mut defs);
        assert!(matches!(&defs["PullState"].kind, TypeKind::Alias(TypeRef::Named(first)) if first == "IssueState"));
        assert!(matches!(&defs["Sort"].kind, TypeKind::Enum(_)), "another shape stays");
        // `Pull` matched `Issue` only once its enum was merged: the second round.
        assert!(matches!(&defs["Pull"].kind, TypeKind::Alias(TypeRef::Named(first)) if first == "Issue"));
        assert!(matches!(&defs["Issue"].kind, TypeKind::Struct(_)));
    }
}
