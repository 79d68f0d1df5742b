//! 3C/4C partner evaluation: Capacity, Capability, Commitment and
//! optionally Customers, each scored 0–5, weighted, and placed in a decision band.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::issues::Checks;
use crate::{FieldError, Validation};

pub const MAX_SCORE: u8 = 5;
/// A C scored below this is a gap the action plan must address.
pub const GAP_BELOW: u8 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights3c {
    pub capacity: u32,
    pub capability: u32,
    pub commitment: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights4c {
    pub capacity: u32,
    pub capability: u32,
    pub commitment: u32,
    pub customers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scoring3c4c {
    /// Percent weights when Customers is not scored.
    pub weights_3c: Weights3c,
    /// Percent weights when Customers is scored.
    pub weights_4c: Weights4c,
    /// Lower bounds of the bands on the weighted 0–5 score; below `conditional_from` is no-go.
    pub go_from: Decimal,
    pub develop_from: Decimal,
    pub conditional_from: Decimal,
    /// Length of the development plan a "develop" partner gets.
    pub develop_plan_days: u32,
}

impl Default for Scoring3c4c {
    fn default() -> Self {
        Self {
            weights_3c: Weights3c {
                capacity: 30,
                capability: 40,
                commitment: 30,
            },
            weights_4c: Weights4c {
                capacity: 25,
                capability: 30,
                commitment: 25,
                customers: 20,
            },
            go_from: Decimal::new(35, 1),
            develop_from: Decimal::new(30, 1),
            conditional_from: Decimal::new(25, 1),
            develop_plan_days: 90,
        }
    }
}

impl Scoring3c4c {
    pub(super) fn check(&self, checks: &mut Checks) {
        let w = &self.weights_3c;
        checks.weights_sum_to_100(
            "scoring_3c4c.weights_3c",
            w.capacity + w.capability + w.commitment,
        );
        let w = &self.weights_4c;
        checks.weights_sum_to_100(
            "scoring_3c4c.weights_4c",
            w.capacity + w.capability + w.commitment + w.customers,
        );
        let max = Decimal::from(MAX_SCORE);
        if !(Decimal::ZERO < self.conditional_from
            && self.conditional_from < self.develop_from
            && self.develop_from < self.go_from
            && self.go_from <= max)
        {
            checks.error(
                "scoring_3c4c.go_from",
                format!(
                    "3C/4C bands must rise: 0 < conditional_from ({}) < develop_from ({}) < go_from ({}) ≤ 5",
                    self.conditional_from, self.develop_from, self.go_from
                ),
                "use rising lower bounds, e.g. 2.5, 3.0 and 3.5",
            );
        }
    }
}

/// The decision a 3C/4C evaluation leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = FitBand)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Go,
    /// Worth developing with a time-boxed plan.
    Develop,
    Conditional,
    NoGo,
}

impl Band {
    pub fn label(self) -> &'static str {
        match self {
            Band::Go => "Go",
            Band::Develop => "Develop",
            Band::Conditional => "Conditional",
            Band::NoGo => "No-go",
        }
    }
}

/// The four Cs as scored; Customers is optional (3C when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scores {
    pub capacity: u8,
    pub capability: u8,
    pub commitment: u8,
    pub customers: Option<u8>,
}

