//! Where a case stands and which moves each side may make from there.

use crate::choice_enum;
use crate::permissions::Action;
use crate::roles::Role;
use crate::validation::Choice;

choice_enum! {
    /// Where a case stands.
    #[schema(as = EscalationState)]
    State {
        Open => ("open", "Open"),
        Acknowledged => ("acknowledged", "Acknowledged"),
        InProgress => ("in_progress", "In progress"),
        WaitingOnPartner => ("waiting_on_partner", "Waiting on partner"),
        Resolved => ("resolved", "Resolved, awaiting the partner's confirmation"),
        Closed => ("closed", "Closed"),
        Reopened => ("reopened", "Reopened"),
    }
}

choice_enum! {
    /// A move a person asks for.
    #[schema(as = EscalationTransition)]
    Transition {
        Acknowledge => ("acknowledge", "Acknowledge"),
        Start => ("start", "Start work"),
        WaitOnPartner => ("wait_on_partner", "Wait on the partner"),
        Resume => ("resume", "Resume work"),
        Resolve => ("resolve", "Resolve"),
        ConfirmClosure => ("confirm_closure", "Confirm the resolution and close"),
        Reopen => ("reopen", "Reopen"),
    }
}

choice_enum! {
    /// Who asks: our people work a case; only the partner may accept its resolution or
    /// reject it, so a case is never closed over the partner's head.
    Side {
        Internal => ("internal", "Our people"),
        Partner => ("partner", "The partner"),
    }
}

impl Transition {
    pub fn side(self) -> Side {
        match self {
            Transition::ConfirmClosure | Transition::Reopen => Side::Partner,
            _ => Side::Internal,
        }
    }

    /// The states the move starts from.
    pub fn from(self) -> &'static [State] {
        match self {
            Transition::Acknowledge => &[State::Open],
            Transition::Start => &[State::Acknowledged, State::Reopened],
            Transition::WaitOnPartner => &[State::InProgress],
            Transition::Resume => &[State::WaitingOnPartner],
            Transition::Resolve => &[State::InProgress],
            Transition::ConfirmClosure | Transition::Reopen => &[State::Resolved],
        }
    }

    pub fn to(self) -> State {
        match self {
            Transition::Acknowledge => State::Acknowledged,
            Transition::Start | Transition::Resume => State::InProgress,
            Transition::WaitOnPartner => State::WaitingOnPartner,
            Transition::Resolve => State::Resolved,
            Transition::ConfirmClosure => State::Closed,
            Transition::Reopen => State::Reopened,
        }
    }
}

impl State {
    /// The moves `side` may make from here, in the order a page offers them.
    pub fn moves(self, side: Side) -> Vec<Transition> {
        Transition::ALL
            .iter()
            .copied()
            .filter(|t| t.side() == side && t.from().contains(&self))
            .collect()
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The move belongs to the other side.
    NotYours { transition: Transition, side: Side },
    /// The move does not start from the case's state.
    NotFrom {
        transition: Transition,
        state: State,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotYours {
                transition,
                side: Side::Internal,
            } => write!(
                f,
                "only the partner may {} a case",
                transition.label().to_lowercase()
            ),
            Refusal::NotYours { transition, .. } => write!(
                f,
                "only our people may {} a case",
                transition.label().to_lowercase()
            ),
            Refusal::NotFrom { transition, state } => {
                let allowed: Vec<&str> = transition
                    .from()
                    .iter()
                    .map(|s| s.label().split(',').next().unwrap_or_default())
                    .collect();
                write!(
                    f,
                    "a case that is {} cannot be moved by '{}' (only from: {})",
                    state.label().to_lowercase(),
                    transition.label(),
                    allowed.join(", ").to_lowercase()
                )
            }
        }
    }
}

/// The state `transition` by `side` leads to from `state`, or why it may not be made.
pub fn next(state: State, transition: Transition, side: Side) -> Result<State, Refusal> {
    if transition.side() != side {
        return Err(Refusal::NotYours { transition, side });
    }
    if !transition.from().contains(&state) {
        return Err(Refusal::NotFrom { transition, state });
    }
    Ok(transition.to())
}

/// Who of our people moves a case and writes to the partner on it (updates, remediation
/// actions): its owner, those the escalation ladder reached on it, and those who oversee
/// work (admins); while nobody owns the case, also those who may give it an owner. The rest
/// of our people who work escalations only read it and write internal notes.
pub fn may_work_case(role: Role, owner: bool, reached: bool, owned: bool) -> bool {
    role.is_internal()
        && Action::WorkEscalations.allows(role)
        && (owner
            || reached
            || Action::OverseeWork.allows(role)
            || (!owned && Action::ManagePartners.allows(role)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owner_those_reached_and_admins_work_a_case() {
        use Role::*;
        // (role, owner, reached, owned) → may work
        let cases = [
            (Finance, false, false, true, false),
            (Finance, true, false, true, true),
            (Sales, false, true, true, true),
            (PartnerManager, false, false, true, false),
            (PartnerManager, false, false, false, true),
            (Marketing, false, false, false, false),
            (Admin, false, false, true, true),
            (Executive, false, true, true, false),
            (PartnerUser, true, true, true, false),
        ];
        for (role, owner, reached, owned, may) in cases {
            assert_eq!(
                may_work_case(role, owner, reached, owned),
                may,
                "{role:?} owner {owner} reached {reached} owned {owned}"
            );
        }
    }
}
