//! Breaks cycles of types that contain each other by value (`Node { parent: Option<Node> }`),
//! which Rust cannot size, by boxing the fields that close a cycle.
//!
//! Types are grouped into strongly connected components of the "contains by value" graph
//! (lists and maps already own their items on the heap, so they add no edge); a field whose
//! target lies in its owner's component is boxed. Cycles with nothing to box (aliases,
//! unions and flattened parents only) are made free-form JSON first, by
//! [`break_zero_width_cycles`].

use std::collections::BTreeMap;

use super::{TypeDef, TypeKind, TypeRef};

/// The named type `ty` holds by value, if any.
fn direct_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Option(inner) => direct_target(inner),
        _ => None,
    }
}

/// Edges along which decoding reads no input: a union trying a variant, a flattened part, an
/// alias. A cycle made only of these recurses forever on any value (a stack overflow, not an
/// error), so no Rust type can stand for it.
fn zero_width_edges(def: &TypeDef) -> Vec<&str> {
    match &def.kind {
        TypeKind::Struct(structure) => {
            structure.fields.iter().filter(|field| field.flatten).filter_map(|field| direct_target(&field.ty)).collect()
        }
        TypeKind::Union(variants) => variants.iter().filter_map(|variant| direct_target(&variant.ty)).collect(),
        TypeKind::Alias(target) => direct_target(target).into_iter().collect(),
        TypeKind::Enum(_) | TypeKind::External(_) => Vec::new(),
    }
}

/// Types on a cycle of [`zero_width_edges`] become free-form JSON: the document describes a
/// value only in terms of itself (`Root: oneOf [Y, string]`, `Y: oneOf [Root, integer]`).
pub(crate) fn break_zero_width_cycles(defs: &mut BTreeMap<String, TypeDef>) {
    let component = components(defs, zero_width_edges);
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for id in component.values() {
        *sizes.entry(*id).or_default() += 1;
    }
    let cyclic: Vec<String> = component
        .iter()
        .filter(|(name, id)| {
            sizes[*id] > 1 || defs.get(*name).is_some_and(|def| zero_width_edges(def).contains(&name.as_str()))
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in cyclic {
        if let Some(def) = defs.get_mut(&name) {
            def.kind = TypeKind::Alias(TypeRef::Json);
        }
    }
}

fn edges(def: &TypeDef) -> Vec<&str> {
    match &def.kind {
        TypeKind::Struct(structure) => structure.fields.iter().filter_map(|field| direct_target(&field.ty)).collect(),
        TypeKind::Union(variants) => variants.iter().filter_map(|variant| direct_target(&variant.ty)).collect(),
        TypeKind::Alias(target) => direct_target(target).into_iter().collect(),
        TypeKind::Enum(_) | TypeKind::External(_) => Vec::new(),
    }
}

pub(crate) fn box_recursive_fields(defs: &mut BTreeMap<String, TypeDef>) {
    let component = components(defs, edges);
    let same_component = |owner: &str, target: &str| {
        owner == target || component.get(owner).is_some_and(|id| component.get(target) == Some(id))
    };
    let names: Vec<String> = defs.keys().cloned().collect();
    for name in &names {
        let Some(def) = defs.get_mut(name) else { continue };
        match &mut def.kind {
            TypeKind::Struct(structure) => {
                for field in &mut structure.fields {
                    if direct_target(&field.ty).is_some_and(|target| same_component(name, target)) {
                        field.ty = boxed(std::mem::replace(&mut field.ty, TypeRef::Unit));
                    }
                }
            }
            TypeKind::Union(variants) => {
                for variant in variants {
                    if direct_target(&variant.ty).is_some_and(|target| same_component(name, target)) {
                        variant.ty = boxed(std::mem::replace(&mut variant.ty, TypeRef::Unit));
                    }
                }
            }
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::External(_) => {}
        }
    }
}

/// `Named` → `Box<Named>`, `Option<Named>` → `Option<Box<Named>>`.
fn boxed(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => TypeRef::Option(Box::new(boxed(*inner))),
        other => TypeRef::Boxed(Box::new(other)),
    }
}

/// Strongly connected component of every type along `edges` (Kosaraju, iterative: schema
/// graphs can be deep).
fn components(defs: &BTreeMap<String, TypeDef>, edges: fn(&TypeDef) -> Vec<&str>) -> BTreeMap<String, usize> {
    let names: Vec<&str> = defs.keys().map(String::as_str).collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, name)| (*name, i)).collect();
    let forward: Vec<Vec<usize>> = names
        .iter()
        .map(|name| edges(&defs[*name]).iter().filter_map(|target| index.get(target).copied()).collect())
        .collect();
    let mut backward = vec![Vec::new(); names.len()];
    for (from, targets) in forward.iter().enumerate() {
        for &to in targets {
            backward[to].push(from);
        }
    }

    // First pass: order nodes by finishing time.
    let mut visited = vec![false; names.len()];
    let mut order = Vec::with_capacity(names.len());
    for start in 0..names.len() {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.pop() {
            if let Some(&child) = forward[node].get(next) {
                stack.push((node, next + 1));
                if !visited[child] {
                    visited[child] = true;
                    stack.push((child, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    // Second pass, on the reversed graph in reverse finishing order: each tree is a component.
    let mut component = vec![usize::MAX; names.len()];
    let mut next_id = 0;
    for &start in order.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = next_id;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &parent in &backward[node] {
                if component[parent] == usize::MAX {
                    component[parent] = next_id;
                    stack.push(parent);
                }
            }
        }
        next_id += 1;
    }
    names.iter().zip(component).map(|(name, id)| ((*name).to_owned(), id)).collect()
}
