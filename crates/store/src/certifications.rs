//! Certifications people of partner organisations hold.

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecordRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub contact_id: Uuid,
    pub contact_name: String,
    pub contact_email: Option<String>,
    /// When the person left the partner (their contact was archived).
    pub contact_archived_at: Option<OffsetDateTime>,
    /// A catalog key.
    pub certification: String,
    pub earned_on: Date,
    pub expires_on: Option<Date>,
    /// Percent.
    pub score: String,
    pub retired: bool,
    /// The last renewal reminder sent (days before expiry).
    pub last_reminder: Option<i64>,
    pub source: String,
    pub evidence: String,
}

pub struct NewRecord<'a> {
    pub partner_id: Uuid,
    pub contact_id: Uuid,
    pub certification: &'a str,
    pub earned_on: Date,
    pub expires_on: Option<Date>,
    pub score: &'a str,
    pub source: &'a str,
    pub evidence: &'a str,
}

/// Records a certification; returns false when the person already holds it from that date.
pub async fn insert(tx: &mut Write, record: &NewRecord<'_>, at: OffsetDateTime) -> Result<bool> {
    let written = tx
        .execute(sql!(
            "INSERT INTO certification_records (id, partner_id, contact_id, certification, earned_on, expires_on, score, \
             source, evidence, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (contact_id, certification, earned_on) DO NOTHING",
            Uuid::now_v7(),
            record.partner_id,
            record.contact_id,
            record.certification,
            record.earned_on,
            record.expires_on,
            record.score,
            record.source,
            record.evidence,
            at,
        ))
        .await?;
    Ok(written == 1)
}

const SELECT: &str = "SELECT r.id, r.partner_id, r.contact_id, c.name AS contact_name, c.email AS contact_email, \
     c.archived_at AS contact_archived_at, r.certification, r.earned_on, r.expires_on, r.score, r.retired, r.last_reminder, r.source, r.evidence \
     FROM certification_records r JOIN contacts c ON c.id = r.contact_id";

/// A partner's records, by person then newest first.
pub async fn for_partner(tx: &mut Read, partner_id: Uuid) -> Result<Vec<RecordRow>> {
    for_partner_after(tx, partner_id, None, i64::MAX).await
}

/// At most `limit` of a partner's records, by person then newest first (then id), after the
/// record of `after` (person's name, earned_on, id).
pub async fn for_partner_after(
    tx: &mut Read,
    partner_id: Uuid,
    after: Option<(String, Date, Uuid)>,
    limit: i64,
) -> Result<Vec<RecordRow>> {
    let mut query = Sql::new(SELECT);
    query.push(" WHERE r.partner_id = ").push_bind(partner_id);
    if let Some((name, earned_on, id)) = after {
        // Names ascend, days descend, ids ascend: no single row comparison fits.
        query
            .push(" AND (c.name > ")
            .push_bind(&name)
            .push(" OR (c.name = ")
            .push_bind(&name)
            .push(" AND (r.earned_on < ")
            .push_bind(earned_on)
            .push(" OR (r.earned_on = ")
            .push_bind(earned_on)
            .push(" AND r.id > ")
            .push_bind(id)
            .push("))))");
    }
    query
        .push(" ORDER BY c.name, r.earned_on DESC, r.id LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// Every record (for program-wide tier evaluations), grouped by partner.
pub async fn all(tx: &mut Read) -> Result<Vec<RecordRow>> {
    let mut query = Sql::new(SELECT);
    query.push(" ORDER BY r.partner_id, r.id");
    tx.all(query).await
}

pub async fn set_last_reminder(tx: &mut Write, id: Uuid, days_before: i64) -> Result<()> {
    tx.execute(sql!(
        "UPDATE certification_records SET last_reminder = $2 WHERE id = $1",
        id,
        days_before
    ))
    .await?;
    Ok(())
}

/// Retires every valid certification of the given catalog keys (a major release).
pub async fn retire(tx: &mut Write, certifications: &[String]) -> Result<u64> {
    let mut query = Sql::new(
        "UPDATE certification_records SET retired = TRUE WHERE NOT retired AND certification IN (",
    );
    for (i, key) in certifications.iter().enumerate() {
        if i > 0 {
            query.push(", ");
        }
        query.push_bind(key.as_str());
    }
    query.push(")");
    if certifications.is_empty() {
        return Ok(0);
    }
    tx.execute(query).await
}

/// A person working towards a certification.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EnrollmentRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub contact_id: Uuid,
    pub contact_name: String,
    pub certification: String,
    pub started_on: Date,
    /// JSON list of the catalog requirement texts met so far.
    pub requirements_done: String,
}

const SELECT_ENROLLMENT: &str = "SELECT e.id, e.partner_id, e.contact_id, c.name AS contact_name, e.certification, \
     e.started_on, e.requirements_done FROM certification_enrollments e JOIN contacts c ON c.id = e.contact_id";

/// Enrolls a person; returns false when they are already working towards it.
pub async fn enroll(
    tx: &mut Write,
    partner_id: Uuid,
    contact_id: Uuid,
    certification: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let written = tx
        .execute(sql!(
            "INSERT INTO certification_enrollments (id, partner_id, contact_id, certification, started_on, \
             requirements_done, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, '[]', $6, $6) \
             ON CONFLICT (contact_id, certification) DO NOTHING",
            Uuid::now_v7(),
            partner_id,
            contact_id,
            certification,
            at.date(),
            at,
        ))
        .await?;
    Ok(written == 1)
}

pub async fn enrollments_for_partner(
    tx: &mut Read,
    partner_id: Uuid,
) -> Result<Vec<EnrollmentRow>> {
    let mut query = Sql::new(SELECT_ENROLLMENT);
    query
        .push(" WHERE e.partner_id = ")
        .push_bind(partner_id)
        .push(" ORDER BY c.name, e.certification");
    tx.all(query).await
}

pub async fn enrollment(tx: &mut Read, id: Uuid) -> Result<Option<EnrollmentRow>> {
    let mut query = Sql::new(SELECT_ENROLLMENT);
    query.push(" WHERE e.id = ").push_bind(id);
    tx.optional(query).await
}

/// Records which requirements are met, provided they are still those read
/// (`read_requirements_done`), else [`crate::Error::Changed`].
pub async fn set_requirements_done(
    tx: &mut Write,
    id: Uuid,
    requirements_done: &str,
    at: OffsetDateTime,
    read_requirements_done: &str,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE certification_enrollments SET requirements_done = $2, updated_at = $3 \
             WHERE id = $1 AND requirements_done = $4",
            id,
            requirements_done,
            at,
            read_requirements_done
        ))
        .await?;
    crate::changed_one(rows, "enrollment")
}

/// Ends a person's enrollment in a certification they have now earned.
pub async fn end_enrollment(tx: &mut Write, contact_id: Uuid, certification: &str) -> Result<()> {
    tx.execute(sql!(
        "DELETE FROM certification_enrollments WHERE contact_id = $1 AND certification = $2",
        contact_id,
        certification
    ))
    .await?;
    Ok(())
}
