//! What the program dashboard reads: the pipeline's rollups (never the registrations), the
//! partners counted by kind, leads and direct wins of a period. Every query is summed in SQL
//! and returns rows per kind, never per partner or per registration (a row costs a few
//! microseconds through the driver: 10,000 of them were most of the dashboard's time); the
//! partner filters (tier, region, owner) join `partners`.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use domain::deals::pipeline::WonSum;

use crate::rollups::{BucketRow, WonStored};
use crate::{Read, Result, Sql, sql};

/// Only partners of this tier, covering this region, managed by this user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerFilter {
    pub tier: Option<String>,
    pub region: Option<domain::partners::RegionFilter>,
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
        if let Some(regions) = &self.region {
            crate::partners::push_regions(query, regions);
        }
        if let Some(owner) = self.owner {
            query.push(" AND p.owner_id = ").push_bind(owner);
        }
    }
}

/// Partners of one tier and stage, counted whole and by what the dashboard asks of them:
/// archived or not, joined before a day, certified.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PartnerGroup {
    pub tier: String,
    pub stage: String,
    /// Every partner of the tier and stage, archived ones too.
    pub partners: i64,
    pub archived: i64,
    /// Of `partners`, those that joined before the day asked.
    pub joined_before: i64,
    /// Of `archived`, those that joined before the day asked.
    pub archived_joined_before: i64,
    /// Partners not archived with at least one certified person: a record neither retired
    /// nor expired.
    pub certified: i64,
}

/// Partners of a [`PartnerGroup`] alike in being archived or not and in having joined before
/// the day asked or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CohortCount {
    pub archived: bool,
    pub joined_before: bool,
    pub partners: i64,
}

impl PartnerGroup {
    /// The group's partners in its four cohorts (archived or not × joined before or not).
    pub fn cohorts(&self) -> [CohortCount; 4] {
        let current = self.partners - self.archived;
        let current_joined = self.joined_before - self.archived_joined_before;
        let cohort = |archived, joined_before, partners| CohortCount {
            archived,
            joined_before,
            partners,
        };
        [
            cohort(false, true, current_joined),
            cohort(false, false, current - current_joined),
            cohort(true, true, self.archived_joined_before),
            cohort(true, false, self.archived - self.archived_joined_before),
        ]
    }
}

/// The filtered partners (archived ones too: retention counts those that left) counted by
/// tier and stage ([`PartnerGroup`]): a few dozen rows, whatever the number of partners.
pub async fn partner_groups(
    tx: &mut Read,
    filter: &PartnerFilter,
    joined_before: OffsetDateTime,
    certified_on: Date,
) -> Result<Vec<PartnerGroup>> {
    tx.all(partner_groups_query(filter, joined_before, certified_on))
        .await
}

/// The statement of [`partner_groups`] (its plan is checked in `crate::plans`): grouped by
/// the leading columns of `partners_kind` and summed from its other columns, so that SQLite
/// reads that index in order, without sorting and without visiting the partners' rows.
pub(crate) fn partner_groups_query(
    filter: &PartnerFilter,
    joined_before: OffsetDateTime,
    certified_on: Date,
) -> Sql {
    let mut query = sql!(
        "SELECT p.tier, p.stage, CAST(COUNT(*) AS BIGINT) AS partners, \
         CAST(SUM(CASE WHEN p.archived_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS archived, \
         CAST(SUM(CASE WHEN p.created_at < $1 THEN 1 ELSE 0 END) AS BIGINT) AS joined_before, \
         CAST(SUM(CASE WHEN p.archived_at IS NOT NULL AND p.created_at < $1 THEN 1 ELSE 0 END) \
         AS BIGINT) AS archived_joined_before, \
         CAST(SUM(CASE WHEN p.archived_at IS NULL AND EXISTS (SELECT 1 FROM certification_records c \
         WHERE c.partner_id = p.id AND NOT c.retired \
         AND (c.expires_on IS NULL OR c.expires_on >= $2)) THEN 1 ELSE 0 END) AS BIGINT) AS certified \
         FROM partners p WHERE 1 = 1",
        joined_before,
        certified_on
    );
    filter.push(&mut query);
    query.push(" GROUP BY p.tier, p.stage");
    query
}

/// What the dashboard slices the open pipeline by: a partner's tier, type and regions (the
/// JSON list as stored, one group per combination).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct PartnerKind {
    pub tier: String,
    pub partner_type: String,
    /// JSON list of region keys.
    pub regions: String,
}

/// In-program partners' open deals of one kind of partner in one currency.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenByKind {
    #[sqlx(flatten)]
    pub kind: PartnerKind,
    pub currency: String,
    pub deals: i64,
    pub value_minor: i64,
    pub weighted: i64,
    /// The kind's partners whose first currency (by code) with open deals is this one: the
    /// kind's rows add up to its partners with open deals, each counted once.
    pub partners: i64,
}

/// The filtered in-program partners' open deals (`pipeline_open_partner`) per kind of partner
/// and currency, with how many partners of each kind have any: rows per kind, not per
/// partner.
pub async fn open_by_kind(tx: &mut Read, filter: &PartnerFilter) -> Result<Vec<OpenByKind>> {
    tx.all(open_by_kind_query(filter)).await
}

/// The statement of [`open_by_kind`] (its plan is checked in `crate::plans`). It is driven
/// from the rollup's rows, a few thousand, not from every partner: `CROSS JOIN` holds SQLite
/// to that order (PostgreSQL plans as it sees fit).
pub(crate) fn open_by_kind_query(filter: &PartnerFilter) -> Sql {
    let mut query = Sql::new(
        "SELECT p.tier, p.partner_type, p.regions, o.currency, \
         CAST(SUM(o.deals) AS BIGINT) AS deals, CAST(SUM(o.value_minor) AS BIGINT) AS value_minor, \
         CAST(SUM(o.weighted) AS BIGINT) AS weighted, \
         CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM pipeline_open_partner e \
         WHERE e.partner_id = o.partner_id AND e.currency < o.currency AND e.deals <> 0 \
         AND NOT e.out_of_program) THEN 0 ELSE 1 END) AS BIGINT) AS partners \
         FROM pipeline_open_partner o CROSS JOIN partners p \
         WHERE p.id = o.partner_id AND NOT o.out_of_program AND o.deals <> 0",
    );
    filter.push(&mut query);
    query.push(" GROUP BY p.tier, p.partner_type, p.regions, o.currency");
    query
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_splits_into_its_four_cohorts() {
        let group = PartnerGroup {
            tier: "gold".into(),
            stage: "active".into(),
            partners: 10,
            archived: 3,
            joined_before: 6,
            archived_joined_before: 2,
            certified: 4,
        };
        let split: Vec<(bool, bool, i64)> = group
            .cohorts()
            .iter()
            .map(|c| (c.archived, c.joined_before, c.partners))
            .collect();
        assert_eq!(
            split,
            [
                (false, true, 4),
                (false, false, 3),
                (true, true, 2),
                (true, false, 1)
            ]
        );
    }
}
