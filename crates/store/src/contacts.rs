//! People at partner organisations.

use crate::{Arg, Read, Result, Write, sql};
use domain::partners::{Contact, ContactFields};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: Uuid,
    partner_id: Uuid,
    name: String,
    role: String,
    email: Option<String>,
    phone: String,
    archived_at: Option<OffsetDateTime>,
}

impl From<ContactRow> for Contact {
    fn from(row: ContactRow) -> Self {
        Contact {
            id: row.id,
            partner_id: row.partner_id,
            name: row.name,
            role: row.role,
            email: row.email,
            phone: row.phone,
            archived_at: row.archived_at,
        }
    }
}

const SELECT: &str = "SELECT id, partner_id, name, role, email, phone, archived_at FROM contacts";

pub async fn insert(
    tx: &mut Write,
    id: Uuid,
    partner_id: Uuid,
    fields: &ContactFields,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO contacts (id, partner_id, name, role, email, phone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        id,
        partner_id,
        &fields.name,
        &fields.role,
        fields.email.as_ref(),
        &fields.phone,
        at,
    ))
    .await?;
    Ok(())
}

pub async fn update(
    tx: &mut Write,
    id: Uuid,
    fields: &ContactFields,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "UPDATE contacts SET name = $2, role = $3, email = $4, phone = $5, updated_at = $6 WHERE id = $1",
        id,
        &fields.name,
        &fields.role,
        fields.email.as_ref(),
        &fields.phone,
        at,
    ))
    .await?;
    Ok(())
}

pub async fn set_archived(
    tx: &mut Write,
    id: Uuid,
    archived_at: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "UPDATE contacts SET archived_at = $2, updated_at = $3 WHERE id = $1",
        id,
        archived_at,
        at
    ))
    .await?;
    Ok(())
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<Contact>> {
    let mut query = crate::Sql::new(SELECT);
    query.push(" WHERE id = ").push_bind(id);
    Ok(tx.optional::<ContactRow>(query).await?.map(Contact::from))
}

pub async fn list_for_partner(
    tx: &mut Read,
    partner_id: Uuid,
    include_archived: bool,
) -> Result<Vec<Contact>> {
    list_for_partner_after(tx, partner_id, include_archived, None, i64::MAX).await
}

/// At most `limit` of a partner's contacts by name (then id), after `after` (name, id).
pub async fn list_for_partner_after(
    tx: &mut Read,
    partner_id: Uuid,
    include_archived: bool,
    after: Option<(String, Uuid)>,
    limit: i64,
) -> Result<Vec<Contact>> {
    let mut query = crate::Sql::new(SELECT);
    query.push(" WHERE partner_id = ").push_bind(partner_id);
    if !include_archived {
        query.push(" AND archived_at IS NULL");
    }
    if let Some((name, id)) = after {
        query
            .push(" AND (name, id) > ")
            .push_bind_list::<Arg>([name.into(), id.into()]);
    }
    query.push(" ORDER BY name, id LIMIT ").push_bind(limit);
    Ok(tx
        .all::<ContactRow>(query)
        .await?
        .into_iter()
        .map(Contact::from)
        .collect())
}
