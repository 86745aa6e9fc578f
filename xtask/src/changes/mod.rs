//! What changed in the API between two documents, and whether it breaks callers.
//!
//! Both documents go through the generator's own loader, so Swagger 2.0 and OpenAPI 3.0 are
//! compared in one model (Swagger 2.0 `definitions` become `components.schemas`, body
//! parameters become request bodies). Operations are matched by method and path (letter case
//! and path-parameter names aside, as IIS routes), schemas by name, parameters by location
//! and name.
//!
//! "Breaking" means code written against the client generated from the old document may fail
//! to compile or to work against the new server: anything removed or renamed, a type changed,
//! a parameter or field that became required or optional (the generated type gains or loses
//! an `Option`), and a new required parameter, request body, or field of a type sent in
//! requests. Additions that callers may ignore are compatible.

mod operations;
mod schemas;
mod shape;

use std::fmt;

use openapiv3::OpenAPI;

/// Every change from one document to the next, breaking ones first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeReport {
    pub changes: Vec<Change>,
}

/// One change, at one place of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub place: Place,
    pub kind: ChangeKind,
}

/// An operation or a named schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// `method` upper case, `path` as the newer document spells it.
    Operation { path: String, method: String, operation_id: Option<String> },
    /// A schema under `components.schemas` (Swagger 2.0 `definitions`), by its short name.
    Schema { name: String },
}

/// What changed. Types are described in words: `integer(int32)`, `array of TicketNoteDto`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    /// The generated method is named after the operationId.
    OperationIdChanged {
        from: String,
        to: String,
    },
    /// `parameter` reads like `query parameter SystemNote`.
    ParameterAdded {
        parameter: String,
        ty: String,
        required: bool,
    },
    ParameterRemoved {
        parameter: String,
    },
    ParameterTypeChanged {
        parameter: String,
        from: String,
        to: String,
    },
    ParameterRequiredChanged {
        parameter: String,
        required: bool,
    },
    RequestBodyAdded {
        ty: String,
        required: bool,
    },
    RequestBodyRemoved {
        ty: String,
    },
    RequestBodyTypeChanged {
        from: String,
        to: String,
    },
    RequestBodyRequiredChanged {
        required: bool,
    },
    ResponseTypeChanged {
        status: String,
        from: String,
        to: String,
    },
    SchemaAdded,
    SchemaRemoved,
    SchemaTypeChanged {
        from: String,
        to: String,
    },
    /// `field` is a dotted path (`Note.Private`, `body.Note` for an inline request body);
    /// `in_request` says whether callers send this type.
    FieldAdded {
        field: String,
        ty: String,
        required: bool,
        in_request: bool,
    },
    FieldRemoved {
        field: String,
    },
    FieldTypeChanged {
        field: String,
        from: String,
        to: String,
    },
    FieldRequiredChanged {
        field: String,
        required: bool,
    },
}

impl ChangeKind {
    /// Whether callers of the client generated from the old document may break; see the
    /// module documentation for the rule.
    pub fn is_breaking(&self) -> bool {
        match self {
            Self::OperationAdded | Self::SchemaAdded => false,
            Self::ParameterAdded { required, .. } | Self::RequestBodyAdded { required, .. } => *required,
            Self::FieldAdded { required, in_request, .. } => *required && *in_request,
            Self::OperationRemoved
            | Self::OperationIdChanged { .. }
            | Self::ParameterRemoved { .. }
            | Self::ParameterTypeChanged { .. }
            | Self::ParameterRequiredChanged { .. }
            | Self::RequestBodyRemoved { .. }
            | Self::RequestBodyTypeChanged { .. }
            | Self::RequestBodyRequiredChanged { .. }
            | Self::ResponseTypeChanged { .. }
            | Self::SchemaRemoved
            | Self::SchemaTypeChanged { .. }
            | Self::FieldRemoved { .. }
            | Self::FieldTypeChanged { .. }
            | Self::FieldRequiredChanged { .. } => true,
        }
    }
}

impl Change {
    pub fn is_breaking(&self) -> bool {
        self.kind.is_breaking()
    }
}

