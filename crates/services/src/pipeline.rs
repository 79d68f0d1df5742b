//! The pipeline: open registrations summed with their probability, per partner and tier, in
//! the program currency, read from the rollups (`store::rollups`) and summed by
//! `domain::deals::pipeline::summarize`; and the forecast snapshots taken of it (by hand,
//! and by the daily sweep on each quarter's last day).

use domain::deals::pipeline;
use domain::deals::registration::{ForecastCategory, Status};
use domain::display;
use domain::permissions::Action;
use domain::validation::Choice;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::reports::{Cell, Table};
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SnapshotView {
    pub id: Uuid,
    /// The quarter it was taken in, e.g. 2026-Q2.
    pub quarter: String,
    pub taken_on: String,
    pub taken_by: String,
    pub summary: domain::deals::pipeline::PipelineSummary,
}

impl Services {
    /// The pipeline: a partner's people see their organisation's; internal users the whole
    /// program or one partner's.
    pub async fn pipeline(
        &self,
        actor: &Actor,
        partner: Option<Uuid>,
    ) -> Result<domain::deals::pipeline::PipelineSummary> {
        let partner = if actor.is_internal() {
            partner
        } else {
            let own = actor.partner_id.ok_or(Error::NotFound)?;
            if partner.is_some_and(|p| p != own) {
                return Err(Error::NotFound);
            }
            Some(own)
        };
        if let Some(id) = partner {
            self.get_partner(actor, id).await?;
        }
        let (_, program) = self.program_in_force().await?;
        let open: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect();
        let today = actor.today();
        let targets = &program.policies.targets;
        let stale_by = pipeline::stale_on_or_before(today, targets.stale_deal_days);
        let mut tx = self.db.read().await?;
        let rows = store::rollups::groups(&mut tx, partner, stale_by, &open).await?;
        let rates = crate::rates::rates_into(&mut tx, &program).await?;
        drop(tx);
        let tier_name = |key: &str| {
            program
                .tier_index(key)
                .map_or(key.to_owned(), |i| program.tiers[i].name.clone())
        };
        let sum = |deals, value_minor, weighted| pipeline::OpenSum {
            deals,
            value_minor,
            weighted,
        };
        let groups = pipeline::Groups {
            partners: rows
                .partners
                .into_iter()
                .map(|r| pipeline::PartnerOpen {
                    tier: tier_name(&r.tier),
                    partner: r.display_name,
                    out_of_program: r.out_of_program != 0,
                    currency: r.currency,
                    sum: sum(r.deals, r.value_minor, r.weighted),
                })
                .collect(),
            buckets: rows
                .buckets
                .into_iter()
                .map(|r| pipeline::BucketOpen {
                    quarter: r.quarter,
                    forecast_category: r.forecast_category,
                    currency: r.currency,
                    sum: sum(r.deals, r.value_minor, r.weighted),
                })
                .collect(),
            won: rows.won,
            stale: usize::try_from(rows.stale).unwrap_or(0),
        };
        Ok(pipeline::summarize(
            &groups,
            today,
            targets.deal_velocity_days,
            targets.stale_deal_days,
            &rates,
        ))
    }

    /// The pipeline page's breakdowns as one report table (downloads and `partneros report
    /// pipeline`): a row per line with the breakdown it belongs to, in the program currency.
    /// Who may read which partner's figures is [`Services::pipeline`]'s rule.
    pub async fn pipeline_table(&self, actor: &Actor, partner: Option<Uuid>) -> Result<Table> {
        let summary = self.pipeline(actor, partner).await?;
        Ok(summary_table(&summary))
    }

    /// Recomputes the pipeline's rollups from the registrations (one snapshot) and names every
    /// stored row that differs, by table and key (`partneros check rollups`).
    pub async fn check_rollups(&self) -> Result<Vec<String>> {
        let mut tx = self.db.snapshot().await?;
        Ok(store::rollups::check::all(&mut tx).await?)
    }

