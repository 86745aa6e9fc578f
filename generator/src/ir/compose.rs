//! Composed schemas: `allOf` becomes one struct (parents flattened in), `oneOf`/`anyOf` an
//! untagged enum of the shapes; a composition of a single member is just that member.

use std::collections::BTreeMap;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind};

use super::{Field, Struct, TypeDef, TypeKind, TypeRef, TypeSpace, UnionVariant};
use crate::Error;
use crate::naming::{self, Namespace};

/// A schema's own `properties` with its `required` list.
type Properties<'s> = (&'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>, &'s [String]);

/// The parts of a composed schema, whichever way the document spelled it.
struct Composition<'s> {
    all_of: &'s [ReferenceOr<Schema>],
    one_of: &'s [ReferenceOr<Schema>],
    /// Which keyword `one_of` came from, for pointers.
    one_of_keyword: &'static str,
    properties: Option<Properties<'s>>,
    additional: Option<&'s AdditionalProperties>,
}

fn composition(schema: &Schema) -> Option<Composition<'_>> {
    let empty: &[ReferenceOr<Schema>] = &[];
    let base =
        Composition { all_of: empty, one_of: empty, one_of_keyword: "oneOf", properties: None, additional: None };
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some(Composition { all_of, ..base }),
        SchemaKind::OneOf { one_of } => Some(Composition { one_of, ..base }),
        SchemaKind::AnyOf { any_of } => Some(Composition { one_of: any_of, one_of_keyword: "anyOf", ..base }),
        SchemaKind::Any(any) => {
            let (one_of, one_of_keyword) =
                if any.one_of.is_empty() { (any.any_of.as_slice(), "anyOf") } else { (any.one_of.as_slice(), "oneOf") };
            let properties = (!any.properties.is_empty()).then_some((&any.properties, any.required.as_slice()));
            let composed = Composition {
                all_of: &any.all_of,
                one_of,
                one_of_keyword,
                properties,
                additional: any.additional_properties.as_ref(),
            };
            (!composed.all_of.is_empty() || !composed.one_of.is_empty() || composed.properties.is_some())
                .then_some(composed)
        }
        SchemaKind::Type(_) | SchemaKind::Not { .. } => None,
    }
}

/// `{"type": "null"}`: in 3.1-style unions it only says the value may be null.
fn is_null(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if any.typ.as_deref() == Some("null"))
}

/// A member that adds nothing but annotations or `required` (common inside `allOf`).
fn is_annotation_only(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.additional_properties.is_none()
        }
        _ => false,
    }
}

/// Whether the schema needs a type of its own (a struct or an enum of shapes).
pub(super) fn is_structured(schema: &Schema) -> bool {
    composition(schema).is_some()
}

/// The plain type of an untyped schema that names a `type` (`{"type": "string", "format": …}`
/// mixed with keywords the model does not separate).
pub(super) fn scalar_of_any(schema: &Schema) -> TypeRef {
    let SchemaKind::Any(any) = &schema.schema_kind else { return TypeRef::Json };
    let ty = match (any.typ.as_deref(), any.format.as_deref()) {
        (Some("string"), _) => TypeRef::String,
        (Some("boolean"), _) => TypeRef::Bool,
        (Some("integer"), Some("int32")) => TypeRef::I32,
        (Some("integer"), _) => TypeRef::I64,
        (Some("number"), Some("float")) => TypeRef::F32,
        (Some("number"), _) => TypeRef::F64,
        _ => TypeRef::Json,
    };
    ty.nullable(schema.schema_data.nullable)
}

