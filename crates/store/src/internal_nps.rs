//! Internal NPS rounds and answers. Who answered (respondents) and what was answered
//! (answers) are separate rows with nothing joining them, so no answer leads back to a person.

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoundRow {
    pub id: Uuid,
    /// 2026-Q4 or 2026-12.
    pub period_key: String,
    pub starts_on: Date,
    pub ends_on: Date,
    /// None when the jobs loop opened it.
    pub opened_by: Option<Uuid>,
    pub opened_at: OffsetDateTime,
}

const ROUND_COLUMNS: &str =
    "SELECT id, period_key, starts_on, ends_on, opened_by, opened_at FROM internal_nps_rounds";

/// Opens a round; [`crate::Error::Duplicate`] when its period already has one.
pub async fn open_round(tx: &mut Write, row: &RoundRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO internal_nps_rounds (id, period_key, starts_on, ends_on, opened_by, opened_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        row.id,
        &row.period_key,
        row.starts_on,
        row.ends_on,
        row.opened_by,
        row.opened_at,
    ))
    .await?;
    Ok(())
}

pub async fn round_of_period(tx: &mut Read, period_key: &str) -> Result<Option<RoundRow>> {
    let mut query = Sql::new(ROUND_COLUMNS);
    query.push(" WHERE period_key = ").push_bind(period_key);
    tx.optional(query).await
}

/// The latest `count` rounds, newest first.
pub async fn latest_rounds(tx: &mut Read, count: i64) -> Result<Vec<RoundRow>> {
    let mut query = Sql::new(ROUND_COLUMNS);
    query
        .push(" ORDER BY starts_on DESC LIMIT ")
        .push_bind(count);
    tx.all(query).await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AnswerRow {
    pub id: Uuid,
    pub round_id: Uuid,
    pub score: i64,
    pub comment: String,
    /// Team keys, comma-separated.
    pub teams: String,
}

/// Records that `user_id` answered the round ([`crate::Error::Duplicate`] on a second
/// answer) and, apart from it, the answer.
pub async fn answer(tx: &mut Write, user_id: Uuid, row: &AnswerRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO internal_nps_respondents (round_id, user_id) VALUES ($1, $2)",
        row.round_id,
        user_id,
    ))
    .await?;
    tx.execute(sql!(
        "INSERT INTO internal_nps_answers (id, round_id, score, comment, teams) \
         VALUES ($1, $2, $3, $4, $5)",
        row.id,
        row.round_id,
        row.score,
        &row.comment,
        &row.teams,
    ))
    .await?;
    Ok(())
}

pub async fn answered(tx: &mut Read, round_id: Uuid, user_id: Uuid) -> Result<bool> {
    let (count,): (i64,) = tx
        .one(sql!(
            "SELECT COUNT(*) FROM internal_nps_respondents WHERE round_id = $1 AND user_id = $2",
            round_id,
            user_id
        ))
        .await?;
    Ok(count > 0)
}

/// The answers of the rounds `ids`, ordered by their random id (no order of answering).
pub async fn answers(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<AnswerRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(
        "SELECT id, round_id, score, comment, teams FROM internal_nps_answers WHERE round_id IN ",
    );
    query.push_bind_list(ids.iter().copied());
    query.push(" ORDER BY id");
    tx.all(query).await
}
