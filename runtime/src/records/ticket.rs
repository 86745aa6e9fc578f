//! Typed views of the records Track-It! sends most: tickets, assignments and notes.
//!
//! Each is a field bag underneath (it derefs to [`FieldBag`] and serializes as one), with
//! accessors for the common fields. An accessor reads a field by its stable sequence number
//! and its usual display name, as described for `(u32, &str)` keys in [`FieldKey`], so a field
//! an administrator renamed and a server that numbers fields differently both still work.
//!
//! [`FieldKey`]: super::FieldKey

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use super::{DateTime, FieldBag};

/// Declares a typed record: a transparent newtype over [`FieldBag`] with the conversions every
/// typed record shares.
macro_rules! record_type {
    ($(#[$attribute:meta])* $name:ident) => {
        $(#[$attribute])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(FieldBag);

        impl $name {
            /// Every field of the record, as a bag.
            #[must_use]
            pub fn into_fields(self) -> FieldBag {
                self.0
            }

            /// Every field of the record, as a bag (also reachable through `Deref`).
            #[must_use]
            pub fn fields(&self) -> &FieldBag {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = FieldBag;

            fn deref(&self) -> &FieldBag {
                &self.0
            }
        }

        impl AsRef<FieldBag> for $name {
            fn as_ref(&self) -> &FieldBag {
                &self.0
            }
        }

        impl From<FieldBag> for $name {
            fn from(fields: FieldBag) -> Self {
                $name(fields)
            }
        }

        impl From<$name> for FieldBag {
            fn from(record: $name) -> Self {
                record.0
            }
        }
    };
}

/// Fields tickets and assignments share, by sequence number and usual display name.
mod shared {
    pub const ID: u32 = 1;
    pub const OPEN_DATE: (u32, &str) = (12, "Open Date & Time");
    pub const CLOSE_DATE: (u32, &str) = (18, "Close Date & Time");
    pub const ASSIGNED_TO_GROUP: (u32, &str) = (34, "Assigned To Group");
    pub const ASSIGNED_TO_TECHNICIAN: (u32, &str) = (67, "Assigned To Technician");
    pub const CATEGORY: (u32, &str) = (72, "Category");
    pub const STATUS: (u32, &str) = (96, "Status");
    pub const PRIORITY: (u32, &str) = (107, "Priority");
}

/// The accessors tickets and assignments share: the same sequences and names in both.
macro_rules! shared_accessors {
    ($record:literal) => {
        /// Field 96, `Status`, e.g. `Open`.
        #[must_use]
        pub fn status(&self) -> Option<&str> {
            self.text(shared::STATUS)
        }

        /// Field 107, `Priority`, e.g. `2 - High`.
        #[must_use]
        pub fn priority(&self) -> Option<&str> {
            self.text(shared::PRIORITY)
        }

        /// Field 67, `Assigned To Technician`: the assigned technician's login, e.g. `JPIKE`
        /// (what an update writes to reassign).
        #[must_use]
        pub fn assignee(&self) -> Option<&str> {
            self.text(shared::ASSIGNED_TO_TECHNICIAN)
        }

        /// Field 34, `Assigned To Group`, e.g. `HELP DESK`.
        #[must_use]
        pub fn assigned_group(&self) -> Option<&str> {
            self.text(shared::ASSIGNED_TO_GROUP)
        }

        /// Field 12, `Open Date & Time`.
        #[must_use]
        pub fn opened(&self) -> Option<DateTime> {
            self.date(shared::OPEN_DATE)
        }

        #[doc = concat!(" Field 18, `Close Date & Time`; `None` while the ", $record, " is open.")]
        #[must_use]
        pub fn closed(&self) -> Option<DateTime> {
            self.date(shared::CLOSE_DATE)
        }
    };
}

record_type! {
    /// A ticket: the reply of `Ticket_Get`, `Ticket_Create` and `Ticket_Update` (under
    /// `"Ticket"`).
    ///
    /// ```
    /// use trackit_runtime::records::Ticket;
    ///
    /// let ticket: Ticket = serde_json::from_str(
    ///     r#"{
    ///         "1": {"DisplayName": "Ticket ID", "Value": 1042},
    ///         "12": {"DisplayName": "Open Date & Time", "Value": "2023-05-15T09:12:44"},
    ///         "18": {"DisplayName": "Close Date & Time", "Value": null},
    ///         "22": {"DisplayName": "Ticket Summary", "Value": "Docking station does not detect second monitor"},
    ///         "67": {"DisplayName": "Assigned To Technician", "Value": "JPIKE"},
    ///         "96": {"DisplayName": "Status", "Value": "Open"},
    ///         "107": {"DisplayName": "Priority", "Value": "2 - High"},
    ///         "310": {"DisplayName": "Asset Tag", "Value": "LT-0042"}
    ///     }"#,
    /// )?;
    /// assert_eq!(ticket.id(), Some(1042));
    /// assert_eq!(ticket.summary(), Some("Docking station does not detect second monitor"));
    /// assert_eq!(ticket.status(), Some("Open"));
    /// assert_eq!(ticket.assignee(), Some("JPIKE"));
    /// assert_eq!(ticket.opened().map(|opened| opened.date().to_string()), Some("2023-05-15".to_owned()));
    /// assert_eq!(ticket.closed(), None);
    /// // Fields without an accessor are in the bag underneath.
    /// assert_eq!(ticket.text("Asset Tag"), Some("LT-0042"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    Ticket
}

impl Ticket {
    shared_accessors!("ticket");

    /// Field 1, `Ticket ID`.
    #[must_use]
    pub fn id(&self) -> Option<i64> {
        self.integer((shared::ID, "Ticket ID"))
    }

    /// Field 22, `Ticket Summary`.
    #[must_use]
    pub fn summary(&self) -> Option<&str> {
        self.text((22, "Ticket Summary"))
    }

    /// Field 72, `Category`, e.g. `Hardware`.
    #[must_use]
    pub fn category(&self) -> Option<&str> {
        self.text(shared::CATEGORY)
    }

    /// Field 36, `Requestor ID`: the requestor's login, e.g. `ALINDQVIST`.
    #[must_use]
    pub fn requestor(&self) -> Option<&str> {
        self.text((36, "Requestor ID"))
    }

    /// Field 149, `Requestor Name`: the requestor's full name, e.g. `Avery Lindqvist`.
    #[must_use]
    pub fn requestor_name(&self) -> Option<&str> {
        self.text((149, "Requestor Name"))
    }

    /// Field 157, `Assigned To Technician Name`: the assigned technician's full name.
    #[must_use]
    pub fn assignee_name(&self) -> Option<&str> {
        self.text((157, "Assigned To Technician Name"))
    }
}

record_type! {
    /// An assignment (a task within a ticket): the reply of `Assignment_Get`,
    /// `Assignment_Create` and `Assignment_Update` (under `"Assignments"`), and the items of a
    /// ticket's assignment list. `Assignment_Get` leaves out fields that are `null`.
    Assignment
}

impl Assignment {
    shared_accessors!("assignment");

    /// Field 1, `Assignment ID`.
    #[must_use]
    pub fn id(&self) -> Option<i64> {
        self.integer((shared::ID, "Assignment ID"))
    }

    /// Field 5, `Ticket ID`: the ticket the assignment belongs to.
    #[must_use]
    pub fn ticket_id(&self) -> Option<i64> {
        self.integer((5, "Ticket ID"))
    }

    /// Field 22, `Summary`.
    #[must_use]
    pub fn summary(&self) -> Option<&str> {
        self.text((22, "Summary"))
    }
}

record_type! {
    /// A note on a ticket or an assignment: the reply of `Ticket_AddNote`,
    /// `Assignment_AddNote` and the note getters (under `"Note"`), and the items of a notes
    /// list.
    ///
    /// [`Note::text`] is the note's text; the bag's own `text(key)` reader stays reachable as
    /// `note.fields().text(key)`.
    Note
}

impl Note {
    /// Field 1, `Note ID`.
    #[must_use]
    pub fn id(&self) -> Option<i64> {
        self.integer((1, "Note ID"))
    }

    /// Field 6, `Note`: the text of the note.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        self.0.text((6, "Note"))
    }

    /// Field 4, `Note Type`, e.g. `Technician Note` or `Ticket Resolution`.
    #[must_use]
    pub fn note_type(&self) -> Option<&str> {
        self.0.text((4, "Note Type"))
    }

    /// Field 5, `Activity Code`, e.g. `Note By Technician`.
    #[must_use]
    pub fn activity_code(&self) -> Option<&str> {
        self.0.text((5, "Activity Code"))
    }

    /// Field 3, `Created By`: the login of who wrote the note.
    #[must_use]
    pub fn created_by(&self) -> Option<&str> {
        self.0.text((3, "Created By"))
    }

    /// Field 2, `Created Date`.
    #[must_use]
    pub fn created(&self) -> Option<DateTime> {
        self.date((2, "Created Date"))
    }

    /// Field 7, `Duration`, as Track-It! writes it, e.g. `00:15`.
    #[must_use]
    pub fn duration(&self) -> Option<&str> {
        self.0.text((7, "Duration"))
    }

    /// Field 8, `Private`: whether only technicians see the note (ticket notes only).
    #[must_use]
    pub fn is_private(&self) -> Option<bool> {
        self.boolean((8, "Private"))
    }

    /// Field 9, `System Note`: whether Track-It! wrote the note itself (a status change, say).
    #[must_use]
    pub fn is_system(&self) -> Option<bool> {
        self.boolean((9, "System Note"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Page, format_date};
    use super::*;

    #[test]
    fn a_ticket_reads_its_common_fields() {
        let ticket: Ticket = serde_json::from_value(json!({
            "1": {"DisplayName": "Ticket ID", "Value": 1042},
            "12": {"DisplayName": "Open Date & Time", "Value": "2023-05-15T09:12:44"},
            "18": {"DisplayName": "Close Date & Time", "Value": "2023-05-17T16:00:00.997"},
            "22": {"DisplayName": "Ticket Summary", "Value": "Docking station does not detect second monitor"},
            "34": {"DisplayName": "Assigned To Group", "Value": "HELP DESK"},
            "36": {"DisplayName": "Requestor ID", "Value": "ALINDQVIST"},
            "67": {"DisplayName": "Assigned To Technician", "Value": "JPIKE"},
            "72": {"DisplayName": "Category", "Value": "Hardware"},
            "96": {"DisplayName": "Status", "Value": "Closed"},
            "107": {"DisplayName": "Priority", "Value": "2 - High"},
            "149": {"DisplayName": "Requestor Name", "Value": "Avery Lindqvist"},
            "157": {"DisplayName": "Assigned To Technician Name", "Value": "Jordan Pike"}
        }))
        .expect("reads");
        assert_eq!(ticket.id(), Some(1042));
        assert_eq!(ticket.summary(), Some("Docking station does not detect second monitor"));
        assert_eq!(ticket.status(), Some("Closed"));
        assert_eq!(ticket.priority(), Some("2 - High"));
        assert_eq!(ticket.category(), Some("Hardware"));
        assert_eq!(ticket.requestor(), Some("ALINDQVIST"));
        assert_eq!(ticket.requestor_name(), Some("Avery Lindqvist"));
        assert_eq!(ticket.assignee(), Some("JPIKE"));
        assert_eq!(ticket.assignee_name(), Some("Jordan Pike"));
        assert_eq!(ticket.assigned_group(), Some("HELP DESK"));
        assert_eq!(ticket.opened().map(format_date).as_deref(), Some("2023-05-15T09:12:44"));
        assert_eq!(ticket.closed().map(format_date).as_deref(), Some("2023-05-17T16:00:00"));
    }

    #[test]
    fn a_ticket_survives_renames_and_other_numbering() {
        let ticket: Ticket = serde_json::from_value(json!({
            "1": {"DisplayName": "Ticket ID", "Value": "1042"},
            "22": {"DisplayName": "Problem", "Value": "Renamed summary"},
            "96": {"DisplayName": "Department", "Value": "Finance"},
            "300": {"DisplayName": "status", "Value": "Open"}
        }))
        .expect("reads");
        assert_eq!(ticket.id(), Some(1042));
        assert_eq!(ticket.summary(), Some("Renamed summary"));
        assert_eq!(ticket.status(), Some("Open"));
        assert_eq!(ticket.priority(), None);
        assert_eq!(ticket.opened(), None);
    }

    #[test]
    fn a_ticket_is_a_bag_both_ways() {
        let ticket: Ticket = serde_json::from_value(json!({
            "1": {"DisplayName": "Ticket ID", "Value": 7},
            "999": {"DisplayName": "Unknown", "Value": [1]}
        }))
        .expect("reads");
        assert_eq!(ticket.len(), 2);
        assert_eq!(ticket.value("Unknown"), Some(&json!([1])));
        let round_trip = serde_json::to_value(&ticket).expect("writes");
        assert_eq!(round_trip["999"]["Value"], json!([1]));
        let bag: FieldBag = ticket.clone().into_fields();
        assert_eq!(Ticket::from(bag.clone()), ticket);
        assert_eq!(FieldBag::from(ticket), bag);
    }

    #[test]
    fn an_assignment_reads_its_common_fields() {
        let assignment: Assignment = serde_json::from_value(json!({
            "1": {"DisplayName": "Assignment ID", "Value": 3307},
            "5": {"DisplayName": "Ticket ID", "Value": 1042},
            "12": {"DisplayName": "Open Date & Time", "Value": "2023-05-16T15:20:02"},
            "22": {"DisplayName": "Summary", "Value": "Replace USB-C dock for A. Lindqvist"},
            "34": {"DisplayName": "Assigned To Group", "Value": "HELP DESK"},
            "67": {"DisplayName": "Assigned To Technician", "Value": "SORTEGA"},
            "96": {"DisplayName": "Status", "Value": "Open"},
            "107": {"DisplayName": "Priority", "Value": "3 - Medium"}
        }))
        .expect("reads");
        assert_eq!(assignment.id(), Some(3307));
        assert_eq!(assignment.ticket_id(), Some(1042));
        assert_eq!(assignment.summary(), Some("Replace USB-C dock for A. Lindqvist"));
        assert_eq!(assignment.status(), Some("Open"));
        assert_eq!(assignment.priority(), Some("3 - Medium"));
        assert_eq!(assignment.assignee(), Some("SORTEGA"));
        assert_eq!(assignment.assigned_group(), Some("HELP DESK"));
        assert_eq!(assignment.opened().map(DateTime::hour), Some(15));
        // Assignment_Get leaves null fields out.
        assert_eq!(assignment.closed(), None);
    }

    #[test]
    fn a_notes_page_reads_into_notes() {
        let page: Page<Note> = serde_json::from_value(json!({
            "Count": 2,
            "Notes": [
                {
                    "1": {"DisplayName": "Note ID", "Value": 88121},
                    "2": {"DisplayName": "Created Date", "Value": "2023-05-16T14:07:31"},
                    "3": {"DisplayName": "Created By", "Value": "JPIKE"},
                    "4": {"DisplayName": "Note Type", "Value": "Technician Note"},
                    "5": {"DisplayName": "Activity Code", "Value": "Note By Technician"},
                    "6": {"DisplayName": "Note", "Value": "Asked user to try a different USB-C port; no change."},
                    "7": {"DisplayName": "Duration", "Value": "00:15"},
                    "8": {"DisplayName": "Private", "Value": "False"},
                    "9": {"DisplayName": "System Note", "Value": false}
                },
                {
                    "1": {"DisplayName": "Note ID", "Value": 90211},
                    "6": {"DisplayName": "Note", "Value": "Dock swapped at desk B-214."}
                }
            ]
        }))
        .expect("reads");
        assert_eq!(page.count, 2);
        let first = &page.items[0];
        assert_eq!(first.id(), Some(88121));
        assert_eq!(first.text(), Some("Asked user to try a different USB-C port; no change."));
        assert_eq!(first.fields().text(4), Some("Technician Note"));
        assert_eq!(first.note_type(), Some("Technician Note"));
        assert_eq!(first.activity_code(), Some("Note By Technician"));
        assert_eq!(first.created_by(), Some("JPIKE"));
        assert_eq!(first.created().map(format_date).as_deref(), Some("2023-05-16T14:07:31"));
        assert_eq!(first.duration(), Some("00:15"));
        assert_eq!(first.is_private(), Some(false));
        assert_eq!(first.is_system(), Some(false));
        let second = &page.items[1];
        assert_eq!(second.text(), Some("Dock swapped at desk B-214."));
        assert_eq!(second.is_private(), None);
    }
}
