//! What the pipeline, the tracker and the homes read of the rollups.

use domain::deals::pipeline::WonSum;
use time::Date;
use uuid::Uuid;

use crate::{Read, Result, Sql, sql};

/// A row of `pipeline_won` or `pipeline_won_program` as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct WonStored {
    pub currency: String,
    pub closed_on: Date,
    pub confirmed: bool,
    pub deals: i64,
    pub amount_minor: i64,
    pub velocity_deals: i64,
    pub velocity_days: i64,
}

impl From<WonStored> for WonSum {
    fn from(r: WonStored) -> Self {
        WonSum {
            currency: r.currency,
            closed_on: r.closed_on,
            confirmed: r.confirmed,
            deals: r.deals,
            amount_minor: r.amount_minor,
            velocity_deals: r.velocity_deals,
            velocity_days: r.velocity_days,
        }
    }
}

/// A row of `pipeline_won`: one partner's wins of a currency, close day and confirmation.
#[derive(sqlx::FromRow)]
pub(crate) struct PartnerWonStored {
    pub partner_id: Uuid,
    #[sqlx(flatten)]
    pub won: WonStored,
}

const WON_COLUMNS: &str =
    "currency, closed_on, confirmed, deals, amount_minor, velocity_deals, velocity_days";

/// Every partner's confirmed wins closed on `from` or later, per partner, currency and close
/// day (through `pipeline_won_closed`).
pub async fn wins(tx: &mut Read, from: Date) -> Result<Vec<(Uuid, WonSum)>> {
    Ok(tx
        .all::<PartnerWonStored>(wins_query(from))
        .await?
        .into_iter()
        .map(|r| (r.partner_id, r.won.into()))
        .collect())
}

/// The statement of [`wins`] (its plan is checked in `crate::plans`).
pub(crate) fn wins_query(from: Date) -> Sql {
    let mut query = Sql::new("SELECT partner_id, ");
    query
        .push(WON_COLUMNS)
        .push(" FROM pipeline_won WHERE closed_on >= ")
        .push_bind(from)
        .push(" AND confirmed AND deals <> 0");
    query
}

/// The program's confirmed wins closed from `from` to `to` (both included), per currency and
/// close day.
pub async fn program_wins(tx: &mut Read, from: Date, to: Date) -> Result<Vec<WonSum>> {
    Ok(tx
        .all::<WonStored>(program_wins_query(from, to))
        .await?
        .into_iter()
        .map(WonSum::from)
        .collect())
}

/// The statement of [`program_wins`] (its plan is checked in `crate::plans`).
pub(crate) fn program_wins_query(from: Date, to: Date) -> Sql {
    let mut query = Sql::new("SELECT ");
    query
        .push(WON_COLUMNS)
        .push(" FROM pipeline_won_program WHERE closed_on >= ")
        .push_bind(from)
        .push(" AND closed_on <= ")
        .push_bind(to)
        .push(" AND confirmed AND deals <> 0");
    query
}

/// The program's open deals in one currency (partners in the program only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CurrencyOpenRow {
    pub currency: String,
    pub deals: i64,
    pub value_minor: i64,
    pub weighted: i64,
}

/// The program's open deals per currency, from `pipeline_open_program` alone (a row per
/// currency).
pub async fn program_open(tx: &mut Read) -> Result<Vec<CurrencyOpenRow>> {
    tx.all(Sql::new(
        "SELECT currency, CAST(SUM(deals) AS BIGINT) AS deals, \
         CAST(SUM(value_minor) AS BIGINT) AS value_minor, \
         CAST(SUM(weighted) AS BIGINT) AS weighted FROM pipeline_open_program \
         WHERE NOT out_of_program GROUP BY currency HAVING SUM(deals) <> 0",
    ))
    .await
}

/// The groups of one partner's open deals, or every partner's (`partner` None).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PartnerOpenRow {
    pub partner_id: Uuid,
    pub display_name: String,
    /// The partner's tier key.
    pub tier: String,
    pub currency: String,
    /// 1 when filed as out of the program.
    pub out_of_program: i64,
    pub deals: i64,
    pub value_minor: i64,
    pub weighted: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BucketRow {
    pub quarter: String,
    pub forecast_category: String,
    pub currency: String,
    pub deals: i64,
    pub value_minor: i64,
    pub weighted: i64,
}

