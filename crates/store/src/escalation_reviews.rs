//! Post-resolution reviews of escalation cases, one a case. Internal only: nothing a
//! partner's people read joins this table. Every edit is conditional on the version it was
//! read with ([`crate::Error::Changed`] for the loser of a race); a second first review of a
//! case is [`crate::Error::Duplicate`] by the primary key.

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewRow {
    pub case_id: Uuid,
    pub what_happened: String,
    pub root_cause: String,
    pub lessons: String,
    pub prevention: String,
    /// Follow-up actions, one a line; may be empty.
    pub follow_ups: String,
    /// Who wrote the latest version.
    pub author_id: Uuid,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

pub async fn review(tx: &mut Read, case_id: Uuid) -> Result<Option<ReviewRow>> {
    tx.optional(sql!(
        "SELECT case_id, what_happened, root_cause, lessons, prevention, follow_ups, author_id, \
         version, created_at, updated_at FROM escalation_reviews WHERE case_id = $1",
        case_id
    ))
    .await
}

pub async fn insert_review(tx: &mut Write, row: &ReviewRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO escalation_reviews (case_id, what_happened, root_cause, lessons, prevention, \
         follow_ups, author_id, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        row.case_id,
        &row.what_happened,
        &row.root_cause,
        &row.lessons,
        &row.prevention,
        &row.follow_ups,
        row.author_id,
        row.version,
        row.created_at,
        row.updated_at,
    ))
    .await?;
    Ok(())
}

/// Replaces the review's text with `row`'s, provided it is still at version `read`; the
/// version grows by one.
pub async fn update_review(tx: &mut Write, row: &ReviewRow, read: i64) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE escalation_reviews SET what_happened = $2, root_cause = $3, lessons = $4, \
             prevention = $5, follow_ups = $6, author_id = $7, updated_at = $8, \
             version = version + 1 WHERE case_id = $1 AND version = $9",
            row.case_id,
            &row.what_happened,
            &row.root_cause,
            &row.lessons,
            &row.prevention,
            &row.follow_ups,
            row.author_id,
            row.updated_at,
            read,
        ))
        .await?;
    crate::changed_one(rows, "review")
}

/// Which of `case_ids` have a review.
pub async fn reviewed(tx: &mut Read, case_ids: &[Uuid]) -> Result<Vec<Uuid>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new("SELECT case_id FROM escalation_reviews WHERE case_id IN ");
    query.push_bind_list(case_ids.iter().copied());
    let rows: Vec<(Uuid,)> = tx.all(query).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
