//! The pipeline: open registrations summed with their probability, per partner and tier, in
//! the program currency; and the forecast snapshots taken of it (by hand, and by the daily
//! sweep on each quarter's last day).

use domain::deals::registration::Status;
use domain::permissions::Action;
use domain::validation::Choice;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::money;
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
        let summed: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| domain::deals::pipeline::counts(**s))
            .map(|s| s.as_str())
            .collect();
        let mut tx = self.db.read().await?;
        let rows = store::deals::pipeline_rows(&mut tx, partner, &summed).await?;
        let rates = crate::rates::rates_into(&mut tx, &program).await?;
        // Each partner's name, the name of its tier in the program in force, and whether it
        // is out of the program.
        let partners: std::collections::HashMap<Uuid, (String, String, bool)> =
            partners_by_id(&mut tx, rows.iter().map(|r| r.partner_id))
                .await?
                .into_iter()
                .map(|(id, p)| {
                    let tier = program
                        .tier_index(&p.tier)
                        .map_or(p.tier.clone(), |i| program.tiers[i].name.clone());
                    let out = p.out_of_program().is_some();
                    (id, (p.display_name, tier, out))
                })
                .collect();
        drop(tx);
        let deals = rows
            .iter()
            .map(|row| {
                let (name, tier, partner_out_of_program) =
                    partners.get(&row.partner_id).cloned().unwrap_or_default();
                let registered_on = row.registered_on;
                domain::deals::pipeline::PipelineDeal {
                    partner: name,
                    tier,
                    status: Status::parse(&row.status).unwrap_or(Status::Draft),
                    deal_size: money(row.deal_size_minor),
                    currency: row.currency.clone(),
                    probability: u8::try_from(row.probability).unwrap_or(0),
                    expected_close: row.expected_close,
                    registered_on,
                    closed_on: row.closed_on,
                    closed_amount: row.closed_amount_minor.map(money),
                    last_touched: row
                        .last_activity_at
                        .map_or(registered_on, |at| at.date())
                        .max(registered_on),
                    forecast_category: row.forecast_category.clone(),
                    partner_out_of_program,
                    win_confirmed: row.win_confirmed,
                }
            })
            .collect::<Vec<_>>();
        Ok(domain::deals::pipeline::summarize(
            &deals,
            actor.today(),
            program.policies.targets.deal_velocity_days,
            program.policies.targets.stale_deal_days,
            &rates,
        ))
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
                    "Forecast snapshot for {}: {} open deals, {} weighted",
                    row.quarter, summary.open.deals, summary.open.weighted
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

/// The partners `ids` name, each read once.
async fn partners_by_id(
    tx: &mut store::Read,
    ids: impl Iterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, domain::partners::Partner>> {
    let ids: Vec<Uuid> = ids
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .collect();
    Ok(store::partners::get_many(tx, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}
