//! Exchange rates into the program currency, as finance imports them.

use time::{Date, OffsetDateTime};

use crate::{Read, Result, Sql, Write, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RateRow {
    pub currency: String,
    pub to_currency: String,
    pub effective_on: Date,
    /// Exact decimal text.
    pub rate: String,
    pub imported_by: String,
    pub imported_at: OffsetDateTime,
}

/// The rates into `to_currency`, by currency and date (newest first).
pub async fn into(tx: &mut Read, to_currency: &str) -> Result<Vec<RateRow>> {
    into_after(tx, to_currency, None, i64::MAX).await
}

/// At most `limit` rates into `to_currency`, by currency and date (newest first), after the
/// rate of `after` (currency, effective_on).
pub async fn into_after(
    tx: &mut Read,
    to_currency: &str,
    after: Option<(String, Date)>,
    limit: i64,
) -> Result<Vec<RateRow>> {
    let mut query = Sql::new(
        "SELECT currency, to_currency, effective_on, rate, imported_by, imported_at \
         FROM exchange_rates WHERE to_currency = ",
    );
    query.push_bind(to_currency);
    if let Some((currency, effective_on)) = after {
        // Currencies ascend and days descend, so no single row comparison fits.
        query
            .push(" AND (currency > ")
            .push_bind(&currency)
            .push(" OR (currency = ")
            .push_bind(&currency)
            .push(" AND effective_on < ")
            .push_bind(effective_on)
            .push("))");
    }
    query
        .push(" ORDER BY currency, effective_on DESC LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// Stores a rate; one already stored for the same currencies and day is replaced. True when
/// it is new.
pub async fn upsert(tx: &mut Write, row: &RateRow) -> Result<bool> {
    #[derive(sqlx::FromRow)]
    struct Found {
        found: i64,
    }
    let existed = tx
        .one::<Found>(sql!(
            "SELECT COUNT(*) AS found FROM exchange_rates \
             WHERE to_currency = $1 AND currency = $2 AND effective_on = $3",
            &row.to_currency,
            &row.currency,
            row.effective_on
        ))
        .await?
        .found
        > 0;
    tx.execute(sql!(
        "INSERT INTO exchange_rates (currency, to_currency, effective_on, rate, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (to_currency, currency, effective_on) \
         DO UPDATE SET rate = $4, imported_by = $5, imported_at = $6",
        &row.currency,
        &row.to_currency,
        row.effective_on,
        &row.rate,
        &row.imported_by,
        row.imported_at
    ))
    .await?;
    Ok(!existed)
}
