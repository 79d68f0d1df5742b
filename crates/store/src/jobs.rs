//! Background jobs shared by every server. A job is claimed by exactly one server: PostgreSQL
//! skips rows another server has locked; SQLite has a single writer. A claim whose lock expired
//! (its server died) is taken over. Routine sweeps have no job rows: one `routines` row each
//! holds the period last claimed, so the jobs list shows work people asked for or scheduled.

use crate::{Backend, Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRow {
    pub id: Uuid,
    pub kind: String,
    pub dedup_key: String,
    /// queued, running, done or failed.
    pub status: String,
    pub run_after: OffsetDateTime,
    pub attempts: i64,
    pub started_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
    pub result: String,
    pub error: String,
    pub requested_by: String,
    pub created_at: OffsetDateTime,
}

const COLUMNS: &str = "id, kind, dedup_key, status, run_after, attempts, started_at, finished_at, result, error, \
     requested_by, created_at";

/// Queues a job unless one with the same `dedup_key` exists. Returns whether it was queued.
pub async fn enqueue(
    tx: &mut Write,
    kind: &str,
    dedup_key: &str,
    run_after: OffsetDateTime,
    requested_by: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let queued = tx
        .execute(sql!(
            "INSERT INTO jobs (id, kind, dedup_key, status, run_after, attempts, requested_by, created_at) \
             VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6) ON CONFLICT (dedup_key) DO NOTHING",
            Uuid::now_v7(),
            kind,
            dedup_key,
            run_after,
            requested_by,
            at,
        ))
        .await?;
    Ok(queued == 1)
}

/// Claims the next due job (or one whose claim expired) until `lock_until`.
pub async fn claim(
    tx: &mut Write,
    now: OffsetDateTime,
    lock_until: OffsetDateTime,
) -> Result<Option<JobRow>> {
    let skip_locked = match tx.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut query = sql!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = $1, locked_until = $2 \
         WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND run_after <= $1) \
         OR (status = 'running' AND locked_until < $1) ORDER BY run_after, id LIMIT 1",
        now,
        lock_until,
    );
    query.push(skip_locked);
    query.push(") RETURNING ");
    query.push(COLUMNS);
    tx.optional(query).await
}

pub async fn finish(tx: &mut Write, id: Uuid, result: &str, at: OffsetDateTime) -> Result<()> {
    tx.execute(sql!(
        "UPDATE jobs SET status = 'done', finished_at = $2, locked_until = NULL, result = $3, error = '' WHERE id = $1",
        id,
        at,
        result,
    ))
    .await?;
    Ok(())
}

/// Records a failure: the job runs again at `retry_at`, or is given up when that is None.
pub async fn fail(
    tx: &mut Write,
    id: Uuid,
    error: &str,
    retry_at: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<()> {
    let (status, run_after) = match retry_at {
        Some(retry) => ("queued", Some(retry)),
        None => ("failed", None),
    };
    tx.execute(sql!(
        "UPDATE jobs SET status = $2, run_after = COALESCE($3, run_after), finished_at = $4, locked_until = NULL, \
         error = $5 WHERE id = $1",
        id,
        status,
        run_after,
        at,
        error,
    ))
    .await?;
    Ok(())
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<JobRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(COLUMNS)
        .push(" FROM jobs WHERE id = ")
        .push_bind(id);
    tx.optional(query).await
}

/// The latest jobs of a kind, newest first: at most `limit` created before `before`
/// (created_at, id).
pub async fn recent(
    tx: &mut Read,
    kind: &str,
    before: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> Result<Vec<JobRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(COLUMNS)
        .push(" FROM jobs WHERE kind = ")
        .push_bind(kind);
    query.newest_first_page(before, limit);
    tx.all(query).await
}

/// Claims `period` of the routine `name` for this server: true when no server had claimed it
/// (or a later one) yet. The upsert only moves the period forward, and PostgreSQL rechecks
/// that on the row it locked, so of two servers claiming the same period one wins.
pub async fn claim_routine(
    tx: &mut Write,
    name: &str,
    period: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let claimed = tx
        .execute(sql!(
            "INSERT INTO routines (name, period, started_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET period = excluded.period, \
             started_at = excluded.started_at, finished_at = NULL, result = '', error = '' \
             WHERE routines.period < excluded.period",
            name,
            period,
            at,
        ))
        .await?;
    Ok(claimed == 1)
}

/// Records what the routine's run of `period` did (`error` empty when it succeeded).
pub async fn finish_routine(
    tx: &mut Write,
    name: &str,
    period: &str,
    result: &str,
    error: &str,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "UPDATE routines SET finished_at = $3, result = $4, error = $5 \
         WHERE name = $1 AND period = $2",
        name,
        period,
        at,
        result,
        error,
    ))
    .await?;
    Ok(())
}
