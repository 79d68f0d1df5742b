//! Where a request stands and the moves Product makes from there.

use crate::choice_enum;
use crate::validation::Choice;

choice_enum! {
    /// Where a request stands; the partner reads it (and a decline's reason).
    #[schema(as = IntegrationRequestState)]
    State {
        Submitted => ("submitted", "Submitted"),
        UnderReview => ("under_review", "Under review"),
        Planned => ("planned", "Planned"),
        Declined => ("declined", "Declined"),
        Shipped => ("shipped", "Shipped"),
    }
}

choice_enum! {
    /// A move Product asks for.
    #[schema(as = IntegrationRequestTransition)]
    Transition {
        Review => ("review", "Start the review"),
        Plan => ("plan", "Plan it"),
        Decline => ("decline", "Decline"),
        Ship => ("ship", "Mark shipped"),
    }
}

impl Transition {
    /// The states the move starts from.
    pub fn from(self) -> &'static [State] {
        match self {
            Transition::Review => &[State::Submitted],
            Transition::Plan => &[State::UnderReview],
            Transition::Decline => &[State::Submitted, State::UnderReview, State::Planned],
            Transition::Ship => &[State::UnderReview, State::Planned],
        }
    }

    pub fn to(self) -> State {
        match self {
            Transition::Review => State::UnderReview,
            Transition::Plan => State::Planned,
            Transition::Decline => State::Declined,
            Transition::Ship => State::Shipped,
        }
    }

    /// A decline is explained to the partner.
    pub fn needs_reason(self) -> bool {
        self == Transition::Decline
    }
}

impl State {
    /// The moves possible from here, in the order a page offers them.
    pub fn moves(self) -> Vec<Transition> {
        Transition::ALL
            .iter()
            .copied()
            .filter(|t| t.from().contains(&self))
            .collect()
    }

    /// Declined and shipped requests are done: nothing moves them, nothing merges into them.
    pub fn is_final(self) -> bool {
        matches!(self, State::Declined | State::Shipped)
    }
}

/// The move does not start from the request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub transition: Transition,
    pub state: State,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let allowed: Vec<&str> = self.transition.from().iter().map(|s| s.label()).collect();
        write!(
            f,
            "a request that is {} cannot be moved by '{}' (only from: {})",
            self.state.label().to_lowercase(),
            self.transition.label(),
            allowed.join(", ").to_lowercase()
        )
    }
}

/// The state `transition` leads to from `state`, or why it may not be made.
pub fn next(state: State, transition: Transition) -> Result<State, Refusal> {
    if transition.from().contains(&state) {
        Ok(transition.to())
    } else {
        Err(Refusal { transition, state })
    }
}
