//! Teams: groups of our people, one per team key of the RACI matrix. Roles stay the source
//! of what anyone may do; being on a team only widens what that team's own items allow
//! (`permissions::may_tick_onboarding_item`). The stakeholder map's entry of a team is
//! checked here.

use crate::FieldError;
use crate::program::policy::{Raci, RaciMatrix, Team};
use crate::validation::Validation;

/// Every team in the order pages show them.
pub const ALL: [Team; 8] = [
    Team::Sales,
    Team::Marketing,
    Team::Product,
    Team::Finance,
    Team::Legal,
    Team::CustomerSuccess,
    Team::PartnerManager,
    Team::Executive,
];

/// The team with this key (`customer_success`), if any.
pub fn parse(key: &str) -> Option<Team> {
    ALL.into_iter().find(|t| t.key() == key)
}

pub fn label(team: Team) -> &'static str {
    match team {
        Team::Sales => "Sales",
        Team::Marketing => "Marketing",
        Team::Product => "Product",
        Team::Finance => "Finance",
        Team::Legal => "Legal",
        Team::CustomerSuccess => "Customer success",
        Team::PartnerManager => "Partner management",
        Team::Executive => "Executive",
    }
}

/// The letter as program.toml writes it.
pub fn raci_letter(raci: Raci) -> &'static str {
    match raci {
        Raci::Responsible => "R",
        Raci::Accountable => "A",
        Raci::Consulted => "C",
        Raci::Informed => "I",
    }
}

/// The letter in words, as pages show it.
pub fn raci_word(raci: Raci) -> &'static str {
    match raci {
        Raci::Responsible => "Responsible",
        Raci::Accountable => "Accountable",
        Raci::Consulted => "Consulted",
        Raci::Informed => "Informed",
    }
}

/// The activities a team has a part in, in the matrix's activity order.
pub fn parts(matrix: &RaciMatrix, team: Team) -> Vec<(String, Raci)> {
    matrix
        .0
        .iter()
        .filter_map(|(activity, row)| row.get(&team).map(|r| (activity.clone(), *r)))
        .collect()
}

pub const DECISION_MAKER_MAX: usize = 200;
pub const NOTE_MAX: usize = 2_000;
pub const CHAMPION_NAME_MAX: usize = 200;

/// A team's entry on the stakeholder map as typed in a form or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StakeholderInput {
    /// The version the editor read; a write against another version is refused (409).
    pub version: String,
    pub decision_maker: String,
    pub cares_about: String,
    pub blockers: String,
    /// An internal user's id, or empty.
    pub champion_user_id: String,
    /// A champion named in words (someone without an account), or empty.
    pub champion_name: String,
}

/// What a valid entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stakeholder {
    pub version: i64,
    pub decision_maker: String,
    pub cares_about: String,
    pub blockers: String,
    pub champion_user_id: Option<uuid::Uuid>,
    pub champion_name: String,
}

impl StakeholderInput {
    pub fn validate(&self) -> Result<Stakeholder, Vec<FieldError>> {
        let mut v = Validation::new();
        let version = match self.version.trim().parse::<i64>() {
            Ok(n) if n >= 0 => n,
            _ => {
                v.add(
                    "version",
                    "must be the version the entry was read at (a whole number)",
                );
                0
            }
        };
        let decision_maker = v.name(
            "decision_maker",
            &self.decision_maker,
            false,
            DECISION_MAKER_MAX,
        );
        let cares_about = v.text("cares_about", &self.cares_about, false, NOTE_MAX);
        let blockers = v.text("blockers", &self.blockers, false, NOTE_MAX);
        let champion_name = v.name(
            "champion_name",
            &self.champion_name,
            false,
            CHAMPION_NAME_MAX,
        );
        let id = self.champion_user_id.trim();
        let champion_user_id = if id.is_empty() {
            None
        } else {
            match uuid::Uuid::parse_str(id) {
                Ok(id) => Some(id),
                Err(_) => {
                    v.add("champion_user_id", "is not a user's id");
                    None
                }
            }
        };
        if champion_user_id.is_some() && !champion_name.is_empty() {
            v.add(
                "champion_name",
                "name the champion once: choose a user or type a name, not both",
            );
        }
        v.into_result()?;
        Ok(Stakeholder {
            version,
            decision_maker,
            cares_about,
            blockers,
            champion_user_id,
            champion_name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_read_as_words() {
        for team in ALL {
            assert_eq!(parse(team.key()), Some(team));
        }
        assert_eq!(parse("customer_success"), Some(Team::CustomerSuccess));
        assert_eq!(parse("Sales"), None);
        assert_eq!(label(Team::CustomerSuccess), "Customer success");
        assert_eq!(raci_word(Raci::Consulted), "Consulted");
        assert_eq!(raci_letter(Raci::Informed), "I");
    }

    #[test]
    fn a_teams_parts_in_the_default_matrix() {
        let matrix = RaciMatrix::default();
        assert_eq!(
            parts(&matrix, Team::Finance),
            [
                ("commission_payment".to_owned(), Raci::Responsible),
                ("contract_review".to_owned(), Raci::Consulted),
                ("onboarding".to_owned(), Raci::Consulted),
            ]
        );
        assert_eq!(
            parts(&matrix, Team::Legal),
            [("contract_review".to_owned(), Raci::Responsible)]
        );
    }

    #[test]
    fn stakeholder_entries_are_checked_field_by_field() {
        let ok = StakeholderInput {
            version: "3".into(),
            decision_maker: " VP Marketing ".into(),
            champion_name: "Ana".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.version, 3);
        assert_eq!(ok.decision_maker, "VP Marketing");
        assert_eq!(ok.champion_user_id, None);

        let errors = StakeholderInput {
            version: "three".into(),
            decision_maker: "x".repeat(201),
            blockers: "y".repeat(2_001),
            champion_user_id: "0193a2a0-0000-7000-8000-000000000001".into(),
            champion_name: "Ana".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["version", "decision_maker", "blockers", "champion_name"]
        );
        assert_eq!(errors[1].message, "must be at most 200 characters");
        let bad_id = StakeholderInput {
            version: "0".into(),
            champion_user_id: "ana".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(bad_id[0].field, "champion_user_id");

        // Names on the map are shown to every internal user: none may reorder the text.
        let reordered = StakeholderInput {
            version: "0".into(),
            decision_maker: "VP\u{202E}selaS".into(),
            champion_name: "Lee\u{202E}evil".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = reordered.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["decision_maker", "champion_name"]);
        assert_eq!(
            reordered[1].message,
            "must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)"
        );
    }
}