impl ChangeReport {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.is_breaking())
    }

    pub fn has_breaking(&self) -> bool {
        self.breaking().next().is_some()
    }

    /// `"no API changes"`, `"3 API changes, none breaking"`, `"5 API changes, 2 breaking"`.
    pub fn summary(&self) -> String {
        let total = self.changes.len();
        let breaking = self.breaking().count();
        match (total, breaking) {
            (0, _) => "no API changes".to_owned(),
            (1, 0) => "1 API change, not breaking".to_owned(),
            (1, _) => "1 API change, breaking".to_owned(),
            (_, 0) => format!("{total} API changes, none breaking"),
            _ => format!("{total} API changes, {breaking} breaking"),
        }
    }
}

/// Compares two loaded documents.
pub fn compare(old: &OpenAPI, new: &OpenAPI) -> ChangeReport {
    let pair = shape::Pair::new(old, new);
    let mut changes = Vec::new();
    operations::compare(&pair, &mut changes);
    schemas::compare(&pair, &mut changes);
    // Breaking first; then operations by path and method, then schemas by name.
    changes.sort_by(|a, b| b.is_breaking().cmp(&a.is_breaking()).then_with(|| a.place.cmp(&b.place)));
    ChangeReport { changes }
}

/// Loads both documents (JSON or YAML, Swagger 2.0 or OpenAPI 3.0) and compares them;
/// the names appear in load errors.
pub fn compare_documents(
    old: &[u8],
    old_name: &str,
    new: &[u8],
    new_name: &str,
) -> Result<ChangeReport, trackit_codegen::Error> {
    let old = trackit_codegen::load::load(old, old_name)?;
    let new = trackit_codegen::load::load(new, new_name)?;
    Ok(compare(&old, &new))
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Operation { path, method, operation_id: Some(id) } => write!(f, "{method} {path} ({id})"),
            Self::Operation { path, method, operation_id: None } => write!(f, "{method} {path}"),
            Self::Schema { name } => write!(f, "schema {name}"),
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let required = |required: &bool| if *required { "required" } else { "optional" };
        match self {
            Self::OperationAdded => f.write_str("operation added"),
            Self::OperationRemoved => f.write_str("operation removed"),
            Self::OperationIdChanged { from, to } => write!(f, "operationId renamed from {from} to {to}"),
            Self::ParameterAdded { parameter, ty, required: is } => {
                write!(f, "new {} {parameter} ({ty})", required(is))
            }
            Self::ParameterRemoved { parameter } => write!(f, "{parameter} removed"),
            Self::ParameterTypeChanged { parameter, from, to } => {
                write!(f, "{parameter} changed type from {from} to {to}")
            }
            Self::ParameterRequiredChanged { parameter, required: is } => {
                write!(f, "{parameter} is now {}", required(is))
            }
            Self::RequestBodyAdded { ty, required: is } => write!(f, "new {} request body ({ty})", required(is)),
            Self::RequestBodyRemoved { ty } => write!(f, "request body ({ty}) removed"),
            Self::RequestBodyTypeChanged { from, to } => write!(f, "request body changed type from {from} to {to}"),
            Self::RequestBodyRequiredChanged { required: is } => write!(f, "request body is now {}", required(is)),
            Self::ResponseTypeChanged { status, from, to } => {
                write!(f, "response {status} changed type from {from} to {to}")
            }
            Self::SchemaAdded => f.write_str("schema added"),
            Self::SchemaRemoved => f.write_str("schema removed"),
            Self::SchemaTypeChanged { from, to } => write!(f, "changed type from {from} to {to}"),
            Self::FieldAdded { field, ty, required: is, .. } => write!(f, "new {} field {field} ({ty})", required(is)),
            Self::FieldRemoved { field } => write!(f, "field {field} removed"),
            Self::FieldTypeChanged { field, from, to } => write!(f, "field {field} changed type from {from} to {to}"),
            Self::FieldRequiredChanged { field, required: is } => write!(f, "field {field} is now {}", required(is)),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.kind)
    }
}

impl fmt::Display for ChangeReport {
    /// The summary line, then one line per change: `  breaking    GET /x (Op): operation removed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())?;
        for change in &self.changes {
            let flag = if change.is_breaking() { "breaking  " } else { "compatible" };
            write!(f, "\n  {flag}  {change}")?;
        }
        Ok(())
    }
}
