//! Files attached as evidence (a signed NDA, a certificate): uploaded by partner managers or
//! the partner's own people, downloaded by whoever may see the partner.

use domain::permissions::Action;
use sha2::{Digest, Sha256};
use store::attachments::AttachmentMeta;
use uuid::Uuid;

use crate::{Actor, Change, Error, Result, Services, record};

/// The largest file accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Where to download it; pass this as the evidence of an onboarding item or certification.
    pub url: String,
}

impl From<&AttachmentMeta> for AttachmentView {
    fn from(m: &AttachmentMeta) -> Self {
        AttachmentView {
            id: m.id,
            partner_id: m.partner_id,
            filename: m.filename.clone(),
            content_type: m.content_type.clone(),
            size_bytes: m.size_bytes,
            sha256: m.sha256.clone(),
            url: attachment_url(m.id, &m.filename),
        }
    }
}

/// The portal path of an attachment; its last segment is the file name, so links read well.
pub fn attachment_url(id: Uuid, filename: &str) -> String {
    let name: String = filename
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/attachments/{id}/{name}")
}

impl Services {
    /// Stores a file for a partner.
    pub async fn upload_attachment(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        filename: &str,
        content_type: &str,
        data: &[u8],
    ) -> Result<AttachmentView> {
        self.get_partner(actor, partner_id).await?;
        actor.require(Action::WorkEnablement)?;
        let mut v = domain::Validation::new();
        let filename = domain::validation::clean_filename(filename)
            .map_err(|message| v.add("file", message))
            .unwrap_or_default();
        if data.is_empty() {
            v.add("file", "is empty");
        } else if data.len() > MAX_ATTACHMENT_BYTES {
            v.add(
                "file",
                format!(
                    "is {:.1} MB; files may be at most {} MB",
                    data.len() as f64 / 1_048_576.0,
                    MAX_ATTACHMENT_BYTES / 1_048_576
                ),
            );
        }
        let content_type = match content_type.trim() {
            "" => "application/octet-stream".to_owned(),
            other => v.text("content_type", other, true, 100),
        };
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let meta = AttachmentMeta {
            id: Uuid::now_v7(),
            partner_id,
            filename,
            content_type,
            size_bytes: data.len() as i64,
            sha256: format!("{:x}", Sha256::digest(data)),
            uploaded_by: actor.label.clone(),
            created_at: now,
        };
        let mut tx = self.db.write().await?;
        store::attachments::insert(&mut tx, &meta, data).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(partner_id),
                entity_type: "attachment",
                entity_id: meta.id,
                action: "uploaded",
                summary: format!("{} attached ({} bytes)", meta.filename, meta.size_bytes),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(AttachmentView::from(&meta))
    }

    /// A file and what it is, for whoever may see its partner.
    pub async fn download_attachment(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(AttachmentView, Vec<u8>)> {
        let mut tx = self.db.read().await?;
        let meta = store::attachments::meta(&mut tx, id)
            .await?
            .filter(|m| actor.sees_partner(m.partner_id))
            .ok_or(Error::NotFound)?;
        let data = store::attachments::data(&mut tx, id).await?;
        Ok((AttachmentView::from(&meta), data))
    }
}
