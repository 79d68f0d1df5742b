//! The dashboard's tables as reports, for downloads and `partneros report dashboard`: one
//! row per metric, group, tier or band.

use domain::dashboard::Unit;
use domain::permissions::Action;
use domain::validation::Choice;

use super::view::{DashboardQuery, DashboardView, Slice};
use crate::reports::{Cell, Table};
use crate::{Actor, Error, Result, Services};

/// Which of the dashboard's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardTable {
    Metrics,
    PipelineByTier,
    PipelineByType,
    PipelineByRegion,
    PipelineByStage,
    Tiers,
    Health,
}

impl DashboardTable {
    pub const ALL: [DashboardTable; 7] = [
        DashboardTable::Metrics,
        DashboardTable::PipelineByTier,
        DashboardTable::PipelineByType,
        DashboardTable::PipelineByRegion,
        DashboardTable::PipelineByStage,
        DashboardTable::Tiers,
        DashboardTable::Health,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DashboardTable::Metrics => "metrics",
            DashboardTable::PipelineByTier => "pipeline_by_tier",
            DashboardTable::PipelineByType => "pipeline_by_type",
            DashboardTable::PipelineByRegion => "pipeline_by_region",
            DashboardTable::PipelineByStage => "pipeline_by_stage",
            DashboardTable::Tiers => "tiers",
            DashboardTable::Health => "health",
        }
    }

    fn title(self) -> &'static str {
        match self {
            DashboardTable::Metrics => "Success metrics",
            DashboardTable::PipelineByTier => "Pipeline by tier",
            DashboardTable::PipelineByType => "Pipeline by partner type",
            DashboardTable::PipelineByRegion => "Pipeline by region",
            DashboardTable::PipelineByStage => "Pipeline by stage and quarter",
            DashboardTable::Tiers => "Partners per tier",
            DashboardTable::Health => "Partners per health band",
        }
    }

    /// The table named `key` ("" is the metrics), or the field error naming the choices.
    pub fn parse(key: &str) -> Result<DashboardTable> {
        match key.trim() {
            "" => Ok(DashboardTable::Metrics),
            key => DashboardTable::ALL
                .into_iter()
                .find(|t| t.key() == key)
                .ok_or_else(|| {
                    Error::Invalid(vec![domain::FieldError {
                        field: "table".into(),
                        message: format!(
                            "must be one of {}",
                            DashboardTable::ALL.map(DashboardTable::key).join(", ")
                        ),
                    }])
                }),
        }
    }
}

impl Services {
    /// One of the dashboard's tables as a report (internal users).
    pub async fn dashboard_table(
        &self,
        actor: &Actor,
        query: &DashboardQuery,
        which: DashboardTable,
    ) -> Result<Table> {
        actor.require(Action::ReadInternal)?;
        let view = self.dashboard(actor, query).await?;
        let (columns, rows): (&[&str], Vec<Vec<Cell>>) = match which {
            DashboardTable::Metrics => (
                &["Metric", "Actual", "Target", "Status", "Note"],
                metric_rows(&view),
            ),
            DashboardTable::PipelineByTier => (
                SLICE_COLUMNS,
                slice_rows(&view.pipeline_by_tier, &view.currency),
            ),
            DashboardTable::PipelineByType => (
                SLICE_COLUMNS,
                slice_rows(&view.pipeline_by_type, &view.currency),
            ),
            DashboardTable::PipelineByRegion => (
                SLICE_COLUMNS,
                slice_rows(&view.pipeline_by_region, &view.currency),
            ),
            DashboardTable::PipelineByStage => (
                &["Quarter", "Forecast category", "Deals", "Value", "Weighted"],
                view.pipeline_by_stage
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::Text(c.quarter.clone()),
                            Cell::Text(c.label.clone()),
                            Cell::Count(c.deals as i64),
                            Cell::Money(c.value, view.currency.clone()),
                            Cell::Money(c.weighted, view.currency.clone()),
                        ]
                    })
                    .collect(),
            ),
            DashboardTable::Tiers => (
                &["Tier", "Partners"],
                view.tiers
                    .iter()
                    .map(|t| vec![Cell::Text(t.name.clone()), Cell::Count(t.partners as i64)])
                    .collect(),
            ),
            DashboardTable::Health => (
                &["Band", "Partners"],
                view.health
                    .iter()
                    .map(|b| {
                        vec![
                            Cell::Text(b.band.map_or("No data yet", |b| b.label()).to_owned()),
                            Cell::Count(b.partners),
                        ]
                    })
                    .collect(),
            ),
        };
        Ok(Table {
            title: which.title().to_owned(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows,
        })
    }
}

const SLICE_COLUMNS: &[&str] = &["Group", "Partners", "Deals", "Value", "Weighted"];

fn slice_rows(slices: &[Slice], currency: &str) -> Vec<Vec<Cell>> {
    slices
        .iter()
        .map(|s| {
            vec![
                Cell::Text(s.label.clone()),
                Cell::Count(s.partners as i64),
                Cell::Count(s.deals as i64),
                Cell::Money(s.value, currency.to_owned()),
                Cell::Money(s.weighted, currency.to_owned()),
            ]
        })
        .collect()
}

fn metric_rows(view: &DashboardView) -> Vec<Vec<Cell>> {
    let figure = |value: Option<rust_decimal::Decimal>, unit: Unit| match (value, unit) {
        (None, _) => Cell::Empty,
        (Some(v), Unit::Percent) => Cell::Percent(v),
        (Some(v), Unit::Money) => Cell::Money(v, view.currency.clone()),
        (Some(v), Unit::Days | Unit::Score) => Cell::Text(v.normalize().to_string()),
    };
    view.metrics
        .iter()
        .map(|m| {
            vec![
                Cell::Text(m.label.to_owned()),
                figure(m.actual, m.unit),
                figure(m.target, m.unit),
                Cell::Text(status(m).to_owned()),
                Cell::Text(m.note.clone()),
            ]
        })
        .collect()
}

/// A metric's standing in words: its colour's label, or why it has none.
pub fn status(metric: &domain::dashboard::Metric) -> &'static str {
    match (metric.actual, metric.rag) {
        (None, _) => "No data yet",
        (Some(_), Some(rag)) => rag.label(),
        (Some(_), None) => "No target",
    }
}
