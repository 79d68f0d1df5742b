//! The pipeline tracker's figures (DOMAIN.md §5): weighted pipeline (Σ value × probability)
//! by quarter of expected close, by tier and by partner; deal velocity (registration to
//! close) against the target; stale deals (no activity for the policy's days).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use time::Date;

use super::registration::{Status, weighted_value};
use crate::quarter::Quarter;

/// One registration as the pipeline reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineDeal {
    pub partner: String,
    pub tier: String,
    pub status: Status,
    pub deal_size: Decimal,
    pub probability: u8,
    pub expected_close: Date,
    pub registered_on: Date,
    pub closed_on: Option<Date>,
    /// What a won deal closed at.
    pub closed_amount: Option<Decimal>,
    /// The last activity logged, or the registration day when none.
    pub last_touched: Date,
    pub forecast_category: String,
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
    fn add(&mut self, deal: &PipelineDeal) {
        self.deals += 1;
        self.value += deal.deal_size;
        self.weighted += weighted_value(deal.deal_size, deal.probability);
    }
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
    /// Average days from registration to close over won deals; None without any.
    pub velocity_days: Option<Decimal>,
    pub velocity_target_days: u32,
    /// Open deals with no activity for `stale_after_days` days.
    pub stale: usize,
    pub stale_after_days: u32,
}

/// The registrations the pipeline sums: open ones and won ones; the rest it ignores.
pub fn counts(status: Status) -> bool {
    status.is_open() || status == Status::Won
}

/// Sums the pipeline on `today`.
pub fn summarize(
    deals: &[PipelineDeal],
    today: Date,
    velocity_target_days: u32,
    stale_after_days: u32,
) -> PipelineSummary {
    let mut summary = PipelineSummary {
        velocity_target_days,
        stale_after_days,
        ..Default::default()
    };
    let mut won_days = Vec::new();
    for deal in deals {
        if deal.status.is_open() {
            summary.open.add(deal);
            summary
                .by_quarter
                .entry(Quarter::containing(deal.expected_close).to_string())
                .or_default()
                .add(deal);
            summary
                .by_tier
                .entry(deal.tier.clone())
                .or_default()
                .add(deal);
            summary
                .by_partner
                .entry(deal.partner.clone())
                .or_default()
                .add(deal);
            summary
                .by_forecast
                .entry(deal.forecast_category.clone())
                .or_default()
                .add(deal);
            if (today - deal.last_touched).whole_days() >= i64::from(stale_after_days) {
                summary.stale += 1;
            }
        } else if deal.status == Status::Won {
            let amount = deal.closed_amount.unwrap_or(deal.deal_size);
            summary.won.deals += 1;
            summary.won.value += amount;
            summary.won.weighted += amount;
            if let Some(closed) = deal.closed_on {
                won_days.push(super::registration::velocity_days(
                    deal.registered_on,
                    closed,
                ));
            }
        }
    }
    if !won_days.is_empty() {
        let total: i64 = won_days.iter().sum();
        summary.velocity_days =
            Some((Decimal::from(total) / Decimal::from(won_days.len())).round_dp(1));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

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
            probability,
            expected_close: close,
            registered_on: date!(2026 - 10 - 01),
            closed_on: None,
            closed_amount: None,
            last_touched: date!(2026 - 11 - 20),
            forecast_category: "pipeline".into(),
        }
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
        let s = summarize(&deals, today, 45, 30);
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
        assert_eq!(summarize(&[], today, 45, 30).velocity_days, None);
    }
}