impl TypeSpace<'_> {
    /// The one real member of a composition (`allOf: [$ref]`, `oneOf: [X, null]`), if that is
    /// all it is.
    pub(super) fn single_member(
        &mut self,
        suggested: &str,
        schema: &Schema,
        pointer: &str,
    ) -> Result<Option<TypeRef>, Error> {
        let Some(composed) = composition(schema) else { return Ok(None) };
        if composed.properties.is_some() || (!composed.all_of.is_empty() && !composed.one_of.is_empty()) {
            return Ok(None);
        }
        let (members, keyword) = if composed.all_of.is_empty() {
            (composed.one_of, composed.one_of_keyword)
        } else {
            (composed.all_of, "allOf")
        };
        let nullable = schema.schema_data.nullable || members.iter().any(is_null);
        let mut real = members.iter().enumerate().filter(|(_, member)| !is_null(member) && !is_annotation_only(member));
        let (Some((index, member)), None) = (real.next(), real.next()) else { return Ok(None) };
        let member_pointer = format!("{pointer}/{keyword}/{index}");
        let ty = match member {
            ReferenceOr::Reference { reference } => self.reference(reference, &member_pointer)?,
            ReferenceOr::Item(member) => self.schema_type(suggested, member, &member_pointer)?,
        };
        Ok(Some(ty.nullable(nullable)))
    }

    /// A struct for `allOf` or properties without a `type`, an enum of shapes for
    /// `oneOf`/`anyOf`; `None` for schemas that are not composed.
    pub(super) fn composite_kind(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &str,
    ) -> Result<Option<TypeKind>, Error> {
        let Some(composed) = composition(schema) else { return Ok(None) };
        if self.single_member(name, schema, pointer)?.is_some() {
            return Ok(None);
        }
        if composed.all_of.is_empty() && composed.properties.is_none() {
            return self.union(name, composed.one_of, composed.one_of_keyword, pointer).map(Some);
        }
        let mut fields = match composed.properties {
            Some((properties, required)) => self.fields(name, properties, required, pointer)?,
            None => Vec::new(),
        };
        for (index, member) in composed.all_of.iter().enumerate() {
            let member_pointer = format!("{pointer}/allOf/{index}");
            match member {
                _ if is_annotation_only(member) || is_null(member) => {}
                ReferenceOr::Reference { reference } => {
                    let ty = self.reference(reference, &member_pointer)?;
                    fields.push(flattened(&ty, &member_pointer));
                }
                ReferenceOr::Item(member_schema) => match &member_schema.schema_kind {
                    SchemaKind::Type(openapiv3::Type::Object(object)) if !object.properties.is_empty() => {
                        fields.extend(self.fields(name, &object.properties, &object.required, &member_pointer)?);
                    }
                    _ => {
                        let ty =
                            self.schema_type(&format!("{name}Part{}", index + 1), member_schema, &member_pointer)?;
                        fields.push(flattened(&ty, &member_pointer));
                    }
                },
            }
        }
        // `oneOf` beside `allOf`: the shapes are kept as one more flattened part.
        if !composed.one_of.is_empty() {
            let variants = self.union(&format!("{name}Variant"), composed.one_of, composed.one_of_keyword, pointer)?;
            let union_name = self.taken.claim(format!("{name}Variant"));
            let origin = format!("#{pointer}/{}", composed.one_of_keyword);
            self.defs.insert(
                union_name.clone(),
                TypeDef { name: union_name.clone(), origin, description: None, kind: variants },
            );
            fields.push(flattened(&TypeRef::Named(union_name), pointer));
        }
        self.extra_properties(name, composed.additional, pointer, &mut fields)?;
        // Parts may repeat a property; the first mention wins, as two fields cannot share one
        // wire name.
        let mut wire_names = std::collections::BTreeSet::new();
        fields.retain(|field| field.flatten || wire_names.insert(field.wire_name.clone()));
        // Parents and parts may repeat a property name; Rust needs each field name once.
        let mut names = Namespace::default();
        for field in &mut fields {
            field.rust_name = names.claim(std::mem::take(&mut field.rust_name));
        }
        Ok(Some(TypeKind::Struct(Struct { fields, default: false })))
    }

    fn union(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        keyword: &str,
        pointer: &str,
    ) -> Result<TypeKind, Error> {
        let mut names = Namespace::default();
        let mut variants = Vec::new();
        for (index, member) in members.iter().enumerate() {
            if is_null(member) {
                continue;
            }
            let member_pointer = format!("{pointer}/{keyword}/{index}");
            let ty = match member {
                ReferenceOr::Reference { reference } => self.reference(reference, &member_pointer)?,
                ReferenceOr::Item(member) => {
                    self.schema_type(&format!("{name}Variant{}", index + 1), member, &member_pointer)?
                }
            };
            let rust_name = names.claim(variant_name(&ty));
            variants.push(UnionVariant { rust_name, ty });
        }
        Ok(TypeKind::Union(variants))
    }

    /// Properties beyond the named ones (`additionalProperties`) land in a flattened map.
    pub(super) fn extra_properties(
        &mut self,
        owner: &str,
        additional: Option<&AdditionalProperties>,
        pointer: &str,
        fields: &mut Vec<Field>,
    ) -> Result<(), Error> {
        let value = match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let value_pointer = format!("{pointer}/additionalProperties");
                match value.as_ref() {
                    ReferenceOr::Reference { reference } => self.reference(reference, &value_pointer)?,
                    ReferenceOr::Item(value) => self.schema_type(&format!("{owner}Value"), value, &value_pointer)?,
                }
            }
            Some(AdditionalProperties::Any(true)) => TypeRef::Json,
            Some(AdditionalProperties::Any(false)) | None => return Ok(()),
        };
        let taken: Vec<&str> = fields.iter().map(|field| field.rust_name.as_str()).collect();
        let mut names = Namespace::with_reserved(&taken);
        fields.push(Field {
            wire_name: String::new(),
            rust_name: names.claim("additional_properties".to_owned()),
            ty: TypeRef::Map(Box::new(value)),
            required: true,
            description: Some("Properties beyond the ones named above, kept as sent.".to_owned()),
            read_only: false,
            flatten: true,
        });
        Ok(())
    }
}

