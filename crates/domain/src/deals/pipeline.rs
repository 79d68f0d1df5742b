//! The pipeline tracker's figures: weighted pipeline (Σ value × probability)
//! by quarter of expected close, by tier and by partner; deal velocity (registration to
//! close) against the target; stale deals (no activity for the policy's days).
//!
//! Amounts are added only in the program currency: each deal in another currency is
//! converted at its dated rate (`money::rates::convert`: an open deal at today's rate, a won
//! deal at its close date's), and a deal whose currency has no rate on that day is left out
//! of every sum and listed per currency instead (`unconverted`).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use time::Date;

use super::registration::Status;
use crate::money::rates::{Rates, convert};
use crate::quarter::Quarter;

/// One registration as the pipeline reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineDeal {
    pub partner: String,
    pub tier: String,
    pub status: Status,
    pub deal_size: Decimal,
    /// The currency of `deal_size` and `closed_amount`.
    pub currency: String,
    pub probability: u8,
    pub expected_close: Date,
    pub registered_on: Date,
    pub closed_on: Option<Date>,
    /// What a won deal closed at.
    pub closed_amount: Option<Decimal>,
    /// The last activity logged, or the registration day when none.
    pub last_touched: Date,
    pub forecast_category: String,
    /// The partner is archived or has exited: nobody of it works the deal any more.
    pub partner_out_of_program: bool,
    /// A won deal one of ours confirmed; a partner's own report of a win is not revenue yet.
    pub win_confirmed: bool,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Line {
    pub deals: usize,
    pub value: Decimal,
    pub weighted: Decimal,
}

impl Line {
    fn add(&mut self, (value, weighted): (Decimal, Decimal)) {
        self.deals += 1;
        self.value += value;
        self.weighted += weighted;
    }
}

/// Deals of one currency that had no rate on their day: in no sum, shown apart.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Unconverted {
    pub open_deals: usize,
    /// In the deals' own currency.
    pub open_value: Decimal,
    pub won_deals: usize,
    pub won_value: Decimal,
    /// e.g. "JPY 10,000,000 in 1 open deal — no JPY rate".
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

/// The registrations the pipeline sums: open ones and won ones; the rest it ignores.
pub fn counts(status: Status) -> bool {
    status.is_open() || status == Status::Won
}

/// Sums the pipeline on `today`, in the currency of `rates` (the program's).
pub fn summarize(
    deals: &[PipelineDeal],
    today: Date,
    velocity_target_days: u32,
    stale_after_days: u32,
    rates: &Rates,
) -> PipelineSummary {
    let mut summary = PipelineSummary {
        velocity_target_days,
        stale_after_days,
        currency: rates.to_currency().to_owned(),
        ..Default::default()
    };
    let mut used = BTreeSet::new();
    // (value, weighted) in the program currency, each rounded once; None without a rate.
    let mut converted = |amount: Decimal, weighted: Decimal, currency: &str, on: Date| {
        let value = convert(amount, currency, on, rates).ok()?;
        let weighted = convert(weighted, currency, on, rates).ok()?;
        if let Some(effective_on) = value.rate_date {
            used.insert(RateUsed {
                currency: currency.to_owned(),
                rate: value.rate,
                effective_on: effective_on.to_string(),
            });
        }
        Some((value.amount, weighted.amount))
    };
    let mut won_days = Vec::new();
    for deal in deals {
        if deal.status.is_open() {
            if (today - deal.last_touched).whole_days() >= i64::from(stale_after_days) {
                summary.stale += 1;
            }
            let weighted = deal.deal_size * Decimal::from(deal.probability) / Decimal::ONE_HUNDRED;
            let Some(line) = converted(deal.deal_size, weighted, &deal.currency, today) else {
                let apart = summary
                    .unconverted
                    .entry(deal.currency.clone())
                    .or_default();
                apart.open_deals += 1;
                apart.open_value += deal.deal_size;
                continue;
            };
            if deal.partner_out_of_program {
                summary
                    .out_of_program
                    .entry(deal.partner.clone())
                    .or_default()
                    .add(line);
                continue;
            }
            summary.open.add(line);
            let quarter = Quarter::containing(deal.expected_close).to_string();
            summary.by_quarter.entry(quarter).or_default().add(line);
            summary
                .by_tier
                .entry(deal.tier.clone())
                .or_default()
                .add(line);
            summary
                .by_partner
                .entry(deal.partner.clone())
                .or_default()
                .add(line);
            summary
                .by_forecast
                .entry(deal.forecast_category.clone())
                .or_default()
                .add(line);
        } else if deal.status == Status::Won && !deal.win_confirmed {
            let amount = deal.closed_amount.unwrap_or(deal.deal_size);
            let on = deal.closed_on.unwrap_or(today);
            if let Some(line) = converted(amount, amount, &deal.currency, on) {
                summary.won_unconfirmed.add(line);
            }
        } else if deal.status == Status::Won {
            if let Some(closed) = deal.closed_on {
                won_days.push(super::registration::velocity_days(
                    deal.registered_on,
                    closed,
                ));
            }
            let amount = deal.closed_amount.unwrap_or(deal.deal_size);
            let on = deal.closed_on.unwrap_or(today);
            match converted(amount, amount, &deal.currency, on) {
                Some(line) => summary.won.add(line),
                None => {
                    let apart = summary
                        .unconverted
                        .entry(deal.currency.clone())
                        .or_default();
                    apart.won_deals += 1;
                    apart.won_value += amount;
                }
            }
        }
    }
    if !won_days.is_empty() {
        let total: i64 = won_days.iter().sum();
        summary.velocity_days =
            Some((Decimal::from(total) / Decimal::from(won_days.len())).round_dp(1));
    }
    for (currency, apart) in &mut summary.unconverted {
        apart.note = unconverted_note(currency, apart);
    }
    summary.rates_used = used.into_iter().collect();
    summary
}

