//! Tier evaluation: which tier a partner qualifies for, why, and what it lacks for the next.
//! A pure function of the program and the partner's facts, so the same inputs always give
//! the same answer.

use super::model::{Criteria, Program, SponsorLevel, TierDef};
use crate::display::money_whole;
use crate::validation::Choice;
use rust_decimal::Decimal;

/// What is known about a partner, read through one interface whatever the source
/// (manual entry or import now; deals, certifications and QBRs later).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartnerFacts {
    pub sourced_revenue_12m: Decimal,
    pub certified_people: u32,
    pub advanced_certified_people: u32,
    pub customer_references: u32,
    pub qbrs_per_year: u32,
    pub executive_sponsor: Option<SponsorLevel>,
    pub co_marketing_per_year: u32,
    pub ipp_score: u32,
    /// People holding each certification, by catalog key.
    pub certifications: std::collections::BTreeMap<String, u32>,
}

/// One criterion of one tier, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionCheck {
    pub criterion: &'static str,
    /// For a certification criterion: the certification's name.
    pub subject: Option<String>,
    pub required: String,
    pub actual: String,
    pub met: bool,
    /// What is missing, in words a partner understands ("2 more customer references").
    pub shortfall: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Index into the program's tiers of the highest tier whose entry criteria are all met;
    /// `None` when not even the first tier's are.
    pub qualifies_for: Option<usize>,
    /// Entry criteria of every tier, lowest first.
    pub tiers: Vec<Vec<CriterionCheck>>,
    /// The tier above the qualified one and a sentence saying what it takes to reach it.
    pub next: Option<(usize, String)>,
}

/// "None", "VP", "C-level executive": the level's label, no sponsor reading as "None".
fn sponsor_name(level: Option<SponsorLevel>) -> &'static str {
    level.unwrap_or(SponsorLevel::None).label()
}

fn check_count(
    criterion: &'static str,
    required: u32,
    actual: u32,
    one: &str,
    many: &str,
) -> CriterionCheck {
    let met = actual >= required;
    let missing = required.saturating_sub(actual);
    CriterionCheck {
        criterion,
        subject: None,
        required: required.to_string(),
        actual: actual.to_string(),
        met,
        shortfall: (!met)
            .then(|| format!("{missing} more {}", if missing == 1 { one } else { many })),
    }
}

/// Checks every one of `criteria` (of `program`) against `facts`.
pub fn check_criteria(
    criteria: &Criteria,
    facts: &PartnerFacts,
    program: &Program,
) -> Vec<CriterionCheck> {
    let currency = program.currency.as_str();
    let revenue_met = facts.sourced_revenue_12m >= criteria.sourced_revenue_12m;
    let sponsor_actual = facts.executive_sponsor.unwrap_or(SponsorLevel::None);
    let sponsor_met = sponsor_actual >= criteria.executive_sponsor;
    let mut checks = vec![
        CriterionCheck {
            criterion: "sourced_revenue_12m",
            subject: None,
            required: money_whole(criteria.sourced_revenue_12m, currency),
            actual: money_whole(facts.sourced_revenue_12m, currency),
            met: revenue_met,
            shortfall: (!revenue_met).then(|| {
                format!(
                    "{} more closed-won revenue",
                    money_whole(
                        criteria.sourced_revenue_12m - facts.sourced_revenue_12m,
                        currency
                    )
                )
            }),
        },
        check_count(
            "certified_people",
            criteria.certified_people,
            facts.certified_people,
            "certified person",
            "certified people",
        ),
        check_count(
            "advanced_certified_people",
            criteria.advanced_certified_people,
            facts.advanced_certified_people,
            "person with an advanced certification",
            "people with an advanced certification",
        ),
        check_count(
            "customer_references",
            criteria.customer_references,
            facts.customer_references,
            "customer reference",
            "customer references",
        ),
        check_count(
            "qbrs_per_year",
            criteria.qbrs_per_year,
            facts.qbrs_per_year,
            "QBR this year",
            "QBRs this year",
        ),
        CriterionCheck {
            criterion: "executive_sponsor",
            subject: None,
            required: sponsor_name(Some(criteria.executive_sponsor)).into(),
            actual: sponsor_name(facts.executive_sponsor).into(),
            met: sponsor_met,
            shortfall: (!sponsor_met).then(|| {
                match criteria.executive_sponsor {
                    SponsorLevel::CLevel => "a C-level executive as sponsor",
                    _ => "an executive sponsor at VP level or above",
                }
                .to_owned()
            }),
        },
        check_count(
            "co_marketing_per_year",
            criteria.co_marketing_per_year,
            facts.co_marketing_per_year,
            "co-marketing activity this year",
            "co-marketing activities this year",
        ),
        check_count(
            "min_ipp_score",
            criteria.min_ipp_score,
            facts.ipp_score,
            "point of IPP score",
            "points of IPP score",
        ),
    ];
    for (key, required) in &criteria.certifications {
        let name = program
            .certifications
            .iter()
            .find(|c| &c.key == key)
            .map_or(key.as_str(), |c| c.name.as_str());
        let one = format!("person certified in {name}");
        let many = format!("people certified in {name}");
        let actual = facts.certifications.get(key).copied().unwrap_or(0);
        let mut check = check_count("certification", *required, actual, &one, &many);
        check.subject = Some(name.to_owned());
        checks.push(check);
    }
    checks
}