fn flattened(ty: &TypeRef, pointer: &str) -> Field {
    let rust_name = match ty {
        TypeRef::Named(name) => naming::snake(name),
        _ => "part".to_owned(),
    };
    Field {
        wire_name: String::new(),
        rust_name,
        ty: ty.clone(),
        required: true,
        description: Some(format!("The fields of the part at `{}`, inline on the wire.", pointer.replace('`', "'"))),
        read_only: false,
        flatten: true,
    }
}

fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 => "Number".into(),
        TypeRef::Vec(_) => "List".into(),
        TypeRef::Map(_) | TypeRef::Json => "Object".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Unit => "Empty".into(),
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => variant_name(inner),
    }
}

/// After all types are known: a flattened part must be a struct or a map (serde can only
/// inline those), else its owner falls back to free-form JSON; then which structs can
/// implement `Default`.
pub(crate) fn settle_flattening_and_defaults(defs: &mut BTreeMap<String, TypeDef>) {
    loop {
        let broken: Vec<String> = defs
            .iter()
            .filter(|(_, def)| match &def.kind {
                TypeKind::Struct(structure) => {
                    structure.fields.iter().any(|field| field.flatten && !is_flattenable(defs, &field.ty))
                }
                _ => false,
            })
            .map(|(name, _)| name.clone())
            .collect();
        if broken.is_empty() {
            break;
        }
        for name in broken {
            if let Some(def) = defs.get_mut(&name) {
                def.kind = TypeKind::Alias(TypeRef::Json);
            }
        }
    }
    // Grows monotonically to a fixed point: a struct is Default when every field may be left
    // out, counting flattened parts that are Default themselves.
    loop {
        let mut changed = false;
        let names: Vec<String> = defs.keys().cloned().collect();
        for name in names {
            let can_default = match &defs[&name].kind {
                TypeKind::Struct(structure) if !structure.default => structure.fields.iter().all(|field| {
                    if field.flatten {
                        is_defaultable(defs, &field.ty)
                    } else {
                        !field.required || matches!(field.ty, TypeRef::Option(_))
                    }
                }),
                _ => false,
            };
            if can_default && let Some(TypeDef { kind: TypeKind::Struct(structure), .. }) = defs.get_mut(&name) {
                structure.default = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

fn resolve<'d>(defs: &'d BTreeMap<String, TypeDef>, ty: &'d TypeRef) -> Option<&'d TypeKind> {
    let mut current = ty;
    for _ in 0..16 {
        match current {
            TypeRef::Boxed(inner) => current = inner,
            TypeRef::Named(name) => match defs.get(name).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => current = target,
                other => return other,
            },
            _ => return None,
        }
    }
    None
}

fn is_flattenable(defs: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) | TypeRef::Json => true,
        TypeRef::Named(_) | TypeRef::Boxed(_) => {
            matches!(resolve(defs, ty), Some(TypeKind::Struct(_) | TypeKind::Union(_)))
                || alias_target(defs, ty).is_some_and(|target| matches!(target, TypeRef::Map(_) | TypeRef::Json))
        }
        _ => false,
    }
}

fn is_defaultable(defs: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) | TypeRef::Json => true,
        _ => match resolve(defs, ty) {
            Some(TypeKind::Struct(structure)) => structure.default,
            _ => alias_target(defs, ty).is_some_and(|target| matches!(target, TypeRef::Map(_) | TypeRef::Json)),
        },
    }
}

/// The non-named type an alias chain ends in.
fn alias_target<'d>(defs: &'d BTreeMap<String, TypeDef>, ty: &'d TypeRef) -> Option<&'d TypeRef> {
    let mut current = ty;
    for _ in 0..16 {
        match current {
            TypeRef::Named(name) => match defs.get(name).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => current = target,
                _ => return None,
            },
            other => return Some(other),
        }
    }
    None
}
