//! Internal alignment rules: the business calendar, SLA clocks with pauses, and routing of
//! work by the RACI matrix and of breached escalations by the escalation paths. Pure: every
//! rule takes `now` and the program's policies as arguments, so the sweeps, queues and pages
//! that use them agree and each boundary is tested without a database.

mod calendar;
mod routing;
mod sla;

pub use calendar::BusinessCalendar;
pub use routing::{Activity, EscalationTarget, Route, escalation_target, route};
pub use sla::{Pause, SlaClock, SlaState, Target};

#[cfg(test)]
mod tests;
