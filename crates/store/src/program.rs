//! Stored versions of the partner program definition.

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgramVersionRow {
    pub id: Uuid,
    pub version: i64,
    pub source: String,
    pub note: String,
    pub author_id: Option<Uuid>,
    pub author_label: String,
    pub created_at: OffsetDateTime,
    pub effective_from: OffsetDateTime,
}

const SELECT: &str = "SELECT id, version, source, note, author_id, author_label, created_at, effective_from FROM program_versions";

pub async fn insert(tx: &mut Write, row: &ProgramVersionRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO program_versions (id, version, source, note, author_id, author_label, created_at, effective_from) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        row.id,
        row.version,
        &row.source,
        &row.note,
        row.author_id,
        &row.author_label,
        row.created_at,
        row.effective_from,
    ))
    .await?;
    Ok(())
}

pub async fn latest_version_number(tx: &mut Read) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Max {
        n: Option<i64>,
    }
    Ok(tx
        .one::<Max>(Sql::new("SELECT MAX(version) AS n FROM program_versions"))
        .await?
        .n
        .unwrap_or(0))
}

/// The version in force at `at`: the highest version already effective.
pub async fn in_force(tx: &mut Read, at: OffsetDateTime) -> Result<Option<ProgramVersionRow>> {
    let mut query = Sql::new(SELECT);
    query
        .push(" WHERE effective_from <= ")
        .push_bind(at)
        .push(" ORDER BY version DESC LIMIT 1");
    tx.optional(query).await
}

/// The number of the version in force at `at` (0 when none: the shipped default).
pub async fn in_force_version(tx: &mut Read, at: OffsetDateTime) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Version {
        version: i64,
    }
    let mut query = Sql::new("SELECT version FROM program_versions WHERE effective_from <= ");
    query.push_bind(at).push(" ORDER BY version DESC LIMIT 1");
    Ok(tx
        .optional::<Version>(query)
        .await?
        .map_or(0, |v| v.version))
}

pub async fn get(tx: &mut Read, version: i64) -> Result<Option<ProgramVersionRow>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE version = ").push_bind(version);
    tx.optional(query).await
}

/// At most `limit` versions, newest first, older than version `before`.
pub async fn list(
    tx: &mut Read,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<ProgramVersionRow>> {
    let mut query = Sql::new(SELECT);
    if let Some(version) = before {
        query.push(" WHERE version < ").push_bind(version);
    }
    query.push(" ORDER BY version DESC LIMIT ").push_bind(limit);
    tx.all(query).await
}
