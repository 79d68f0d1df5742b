//! Partners' health: computed now from the records, recorded daily by the job (one row per
//! partner and day), its history, and the latest run program-wide.

use domain::insight::{Band, Component, Flag};
use domain::permissions::Action;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

use crate::convert::corrupt;
use crate::{Actor, Error, Page, PageRequest, Result, Services};

/// Rows written per transaction by the daily recomputation.
const WRITE_BATCH: usize = 500;

/// A partner's health on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HealthDay {
    #[serde(with = "domain::day_json")]
    pub computed_on: Date,
    /// 0–100; absent when no component had data.
    pub score: Option<u32>,
    pub band: Option<Band>,
    pub components: Vec<Component>,
    pub flags: Vec<Flag>,
    pub program_version: i64,
}

/// A partner's health now, and as the daily job recorded it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HealthView {
    pub partner_id: Uuid,
    pub partner_name: String,
    /// Computed from the records at this request.
    pub now: HealthDay,
    /// Recorded by the daily job, newest first.
    pub history: Page<HealthDay>,
}

/// One partner's health in the latest daily run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerHealth {
    pub partner_id: Uuid,
    pub partner_name: String,
    /// Its tier key.
    pub tier: String,
    pub health: HealthDay,
}

/// How many partners a band held in the latest daily run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BandCount {
    /// Absent: partners no component had data for.
    pub band: Option<Band>,
    pub partners: i64,
}

fn band(key: Option<&str>) -> Result<Option<Band>> {
    key.map(|k| Band::parse(k).ok_or_else(|| corrupt("health band", k)))
        .transpose()
}

fn day(row: &store::insight::HealthRow) -> Result<HealthDay> {
    Ok(HealthDay {
        computed_on: row.computed_on,
        score: row
            .score
            .map(u32::try_from)
            .transpose()
            .map_err(|e| corrupt("health score", e))?,
        band: band(row.band.as_deref())?,
        components: serde_json::from_str(&row.components)
            .map_err(|e| corrupt("health components", e))?,
        flags: serde_json::from_str(&row.flags).map_err(|e| corrupt("health flags", e))?,
        program_version: row.program_version,
    })
}

impl Services {
    /// `partner`'s health now and its recorded history (ours only: partners see their
    /// scorecard, not this management figure).
    pub async fn health(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        page: &PageRequest<Date>,
    ) -> Result<HealthView> {
        let partner = self.get_partner(actor, partner_id).await?;
        actor.require(Action::ReadInternal)?;
        let (version, program) = self.program_in_force().await?;
        let today = actor.today();
        let mut tx = self.db.read().await?;
        let records = super::records::load(&mut tx, &program, &partner, true, today).await?;
        let rates = super::records::rates(&mut tx, &program).await?;
        let rows = store::insight::history(&mut tx, partner_id, page.after, page.limit).await?;
        drop(tx);
        let health = domain::insight::health(&program, &records, &rates, today);
        let history = page
            .page(rows, |row| row.computed_on)
            .try_map(|row| day(&row))?;
        Ok(HealthView {
            partner_id,
            partner_name: partner.display_name,
            now: HealthDay {
                computed_on: today,
                score: health.score,
                band: health.band,
                components: health.components,
                flags: health.flags,
                program_version: version,
            },
            history,
        })
    }

    /// Computes every partner in the program's health on `today` and records it, once per
    /// partner and day (a second run the same day writes nothing); how many were written.
    /// The records are read per source for all partners at once (`records::load_many`), not
    /// per partner.
    pub async fn recompute_health(&self, today: Date) -> Result<usize> {
        let (version, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let partners = store::partners::list(
            &mut tx,
            &store::partners::PartnerFilter {
                limit: i64::MAX,
                ..Default::default()
            },
        )
        .await?;
        let rates = super::records::rates(&mut tx, &program).await?;
        let partners: Vec<_> = partners
            .into_iter()
            .filter(|p| p.out_of_program().is_none())
            .collect();
        let records = super::records::load_many(&mut tx, &program, &partners, today).await?;
        let now = store::now();
        let mut rows = Vec::with_capacity(partners.len());
        for (partner, records) in partners.iter().zip(&records) {
            let health = domain::insight::health(&program, records, &rates, today);
            rows.push(store::insight::HealthRow {
                partner_id: partner.id,
                computed_on: today,
                score: health.score.map(i64::from),
                band: health.band.map(|b| b.key().to_owned()),
                components: serde_json::to_string(&health.components)
                    .map_err(|e| crate::convert::internal("health components", e))?,
                flags: serde_json::to_string(&health.flags)
                    .map_err(|e| crate::convert::internal("health flags", e))?,
                program_version: version,
                created_at: now,
            });
        }
        drop(tx);
        let mut written = 0;
        for batch in rows.chunks(WRITE_BATCH) {
            let mut tx = self.db.write().await?;
            for row in batch {
                written += usize::from(store::insight::insert_health(&mut tx, row).await?);
            }
            tx.commit().await?;
        }
        if written > 0 {
            self.db.refresh_statistics("partner_health").await?;
        }
        Ok(written)
    }

    /// The partners scored in the latest daily run, lowest score first; only `band`'s
    /// when given (e.g. "at_risk" for the at-risk list).
    pub async fn partners_health(
        &self,
        actor: &Actor,
        band: Option<&str>,
        page: &PageRequest<(i64, Uuid)>,
    ) -> Result<Page<PartnerHealth>> {
        actor.require(Action::ReadInternal)?;
        let band = band
            .filter(|b| !b.is_empty())
            .map(|b| {
                Band::parse(b).ok_or_else(|| {
                    Error::field("band", "must be one of: healthy, at_risk, intervene")
                })
            })
            .transpose()?;
        let mut tx = self.db.read().await?;
        let Some(latest) = store::insight::latest_day(&mut tx).await? else {
            return Ok(page.page(Vec::new(), |_: &PartnerHealth| (0, Uuid::nil())));
        };
        let rows =
            store::insight::scored_on(&mut tx, latest, band.map(Band::key), page.after, page.limit)
                .await?;
        drop(tx);
        page.page(rows, |row| {
            (row.health.score.unwrap_or_default(), row.health.partner_id)
        })
        .try_map(|row| {
            Ok(PartnerHealth {
                partner_id: row.health.partner_id,
                partner_name: row.display_name,
                tier: row.tier,
                health: day(&row.health)?,
            })
        })
    }

    /// How many partners each band held in the latest daily run (empty before the first).
    pub async fn health_bands(&self, actor: &Actor) -> Result<Vec<BandCount>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let Some(latest) = store::insight::latest_day(&mut tx).await? else {
            return Ok(Vec::new());
        };
        store::insight::band_counts(&mut tx, latest)
            .await?
            .into_iter()
            .map(|count| {
                Ok(BandCount {
                    band: band(count.band.as_deref())?,
                    partners: count.partners,
                })
            })
            .collect()
    }
}
