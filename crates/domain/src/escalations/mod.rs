//! Escalation cases: a problem a partner or one of our people raises, worked by an owner
//! through acknowledged, in progress and waiting on the partner to resolved, and closed only
//! when the partner confirms. The case's recorded state changes are the one source of its
//! SLA clocks: response and resolution due times are derived from them, never stored.

mod input;
mod sla;
mod states;

pub use input::{Form, Input, MAX_ISSUE, validate};
pub use sla::{SlaView, StateChange, sla_view};
pub use states::{Refusal, Side, State, Transition, next};

pub use crate::program::policy::{EscalationCategory as Category, Urgency};

#[cfg(test)]
mod tests;
