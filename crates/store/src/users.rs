//! Accounts.

use crate::{Arg, Read, Result, Sql, Write, choice, sql};
use domain::users::User;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    partner_id: Option<Uuid>,
    time_zone: String,
    disabled_at: Option<OffsetDateTime>,
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        Ok(User {
            id: self.id,
            email: self.email,
            name: self.name,
            role: choice("role", &self.role)?,
            partner_id: self.partner_id,
            time_zone: self.time_zone,
            disabled_at: self.disabled_at,
        })
    }
}

const SELECT: &str = "SELECT id, email, name, role, partner_id, time_zone, disabled_at FROM users";

pub struct NewUserRow<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub name: &'a str,
    pub role: domain::roles::Role,
    pub partner_id: Option<Uuid>,
    pub password_hash: &'a str,
}

pub async fn insert(tx: &mut Write, user: &NewUserRow<'_>, at: OffsetDateTime) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO users (id, email, name, role, partner_id, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        user.id,
        user.email,
        user.name,
        user.role.to_string(),
        user.partner_id,
        user.password_hash,
        at,
    ))
    .await?;
    Ok(())
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<User>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE id = ").push_bind(id);
    tx.optional::<UserRow>(query)
        .await?
        .map(UserRow::into_user)
        .transpose()
}

pub async fn get_by_email(tx: &mut Read, email: &str) -> Result<Option<User>> {
    let mut query = Sql::new(SELECT);
    query
        .push(" WHERE email = ")
        .push_bind(email.to_lowercase());
    tx.optional::<UserRow>(query)
        .await?
        .map(UserRow::into_user)
        .transpose()
}

/// The stored password hash of an account, for sign-in and password changes.
pub async fn password_hash(tx: &mut Read, id: Uuid) -> Result<Option<String>> {
    #[derive(sqlx::FromRow)]
    struct Hash {
        password_hash: String,
    }
    Ok(tx
        .optional::<Hash>(sql!("SELECT password_hash FROM users WHERE id = $1", id))
        .await?
        .map(|h| h.password_hash))
}

pub async fn set_password_hash(
    tx: &mut Write,
    id: Uuid,
    hash: &str,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
        id,
        hash,
        at
    ))
    .await?;
    Ok(())
}

pub async fn set_time_zone(
    tx: &mut Write,
    id: Uuid,
    time_zone: &str,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "UPDATE users SET time_zone = $2, updated_at = $3 WHERE id = $1",
        id,
        time_zone,
        at
    ))
    .await?;
    Ok(())
}

/// Disables or enables an account, provided it is still as read (`read_disabled_at`), else
/// [`crate::Error::Changed`].
pub async fn set_disabled(
    tx: &mut Write,
    id: Uuid,
    read_disabled_at: Option<OffsetDateTime>,
    disabled_at: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE users SET disabled_at = $2, updated_at = $3 \
             WHERE id = $1 AND disabled_at IS NOT DISTINCT FROM $4",
            id,
            disabled_at,
            at,
            read_disabled_at
        ))
        .await?;
    crate::changed_one(rows, "account")
}

/// Accounts, optionally only those of one partner organisation, ordered by email.
pub async fn list(tx: &mut Read, only_partner: Option<Uuid>) -> Result<Vec<User>> {
    list_after(tx, only_partner, None, i64::MAX).await
}

/// At most `limit` accounts in email order (then id), after the account with `after`'s email
/// and id.
pub async fn list_after(
    tx: &mut Read,
    only_partner: Option<Uuid>,
    after: Option<(String, Uuid)>,
    limit: i64,
) -> Result<Vec<User>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE 1 = 1");
    if let Some(partner) = only_partner {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    if let Some((email, id)) = after {
        query
            .push(" AND (email, id) > ")
            .push_bind_list::<Arg>([email.into(), id.into()]);
    }
    query.push(" ORDER BY email, id LIMIT ").push_bind(limit);
    tx.all::<UserRow>(query)
        .await?
        .into_iter()
        .map(UserRow::into_user)
        .collect()
}

/// Enabled accounts with `role`, of one partner organisation or (None) internal ones.
pub async fn active_with_role(
    tx: &mut Read,
    role: domain::roles::Role,
    partner_id: Option<Uuid>,
) -> Result<Vec<User>> {
    let mut query = Sql::new(SELECT);
    query
        .push(" WHERE disabled_at IS NULL AND role = ")
        .push_bind(role.to_string());
    match partner_id {
        Some(partner) => query.push(" AND partner_id = ").push_bind(partner),
        None => query.push(" AND partner_id IS NULL"),
    };
    query.push(" ORDER BY email");
    tx.all::<UserRow>(query)
        .await?
        .into_iter()
        .map(UserRow::into_user)
        .collect()
}

pub async fn count(tx: &mut Read) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Count {
        n: i64,
    }
    Ok(tx
        .one::<Count>(Sql::new("SELECT COUNT(*) AS n FROM users"))
        .await?
        .n)
}
