//! The pipeline tracker's figures: weighted pipeline (Σ value × probability)
//! by quarter of expected close, by tier and by partner; deal velocity (registration to
//! close) against the target; stale deals (no activity for the policy's days).
//!
//! The figures are summed from groups of registrations (the store keeps them as rollups, see
//! `docs/design.md`, "Rollups"): what one registration adds is [`contribution`], and
//! [`summarize`] turns the groups into the figures.
//!
//! Amounts are added only in the program currency. Within each figure, the amounts of one
//! currency that one rate converts (an open deal at today's rate, a won deal at its close
//! date's, `money::rates::convert`) are added first; that sum is converted once and rounded
//! once, half to even, to the program currency's minor units. A currency without a rate on
//! the day is left out of every sum and listed per currency instead (`unconverted`).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use time::Date;

use super::registration::Status;
use crate::money::rates::{Rates, convert};
use crate::quarter::Quarter;
use crate::validation::Choice;

/// One registration as the pipeline reads it (money in hundredths of its currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub status: Status,
    pub deal_size_minor: i64,
    /// The currency of the deal size and the closed amount.
    pub currency: String,
    pub probability: u8,
    pub expected_close: Date,
    pub registered_on: Date,
    pub closed_on: Option<Date>,
    /// What a won deal closed at.
    pub closed_amount_minor: Option<i64>,
    /// The day of the last activity logged, if any.
    pub last_activity_on: Option<Date>,
    pub forecast_category: String,
    /// A won deal one of ours confirmed; a partner's own report of a win is not revenue yet.
    pub win_confirmed: bool,
}

/// What one registration adds to the pipeline's sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contribution {
    Open(OpenPart),
    Won(WonPart),
}

/// An open registration: one deal of its value and weighted value, in its quarter of
/// expected close and forecast category, last touched on `touched_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPart {
    pub status: Status,
    pub currency: String,
    /// The quarter of expected close, e.g. "2027-Q1".
    pub quarter: String,
    pub forecast_category: String,
    /// The last activity logged, or the registration day when none (or an earlier one).
    pub touched_on: Date,
    pub value_minor: i64,
    /// Hundredths × percent: the weighted value exactly, in ten-thousandths.
    pub weighted: i64,
}

/// A won registration: one deal of what it closed at, on its close day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WonPart {
    pub currency: String,
    /// A win without a close day (no path writes one) counts as closed on its registration day.
    pub closed_on: Date,
    pub confirmed: bool,
    pub amount_minor: i64,
    /// Days from registration to close, when it has a close day.
    pub velocity_days: Option<i64>,
}

/// The registrations the pipeline sums: open ones and won ones; the rest it ignores.
pub fn counts(status: Status) -> bool {
    status.is_open() || status == Status::Won
}

/// The statuses the open pipeline counts (its figures, and the registration list's
/// `open=true`), in the order of [`Status::ALL`].
pub fn open_statuses() -> impl Iterator<Item = Status> {
    Status::ALL.iter().copied().filter(|s| s.is_open())
}

/// What `deal` adds to the pipeline; None for what [`counts`] leaves out.
pub fn contribution(deal: &Registration) -> Option<Contribution> {
    if !counts(deal.status) {
        return None;
    }
    if deal.status.is_open() {
        return Some(Contribution::Open(OpenPart {
            status: deal.status,
            currency: deal.currency.clone(),
            quarter: Quarter::containing(deal.expected_close).to_string(),
            forecast_category: deal.forecast_category.clone(),
            touched_on: deal
                .last_activity_on
                .map_or(deal.registered_on, |on| on.max(deal.registered_on)),
            value_minor: deal.deal_size_minor,
            weighted: deal.deal_size_minor * i64::from(deal.probability),
        }));
    }
    Some(Contribution::Won(WonPart {
        currency: deal.currency.clone(),
        closed_on: deal.closed_on.unwrap_or(deal.registered_on),
        confirmed: deal.win_confirmed,
        amount_minor: deal.closed_amount_minor.unwrap_or(deal.deal_size_minor),
        velocity_days: deal
            .closed_on
            .map(|closed| super::registration::velocity_days(deal.registered_on, closed)),
    }))
}

