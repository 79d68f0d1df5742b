//! Notifications: what the system tells one person, read or unread.

use crate::{Read, Result, Sql, Write};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub partner_id: Option<Uuid>,
    pub kind: String,
    pub message: String,
    pub link: String,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

pub struct NewNotification<'a> {
    pub partner_id: Option<Uuid>,
    pub kind: &'a str,
    pub message: &'a str,
    /// A portal path to what it is about, e.g. "/partners/{id}/enablement".
    pub link: &'a str,
}

/// Writes many notifications (recipient, what) in a few statements.
pub async fn insert_many(
    tx: &mut Write,
    notifications: &[(Uuid, &NewNotification<'_>)],
    at: OffsetDateTime,
) -> Result<()> {
    for chunk in notifications.chunks(500) {
        let mut query = Sql::new(
            "INSERT INTO notifications (id, user_id, partner_id, kind, message, link, created_at) VALUES ",
        );
        query.push_values(tx.backend(), 7, chunk.len());
        for (user_id, notification) in chunk {
            query = query
                .arg(Uuid::now_v7())
                .arg(*user_id)
                .arg(notification.partner_id)
                .arg(notification.kind)
                .arg(notification.message)
                .arg(notification.link)
                .arg(at);
        }
        tx.execute(query).await?;
    }
    Ok(())
}

/// One person's notifications, newest first, after the cursor `before` (an id).
pub async fn list(
    tx: &mut Read,
    user_id: Uuid,
    unread_only: bool,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    let mut query = Sql::new(
        "SELECT id, partner_id, kind, message, link, created_at, read_at FROM notifications WHERE user_id = ",
    );
    query.push_bind(user_id);
    if unread_only {
        query.push(" AND read_at IS NULL");
    }
    if let Some(before) = before {
        query.push(" AND id < ").push_bind(before);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    tx.all(query).await
}

#[derive(sqlx::FromRow)]
struct Count {
    n: i64,
}

pub async fn unread_count(tx: &mut Read, user_id: Uuid) -> Result<i64> {
    let mut query =
        Sql::new("SELECT COUNT(*) AS n FROM notifications WHERE read_at IS NULL AND user_id = ");
    query.push_bind(user_id);
    Ok(tx.one::<Count>(query).await?.n)
}

/// Marks the given notifications (all of them when `ids` is None) of one person read.
pub async fn mark_read(
    tx: &mut Write,
    user_id: Uuid,
    ids: Option<&[Uuid]>,
    at: OffsetDateTime,
) -> Result<u64> {
    let mut query = Sql::new("UPDATE notifications SET read_at = ");
    query
        .push_bind(at)
        .push(" WHERE read_at IS NULL AND user_id = ")
        .push_bind(user_id);
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(0);
        }
        query
            .push(" AND id IN ")
            .push_bind_list(ids.iter().copied());
    }
    tx.execute(query).await
}
