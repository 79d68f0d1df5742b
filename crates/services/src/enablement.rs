//! Certifications partners' people hold: imported from LMS exports, listed per partner, and
//! read by the tier engine in place of typed-in counts once a partner has any.

use std::collections::HashMap;

use domain::enablement::{self, Held, Status};
use domain::program::Program;
use domain::program::history::{QuarterFacts, RowError};
use uuid::Uuid;

use crate::facts::{ImportReport, PartnerDirectory};
use crate::{Actor, Change, Error, Result, Services, record, require};

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn corrupt(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Store(store::Error::Corrupt(format!("{what}: {e}")))
}

fn held(row: &store::certifications::RecordRow) -> Result<Held> {
    Ok(Held {
        person: row.contact_id,
        certification: row.certification.clone(),
        earned_on: time::Date::parse(&row.earned_on, DATE).map_err(|e| corrupt("earned_on", e))?,
        expires_on: row
            .expires_on
            .as_deref()
            .map(|d| time::Date::parse(d, DATE).map_err(|e| corrupt("expires_on", e)))
            .transpose()?,
        retired: row.retired != 0,
    })
}

/// The first renewal reminder offset: from then on a certification shows as expiring.
const EXPIRING_WITHIN_DAYS: u32 = 90;

/// One certification one person holds, as people read it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CertificationView {
    pub contact_id: Uuid,
    pub person: String,
    pub email: Option<String>,
    pub certification: String,
    pub name: String,
    pub earned_on: String,
    pub expires_on: Option<String>,
    pub score: String,
    pub status: Status,
}

/// Replaces typed certification counts in `history` with the partner's records, if any.
pub(crate) fn with_records(
    history: &mut Vec<QuarterFacts>,
    records: &[store::certifications::RecordRow],
    program: &Program,
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let held: Vec<Held> = records.iter().map(held).collect::<Result<_>>()?;
    enablement::apply_to_history(history, &held, &program.certifications, store::now().date());
    Ok(())
}

impl Services {
    /// The certifications a partner's people hold (partners see their own).
    pub async fn certification_records(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<Vec<CertificationView>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = store::certifications::for_partner(&mut tx, partner_id).await?;
        tx.commit().await?;
        let today = store::now().date();
        rows.iter()
            .map(|row| {
                let h = held(row)?;
                Ok(CertificationView {
                    contact_id: row.contact_id,
                    person: row.contact_name.clone(),
                    email: row.contact_email.clone(),
                    certification: row.certification.clone(),
                    name: program
                        .certifications
                        .iter()
                        .find(|c| c.key == row.certification)
                        .map_or(row.certification.clone(), |c| c.name.clone()),
                    earned_on: row.earned_on.clone(),
                    expires_on: row.expires_on.clone(),
                    score: row.score.clone(),
                    status: enablement::status(&h, today, EXPIRING_WITHIN_DAYS),
                })
            })
            .collect()
    }

    /// Imports completions from an LMS export (`partner,email,name,certification,date,score`).
    /// People are matched by email among the partner's contacts, or added as contacts. All or
    /// nothing; a dry run checks everything and writes nothing. `created` counts new records,
    /// `updated` completions already on record.
    pub async fn import_certifications(
        &self,
        actor: &Actor,
        csv: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        require(
            actor.is_internal() && actor.role.can_edit_partners(),
            "only admins and partner managers import certifications",
        )?;
        let (_, program) = self.program_in_force().await?;
        let now = store::now();
        let (rows, mut errors) =
            enablement::parse_completions_csv(csv, &program.certifications, now.date());
        let mut report = ImportReport {
            rows: rows.len() + errors.iter().filter(|e| e.line > 1).count(),
            ..ImportReport::default()
        };
        let mut tx = self.db.write().await?;
        let partners = store::partners::list(
            &mut tx,
            &store::partners::PartnerFilter {
                include_archived: true,
                limit: i64::MAX,
                ..Default::default()
            },
        )
        .await?;
        let directory = PartnerDirectory::new(&partners);
        let mut resolved = Vec::new();
        for row in &rows {
            match directory.find(&row.partner) {
                Ok(id) => resolved.push((id, row)),
                Err(message) => errors.push(RowError {
                    line: row.line,
                    field: "partner".into(),
                    message,
                }),
            }
        }
        errors.sort_by_key(|e| e.line);
        report.errors = errors;
        report.partners = resolved
            .iter()
            .map(|(id, _)| id)
            .collect::<std::collections::HashSet<_>>()
            .len();
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let mut contacts: HashMap<(Uuid, String), Uuid> = HashMap::new();
        for (partner_id, row) in &resolved {
            let key = (*partner_id, row.email.clone());
            let contact_id = match contacts.get(&key) {
                Some(id) => *id,
                None => {
                    let known = store::contacts::list_for_partner(&mut tx, *partner_id, false)
                        .await?
                        .into_iter()
                        .find(|c| c.email.as_deref() == Some(row.email.as_str()));
                    let id = match known {
                        Some(contact) => contact.id,
                        None => {
                            let name = if row.name.trim().is_empty() {
                                row.email.split('@').next().unwrap_or("").to_owned()
                            } else {
                                row.name.trim().to_owned()
                            };
                            let fields = domain::partners::ContactFields {
                                name: name.clone(),
                                role: String::new(),
                                email: Some(row.email.clone()),
                                phone: String::new(),
                            };
                            let id = Uuid::now_v7();
                            store::contacts::insert(&mut tx, id, *partner_id, &fields, now).await?;
                            record(
                                &mut tx,
                                actor,
                                now,
                                Change {
                                    partner_id: Some(*partner_id),
                                    entity_type: "contact",
                                    entity_id: id,
                                    action: "created",
                                    summary: format!(
                                        "Contact {name} added by a certification import"
                                    ),
                                    before: None,
                                    after: None,
                                },
                            )
                            .await?;
                            id
                        }
                    };
                    contacts.insert(key, id);
                    id
                }
            };
            let cert = program
                .certifications
                .iter()
                .find(|c| c.key == row.certification)
                .ok_or(Error::NotFound)?;
            let expires = enablement::expiry(cert, row.earned_on).map(|d| d.to_string());
            let record_row = store::certifications::NewRecord {
                partner_id: *partner_id,
                contact_id,
                certification: &row.certification,
                earned_on: &row.earned_on.to_string(),
                expires_on: expires.as_deref(),
                score: &row.score.to_string(),
                source: "import",
            };
            if store::certifications::insert(&mut tx, &record_row, now).await? {
                report.created += 1;
                record(
                    &mut tx,
                    actor,
                    now,
                    Change {
                        partner_id: Some(*partner_id),
                        entity_type: "certification",
                        entity_id: contact_id,
                        action: "earned",
                        summary: format!(
                            "{} earned {} on {} ({}%)",
                            row.email, cert.name, row.earned_on, row.score
                        ),
                        before: None,
                        after: None,
                    },
                )
                .await?;
            } else {
                report.updated += 1;
            }
        }
        if dry_run {
            return Ok(report);
        }
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }
}
