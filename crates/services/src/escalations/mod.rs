//! Escalation cases: raised by a partner's people for their organisation or by ours for any
//! partner, owned by one of our people (the partner's manager unless reassigned), worked
//! through the states of `domain::escalations` and closed only by the partner's confirmation.
//! A partner's people see the partner shapes (`Partner*`), built without internal notes or
//! internal fields; our people see the full case with its SLA clocks.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod cases;
mod list;
mod log;
mod paths;
mod review;
mod state;
mod sweep;
mod trends;
mod views;

pub(crate) use cases::submitter_and_partner;
pub use cases::{Move, Reassign};
pub use list::EscalationQuery;
pub use log::{ActionInput, EntryInput};
pub use paths::{TitleHolderInput, TitleView};
pub use review::{ReviewView, may_write_review};
pub(crate) use state::{close_moot_conflict, running_clock};
pub use sweep::{ESCALATION_SWEEP, SweepReport};
pub use trends::{KeyCount, QuarterTrend, TrendsQuery, TrendsView};
pub use views::{
    CaseDetail, CaseView, ClockView, EntryView, Escalation, Escalations, LadderStep,
    PartnerCaseDetail, PartnerCaseView, PartnerEntryView,
};
