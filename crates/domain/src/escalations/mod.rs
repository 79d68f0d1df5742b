//! Escalation cases: a problem a partner or one of our people raises, worked by an owner
//! through acknowledged, in progress and waiting on the partner to resolved, and closed only
//! when the partner confirms. The case's recorded state changes are the one source of its
//! SLA clocks: response and resolution due times are derived from them, never stored.

mod input;
mod review;
mod sla;
mod states;
mod sweep;
pub mod trends;

pub use input::{Form, Input, MAX_ISSUE, parse_reference, validate};
pub use review::{MAX_REVIEW_FIELD, Review, ReviewForm, reviewable, validate_review};
pub use sla::{
    ClockState, EscalationTargets, SlaView, StateChange, clock, escalation_targets,
    response_target, sla_view,
};
pub use states::{Refusal, Side, State, Transition, may_work_case, next};
pub use sweep::{
    Reach, SlaTarget, auto_close_at, auto_close_due, reach, step_due, title_label, warnings_due,
};

pub use crate::program::policy::{EscalationCategory as Category, Urgency};

crate::choice_enum! {
    /// What a line of a case's log is: an update written to the partner or by them, our
    /// people's internal note (never shown to the partner), a remediation action (something
    /// someone will do, perhaps by a day; done once), a move of the case, or the sweep's
    /// internal record of a step of the escalation ladder or of a "due soon" warning.
    #[schema(as = EscalationEntryKind)]
    EntryKind {
        Update => ("update", "Update"),
        InternalNote => ("internal_note", "Internal note"),
        Remediation => ("remediation", "Remediation action"),
        StateChange => ("state_change", "State change"),
        Escalated => ("escalated", "Escalated"),
        SlaWarning => ("sla_warning", "SLA warning"),
    }
}

impl EntryKind {
    pub fn visible_to_partner(self) -> bool {
        !matches!(
            self,
            EntryKind::InternalNote | EntryKind::Escalated | EntryKind::SlaWarning
        )
    }
}

/// How a case is named to people: ESC-000123.
pub fn reference(number: i64) -> String {
    format!("ESC-{number:06}")
}

#[cfg(test)]
mod tests;
