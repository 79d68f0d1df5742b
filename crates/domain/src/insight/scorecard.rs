//! The scorecard: one partner's figures for one quarter, and the same for the eight quarters
//! ending with it.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use time::Date;

use super::records::{ActivityKind, Commitment, Records};
use crate::deals::registration::Status;
use crate::enablement::held::counts;
use crate::money::rates::{Rates, convert};
use crate::program::Program;
use crate::quarter::Quarter;

/// Quarters in a scorecard's trend.
pub const TREND_QUARTERS: usize = 8;

/// An amount in its own currency that no rate converts, left out of every sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = UnconvertedAmount)]
pub struct Unconverted {
    pub currency: String,
    pub amount: Decimal,
}

/// One quarter's figures. Money is in the program currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// e.g. "2026-Q3".
    pub quarter: String,
    /// Confirmed wins closed in the quarter.
    pub won: Decimal,
    pub won_deals: u32,
    /// Confirmed wins closed in the four quarters ending with this one (a win is a year's
    /// contract value).
    pub arr: Decimal,
    /// This quarter's ARR less the previous quarter's.
    pub net_new_arr: Decimal,
    /// Won revenue per won deal in the quarter; none without wins.
    pub average_deal_size: Option<Decimal>,
    /// Against the previous quarter's average; none when either quarter had no wins.
    pub average_deal_size_growth_percent: Option<Decimal>,
    /// Deal size of the registrations registered in the quarter (drafts left out).
    pub pipeline_created: Decimal,
    pub registered: u32,
    /// Registrations whose outcome was settled in the quarter (`Deal::ended_on`).
    pub ended: u32,
    /// Of those, won.
    pub ended_won: u32,
    /// `ended_won` of `ended`; none when nothing ended.
    pub conversion_percent: Option<Decimal>,
    /// The partner's people at the quarter's end (today for the current quarter).
    pub people: u32,
    /// Of them, holding an active certification then.
    pub certified_people: u32,
    pub certified_percent: Option<Decimal>,
    /// Joint calls and meetings on its registrations that our people logged or confirmed.
    pub joint_calls: u32,
    pub joint_meetings: u32,
    /// Leads the partner sourced that we accepted in the quarter.
    pub leads_accepted: u32,
    /// Won and registered amounts no rate converts.
    pub unconverted: Vec<Unconverted>,
}

/// An IPP assessment's fit score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Fit {
    pub on: Date,
    /// 0–100.
    pub score: u32,
}

/// One partner's scorecard for one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    pub quarter: String,
    pub currency: String,
    /// The quarter's figures (the trend's last).
    pub figures: Figures,
    /// The eight quarters ending with this one, oldest first.
    pub trend: Vec<Figures>,
    /// The latest IPP assessment by the quarter's end.
    pub ipp_fit: Option<Fit>,
    /// The latest 3C/4C evaluation by the quarter's end.
    pub commitment: Option<Commitment>,
    /// Financial and competitive risk: the red flags of that IPP assessment (empty: none
    /// found); none without an assessment.
    pub risks: Option<Vec<String>>,
}

pub(super) fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero()).then(|| {
        (part * Decimal::ONE_HUNDRED / whole)
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    })
}

/// The confirmed wins by quarter, converted at their close day's rate.
pub(super) struct Wins {
    by_quarter: BTreeMap<Quarter, (Decimal, u32)>,
    unconverted: BTreeMap<Quarter, BTreeMap<String, Decimal>>,
}

impl Wins {
    pub(super) fn of(records: &Records, rates: &Rates) -> Wins {
        let mut wins = Wins {
            by_quarter: BTreeMap::new(),
            unconverted: BTreeMap::new(),
        };
        for deal in records
            .deals
            .iter()
            .filter(|d| d.status == Status::Won && d.win_counts)
        {
            let (Some(on), Some(amount)) = (deal.closed_on, deal.closed_amount) else {
                continue;
            };
            let quarter = Quarter::containing(on);
            match convert(amount, &deal.currency, on, rates) {
                Ok(converted) => {
                    let entry = wins.by_quarter.entry(quarter).or_default();
                    entry.0 += converted.amount;
                    entry.1 += 1;
                }
                Err(_) => {
                    *wins
                        .unconverted
                        .entry(quarter)
                        .or_default()
                        .entry(deal.currency.clone())
                        .or_default() += amount;
                }
            }
        }
        wins
    }