/// What the pipeline is summed from, as the rollups hold it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    pub partners: Vec<PartnerOpenRow>,
    /// Open deals of partners in the program.
    pub buckets: Vec<BucketRow>,
    pub won: Vec<WonSum>,
    /// Open deals last touched on `stale_by` or earlier.
    pub stale: i64,
}

/// The pipeline's groups, program-wide or of one partner; `open` names the open statuses
/// (a partner's stale deals are counted from its registrations).
pub async fn groups(
    tx: &mut Read,
    partner: Option<Uuid>,
    stale_by: Date,
    open: &[&str],
) -> Result<Groups> {
    #[derive(sqlx::FromRow)]
    struct Count {
        n: i64,
    }
    let queries = groups_queries(partner, stale_by, open);
    Ok(Groups {
        partners: tx.all(queries.partners).await?,
        buckets: tx.all(queries.buckets).await?,
        won: tx
            .all::<WonStored>(queries.won)
            .await?
            .into_iter()
            .map(WonSum::from)
            .collect(),
        stale: tx.one::<Count>(queries.stale).await?.n,
    })
}

/// The statements of [`groups`], one a field of [`Groups`] (their plans are checked in
/// `crate::plans`).
pub(crate) struct GroupsQueries {
    pub partners: Sql,
    pub buckets: Sql,
    pub won: Sql,
    pub stale: Sql,
}

pub(crate) fn groups_queries(
    partner: Option<Uuid>,
    stale_by: Date,
    open: &[&str],
) -> GroupsQueries {
    let mut partners = Sql::new(
        "SELECT g.partner_id, p.display_name, p.tier, g.currency, \
         CAST(CASE WHEN g.out_of_program THEN 1 ELSE 0 END AS BIGINT) AS out_of_program, \
         g.deals, g.value_minor, g.weighted FROM pipeline_open_partner g \
         JOIN partners p ON p.id = g.partner_id WHERE g.deals <> 0",
    );
    let (buckets, won, stale) = match partner {
        None => (
            Sql::new(
                "SELECT quarter, forecast_category, currency, CAST(SUM(deals) AS BIGINT) AS deals, \
                 CAST(SUM(value_minor) AS BIGINT) AS value_minor, \
                 CAST(SUM(weighted) AS BIGINT) AS weighted FROM pipeline_open_program \
                 WHERE NOT out_of_program GROUP BY quarter, forecast_category, currency \
                 HAVING SUM(deals) <> 0",
            ),
            Sql::new(
                "SELECT currency, closed_on, confirmed, deals, amount_minor, velocity_deals, \
                 velocity_days FROM pipeline_won_program WHERE deals <> 0",
            ),
            sql!(
                "SELECT CAST(COALESCE(SUM(deals), 0) AS BIGINT) AS n FROM pipeline_touched \
                 WHERE touched_on <= $1",
                stale_by
            ),
        ),
        Some(id) => {
            partners.push(" AND g.partner_id = ").push_bind(id);
            let mut stale = sql!(
                "SELECT COUNT(*) AS n FROM deal_registrations WHERE partner_id = $1 \
                 AND registered_on <= $2 AND (last_activity_at IS NULL OR last_activity_at < $3) \
                 AND status IN ",
                id,
                stale_by,
                (stale_by + time::Duration::DAY).midnight().assume_utc()
            );
            stale.push_bind_list(open.iter().copied());
            (
                sql!(
                    "SELECT quarter, forecast_category, currency, CAST(SUM(deals) AS BIGINT) AS deals, \
                     CAST(SUM(value_minor) AS BIGINT) AS value_minor, \
                     CAST(SUM(weighted) AS BIGINT) AS weighted FROM pipeline_open \
                     WHERE partner_id = $1 AND NOT out_of_program \
                     GROUP BY quarter, forecast_category, currency HAVING SUM(deals) <> 0",
                    id
                ),
                sql!(
                    "SELECT currency, closed_on, confirmed, deals, amount_minor, velocity_deals, \
                     velocity_days FROM pipeline_won WHERE partner_id = $1 AND deals <> 0",
                    id
                ),
                stale,
            )
        }
    };
    GroupsQueries {
        partners,
        buckets,
        won,
        stale,
    }
}