/// Deals, their value and weighted value, in one currency (hundredths; weighted in
/// hundredths × percent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenSum {
    pub deals: i64,
    pub value_minor: i64,
    pub weighted: i64,
}

/// The open registrations of one partner in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerOpen {
    pub partner: String,
    pub tier: String,
    /// The partner is archived or has exited: nobody of it works the deals any more.
    pub out_of_program: bool,
    pub currency: String,
    pub sum: OpenSum,
}

/// The open registrations of partners in the program with one quarter of expected close,
/// forecast category and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketOpen {
    pub quarter: String,
    pub forecast_category: String,
    pub currency: String,
    pub sum: OpenSum,
}

/// Won registrations of one currency, close day and confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WonSum {
    pub currency: String,
    pub closed_on: Date,
    pub confirmed: bool,
    pub deals: i64,
    pub amount_minor: i64,
    /// Of those, the wins with a close day, and their days from registration to close.
    pub velocity_deals: i64,
    pub velocity_days: i64,
}

/// The groups the pipeline is summed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    pub partners: Vec<PartnerOpen>,
    pub buckets: Vec<BucketOpen>,
    pub won: Vec<WonSum>,
    /// Open registrations last touched `stale_after_days` days ago or earlier.
    pub stale: usize,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[schema(as = PipelineLine)]
pub struct Line {
    pub deals: usize,
    pub value: Decimal,
    pub weighted: Decimal,
}

/// Deals of one currency that had no rate on their day: in no sum, shown apart.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[schema(as = PipelineUnconverted)]
pub struct Unconverted {
    pub open_deals: usize,
    /// In the deals' own currency.
    pub open_value: Decimal,
    pub won_deals: usize,
    pub won_value: Decimal,
    /// e.g. "¥10,000,000 in 1 open deal — no JPY rate".
    pub note: String,
}

/// A rate a converted figure used: 1 `currency` = `rate` of the program currency from
/// `effective_on`.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
pub struct RateUsed {
    pub currency: String,
    pub rate: Decimal,
    pub effective_on: String,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct PipelineSummary {
    /// Open registrations (submitted, waiting for information, approved).
    pub open: Line,
    /// By the quarter of expected close, e.g. "2027-Q1".
    pub by_quarter: BTreeMap<String, Line>,
    pub by_tier: BTreeMap<String, Line>,
    pub by_partner: BTreeMap<String, Line>,
    /// pipeline, best_case, commit
    pub by_forecast: BTreeMap<String, Line>,
    pub won: Line,
    /// Wins partners reported that none of ours has confirmed yet: not in `won`.
    #[serde(default)]
    pub won_unconfirmed: Line,
    /// Average days from registration to close over won deals; None without any.
    pub velocity_days: Option<Decimal>,
    pub velocity_target_days: u32,
    /// Open deals with no activity for `stale_after_days` days.
    pub stale: usize,
    pub stale_after_days: u32,
    /// The currency every figure above is in (the program's).
    #[serde(default)]
    pub currency: String,
    /// The rates the figures used, by currency and date.
    #[serde(default)]
    pub rates_used: Vec<RateUsed>,
    /// Deals left out of the figures for want of a rate, by currency.
    #[serde(default)]
    pub unconverted: BTreeMap<String, Unconverted>,
    /// Open registrations of partners out of the program (archived, exited), by partner:
    /// not in the open figures, waiting to be handed over or closed.
    #[serde(default)]
    pub out_of_program: BTreeMap<String, Line>,
}

/// The last day a registration may have been touched on `today` and still not count as
/// stale after `stale_after_days` days without activity.
pub fn stale_on_or_before(today: Date, stale_after_days: u32) -> Date {
    today - time::Duration::days(i64::from(stale_after_days))
}

/// A currency and the day of the rate that converts it (None: the program currency).
type Rated = (String, Option<Date>);

/// Deals and their exact sums in one currency, with a day whose rate converts them.
#[derive(Default)]
struct Sums {
    on: Option<Date>,
    deals: usize,
    value: Decimal,
    weighted: Decimal,
}

/// One figure's amounts before conversion, per currency and rate.
#[derive(Default)]
struct Tally(BTreeMap<Rated, Sums>);

impl Tally {
    fn add(&mut self, key: Rated, on: Date, deals: i64, value: Decimal, weighted: Decimal) {
        let sums = self.0.entry(key).or_default();
        sums.on = Some(on);
        sums.deals += usize::try_from(deals).unwrap_or(0);
        sums.value += value;
        sums.weighted += weighted;
    }

