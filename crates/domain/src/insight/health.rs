//! The health score: five components 0–100, each explained from the records behind it,
//! weighed by the program's `[health_score]`; its band; and the early-risk flags.
//!
//! The no-data rule: a component without data (satisfaction until there is a survey, revenue
//! when no tier asks any, capability without people, growth without revenue in eight
//! quarters) is left out and its weight spread over the others in proportion, so the score
//! is the weighted mean of the components that have data. Scoring it neutral instead would
//! pull every partner towards 50 for what we have not measured.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::records::Records;
use super::scorecard::Wins;
use crate::deals::registration::Status;
use crate::display::money_whole;
use crate::enablement::held::counts;
use crate::money::rates::Rates;
use crate::program::Program;
use crate::quarter::Quarter;

/// Days engagement looks back over.
pub const ENGAGEMENT_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKey {
    Revenue,
    Engagement,
    Capability,
    Growth,
    Satisfaction,
}

impl ComponentKey {
    pub fn label(self) -> &'static str {
        match self {
            ComponentKey::Revenue => "Revenue",
            ComponentKey::Engagement => "Engagement",
            ComponentKey::Capability => "Capability",
            ComponentKey::Growth => "Growth",
            ComponentKey::Satisfaction => "Satisfaction",
        }
    }
}

/// One component: its weight, its score (none: no data) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Component {
    pub key: ComponentKey,
    pub weight: u32,
    pub score: Option<u32>,
    pub explanation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = HealthBand)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Healthy,
    AtRisk,
    Intervene,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Healthy, Band::AtRisk, Band::Intervene];

    pub fn key(self) -> &'static str {
        match self {
            Band::Healthy => "healthy",
            Band::AtRisk => "at_risk",
            Band::Intervene => "intervene",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Healthy => "Healthy",
            Band::AtRisk => "At risk",
            Band::Intervene => "Intervene",
        }
    }

    pub fn parse(key: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.key() == key)
    }

    /// The band of a score under the program's `[health_score]`.
    pub fn of(score: u32, policy: &crate::program::policy::HealthScore) -> Band {
        if score >= policy.healthy_from {
            Band::Healthy
        } else if score >= policy.at_risk_from {
            Band::AtRisk
        } else {
            Band::Intervene
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// No registration, lead or activity for `targets.inactivity_flag_days`.
    Inactive,
    /// Closed-won revenue of the last complete quarter down more than
    /// `targets.revenue_drop_flag_percent` on the one before.
    RevenueDrop,
    /// Certifications expiring soon would take the partner below its tier's keep criteria.
    CertificationLapse,
    /// Onboarding items past their due day.
    OnboardingOverdue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Flag {
    pub kind: FlagKind,
    pub message: String,
}

/// A partner's health on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// 0–100; none when no component has data.
    pub score: Option<u32>,
    pub band: Option<Band>,
    pub components: Vec<Component>,
    pub flags: Vec<Flag>,
}

fn whole(value: Decimal) -> u32 {
    value
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED)
        .to_u32()
        .unwrap_or(0)
}