    pub(super) fn in_quarter(&self, quarter: Quarter) -> (Decimal, u32) {
        self.by_quarter.get(&quarter).copied().unwrap_or_default()
    }

    /// Won in the four quarters ending with `quarter`.
    pub(super) fn arr(&self, quarter: Quarter) -> Decimal {
        quarter
            .trailing(4)
            .into_iter()
            .map(|q| self.in_quarter(q).0)
            .sum()
    }

    fn average(&self, quarter: Quarter) -> Option<Decimal> {
        let (won, deals) = self.in_quarter(quarter);
        (deals > 0).then(|| {
            (won / Decimal::from(deals))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
        })
    }
}

fn figures(
    program: &Program,
    records: &Records,
    rates: &Rates,
    wins: &Wins,
    quarter: Quarter,
    today: Date,
) -> Figures {
    let within = |day: Date| Quarter::containing(day) == quarter;
    let (won, won_deals) = wins.in_quarter(quarter);
    let mut unconverted = wins.unconverted.get(&quarter).cloned().unwrap_or_default();
    let mut pipeline_created = Decimal::ZERO;
    let mut registered = 0;
    for deal in records
        .deals
        .iter()
        .filter(|d| d.status != Status::Draft && within(d.registered_on))
    {
        registered += 1;
        match convert(deal.size, &deal.currency, deal.registered_on, rates) {
            Ok(converted) => pipeline_created += converted.amount,
            Err(_) => {
                *unconverted.entry(deal.currency.clone()).or_default() += deal.size;
            }
        }
    }
    let ended: Vec<_> = records
        .deals
        .iter()
        .filter(|d| d.ended_on().is_some_and(within))
        .collect();
    let ended_won = ended.iter().filter(|d| d.status == Status::Won).count() as u32;
    let as_of = quarter.last_day().min(today);
    let people = records
        .people
        .iter()
        .filter(|left| left.is_none_or(|left| left > as_of))
        .count() as u32;
    let certified_people = counts(&records.held, &program.certifications, as_of).certified_people;
    let joint = |kind: ActivityKind| {
        records
            .activities
            .iter()
            .filter(|a| a.joint && a.counts && a.kind == kind && within(a.on))
            .count() as u32
    };
    let arr = wins.arr(quarter);
    let average_deal_size = wins.average(quarter);
    Figures {
        quarter: quarter.to_string(),
        won,
        won_deals,
        arr,
        net_new_arr: arr - wins.arr(quarter.previous()),
        average_deal_size,
        average_deal_size_growth_percent: match (
            average_deal_size,
            wins.average(quarter.previous()),
        ) {
            (Some(now), Some(before)) => percent(now - before, before),
            _ => None,
        },
        pipeline_created,
        registered,
        ended: ended.len() as u32,
        ended_won,
        conversion_percent: percent(ended_won.into(), ended.len().into()),
        people,
        certified_people,
        certified_percent: percent(certified_people.into(), people.into()),
        joint_calls: joint(ActivityKind::Call),
        joint_meetings: joint(ActivityKind::Meeting),
        leads_accepted: records
            .leads
            .iter()
            .filter(|l| l.accepted_on.is_some_and(within))
            .count() as u32,
        unconverted: unconverted
            .into_iter()
            .map(|(currency, amount)| Unconverted { currency, amount })
            .collect(),
    }
}

/// The partner's scorecard for `quarter` as known on `today`.
pub fn scorecard(
    program: &Program,
    records: &Records,
    rates: &Rates,
    quarter: Quarter,
    today: Date,
) -> Scorecard {
    let wins = Wins::of(records, rates);
    let trend: Vec<Figures> = quarter
        .trailing(TREND_QUARTERS)
        .into_iter()
        .map(|q| figures(program, records, rates, &wins, q, today))
        .collect();
    let end = quarter.last_day();
    let assessment = records
        .assessments
        .iter()
        .filter(|a| a.on <= end)
        .max_by_key(|a| a.on);
    Scorecard {
        quarter: quarter.to_string(),
        currency: program.currency.clone(),
        figures: trend.last().cloned().expect("a trend has eight quarters"),
        ipp_fit: assessment.map(|a| Fit {
            on: a.on,
            score: a.score,
        }),
        commitment: records
            .commitments
            .iter()
            .filter(|c| c.on <= end)
            .max_by_key(|c| c.on)
            .cloned(),
        risks: assessment.map(|a| a.red_flags.clone()),
        trend,
    }
}
