//! Quarterly escalation trends (`domain::escalations::trends`) for our people: a quarter and
//! the three before it, read from the cases submitted in them, their recorded state changes
//! and which have a review; as a view, a report table, and the dashboard's resolution figure.

use domain::escalations::trends::{self, CaseFacts, QuarterFigures, Spread};
use domain::escalations::{Category, Urgency};
use domain::permissions::Action;
use domain::program::Program;
use domain::program::policy::Clock;
use domain::quarter::Quarter;
use domain::validation::Choice;
use rust_decimal::Decimal;
use serde::Serialize;
use store::escalations::CaseFilter;
use uuid::Uuid;

use super::views::{self, calendar, corrupt};
use crate::reports::{Cell, Table};
use crate::{Actor, Error, Result, Services};

/// The quarters a trends page shows: the asked one and the three before it.
const TREND_QUARTERS: usize = 4;

/// Cases read a statement at a time.
const BATCH: i64 = 500;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TrendsQuery {
    /// 2026-Q4; empty for the quarter under way.
    pub quarter: String,
}

/// A count under a key and its label.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyCount {
    pub key: String,
    pub label: String,
    pub cases: u64,
}

/// The median and 90th percentile of some durations.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SpreadView {
    /// How many cases they are made of.
    pub cases: u64,
    pub median: Option<Decimal>,
    pub p90: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RepeatPartner {
    pub partner_id: Uuid,
    pub name: String,
    pub cases: u64,
}

/// One quarter's figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuarterTrend {
    /// 2026-Q4
    pub quarter: String,
    pub cases: u64,
    pub by_category: Vec<KeyCount>,
    pub by_urgency: Vec<KeyCount>,
    /// Submission to first acknowledgement, in hours of each case's response clock.
    pub response_hours: SpreadView,
    /// Submission to resolution less the time waiting on the partner, in days of the
    /// resolution clock.
    pub resolution_days: SpreadView,
    pub response_breaches: u64,
    pub resolution_breaches: u64,
    /// Cases with either clock breached or met late.
    pub breached_cases: u64,
    /// Partners with two cases or more in the quarter.
    pub repeat_partners: Vec<RepeatPartner>,
    /// Resolved or closed cases without a post-resolution review.
    pub reviews_missing: u64,
}

/// Which clock counts each figure, as `[slas]` sets it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClockNote {
    /// p1…p4, or "resolution".
    pub target: String,
    /// business or calendar
    pub clock: Clock,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendsView {
    /// The quarter asked for (the last of `quarters`).
    pub quarter: String,
    /// Oldest first.
    pub quarters: Vec<QuarterTrend>,
    pub clocks: Vec<ClockNote>,
    /// The resolution target in days of the resolution clock.
    pub resolution_target_days: u32,
}

fn spread(s: Spread) -> SpreadView {
    SpreadView {
        cases: s.cases,
        median: s.median,
        p90: s.p90,
    }
}

fn counts<T: Choice>(counts: &[(T, u64)]) -> Vec<KeyCount> {
    counts
        .iter()
        .map(|(k, cases)| KeyCount {
            key: k.as_str().into(),
            label: k.label().into(),
            cases: *cases,
        })
        .collect()
}

impl Services {
    /// The figures of `quarters` (consecutive, oldest first) at this moment. No permission
    /// check: for the trends and the dashboard, which make their own.
    pub(crate) async fn escalation_quarters(
        &self,
        program: &Program,
        quarters: &[Quarter],
    ) -> Result<Vec<QuarterFigures>> {
        let (Some(first), Some(last)) = (quarters.first(), quarters.last()) else {
            return Ok(Vec::new());
        };
        let calendar = calendar(program)?;
        let filter = CaseFilter {
            submitted_from: Some(trends::bounds(*first, &calendar).0),
            submitted_before: Some(trends::bounds(*last, &calendar).1),
            ..Default::default()
        };
        let mut tx = self.db.read().await?;
        let mut facts = Vec::new();
        let mut partners = Vec::new();
        let mut after = None;
        loop {
            let rows = store::escalations::cases(&mut tx, &filter, after, BATCH).await?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let changes = store::escalations::state_changes(&mut tx, &ids).await?;
            let reviewed = store::escalation_reviews::reviewed(&mut tx, &ids).await?;
            for row in &rows {
                let changes = views::changes_of(&changes, row.id)?;
                facts.push(CaseFacts {
                    partner_id: row.partner_id,
                    category: Category::parse(&row.category)
                        .ok_or_else(|| corrupt("category", &row.category))?,
                    urgency: Urgency::parse(&row.urgency)
                        .ok_or_else(|| corrupt("urgency", &row.urgency))?,
                    submitted_at: row.created_at,
                    changes,
                    reviewed: reviewed.contains(&row.id),
                });
                partners.push(row.partner_id);
            }
            after = rows.last().map(|r| r.id);
            if (rows.len() as i64) < BATCH {
                break;
            }
        }
        let now = store::now();
        Ok(quarters
            .iter()
            .map(|q| trends::quarter_figures(*q, &facts, &program.policies.slas, &calendar, now))
            .collect())
    }

