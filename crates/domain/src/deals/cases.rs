//! Conflict cases: a registration that is not clear opens a case the partner manager works
//! through — identified (at submission), investigated, resolved with a recorded outcome —
//! within the program's SLAs ([slas] conflict_*_hours). A case left open climbs the ladder:
//! partner manager, then the VP after `escalate_to_vp_days`, then the executives after
//! `escalate_to_executives_days`.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::choice_enum;
use crate::program::policy::Slas;
use crate::validation::Choice;

choice_enum! {
    /// How a conflict case ended.
    Outcome {
        RegistrationWins => ("registration_wins", "The registering partner keeps the customer"),
        OtherPartyWins => ("other_party_wins", "The earlier registration or our direct team keeps the customer"),
        CoSell => ("co_sell", "Shared: worked as a co-sell"),
        NotAConflict => ("not_a_conflict", "Not the same customer"),
    }
}

choice_enum! {
    /// Where a case stands.
    Stage {
        Open => ("open", "Open"),
        Investigating => ("investigating", "Investigating"),
        Resolved => ("resolved", "Resolved"),
    }
}

choice_enum! {
    /// Who an unresolved case has reached.
    Level {
        PartnerManager => ("partner_manager", "Partner manager"),
        Vp => ("vp", "VP"),
        Executives => ("executives", "Executives"),
    }
}

impl Level {
    pub fn rank(self) -> i64 {
        match self {
            Level::PartnerManager => 0,
            Level::Vp => 1,
            Level::Executives => 2,
        }
    }

    pub fn from_rank(rank: i64) -> Level {
        match rank {
            ..=0 => Level::PartnerManager,
            1 => Level::Vp,
            _ => Level::Executives,
        }
    }
}

/// A case's deadlines from the moment it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Deadlines {
    #[serde(with = "time::serde::rfc3339")]
    pub identify_by: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub investigate_by: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub resolve_by: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub vp_from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub executives_from: OffsetDateTime,
}

pub fn deadlines(opened_at: OffsetDateTime, slas: &Slas) -> Deadlines {
    let hours = |h: u32| opened_at + Duration::hours(h.into());
    let days = |d: u32| opened_at + Duration::days(d.into());
    Deadlines {
        identify_by: hours(slas.conflict_identify_hours),
        investigate_by: hours(slas.conflict_investigate_hours),
        resolve_by: hours(slas.conflict_resolve_hours),
        vp_from: days(slas.escalate_to_vp_days),
        executives_from: days(slas.escalate_to_executives_days),
    }
}

/// What is late about a case at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Lateness {
    /// Nobody started investigating within the SLA.
    pub investigation_overdue: bool,
    /// Still unresolved past the resolution SLA.
    pub resolution_overdue: bool,
}

pub fn lateness(stage: Stage, deadlines: &Deadlines, now: OffsetDateTime) -> Lateness {
    Lateness {
        investigation_overdue: stage == Stage::Open && now > deadlines.investigate_by,
        resolution_overdue: stage != Stage::Resolved && now > deadlines.resolve_by,
    }
}

/// Whom an unresolved case has reached at `now` (a resolved case stays where it ended).
pub fn escalation_level(stage: Stage, deadlines: &Deadlines, now: OffsetDateTime) -> Level {
    if stage == Stage::Resolved || now < deadlines.vp_from {
        Level::PartnerManager
    } else if now < deadlines.executives_from {
        Level::Vp
    } else {
        Level::Executives
    }
}

/// How a registration's decision settles its case when nobody resolved it first: an
/// approval keeps the customer with the registering partner, a rejection with the other side.
pub fn outcome_of_decision(approved: bool) -> Outcome {
    if approved {
        Outcome::RegistrationWins
    } else {
        Outcome::OtherPartyWins
    }
}

/// The stage a case may move to from `from`, or why not.
pub fn check_move(from: Stage, to: Stage) -> Result<(), String> {
    match (from, to) {
        (Stage::Open, Stage::Investigating | Stage::Resolved)
        | (Stage::Investigating, Stage::Resolved) => Ok(()),
        (Stage::Resolved, _) => Err("this conflict case is already resolved".into()),
        (from, to) => Err(format!(
            "a case that is {} cannot become {}",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_ladder_follows_the_program_slas_to_the_second() {
        let slas = Slas::default();
        let opened = datetime!(2026-11-02 09:00 UTC);
        let d = deadlines(opened, &slas);
        assert_eq!(d.identify_by, datetime!(2026-11-03 09:00 UTC));
        assert_eq!(d.investigate_by, datetime!(2026-11-04 09:00 UTC));
        assert_eq!(d.resolve_by, datetime!(2026-11-05 09:00 UTC));
        let at = |t| escalation_level(Stage::Investigating, &d, t);
        assert_eq!(
            at(datetime!(2026-11-09 08:59:59 UTC)),
            Level::PartnerManager
        );
        assert_eq!(at(datetime!(2026-11-09 09:00 UTC)), Level::Vp);
        assert_eq!(at(datetime!(2026-11-16 08:59:59 UTC)), Level::Vp);
        assert_eq!(at(datetime!(2026-11-16 09:00 UTC)), Level::Executives);
        assert_eq!(
            escalation_level(Stage::Resolved, &d, datetime!(2026-12-31 00:00 UTC)),
            Level::PartnerManager
        );
        let custom = Slas {
            escalate_to_vp_days: 2,
            escalate_to_executives_days: 3,
            ..Slas::default()
        };
        let d2 = deadlines(opened, &custom);
        assert_eq!(
            escalation_level(Stage::Open, &d2, datetime!(2026-11-04 09:00 UTC)),
            Level::Vp
        );
        for level in Level::ALL {
            assert_eq!(Level::from_rank(level.rank()), *level);
        }
    }

    #[test]
    fn lateness_counts_only_what_is_still_to_do() {
        let d = deadlines(datetime!(2026-11-02 09:00 UTC), &Slas::default());
        let before = datetime!(2026-11-04 09:00 UTC);
        let after_investigate = datetime!(2026-11-04 09:00:01 UTC);
        let after_resolve = datetime!(2026-11-05 09:00:01 UTC);
        assert_eq!(lateness(Stage::Open, &d, before), Lateness::default());
        assert!(lateness(Stage::Open, &d, after_investigate).investigation_overdue);
        assert!(!lateness(Stage::Investigating, &d, after_investigate).investigation_overdue);
        assert_eq!(
            lateness(Stage::Investigating, &d, after_resolve),
            Lateness {
                investigation_overdue: false,
                resolution_overdue: true
            }
        );
        assert_eq!(
            lateness(Stage::Resolved, &d, after_resolve),
            Lateness::default()
        );
    }

    #[test]
    fn a_decision_settles_an_open_case_for_its_side() {
        assert_eq!(outcome_of_decision(true), Outcome::RegistrationWins);
        assert_eq!(outcome_of_decision(false), Outcome::OtherPartyWins);
    }

    #[test]
    fn cases_move_forward_only() {
        assert!(check_move(Stage::Open, Stage::Investigating).is_ok());
        assert!(check_move(Stage::Open, Stage::Resolved).is_ok());
        assert!(check_move(Stage::Investigating, Stage::Resolved).is_ok());
        assert_eq!(
            check_move(Stage::Investigating, Stage::Investigating),
            Err("a case that is investigating cannot become investigating".into())
        );
        assert_eq!(
            check_move(Stage::Resolved, Stage::Investigating),
            Err("this conflict case is already resolved".into())
        );
    }
}
