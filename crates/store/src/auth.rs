//! Server-side sessions, API tokens and the record of failed sign-ins.
//! Secrets are never stored: only their SHA-256 hashes.

use crate::{Read, Result, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: Uuid,
    pub csrf_token: String,
    pub last_seen_at: OffsetDateTime,
}

pub async fn insert_session(
    tx: &mut Write,
    token_hash: &str,
    user_id: Uuid,
    csrf_token: &str,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
        token_hash,
        user_id,
        csrf_token,
        at,
    ))
    .await?;
    Ok(())
}

pub async fn get_session(tx: &mut Read, token_hash: &str) -> Result<Option<SessionRow>> {
    tx.optional(sql!(
        "SELECT user_id, csrf_token, last_seen_at FROM sessions WHERE token_hash = $1",
        token_hash
    ))
    .await
}

pub async fn touch_session(tx: &mut Write, token_hash: &str, at: OffsetDateTime) -> Result<()> {
    tx.execute(sql!(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1",
        token_hash,
        at
    ))
    .await?;
    Ok(())
}

pub async fn delete_session(tx: &mut Write, token_hash: &str) -> Result<()> {
    tx.execute(sql!(
        "DELETE FROM sessions WHERE token_hash = $1",
        token_hash
    ))
    .await?;
    Ok(())
}

/// Signs a user out everywhere (password reset, account disabled).
pub async fn delete_user_sessions(tx: &mut Write, user_id: Uuid) -> Result<()> {
    tx.execute(sql!("DELETE FROM sessions WHERE user_id = $1", user_id))
        .await?;
    Ok(())
}

pub async fn delete_idle_sessions(tx: &mut Write, idle_since: OffsetDateTime) -> Result<u64> {
    tx.execute(sql!(
        "DELETE FROM sessions WHERE last_seen_at < $1",
        idle_since
    ))
    .await
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ApiTokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

pub struct NewApiToken<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
}

pub async fn insert_api_token(
    tx: &mut Write,
    token: &NewApiToken<'_>,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        token.id,
        token.user_id,
        token.name,
        token.token_hash,
        token.prefix,
        at,
    ))
    .await?;
    Ok(())
}

const SELECT_TOKEN: &str =
    "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens";

pub async fn api_token_by_hash(tx: &mut Read, token_hash: &str) -> Result<Option<ApiTokenRow>> {
    let mut query = crate::Sql::new(SELECT_TOKEN);
    query.push(" WHERE token_hash = ").push_bind(token_hash);
    tx.optional(query).await
}

pub async fn api_token(tx: &mut Read, id: Uuid) -> Result<Option<ApiTokenRow>> {
    let mut query = crate::Sql::new(SELECT_TOKEN);
    query.push(" WHERE id = ").push_bind(id);
    tx.optional(query).await
}

/// At most `limit` of an account's tokens, newest first, older than the token `before`.
pub async fn api_tokens_of(
    tx: &mut Read,
    user_id: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ApiTokenRow>> {
    let mut query = crate::Sql::new(SELECT_TOKEN);
    query.push(" WHERE user_id = ").push_bind(user_id);
    if let Some(before) = before {
        query.push(" AND id < ").push_bind(before);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    tx.all(query).await
}

pub async fn touch_api_token(tx: &mut Write, id: Uuid, at: OffsetDateTime) -> Result<()> {
    tx.execute(sql!(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
        id,
        at
    ))
    .await?;
    Ok(())
}

/// Revokes every token of a user still in use (password changed or reset); how many.
pub async fn revoke_user_api_tokens(
    tx: &mut Write,
    user_id: Uuid,
    at: OffsetDateTime,
) -> Result<u64> {
    tx.execute(sql!(
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        user_id,
        at
    ))
    .await
}

/// Revokes a token; [`crate::Error::Changed`] when it was revoked meanwhile.
pub async fn revoke_api_token(tx: &mut Write, id: Uuid, at: OffsetDateTime) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            id,
            at
        ))
        .await?;
    crate::changed_one(rows, "token")
}

pub async fn record_login_failure(tx: &mut Write, key: &str, at: OffsetDateTime) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO login_failures (throttle_key, failed_at) VALUES ($1, $2)",
        key,
        at
    ))
    .await?;
    Ok(())
}

/// When `key` failed since `since`, oldest first. The throttle stops recording long before
/// this list grows: a few dozen rows at most.
pub async fn login_failures_since(
    tx: &mut Read,
    key: &str,
    since: OffsetDateTime,
) -> Result<Vec<OffsetDateTime>> {
    #[derive(sqlx::FromRow)]
    struct Failure {
        failed_at: OffsetDateTime,
    }
    let rows: Vec<Failure> = tx
        .all(sql!(
            "SELECT failed_at FROM login_failures WHERE throttle_key = $1 AND failed_at >= $2 ORDER BY failed_at",
            key,
            since
        ))
        .await?;
    Ok(rows.into_iter().map(|r| r.failed_at).collect())
}

/// Takes back one failure recorded ahead of a check that then succeeded.
pub async fn delete_login_failure(tx: &mut Write, key: &str, at: OffsetDateTime) -> Result<()> {
    tx.execute(sql!(
        "DELETE FROM login_failures WHERE throttle_key = $1 AND failed_at = $2",
        key,
        at
    ))
    .await?;
    Ok(())
}

pub async fn clear_login_failures(tx: &mut Write, key: &str) -> Result<()> {
    tx.execute(sql!(
        "DELETE FROM login_failures WHERE throttle_key = $1",
        key
    ))
    .await?;
    Ok(())
}

pub async fn delete_old_login_failures(tx: &mut Write, before: OffsetDateTime) -> Result<u64> {
    tx.execute(sql!(
        "DELETE FROM login_failures WHERE failed_at < $1",
        before
    ))
    .await
}

/// Ends every session and API token of a partner organisation's people at once (archived or
/// exited: no more portal access).
pub async fn end_partner_access(
    tx: &mut Write,
    partner_id: Uuid,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE partner_id = $1)",
        partner_id
    ))
    .await?;
    tx.execute(sql!(
        "UPDATE api_tokens SET revoked_at = $2 WHERE revoked_at IS NULL \
         AND user_id IN (SELECT id FROM users WHERE partner_id = $1)",
        partner_id,
        at
    ))
    .await?;
    Ok(())
}