    /// Stores the program-wide pipeline as it stands (admins and partner managers; the daily
    /// sweep takes one on each quarter's last day).
    pub async fn take_forecast_snapshot(&self, actor: &Actor) -> Result<SnapshotView> {
        actor.require(Action::ManageDeals)?;
        let summary = self.pipeline(actor, None).await?;
        let now = store::now();
        let row = store::deals::SnapshotRow {
            id: Uuid::now_v7(),
            quarter: domain::quarter::Quarter::containing(now.date()).to_string(),
            taken_on: now.date(),
            taken_by: actor.label.clone(),
            summary: serde_json::to_string(&summary)
                .map_err(|e| Error::Store(store::Error::Internal(e.to_string())))?,
            created_at: now,
        };
        let mut tx = self.db.write().await?;
        store::deals::insert_snapshot(&mut tx, &row).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "forecast_snapshot",
                entity_id: row.id,
                action: "taken",
                summary: format!(
                    "Forecast snapshot for {}: {}, {} weighted",
                    row.quarter,
                    display::count(
                        i64::try_from(summary.open.deals).unwrap_or(i64::MAX),
                        "open deal"
                    ),
                    display::money(summary.open.weighted, &summary.currency)
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(SnapshotView {
            id: row.id,
            quarter: row.quarter,
            taken_on: row.taken_on.to_string(),
            taken_by: row.taken_by,
            summary,
        })
    }

    /// Forecast snapshots, newest first (internal users).
    pub async fn forecast_snapshots(
        &self,
        actor: &Actor,
        page: &PageRequest<(time::Date, OffsetDateTime, Uuid)>,
    ) -> Result<Page<SnapshotView>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let rows = store::deals::snapshots(&mut tx, page.after, page.limit).await?;
        drop(tx);
        page.page(rows, |row| (row.taken_on, row.created_at, row.id))
            .try_map(|row| {
                Ok(SnapshotView {
                    summary: serde_json::from_str(&row.summary)
                        .map_err(|e| Error::Store(store::Error::Corrupt(e.to_string())))?,
                    id: row.id,
                    quarter: row.quarter,
                    taken_on: row.taken_on.to_string(),
                    taken_by: row.taken_by,
                })
            })
    }
}

/// One row per line of `summary`, grouped as the page shows them; forecast categories by
/// their labels.
fn summary_table(summary: &pipeline::PipelineSummary) -> Table {
    let currency = &summary.currency;
    let row = |breakdown: &str, group: &str, line: &pipeline::Line| {
        vec![
            Cell::Text(breakdown.to_owned()),
            Cell::Text(group.to_owned()),
            Cell::Count(i64::try_from(line.deals).unwrap_or(i64::MAX)),
            Cell::Money(line.value, currency.clone()),
            Cell::Money(line.weighted, currency.clone()),
        ]
    };
    let mut rows = vec![row(
        "Open pipeline",
        "All open registrations",
        &summary.open,
    )];
    let forecast_label =
        |key: &str| ForecastCategory::parse(key).map_or(key.to_owned(), |c| c.label().to_owned());
    let breakdowns: [(
        &str,
        &std::collections::BTreeMap<String, pipeline::Line>,
        bool,
    ); 5] = [
        ("Quarter of expected close", &summary.by_quarter, false),
        ("Forecast category", &summary.by_forecast, true),
        ("Tier", &summary.by_tier, false),
        ("Partner", &summary.by_partner, false),
        ("Out of the program", &summary.out_of_program, false),
    ];
    for (breakdown, lines, labelled) in breakdowns {
        for (key, line) in lines {
            let group = if labelled {
                forecast_label(key)
            } else {
                key.clone()
            };
            rows.push(row(breakdown, &group, line));
        }
    }
    rows.push(row("Won", "Confirmed by us", &summary.won));
    rows.push(row(
        "Won",
        "Reported, not yet confirmed",
        &summary.won_unconfirmed,
    ));
    Table {
        title: "Pipeline".into(),
        columns: ["Breakdown", "Group", "Deals", "Value", "Weighted value"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}
