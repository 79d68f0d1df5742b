//! What the program dashboard reads: the pipeline's rollups (never the registrations), the
//! partners' attributes, valid certifications, leads and direct wins of a period. One query a
//! table; the partner filters (tier, region, owner) join `partners` where a table is summed
//! in SQL, and are applied in Rust where rows come per partner.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use domain::deals::pipeline::WonSum;

use crate::rollups::{BucketRow, WonStored};
use crate::{Read, Result, Sql, sql};

/// Only partners of this tier, covering this region, managed by this user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerFilter {
    pub tier: Option<String>,
    pub region: Option<String>,
    pub owner: Option<Uuid>,
}

impl PartnerFilter {
    pub fn is_empty(&self) -> bool {
        self.tier.is_none() && self.region.is_none() && self.owner.is_none()
    }

    /// ` AND …` on the partners aliased `p`.
    fn push(&self, query: &mut Sql) {
        if let Some(tier) = &self.tier {
            query.push(" AND p.tier = ").push_bind(tier.clone());
        }
        if let Some(region) = &self.region {
            query
                .push(" AND p.regions LIKE ")
                .push_bind(format!("%\"{region}\"%"));
        }
        if let Some(owner) = self.owner {
            query.push(" AND p.owner_id = ").push_bind(owner);
        }
    }
}

/// A partner as the dashboard groups it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PartnerRow {
    pub id: Uuid,
    pub tier: String,
    pub partner_type: String,
    /// JSON list of region keys.
    pub regions: String,
    pub owner_id: Option<Uuid>,
    pub stage: String,
    pub archived: bool,
    pub created_at: OffsetDateTime,
}

/// Every partner, archived ones too (retention counts those that left).
pub async fn partners(tx: &mut Read) -> Result<Vec<PartnerRow>> {
    tx.all(Sql::new(
        "SELECT id, tier, partner_type, regions, owner_id, stage, archived_at IS NOT NULL AS archived, \
         created_at FROM partners",
    ))
    .await
}

/// A partner's open deals in the program in one currency.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenRow {
    pub partner_id: Uuid,
    pub currency: String,
    pub deals: i64,
    pub value_minor: i64,
    pub weighted: i64,
}

/// Every in-program partner's open deals per currency (`pipeline_open_partner`).
pub async fn open_by_partner(tx: &mut Read) -> Result<Vec<OpenRow>> {
    tx.all(open_by_partner_query()).await
}

/// The statement of [`open_by_partner`] (its plan is checked in `crate::plans`).
pub(crate) fn open_by_partner_query() -> Sql {
    Sql::new(
        "SELECT partner_id, currency, deals, value_minor, weighted FROM pipeline_open_partner \
         WHERE NOT out_of_program AND deals <> 0",
    )
}

/// Open deals in the program by quarter of expected close, forecast category and currency:
/// `pipeline_open_program` program-wide, `pipeline_open` of the filtered partners otherwise.
pub async fn open_buckets(tx: &mut Read, filter: &PartnerFilter) -> Result<Vec<BucketRow>> {
    tx.all(open_buckets_query(filter)).await
}

/// The statement of [`open_buckets`] (its plan is checked in `crate::plans`).
pub(crate) fn open_buckets_query(filter: &PartnerFilter) -> Sql {
    let mut query = if filter.is_empty() {
        Sql::new(
            "SELECT quarter, forecast_category, currency, CAST(SUM(deals) AS BIGINT) AS deals, \
             CAST(SUM(value_minor) AS BIGINT) AS value_minor, \
             CAST(SUM(weighted) AS BIGINT) AS weighted FROM pipeline_open_program \
             WHERE NOT out_of_program",
        )
    } else {
        let mut query = Sql::new(
            "SELECT o.quarter, o.forecast_category, o.currency, CAST(SUM(o.deals) AS BIGINT) AS deals, \
             CAST(SUM(o.value_minor) AS BIGINT) AS value_minor, \
             CAST(SUM(o.weighted) AS BIGINT) AS weighted FROM pipeline_open o \
             JOIN partners p ON p.id = o.partner_id WHERE NOT o.out_of_program",
        );
        filter.push(&mut query);
        query
    };
    query.push(" GROUP BY quarter, forecast_category, currency HAVING SUM(deals) <> 0");
    query
}

