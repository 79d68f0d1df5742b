//! The Ideal Partner Profile: weighted categories of criteria, each
//! criterion scored 0–5 by whoever qualifies the partner, and hard red flags. The fit score
//! runs 0–100 and names what each criterion contributed; any red flag disqualifies.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Deserialize;

use super::issues::Checks;
use crate::{FieldError, Validation};

pub const MAX_SCORE: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IppCriterion {
    pub key: String,
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IppCategory {
    pub key: String,
    pub name: String,
    /// Share of the 0–100 fit score; the categories' weights add up to 100.
    pub weight: u32,
    /// The category's average must reach this (0–5) or the partner is not a fit.
    #[serde(default)]
    pub min_score: Option<Decimal>,
    pub criteria: Vec<IppCriterion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ipp {
    /// Customer overlap a strategic partner should show (percent of their book).
    pub strategic_min_overlap_percent: Decimal,
    pub categories: Vec<IppCategory>,
    pub red_flags: Vec<RedFlag>,
}

impl Default for Ipp {
    fn default() -> Self {
        let category =
            |key: &str, name: &str, weight, min_score: Option<i64>, criteria: &[(&str, &str)]| {
                IppCategory {
                    key: key.into(),
                    name: name.into(),
                    weight,
                    min_score: min_score.map(Decimal::from),
                    criteria: criteria
                        .iter()
                        .map(|(key, question)| IppCriterion {
                            key: (*key).into(),
                            question: (*question).into(),
                        })
                        .collect(),
                }
            };
        let flag = |key: &str, label: &str| RedFlag {
            key: key.into(),
            label: label.into(),
        };
        Self {
            strategic_min_overlap_percent: Decimal::from(60),
            categories: vec![
                category(
                    "foundational",
                    "Foundational fit",
                    20,
                    Some(3),
                    &[
                        (
                            "industry_segment",
                            "Serves our target verticals and segments",
                        ),
                        ("geography", "Covers the regions where we need footprint"),
                        (
                            "customer_overlap",
                            "Customer base overlaps our ICP and top targets",
                        ),
                    ],
                ),
                category(
                    "capability",
                    "Capability",
                    25,
                    Some(3),
                    &[
                        (
                            "certifications_delivery",
                            "Technical certifications and delivery capacity",
                        ),
                        ("integrations", "Product knowledge and unique integrations"),
                    ],
                ),
                category(
                    "go_to_market",
                    "Go-to-market fit",
                    25,
                    None,
                    &[(
                        "gtm_fit",
                        "Committed to the motion we need (co-sell, resell, referral, OEM)",
                    )],
                ),
                category(
                    "commitment",
                    "Commitment",
                    20,
                    Some(3),
                    &[
                        (
                            "commitment_signals",
                            "Invests in enablement, co-marketing and joint planning",
                        ),
                        (
                            "cultural_fit",
                            "Ethos aligns with ours, no conflicts of interest",
                        ),
                    ],
                ),
                category(
                    "economics",
                    "Deal economics",
                    10,
                    None,
                    &[(
                        "deal_economics",
                        "Deal size, margin potential and attach rate",
                    )],
                ),
            ],
            red_flags: vec![
                flag("direct_competitor", "Is a direct competitor"),
                flag("poor_nps", "Poor customer NPS"),
                flag("no_technical_team", "Has no technical team"),
                flag("channel_conflict_history", "History of channel conflict"),
            ],
        }
    }
}

impl Ipp {
    pub(super) fn check(&self, checks: &mut Checks) {
        checks.weights_sum_to_100(
            "ipp.categories",
            self.categories.iter().map(|c| c.weight).sum(),
        );
        let mut keys = BTreeSet::new();
        for (i, category) in self.categories.iter().enumerate() {
            let path = format!("ipp.categories.{i}");
            if let Some(min) = category.min_score
                && (min < Decimal::ZERO || min > Decimal::from(MAX_SCORE))
            {
                checks.error(
                    &format!("{path}.min_score"),
                    format!(
                        "ipp category {}: min_score {min} is outside 0-5",
                        category.key
                    ),
                    "criteria are scored 0 to 5; write a minimum in that range",
                );
            }
            if category.criteria.is_empty() {
                checks.error(
                    &format!("{path}.criteria"),
                    format!("ipp category {} has no criteria", category.key),
                    "add at least one { key = \"…\", question = \"…\" } criterion",
                );
            }
            for (j, criterion) in category.criteria.iter().enumerate() {
                if !keys.insert(criterion.key.as_str()) {
                    checks.error(
                        &format!("{path}.criteria.{j}.key"),
                        format!("ipp criterion key '{}' is used twice", criterion.key),
                        "give every criterion its own key",
                    );
                }
            }
        }
        for (i, flag) in self.red_flags.iter().enumerate() {
            if !keys.insert(flag.key.as_str()) {
                checks.error(
                    &format!("ipp.red_flags.{i}.key"),
                    format!("ipp red flag key '{}' is already used", flag.key),
                    "give every criterion and red flag its own key",
                );
            }
        }
        let overlap = self.strategic_min_overlap_percent;
        if overlap < Decimal::ZERO || overlap > Decimal::ONE_HUNDRED {
            checks.error(
                "ipp.strategic_min_overlap_percent",
                format!("ipp.strategic_min_overlap_percent is {overlap}, outside 0-100"),
                "write a percentage from 0 to 100 (default 60)",
            );
        }
    }
}

/// What an evaluator recorded: a 0–5 score per criterion key and the red flags that apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct IppAnswers {
    pub scores: BTreeMap<String, u8>,
    pub red_flags: BTreeSet<String>,
}

impl IppAnswers {
    /// Refuses unknown criteria or flags and scores above 5, naming each.
    pub fn validate(&self, ipp: &Ipp) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        for (key, score) in &self.scores {
            let known = ipp
                .categories
                .iter()
                .any(|c| c.criteria.iter().any(|k| &k.key == key));
            if !known {
                v.add(
                    key,
                    format!("'{key}' is not a criterion of the Ideal Partner Profile"),
                );
            } else if *score > MAX_SCORE {
                v.add(key, format!("score {score} is above {MAX_SCORE}"));
            }
        }
        for flag in &self.red_flags {
            if !ipp.red_flags.iter().any(|f| &f.key == flag) {
                v.add(
                    flag,
                    format!("'{flag}' is not a red flag of the Ideal Partner Profile"),
                );
            }
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct CriterionContribution {
    pub category: String,
    pub key: String,
    pub question: String,
    /// None when nobody scored it; it then contributes nothing.
    pub score: Option<u8>,
    /// Points out of 100.
    pub contribution: Decimal,
    pub max_contribution: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct CategoryResult {
    pub key: String,
    pub name: String,
    pub weight: u32,
    /// The average of its criteria, 0–5.
    pub average: Decimal,
    pub min_score: Option<Decimal>,
    pub below_minimum: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IppVerdict {
    Fit,
    /// A category with a minimum did not reach it.
    BelowMinimum,
    /// A red flag applies.
    Disqualified,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct IppResult {
    /// 0–100, one decimal.
    pub score: Decimal,
    pub verdict: IppVerdict,
    pub categories: Vec<CategoryResult>,
    pub criteria: Vec<CriterionContribution>,
    pub red_flags: Vec<RedFlag>,
    /// Why the verdict is not `Fit`, in plain words.
    pub reasons: Vec<String>,
}

/// The partner's fit with the profile. Answers are assumed validated.
pub fn ipp_fit(ipp: &Ipp, answers: &IppAnswers) -> IppResult {
    let max = Decimal::from(MAX_SCORE);
    let mut criteria = Vec::new();
    let mut categories = Vec::new();
    let mut shortfalls = Vec::new();
    let mut total = Decimal::ZERO;
    for category in &ipp.categories {
        let count = Decimal::from(category.criteria.len().max(1));
        let share = Decimal::from(category.weight) / count;
        let mut sum = Decimal::ZERO;
        for criterion in &category.criteria {
            let score = answers.scores.get(&criterion.key).copied();
            let points = share * Decimal::from(score.unwrap_or(0)) / max;
            sum += Decimal::from(score.unwrap_or(0));
            total += points;
            criteria.push(CriterionContribution {
                category: category.key.clone(),
                key: criterion.key.clone(),
                question: criterion.question.clone(),
                score,
                contribution: points.round_dp(2),
                max_contribution: share.round_dp(2),
            });
        }
        let average = (sum / count).round_dp(2);
        let below_minimum = category.min_score.is_some_and(|min| average < min);
        if below_minimum {
            shortfalls.push(format!(
                "{} averages {} of 5, below the minimum of {}",
                category.name,
                average.normalize(),
                category.min_score.unwrap_or_default()
            ));
        }
        categories.push(CategoryResult {
            key: category.key.clone(),
            name: category.name.clone(),
            weight: category.weight,
            average,
            min_score: category.min_score,
            below_minimum,
        });
    }
    let red_flags: Vec<RedFlag> = ipp
        .red_flags
        .iter()
        .filter(|f| answers.red_flags.contains(&f.key))
        .cloned()
        .collect();
    let mut reasons: Vec<String> = red_flags
        .iter()
        .map(|flag| format!("red flag: {}", flag.label))
        .collect();
    reasons.extend(shortfalls);
    let verdict = if !red_flags.is_empty() {
        IppVerdict::Disqualified
    } else if categories.iter().any(|c| c.below_minimum) {
        IppVerdict::BelowMinimum
    } else {
        IppVerdict::Fit
    };
    IppResult {
        score: total.round_dp(1),
        verdict,
        categories,
        criteria,
        red_flags,
        reasons,
    }
}

/// An IPP assessment as typed into the form or sent to the API: a score per criterion key
/// (0–5; empty or absent = not scored), the red flags that apply, and notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IppInput {
    pub scores: BTreeMap<String, String>,
    pub red_flags: Vec<String>,
    pub notes: String,
}

impl IppInput {
    /// Checks every score and flag against the profile, naming each bad one.
    pub fn validate(&self, ipp: &Ipp) -> Result<(IppAnswers, String), Vec<FieldError>> {
        let mut v = Validation::new();
        let mut answers = IppAnswers::default();
        for (key, text) in &self.scores {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match text.parse::<u8>() {
                Ok(score) => {
                    answers.scores.insert(key.clone(), score);
                }
                Err(_) => v.add(key, format!("'{text}' is not a score from 0 to 5")),
            }
        }
        answers.red_flags = self
            .red_flags
            .iter()
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect();
        let notes = v.text("notes", &self.notes, false, 4_000);
        if let Err(errors) = answers.validate(ipp) {
            for e in errors {
                v.add(&e.field, e.message);
            }
        }
        v.into_result()?;
        Ok((answers, notes))
    }
}