    /// A quarter's escalation trends with the three quarters before it. Our people.
    pub async fn escalation_trends(
        &self,
        actor: &Actor,
        query: &TrendsQuery,
    ) -> Result<TrendsView> {
        actor.require(Action::ReadInternal).or_else(|refused| {
            if actor.is_internal() {
                actor.require(Action::WorkEscalations)
            } else {
                Err(refused)
            }
        })?;
        let (_, program) = self.program_in_force().await?;
        let calendar = calendar(&program)?;
        let current = trends::quarter_of(store::now(), &calendar);
        let quarter = match query.quarter.trim() {
            "" => current,
            text => match Quarter::parse(text) {
                Ok(q) if q > current => {
                    return Err(Error::field("quarter", format!("{q} has not begun")));
                }
                Ok(q) => q,
                Err(message) => return Err(Error::field("quarter", message)),
            },
        };
        let quarters = quarter.trailing(TREND_QUARTERS);
        let figures = self.escalation_quarters(&program, &quarters).await?;
        let mut ids: Vec<Uuid> = figures
            .iter()
            .flat_map(|f| f.repeat_partners.iter().map(|(id, _)| *id))
            .collect();
        ids.sort();
        ids.dedup();
        let mut tx = self.db.read().await?;
        let names = store::partners::get_many(&mut tx, &ids).await?;
        let name = |id: Uuid| {
            names
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.display_name.clone())
                .unwrap_or_default()
        };
        let slas = &program.policies.slas;
        let mut clocks: Vec<ClockNote> = Urgency::ALL
            .iter()
            .map(|u| ClockNote {
                target: u.as_str().into(),
                clock: slas.escalation_response_clock.of(*u),
            })
            .collect();
        clocks.push(ClockNote {
            target: "resolution".into(),
            clock: slas.escalation_resolution_clock,
        });
        Ok(TrendsView {
            quarter: quarter.to_string(),
            quarters: figures
                .iter()
                .map(|f| QuarterTrend {
                    quarter: f.quarter.to_string(),
                    cases: f.cases,
                    by_category: counts(&f.by_category),
                    by_urgency: counts(&f.by_urgency),
                    response_hours: spread(f.response_hours),
                    resolution_days: spread(f.resolution_days),
                    response_breaches: f.response_breaches,
                    resolution_breaches: f.resolution_breaches,
                    breached_cases: f.breached_cases,
                    repeat_partners: f
                        .repeat_partners
                        .iter()
                        .map(|(id, cases)| RepeatPartner {
                            partner_id: *id,
                            name: name(*id),
                            cases: *cases,
                        })
                        .collect(),
                    reviews_missing: f.reviews_missing,
                })
                .collect(),
            clocks,
            resolution_target_days: slas.escalation_resolution_days,
        })
    }

    /// The trends as a report: a row per quarter, oldest first; counts as whole numbers, the
    /// hours and days (median, p90) with one decimal always, as their headers say.
    pub async fn escalation_trends_table(
        &self,
        actor: &Actor,
        query: &TrendsQuery,
    ) -> Result<Table> {
        let view = self.escalation_trends(actor, query).await?;
        let mut columns: Vec<String> = vec!["Quarter".into(), "Cases".into()];
        columns.extend(Category::ALL.iter().map(|c| c.label().to_owned()));
        columns.extend(Urgency::ALL.iter().map(|u| u.label().to_owned()));
        columns.extend(
            [
                "Median hours to first response (one decimal)",
                "P90 hours to first response (one decimal)",
                "Median days to resolution (one decimal)",
                "P90 days to resolution (one decimal)",
                "Response breaches",
                "Resolution breaches",
                "Repeat partners",
                "Reviews missing",
            ]
            .map(String::from),
        );
        let count = |n: u64| Cell::Count(i64::try_from(n).unwrap_or(i64::MAX));
        // Counts are whole numbers; the spreads' figures always carry one decimal.
        let figure =
            |d: Option<Decimal>| d.map_or(Cell::Empty, |d| Cell::Text(trends::one_decimal(d)));
        let rows = view
            .quarters
            .iter()
            .map(|q| {
                let mut row = vec![Cell::Text(q.quarter.clone()), count(q.cases)];
                row.extend(q.by_category.iter().map(|c| count(c.cases)));
                row.extend(q.by_urgency.iter().map(|c| count(c.cases)));
                row.extend([
                    figure(q.response_hours.median),
                    figure(q.response_hours.p90),
                    figure(q.resolution_days.median),
                    figure(q.resolution_days.p90),
                    count(q.response_breaches),
                    count(q.resolution_breaches),
                    count(q.repeat_partners.len() as u64),
                    count(q.reviews_missing),
                ]);
                row
            })
            .collect();
        Ok(Table {
            title: "Escalation trends".into(),
            columns,
            rows,
        })
    }
}