/// Wins closed from `first` to `last` (both inclusive) per currency, day and confirmation:
/// `pipeline_won_program` program-wide, `pipeline_won` of the filtered partners otherwise.
pub async fn won_between(
    tx: &mut Read,
    first: Date,
    last: Date,
    filter: &PartnerFilter,
) -> Result<Vec<WonSum>> {
    let rows: Vec<WonStored> = tx.all(won_between_query(first, last, filter)).await?;
    Ok(rows.into_iter().map(WonSum::from).collect())
}

/// The statement of [`won_between`] (its plan is checked in `crate::plans`).
pub(crate) fn won_between_query(first: Date, last: Date, filter: &PartnerFilter) -> Sql {
    if filter.is_empty() {
        sql!(
            "SELECT currency, closed_on, confirmed, deals, amount_minor, velocity_deals, \
                 velocity_days FROM pipeline_won_program \
                 WHERE closed_on >= $1 AND closed_on <= $2 AND deals <> 0",
            first,
            last
        )
    } else {
        let mut query = sql!(
            "SELECT w.currency, w.closed_on, w.confirmed, CAST(SUM(w.deals) AS BIGINT) AS deals, \
         CAST(SUM(w.amount_minor) AS BIGINT) AS amount_minor, \
         CAST(SUM(w.velocity_deals) AS BIGINT) AS velocity_deals, \
         CAST(SUM(w.velocity_days) AS BIGINT) AS velocity_days FROM pipeline_won w \
         JOIN partners p ON p.id = w.partner_id WHERE w.closed_on >= $1 AND w.closed_on <= $2",
            first,
            last
        );
        filter.push(&mut query);
        query.push(" GROUP BY w.currency, w.closed_on, w.confirmed HAVING SUM(w.deals) <> 0");
        query
    }
}

/// Leads of the filtered partners created in `[from, middle)` and `[middle, until)`.
pub async fn leads_in_two_months(
    tx: &mut Read,
    from: OffsetDateTime,
    middle: OffsetDateTime,
    until: OffsetDateTime,
    filter: &PartnerFilter,
) -> Result<(i64, i64)> {
    #[derive(sqlx::FromRow)]
    struct Counts {
        before: i64,
        last: i64,
    }
    let query = leads_in_two_months_query(from, middle, until, filter);
    let counts: Counts = tx.one(query).await?;
    Ok((counts.before, counts.last))
}

/// The statement of [`leads_in_two_months`] (its plan is checked in `crate::plans`).
pub(crate) fn leads_in_two_months_query(
    from: OffsetDateTime,
    middle: OffsetDateTime,
    until: OffsetDateTime,
    filter: &PartnerFilter,
) -> Sql {
    let mut query = sql!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN l.created_at < $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS before, \
         CAST(COALESCE(SUM(CASE WHEN l.created_at >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS last \
         FROM leads l JOIN partners p ON p.id = l.partner_id \
         WHERE l.created_at >= $1 AND l.created_at < $3",
        from,
        middle,
        until
    );
    filter.push(&mut query);
    query
}

/// The partners with at least one certified person on `today`: a record neither retired nor
/// expired.
pub async fn certified_partners(tx: &mut Read, today: Date) -> Result<Vec<Uuid>> {
    #[derive(sqlx::FromRow)]
    struct Id {
        partner_id: Uuid,
    }
    let rows: Vec<Id> = tx
        .all(sql!(
            "SELECT DISTINCT partner_id FROM certification_records \
             WHERE NOT retired AND (expires_on IS NULL OR expires_on >= $1)",
            today
        ))
        .await?;
    Ok(rows.into_iter().map(|r| r.partner_id).collect())
}

/// A direct opportunity won, with the day the import last changed it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DirectWonRow {
    pub currency: String,
    pub amount_minor: i64,
    pub updated_at: OffsetDateTime,
}

/// Direct opportunities won: `None` when none was ever recorded, else those last changed in
/// `[from, until)` (the import records no close day; its last change is when it came in won).
pub async fn direct_won(
    tx: &mut Read,
    from: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Option<Vec<DirectWonRow>>> {
    #[derive(sqlx::FromRow)]
    struct Count {
        n: i64,
    }
    let any: Count = tx
        .one(Sql::new(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM direct_opportunities \
             WHERE status = 'won' LIMIT 1) AS any_won",
        ))
        .await?;
    if any.n == 0 {
        return Ok(None);
    }
    let rows = tx
        .all(sql!(
            "SELECT currency, amount_minor, updated_at FROM direct_opportunities \
             WHERE status = 'won' AND updated_at >= $1 AND updated_at < $2",
            from,
            until
        ))
        .await?;
    Ok(Some(rows))
}