/// How a criterion is called on screen.
pub fn criterion_label(criterion: &str) -> &'static str {
    match criterion {
        "sourced_revenue_12m" => "Partner-sourced closed-won revenue, last 12 months",
        "certified_people" => "Certified people",
        "advanced_certified_people" => "People with an advanced certification",
        "customer_references" => "Customer references",
        "qbrs_per_year" => "QBRs in the last 12 months",
        "executive_sponsor" => "Executive sponsor",
        "co_marketing_per_year" => "Co-marketing activities in the last 12 months",
        "min_ipp_score" => "IPP fit score",
        "certification" => "People certified in",
        _ => "Other criterion",
    }
}

/// Joins shortfalls the way people write lists: "a, b and c".
fn sentence(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Evaluates `facts` against every tier of `program`.
pub fn evaluate(program: &Program, facts: &PartnerFacts) -> Evaluation {
    let tiers: Vec<Vec<CriterionCheck>> = program
        .tiers
        .iter()
        .map(|t| check_criteria(&t.entry, facts, program))
        .collect();
    let qualifies_for = tiers
        .iter()
        .rposition(|checks| checks.iter().all(|c| c.met));
    let next_index = qualifies_for.map_or(0, |i| i + 1);
    let next = program.tiers.get(next_index).map(|tier: &TierDef| {
        let missing: Vec<String> = tiers[next_index]
            .iter()
            .filter_map(|c| c.shortfall.clone())
            .collect();
        (
            next_index,
            format!("{} to reach {}", sentence(&missing), tier.name),
        )
    });
    Evaluation {
        qualifies_for,
        tiers,
        next,
    }
}

/// Whether `facts` meet every one of `criteria`: the same answer as [`check_criteria`]
/// without the explanations, for program-wide runs.
pub fn meets(criteria: &Criteria, facts: &PartnerFacts) -> bool {
    facts.sourced_revenue_12m >= criteria.sourced_revenue_12m
        && facts.certified_people >= criteria.certified_people
        && facts.advanced_certified_people >= criteria.advanced_certified_people
        && facts.customer_references >= criteria.customer_references
        && facts.qbrs_per_year >= criteria.qbrs_per_year
        && facts.executive_sponsor.unwrap_or(SponsorLevel::None) >= criteria.executive_sponsor
        && facts.co_marketing_per_year >= criteria.co_marketing_per_year
        && facts.ipp_score >= criteria.min_ipp_score
        && criteria
            .certifications
            .iter()
            .all(|(key, n)| facts.certifications.get(key).copied().unwrap_or(0) >= *n)
}

/// The highest tier whose entry criteria `facts` meet (as [`evaluate`] finds it).
pub fn qualifies_for(program: &Program, facts: &PartnerFacts) -> Option<usize> {
    program.tiers.iter().rposition(|t| meets(&t.entry, facts))
}

/// Whether the partner still meets the keep criteria of the tier at `index`.
pub fn keeps_tier(program: &Program, index: usize, facts: &PartnerFacts) -> bool {
    program
        .tiers
        .get(index)
        .is_some_and(|tier| meets(&tier.keep, facts))
}