    /// Each currency's sums converted once, rounded once; the rates used noted.
    fn line(&self, rates: &Rates, used: &mut BTreeSet<RateUsed>) -> Line {
        let mut line = Line::default();
        for ((currency, _), sums) in &self.0 {
            let Some(on) = sums.on else { continue };
            let (Ok(value), Ok(weighted)) = (
                convert(sums.value, currency, on, rates),
                convert(sums.weighted, currency, on, rates),
            ) else {
                continue;
            };
            if let Some(effective_on) = value.rate_date {
                used.insert(RateUsed {
                    currency: currency.clone(),
                    rate: value.rate,
                    effective_on: effective_on.to_string(),
                });
            }
            line.deals += sums.deals;
            line.value += value.amount;
            line.weighted += weighted.amount;
        }
        line
    }
}

fn hundredths(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}

/// The rate that converts a currency on a day (None: the program currency), or no rate.
fn rated(rates: &Rates, currency: &str, on: Date) -> Option<Rated> {
    if currency == rates.to_currency() {
        return Some((currency.to_owned(), None));
    }
    rates
        .on(currency, on)
        .map(|(effective_on, _)| (currency.to_owned(), Some(effective_on)))
}

/// The program's open pipeline from its sums per currency (as `pipeline_open_program` holds
/// them), in the currency of `rates` on `today`: the figure [`summarize`] reports as `open`,
/// each currency converted once and rounded once; what has no rate apart, by currency.
pub fn open_total(
    sums: &[(String, OpenSum)],
    today: Date,
    rates: &Rates,
) -> (Line, BTreeMap<String, Unconverted>) {
    let mut open = Tally::default();
    let mut apart: BTreeMap<String, Unconverted> = BTreeMap::new();
    for (currency, sum) in sums {
        let value = hundredths(sum.value_minor);
        match rated(rates, currency, today) {
            Some(key) => open.add(key, today, sum.deals, value, Decimal::new(sum.weighted, 4)),
            None => {
                let unconverted = apart.entry(currency.clone()).or_default();
                unconverted.open_deals += usize::try_from(sum.deals).unwrap_or(0);
                unconverted.open_value += value;
            }
        }
    }
    for (currency, unconverted) in &mut apart {
        unconverted.note = unconverted_note(currency, unconverted);
    }
    (open.line(rates, &mut BTreeSet::new()), apart)
}

/// Sums the pipeline on `today`, in the currency of `rates` (the program's).
pub fn summarize(
    groups: &Groups,
    today: Date,
    velocity_target_days: u32,
    stale_after_days: u32,
    rates: &Rates,
) -> PipelineSummary {
    let mut summary = PipelineSummary {
        velocity_target_days,
        stale_after_days,
        stale: groups.stale,
        currency: rates.to_currency().to_owned(),
        ..Default::default()
    };
    let rated = |currency: &str, on: Date| rated(rates, currency, on);
    let mut open = Tally::default();
    let mut by_tier: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_partner: BTreeMap<String, Tally> = BTreeMap::new();
    let mut out_of_program: BTreeMap<String, Tally> = BTreeMap::new();
    for group in &groups.partners {
        let sum = group.sum;
        let (value, weighted) = (hundredths(sum.value_minor), Decimal::new(sum.weighted, 4));
        let Some(key) = rated(&group.currency, today) else {
            let apart = summary
                .unconverted
                .entry(group.currency.clone())
                .or_default();
            apart.open_deals += usize::try_from(sum.deals).unwrap_or(0);
            apart.open_value += value;
            continue;
        };
        let add = |tally: &mut Tally| tally.add(key.clone(), today, sum.deals, value, weighted);
        if group.out_of_program {
            add(out_of_program.entry(group.partner.clone()).or_default());
            continue;
        }
        add(&mut open);
        add(by_tier.entry(group.tier.clone()).or_default());
        add(by_partner.entry(group.partner.clone()).or_default());
    }
    let mut by_quarter: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_forecast: BTreeMap<String, Tally> = BTreeMap::new();
    for group in &groups.buckets {
        let sum = group.sum;
        let Some(key) = rated(&group.currency, today) else {
            continue;
        };
        let (value, weighted) = (hundredths(sum.value_minor), Decimal::new(sum.weighted, 4));
        for tally in [
            by_quarter.entry(group.quarter.clone()).or_default(),
            by_forecast
                .entry(group.forecast_category.clone())
                .or_default(),
        ] {
            tally.add(key.clone(), today, sum.deals, value, weighted);
        }
    }
    let (mut won, mut won_unconfirmed) = (Tally::default(), Tally::default());
    let (mut velocity_deals, mut velocity_days) = (0i64, 0i64);
    for group in &groups.won {
        let amount = hundredths(group.amount_minor);
        let key = rated(&group.currency, group.closed_on);
        if !group.confirmed {
            if let Some(key) = key {
                won_unconfirmed.add(key, group.closed_on, group.deals, amount, amount);
            }
            continue;
        }
        velocity_deals += group.velocity_deals;
        velocity_days += group.velocity_days;
        match key {
            Some(key) => won.add(key, group.closed_on, group.deals, amount, amount),
            None => {
                let apart = summary
                    .unconverted
                    .entry(group.currency.clone())
                    .or_default();
                apart.won_deals += usize::try_from(group.deals).unwrap_or(0);
                apart.won_value += amount;
            }
        }
    }
    let mut used = BTreeSet::new();
    summary.open = open.line(rates, &mut used);
    let lines = |tallies: BTreeMap<String, Tally>, used: &mut BTreeSet<RateUsed>| {
        tallies
            .into_iter()
            .map(|(key, tally)| (key, tally.line(rates, used)))
            .filter(|(_, line)| line.deals > 0)
            .collect::<BTreeMap<_, _>>()
    };
    summary.by_quarter = lines(by_quarter, &mut used);
    summary.by_tier = lines(by_tier, &mut used);
    summary.by_partner = lines(by_partner, &mut used);
    summary.by_forecast = lines(by_forecast, &mut used);
    summary.out_of_program = lines(out_of_program, &mut used);
    summary.won = won.line(rates, &mut used);
    summary.won_unconfirmed = won_unconfirmed.line(rates, &mut used);
    if velocity_deals > 0 {
        summary.velocity_days =
            Some((Decimal::from(velocity_days) / Decimal::from(velocity_deals)).round_dp(1));
    }
    for (currency, apart) in &mut summary.unconverted {
        apart.note = unconverted_note(currency, apart);
    }
    summary.rates_used = used.into_iter().collect();
    summary
}

/// "¥10,000,000 in 1 open deal — no JPY rate" (and the won ones, when any).
fn unconverted_note(currency: &str, apart: &Unconverted) -> String {
    let parts: Vec<String> = [
        (apart.open_deals, apart.open_value, "open deal"),
        (apart.won_deals, apart.won_value, "won deal"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, value, what)| {
        format!(
            "{} in {}",
            crate::display::money(*value, currency),
            crate::display::count(i64::try_from(*n).unwrap_or(i64::MAX), what)
        )
    })
    .collect();
    format!("{} — no {currency} rate", parts.join(" and "))
}

#[cfg(test)]
mod tests;
