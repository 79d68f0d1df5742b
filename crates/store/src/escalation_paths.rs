//! Who holds the titles of the escalation paths. Every edit is conditional on the version it
//! was read at ([`crate::Error::Changed`] for the loser of a race).

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HolderRow {
    pub title: String,
    pub user_id: Uuid,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

/// Every named holder, by title.
pub async fn holders(tx: &mut Read) -> Result<Vec<HolderRow>> {
    tx.all(Sql::new(
        "SELECT title, user_id, version, updated_at FROM escalation_title_holders ORDER BY title",
    ))
    .await
}

/// The person holding `title`, if anyone is named.
pub async fn holder(tx: &mut Read, title: &str) -> Result<Option<Uuid>> {
    let mut query = Sql::new(
        "SELECT title, user_id, version, updated_at FROM escalation_title_holders WHERE title = ",
    );
    query.push_bind(title);
    Ok(tx
        .optional::<HolderRow>(query)
        .await?
        .map(|row| row.user_id))
}

/// Names `user_id` for `title`: a first naming when `version` is None (refused when someone
/// named a holder meanwhile), else a change of the holder read at `version`.
pub async fn set(
    tx: &mut Write,
    title: &str,
    user_id: Uuid,
    version: Option<i64>,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = match version {
        None => {
            tx.execute(sql!(
                "INSERT INTO escalation_title_holders (title, user_id, version, updated_at) \
                 VALUES ($1, $2, 1, $3) ON CONFLICT DO NOTHING",
                title,
                user_id,
                at
            ))
            .await?
        }
        Some(version) => {
            tx.execute(sql!(
                "UPDATE escalation_title_holders SET user_id = $2, updated_at = $3, \
                 version = version + 1 WHERE title = $1 AND version = $4",
                title,
                user_id,
                at,
                version
            ))
            .await?
        }
    };
    crate::changed_one(rows, "escalation title holder")
}

/// Leaves `title` unfilled, provided its holder is still the one read at `version`.
pub async fn clear(tx: &mut Write, title: &str, version: i64) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "DELETE FROM escalation_title_holders WHERE title = $1 AND version = $2",
            title,
            version
        ))
        .await?;
    crate::changed_one(rows, "escalation title holder")
}