/// `part` of `full` as marks out of 100 (full marks at or above `full`).
fn marks(part: Decimal, full: Decimal) -> u32 {
    whole(part * Decimal::ONE_HUNDRED / full)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn revenue(
    program: &Program,
    records: &Records,
    wins: &Wins,
    today: Date,
) -> (Option<u32>, String) {
    let currency = &program.currency;
    let arr = wins.arr(Quarter::containing(today));
    let won = format!(
        "{} closed-won in the last four quarters",
        money_whole(arr, currency)
    );
    let Some(index) = program.tier_index(&records.tier) else {
        return (None, format!("{won}; its tier is not in the program"));
    };
    let tier = &program.tiers[index];
    let next = program.tiers.get(index + 1);
    let target = if tier.keep.sourced_revenue_12m > Decimal::ZERO {
        Some((
            tier.keep.sourced_revenue_12m,
            format!("{} keeps at", tier.name),
        ))
    } else {
        next.filter(|n| n.entry.sourced_revenue_12m > Decimal::ZERO)
            .map(|n| (n.entry.sourced_revenue_12m, format!("{} starts at", n.name)))
    };
    match target {
        Some((target, says)) => (
            Some(marks(arr, target)),
            format!("{won}; {says} {}", money_whole(target, currency)),
        ),
        None => (
            None,
            format!(
                "{won}; neither {} nor the tier above asks for revenue",
                tier.name
            ),
        ),
    }
}

fn engagement(program: &Program, records: &Records, today: Date) -> (Option<u32>, String) {
    let from = today - Duration::days(ENGAGEMENT_DAYS - 1);
    let recent = |day: Date| from <= day && day <= today;
    let registrations = records
        .deals
        .iter()
        .filter(|d| d.status != Status::Draft && recent(d.registered_on))
        .count();
    let leads = records
        .leads
        .iter()
        .filter(|l| recent(l.submitted_on))
        .count();
    let activities = records
        .activities
        .iter()
        .filter(|a| a.counts && recent(a.on))
        .count();
    let full = program
        .policies
        .health_score
        .engagement_events_for_full_marks;
    let events = registrations + leads + activities;
    (
        Some(marks(events.into(), full.into())),
        format!(
            "{}, {} and {} we logged or confirmed in the last {ENGAGEMENT_DAYS} days; {full} earn full marks",
            plural(registrations, "registration", "registrations"),
            plural(leads, "lead", "leads"),
            plural(activities, "activity", "activities"),
        ),
    )
}

fn capability(program: &Program, records: &Records, today: Date) -> (Option<u32>, String) {
    let people = records
        .people
        .iter()
        .filter(|left| left.is_none_or(|left| left > today))
        .count();
    let certified = counts(&records.held, &program.certifications, today).certified_people;
    let held = format!(
        "{certified} of {} certified",
        plural(people, "person", "people")
    );
    let tier = program.tier_index(&records.tier).map(|i| &program.tiers[i]);
    match tier {
        Some(tier) if tier.keep.certified_people > 0 => (
            Some(marks(certified.into(), tier.keep.certified_people.into())),
            format!("{held}; {} asks {}", tier.name, tier.keep.certified_people),
        ),
        _ if people == 0 => (None, "no people recorded yet".into()),
        _ => (
            Some(marks(certified.into(), people.into())),
            format!("{held}; the tier asks none, so the share certified counts"),
        ),
    }
}

/// A change with its sign: `+4`, `-12.5`.
fn signed(change: Decimal) -> String {
    let change = change.normalize();
    if change.is_sign_negative() {
        change.to_string()
    } else {
        format!("+{change}")
    }
}

fn growth(program: &Program, wins: &Wins, today: Date) -> (Option<u32>, String) {
    let last = Quarter::containing(today).previous();
    let before = last.previous();
    let (now, then) = (wins.arr(last), wins.arr(before));
    let currency = &program.currency;
    let compared = format!(
        "{} closed-won in the four quarters to {last} against {} to {before}",
        money_whole(now, currency),
        money_whole(then, currency)
    );
    let full = program.policies.health_score.growth_full_marks_percent;
    if then.is_zero() {
        return if now.is_zero() {
            (
                None,
                "no closed-won revenue in the last eight quarters".into(),
            )
        } else {
            (Some(100), format!("{compared}: new revenue"))
        };
    }
    let change = super::scorecard::percent(now - then, then).unwrap_or_default();
    (
        Some(whole(Decimal::from(50) + change * Decimal::from(50) / full)),
        format!(
            "{compared}: {}%; {}% earns full marks",
            signed(change),
            signed(full)
        ),
    )
}

fn flags(program: &Program, records: &Records, wins: &Wins, today: Date) -> Vec<Flag> {
    let targets = &program.policies.targets;
    let mut flags = Vec::new();
    let last = records
        .deals
        .iter()
        .filter(|d| d.status != Status::Draft)
        .map(|d| d.registered_on)
        .chain(records.activities.iter().map(|a| a.on))
        .chain(records.leads.iter().map(|l| l.submitted_on))
        .filter(|day| *day <= today)
        .max();
    let quiet = (today - last.unwrap_or(records.since)).whole_days();
    if quiet >= i64::from(targets.inactivity_flag_days) {
        flags.push(Flag {
            kind: FlagKind::Inactive,
            message: match last {
                Some(day) => {
                    format!("no registration, lead or activity for {quiet} days (last on {day})")
                }
                None => format!(
                    "no registration, lead or activity in {quiet} days since joining on {}",
                    records.since
                ),
            },
        });
    }
    let last_quarter = Quarter::containing(today).previous();
    let before = last_quarter.previous();
    let (now, then) = (wins.in_quarter(last_quarter).0, wins.in_quarter(before).0);
    if let Some(change) = super::scorecard::percent(now - then, then)
        && -change > targets.revenue_drop_flag_percent
    {
        flags.push(Flag {
            kind: FlagKind::RevenueDrop,
            message: format!(
                "closed-won revenue fell {}% from {} in {before} to {} in {last_quarter}",
                -change,
                money_whole(then, &program.currency),
                money_whole(now, &program.currency)
            ),
        });
    }
    if let Some(index) = program.tier_index(&records.tier)
        && let Some(risk) = crate::enablement::tier_at_risk(
            program,
            index,
            &records.history,
            &records.held,
            today,
            program.policies.enablement.expiring_within(),
        )
    {
        flags.push(Flag {
            kind: FlagKind::CertificationLapse,
            message: risk,
        });
    }
    let overdue: Vec<String> = records
        .onboarding
        .iter()
        .filter(|i| !i.done && i.due_on < today)
        .map(|i| format!("{} (due {})", i.title, i.due_on))
        .collect();
    if !overdue.is_empty() {
        flags.push(Flag {
            kind: FlagKind::OnboardingOverdue,
            message: format!(
                "{} overdue: {}",
                plural(overdue.len(), "onboarding item", "onboarding items"),
                overdue.join("; ")
            ),
        });
    }
    flags
}

/// The partner's health on `today`.
pub fn health(program: &Program, records: &Records, rates: &Rates, today: Date) -> Health {
    let policy = &program.policies.health_score;
    let weights = &policy.weights;
    let wins = Wins::of(records, rates);
    let scored = [
        (
            ComponentKey::Revenue,
            weights.revenue,
            revenue(program, records, &wins, today),
        ),
        (
            ComponentKey::Engagement,
            weights.engagement,
            engagement(program, records, today),
        ),
        (
            ComponentKey::Capability,
            weights.capability,
            capability(program, records, today),
        ),
        (
            ComponentKey::Growth,
            weights.growth,
            growth(program, &wins, today),
        ),
        (
            ComponentKey::Satisfaction,
            weights.satisfaction,
            (None, "no satisfaction survey yet".into()),
        ),
    ];
    let components: Vec<Component> = scored
        .into_iter()
        .map(|(key, weight, (score, explanation))| Component {
            key,
            weight,
            score,
            explanation,
        })
        .collect();
    let (sum, weight) = components
        .iter()
        .filter_map(|c| c.score.map(|s| (Decimal::from(s * c.weight), c.weight)))
        .fold((Decimal::ZERO, 0), |(sum, w), (part, cw)| {
            (sum + part, w + cw)
        });
    let score = (weight > 0).then(|| whole(sum / Decimal::from(weight)));
    Health {
        score,
        band: score.map(|s| Band::of(s, policy)),
        components,
        flags: flags(program, records, &wins, today),
    }
}
