//! Typed Track-It! records: field bags, tickets, assignments, notes, pages of lists, and the
//! body of a create or update.
//!
//! Track-It! sends every record as a *field bag*: a JSON object keyed by field sequence number,
//! each field `{"DisplayName": "...", "Value": ...}`. Administrators can rename display names;
//! sequence numbers stay. [`FieldBag`] keeps every field and finds one by either; [`Ticket`],
//! [`Assignment`] and [`Note`] add accessors for the common fields; [`Page`] reads the
//! `{"Count": n, "<Items>": [...]}` replies of the list endpoints; [`RecordInput`] builds the
//! `{"Properties": {...}}` body of a write and checks its names against `GET module/{n}/fields`.
//!
//! Values are read leniently, as Track-It! needs: ids may be numbers or numeric strings,
//! booleans `true` or `"True"`, dates ISO text without an offset (read as [`DateTime`]).
//!
//! ```
//! use trackit_runtime::records::{Page, RecordInput, Ticket};
//!
//! let reply: serde_json::Value = serde_json::from_str(
//!     r#"{"Ticket": {"1": {"DisplayName": "Ticket ID", "Value": 1042},
//!                    "96": {"DisplayName": "Status", "Value": "Open"}}}"#,
//! )?;
//! let ticket: Ticket = serde_json::from_value(reply["Ticket"].clone())?;
//! assert_eq!((ticket.id(), ticket.status()), (Some(1042), Some("Open")));
//!
//! let close = RecordInput::new().field("Status", "Closed");
//! assert_eq!(serde_json::to_string(&close)?, r#"{"Properties":{"Status":"Closed"}}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

mod bag;
mod input;
mod key;
mod lenient;
mod page;
mod ticket;

/// The `time` crate, so that users can name and work with [`DateTime`] without depending on it
/// themselves.
#[doc(no_inline)]
pub use ::time;

/// The module sequence of tickets, for `GET module/{n}/fields` and a search's `ModuleId`
/// (Track-It!'s documentation; the sequences of other modules are not published).
pub const TICKET_MODULE: i32 = 24;

pub use bag::{Field, FieldBag};
pub use input::RecordInput;
pub use key::FieldKey;
pub use lenient::{format_date, parse_date};
pub use page::Page;
pub use ticket::{Assignment, Note, Ticket};

/// A date and time as Track-It! writes them: the server's local clock, without an offset.
pub type DateTime = time::PrimitiveDateTime;

/// A record without a dedicated type: templates, solutions, attachments, search results.
pub type Record = FieldBag;