impl Scores {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        for (field, score) in [
            ("capacity", Some(self.capacity)),
            ("capability", Some(self.capability)),
            ("commitment", Some(self.commitment)),
            ("customers", self.customers),
        ] {
            if let Some(score) = score
                && score > MAX_SCORE
            {
                v.add(field, format!("score {score} is above {MAX_SCORE}"));
            }
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Weighted score 0–5, two decimals.
    pub score: Decimal,
    pub band: Band,
}

/// Weighs the scores and finds the band. The band is decided on the exact weighted score, so
/// 3.45 is "develop" even though it shows as 3.45.
pub fn score(config: &Scoring3c4c, scores: &Scores) -> Outcome {
    let weighted: Vec<(u8, u32)> = match scores.customers {
        Some(customers) => {
            let w = &config.weights_4c;
            vec![
                (scores.capacity, w.capacity),
                (scores.capability, w.capability),
                (scores.commitment, w.commitment),
                (customers, w.customers),
            ]
        }
        None => {
            let w = &config.weights_3c;
            vec![
                (scores.capacity, w.capacity),
                (scores.capability, w.capability),
                (scores.commitment, w.commitment),
            ]
        }
    };
    let total_weight: u32 = weighted.iter().map(|(_, w)| w).sum();
    let sum: Decimal = weighted
        .iter()
        .map(|(s, w)| Decimal::from(*s) * Decimal::from(*w))
        .sum();
    let exact = if total_weight == 0 {
        Decimal::ZERO
    } else {
        sum / Decimal::from(total_weight)
    };
    let band = if exact >= config.go_from {
        Band::Go
    } else if exact >= config.develop_from {
        Band::Develop
    } else if exact >= config.conditional_from {
        Band::Conditional
    } else {
        Band::NoGo
    };
    Outcome {
        score: exact.round_dp(2),
        band,
    }
}

/// A 3C/4C evaluation as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationInput {
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub capacity: String,
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub capability: String,
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub commitment: String,
    /// Empty for a 3C evaluation.
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = Option<i64>)]
    pub customers: String,
    pub capacity_notes: String,
    pub capability_notes: String,
    pub commitment_notes: String,
    pub customers_notes: String,
    /// Highlights and concerns.
    pub summary: String,
    /// What closes the gaps, with owners and dates.
    pub action_plan: String,
    /// Visible (read-only) to the partner's users.
    #[serde(deserialize_with = "crate::validation::checkbox")]
    pub shared: bool,
}

/// A checked evaluation, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EvaluationFields {
    pub scores: Scores,
    pub capacity_notes: String,
    pub capability_notes: String,
    pub commitment_notes: String,
    pub customers_notes: String,
    pub summary: String,
    pub action_plan: String,
    pub shared: bool,
}

impl EvaluationInput {
    pub fn validate(&self) -> Result<EvaluationFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let mut score = |field: &str, text: &str, required: bool| -> Option<u8> {
            let text = text.trim();
            if text.is_empty() {
                if required {
                    v.add(field, "is required (0 to 5)");
                }
                return None;
            }
            match text.parse::<u8>() {
                Ok(s) if s <= MAX_SCORE => Some(s),
                _ => {
                    v.add(field, format!("'{text}' is not a score from 0 to 5"));
                    None
                }
            }
        };
        let capacity = score("capacity", &self.capacity, true);
        let capability = score("capability", &self.capability, true);
        let commitment = score("commitment", &self.commitment, true);
        let customers = score("customers", &self.customers, false);
        let capacity_notes = v.text("capacity_notes", &self.capacity_notes, false, 4_000);
        let capability_notes = v.text("capability_notes", &self.capability_notes, false, 4_000);
        let commitment_notes = v.text("commitment_notes", &self.commitment_notes, false, 4_000);
        let customers_notes = v.text("customers_notes", &self.customers_notes, false, 4_000);
        let summary = v.text("summary", &self.summary, false, 4_000);
        let action_plan = v.text("action_plan", &self.action_plan, false, 8_000);
        let gap = [capacity, capability, commitment, customers]
            .iter()
            .flatten()
            .any(|s| *s < GAP_BELOW);
        if gap && action_plan.is_empty() {
            v.add(
                "action_plan",
                format!("is required when a C scores below {GAP_BELOW}: say what closes the gap, who and by when"),
            );
        }
        v.into_result()?;
        Ok(EvaluationFields {
            scores: Scores {
                capacity: capacity.unwrap_or_default(),
                capability: capability.unwrap_or_default(),
                commitment: commitment.unwrap_or_default(),
                customers,
            },
            capacity_notes,
            capability_notes,
            commitment_notes,
            customers_notes,
            summary,
            action_plan,
            shared: self.shared,
        })
    }
}
