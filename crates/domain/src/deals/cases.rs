//! Conflict cases: a registration whose conflict check is not clear opens an escalation case
//! of the category channel_conflict (`crate::escalations`), worked, escalated and closed like
//! any other; resolving it records how the conflict ended ([`Outcome`]).

use crate::choice_enum;

choice_enum! {
    /// How a conflict ended.
    Outcome {
        RegistrationWins => ("registration_wins", "The registering partner keeps the customer"),
        OtherPartyWins => ("other_party_wins", "The earlier registration or our direct team keeps the customer"),
        CoSell => ("co_sell", "Shared: worked as a co-sell"),
        NotAConflict => ("not_a_conflict", "Not the same customer"),
    }
}

/// The issue of a registration's conflict case, as the registering partner reads it: its own
/// registration and customer and, in plain words, that a review is needed — never which
/// verdict, other partner or registration was found (those stay in the registration's
/// internal findings). Migration 0039 writes the same words for the cases it moved.
pub fn case_issue(reference: &str, customer_name: &str) -> String {
    format!(
        "Registration {reference} for {customer_name} needs a conflict review: we are checking \
         whether another registration or one of our own customers overlaps with it."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_names_only_the_partners_own_registration() {
        assert_eq!(
            case_issue("DR-4821937", "Acme GmbH"),
            "Registration DR-4821937 for Acme GmbH needs a conflict review: we are checking \
             whether another registration or one of our own customers overlaps with it."
        );
    }
}