/// "JPY 10,000,000 in 1 open deal — no JPY rate" (and the won ones, when any).
fn unconverted_note(currency: &str, apart: &Unconverted) -> String {
    let deals = |n: usize| if n == 1 { "deal" } else { "deals" };
    let parts: Vec<String> = [
        (apart.open_deals, apart.open_value, "open"),
        (apart.won_deals, apart.won_value, "won"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, value, what)| {
        format!(
            "{currency} {} in {n} {what} {}",
            crate::money::grouped(*value, currency),
            deals(*n)
        )
    })
    .collect();
    format!("{} — no {currency} rate", parts.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::rates::Rate;
    use time::macros::date;

    /// Dollars, with no rate for anything else.
    fn dollars() -> Rates {
        Rates::new("USD", [])
    }

    fn deal(
        partner: &str,
        status: Status,
        size: i64,
        probability: u8,
        close: Date,
    ) -> PipelineDeal {
        PipelineDeal {
            partner: partner.into(),
            tier: "gold".into(),
            status,
            deal_size: Decimal::from(size),
            currency: "USD".into(),
            probability,
            expected_close: close,
            registered_on: date!(2026 - 10 - 01),
            closed_on: None,
            closed_amount: None,
            last_touched: date!(2026 - 11 - 20),
            forecast_category: "pipeline".into(),
            partner_out_of_program: false,
            win_confirmed: true,
        }
    }

    #[test]
    fn a_win_counts_once_one_of_ours_confirmed_it() {
        let close = date!(2027 - 01 - 15);
        let won = |size, confirmed| PipelineDeal {
            closed_on: Some(date!(2026 - 11 - 11)),
            win_confirmed: confirmed,
            ..deal("Alpha", Status::Won, size, 100, close)
        };
        let summary = summarize(
            &[won(7_000, true), won(999_999_999, false)],
            date!(2026 - 11 - 27),
            45,
            30,
            &dollars(),
        );
        assert_eq!(
            (summary.won.deals, summary.won.value),
            (1, Decimal::from(7_000))
        );
        assert_eq!(
            (summary.won_unconfirmed.deals, summary.won_unconfirmed.value),
            (1, Decimal::from(999_999_999))
        );
        // 2026-10-01 to 2026-11-11: the confirmed win's 41 days alone.
        assert_eq!(summary.velocity_days, Some(Decimal::from(41)));
    }

    #[test]
    fn open_deals_of_a_partner_out_of_the_program_are_set_apart_its_wins_still_count() {
        let close = date!(2027 - 01 - 15);
        let exited = |status, size| PipelineDeal {
            partner_out_of_program: true,
            closed_on: (status == Status::Won).then_some(date!(2026 - 11 - 01)),
            ..deal("Echo", status, size, 50, close)
        };
        let summary = summarize(
            &[
                deal("Alpha", Status::Approved, 10_000, 50, close),
                exited(Status::Approved, 30_000),
                exited(Status::Submitted, 2_000),
                exited(Status::Won, 7_000),
            ],
            date!(2026 - 11 - 27),
            45,
            30,
            &dollars(),
        );
        assert_eq!(
            (summary.open.deals, summary.open.value),
            (1, Decimal::from(10_000))
        );
        assert!(!summary.by_partner.contains_key("Echo"));
        let apart = &summary.out_of_program["Echo"];
        // 30,000 × 50 % + 2,000 × 50 % = 16,000.
        assert_eq!(
            (apart.deals, apart.value, apart.weighted),
            (2, Decimal::from(32_000), Decimal::from(16_000))
        );
        assert_eq!(
            (summary.won.deals, summary.won.value),
            (1, Decimal::from(7_000))
        );
    }

    #[test]
    fn the_statuses_it_counts_are_exactly_those_it_sums() {
        use crate::validation::Choice;
        for &status in Status::ALL {
            let summary = summarize(
                &[deal("Alpha", status, 1_000, 50, date!(2027 - 01 - 15))],
                date!(2026 - 11 - 27),
                45,
                30,
                &dollars(),
            );
            let summed = summary.open.deals + summary.won.deals > 0;
            assert_eq!(counts(status), summed, "{status:?}");
        }
    }

    #[test]
    fn weighted_pipeline_velocity_and_stale_deals() {
        let today = date!(2026 - 11 - 27);
        let mut won = deal("Alpha", Status::Won, 50_000, 100, date!(2026 - 11 - 01));
        won.closed_on = Some(date!(2026 - 11 - 15));
        won.closed_amount = Some(Decimal::from(45_000));
        let mut stale = deal(
            "Bravo",
            Status::Submitted,
            10_000,
            10,
            date!(2027 - 01 - 15),
        );
        stale.last_touched = date!(2026 - 10 - 28);
        stale.tier = "silver".into();
        let deals = [
            deal(
                "Alpha",
                Status::Approved,
                100_000,
                40,
                date!(2026 - 12 - 20),
            ),
            deal("Alpha", Status::Draft, 999_999, 90, date!(2026 - 12 - 20)),
            deal("Alpha", Status::Lost, 999_999, 90, date!(2026 - 12 - 20)),
            stale,
            won,
        ];
        let s = summarize(&deals, today, 45, 30, &dollars());
        assert_eq!(
            (s.open.deals, s.open.value, s.open.weighted),
            (2, Decimal::from(110_000), Decimal::from(41_000))
        );
        assert_eq!(s.by_quarter["2026-Q4"].weighted, Decimal::from(40_000));
        assert_eq!(s.by_quarter["2027-Q1"].weighted, Decimal::from(1_000));
        assert_eq!(s.by_tier["silver"].deals, 1);
        assert_eq!(
            s.by_partner["Alpha"].value,
            Decimal::from(100_000),
            "drafts, lost and won are not pipeline"
        );
        assert_eq!(s.won.value, Decimal::from(45_000), "what it closed at");
        assert_eq!(s.velocity_days, Some(Decimal::from(45)));
        assert_eq!(s.stale, 1, "30 days without activity");
        assert_eq!(
            summarize(&[], today, 45, 30, &dollars()).velocity_days,
            None
        );
    }

    #[test]
    fn other_currencies_are_converted_at_their_dated_rate_or_listed_apart() {
        let today = date!(2026 - 11 - 27);
        let dollars_open = deal(
            "Alpha",
            Status::Approved,
            490_000,
            50,
            date!(2027 - 01 - 15),
        );
        let mut yen_open = deal(
            "Bravo",
            Status::Approved,
            10_000_000,
            50,
            date!(2027 - 01 - 15),
        );
        yen_open.currency = "JPY".into();
        let mut euro_won = deal("Alpha", Status::Won, 20_000, 100, date!(2026 - 06 - 01));
        euro_won.currency = "EUR".into();
        euro_won.closed_on = Some(date!(2026 - 06 - 15));
        euro_won.closed_amount = Some(Decimal::from(20_000));
        let deals = [dollars_open, yen_open, euro_won];

        // Without rates: the yen and the euros are in no sum, and are listed per currency.
        let s = summarize(&deals, today, 45, 30, &dollars());
        assert_eq!(
            (s.open.deals, s.open.value, s.open.weighted),
            (1, Decimal::from(490_000), Decimal::from(245_000)),
            "not 10,490,000"
        );
        assert_eq!(s.by_partner.get("Bravo"), None);
        assert_eq!((s.won.deals, s.won.value), (0, Decimal::ZERO));
        assert_eq!(
            s.unconverted["JPY"].note,
            "JPY 10,000,000 in 1 open deal — no JPY rate"
        );
        assert_eq!(
            s.unconverted["EUR"].note,
            "EUR 20,000.00 in 1 won deal — no EUR rate"
        );
        assert_eq!(s.currency, "USD");
        assert!(s.rates_used.is_empty());

        // With dated rates: yen at today's rate (0.0067 from 2026-11-01, not the older 0.0070),
        // the euro win at its close date's (1.05 from 2026-01-01, not July's 1.10).
        let rate = |currency: &str, effective_on, rate: &str| Rate {
            currency: currency.into(),
            effective_on,
            rate: rate.parse().unwrap(),
        };
        let rates = Rates::new(
            "USD",
            [
                rate("JPY", date!(2026 - 01 - 01), "0.0070"),
                rate("JPY", date!(2026 - 11 - 01), "0.0067"),
                rate("EUR", date!(2026 - 01 - 01), "1.05"),
                rate("EUR", date!(2026 - 07 - 01), "1.10"),
            ],
        );
        let s = summarize(&deals, today, 45, 30, &rates);
        // 490,000 + 10,000,000 × 0.0067 = 490,000 + 67,000; weighted half of each.
        assert_eq!(
            (s.open.deals, s.open.value, s.open.weighted),
            (2, Decimal::from(557_000), Decimal::from(278_500))
        );
        assert_eq!(s.by_partner["Bravo"].value, Decimal::from(67_000));
        // 20,000 × 1.05.
        assert_eq!((s.won.deals, s.won.value), (1, Decimal::from(21_000)));
        assert!(s.unconverted.is_empty());
        assert_eq!(
            s.rates_used
                .iter()
                .map(|r| format!("{} {} {}", r.currency, r.rate, r.effective_on))
                .collect::<Vec<_>>(),
            ["EUR 1.05 2026-01-01", "JPY 0.0067 2026-11-01"]
        );
    }
}
