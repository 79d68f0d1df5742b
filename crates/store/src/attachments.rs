//! Files attached as evidence, stored in the database.

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Data {
    data: Vec<u8>,
}

pub async fn insert(tx: &mut Write, meta: &AttachmentMeta, data: &[u8]) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO attachments (id, partner_id, filename, content_type, size_bytes, sha256, data, uploaded_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        meta.id,
        meta.partner_id,
        &meta.filename,
        &meta.content_type,
        meta.size_bytes,
        &meta.sha256,
        data,
        &meta.uploaded_by,
        meta.created_at,
    ))
    .await?;
    Ok(())
}

pub async fn meta(tx: &mut Read, id: Uuid) -> Result<Option<AttachmentMeta>> {
    let mut query = Sql::new(
        "SELECT id, partner_id, filename, content_type, size_bytes, sha256, uploaded_by, created_at \
         FROM attachments WHERE id = ",
    );
    query.push_bind(id);
    tx.optional(query).await
}

pub async fn data(tx: &mut Read, id: Uuid) -> Result<Vec<u8>> {
    let mut query = Sql::new("SELECT data FROM attachments WHERE id = ");
    query.push_bind(id);
    Ok(tx.one::<Data>(query).await?.data)
}
