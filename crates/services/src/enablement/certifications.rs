//! Certifications partners' people hold: recorded by hand or imported from LMS exports, and
//! listed per partner.

use domain::permissions::Action;
use std::collections::HashMap;

use domain::enablement::{self, Held, Status};
use domain::program::history::RowError;
use uuid::Uuid;

use crate::facts::sources::held;
use crate::imports::{ImportReport, PartnerDirectory};
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

/// One certification one person holds, as people read it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CertificationView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub person: String,
    pub email: Option<String>,
    pub certification: String,
    pub name: String,
    pub earned_on: String,
    pub expires_on: Option<String>,
    pub score: String,
    pub status: Status,
    pub evidence: String,
    /// import or manual
    pub source: String,
}

impl Services {
    /// The certifications a partner's people hold (partners see their own).
    pub async fn certification_records(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        page: &PageRequest<(String, time::Date, Uuid)>,
    ) -> Result<Page<CertificationView>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = store::certifications::for_partner_after(
            &mut tx,
            partner_id,
            page.after.clone(),
            page.limit,
        )
        .await?;
        // Whether a record was renewed depends on the person's other records, which may
        // sit on another page: the status reads all of the partner's.
        let all = store::certifications::for_partner(&mut tx, partner_id).await?;
        drop(tx);
        let today = actor.today();
        let warn_days = program.policies.enablement.expiring_within();
        let all: Vec<Held> = all.iter().map(held).collect();
        page.page(rows, |row| {
            (row.contact_name.clone(), row.earned_on, row.id)
        })
        .try_map(|row| {
            let h = held(&row);
            Ok(CertificationView {
                id: row.id,
                contact_id: row.contact_id,
                person: row.contact_name.clone(),
                email: row.contact_email.clone(),
                certification: row.certification.clone(),
                name: program
                    .certifications
                    .iter()
                    .find(|c| c.key == row.certification)
                    .map_or(row.certification.clone(), |c| c.name.clone()),
                earned_on: row.earned_on.to_string(),
                expires_on: row.expires_on.map(|d| d.to_string()),
                score: row.score.clone(),
                status: enablement::status_among(&h, &all, today, warn_days),
                evidence: row.evidence.clone(),
                source: row.source.clone(),
            })
        })
    }

    /// Records a certification by hand for one of the partner's people (admins and partner
    /// managers: partners cannot certify themselves). Ends the person's enrollment in it.
    pub async fn record_certification(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &enablement::RecordInput,
    ) -> Result<CertificationView> {
        self.get_partner(actor, partner_id).await?;
        actor.require(Action::RunTierProgram)?;
        let (_, program) = self.program_in_force().await?;
        let valid = input
            .validate(&program.certifications, actor.today())
            .map_err(Error::Invalid)?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        let contact = store::contacts::get(&mut tx, valid.contact_id)
            .await?
            .filter(|c| c.partner_id == partner_id && c.archived_at.is_none())
            .ok_or_else(|| Error::field("contact_id", "is not one of this partner's people"))?;
        let earned_on = valid.earned_on;
        let row = store::certifications::NewRecord {
            partner_id,
            contact_id: contact.id,
            certification: &valid.certification.key,
            earned_on,
            expires_on: valid.expires_on,
            score: &valid.score.to_string(),
            source: "manual",
            evidence: &valid.evidence,
        };
        if !store::certifications::insert(&mut tx, &row, now).await? {
            return Err(Error::field(
                "earned_on",
                format!(
                    "{} already has {} from {earned_on} on record",
                    contact.name, valid.certification.name
                ),
            ));
        }
        store::certifications::end_enrollment(&mut tx, contact.id, &valid.certification.key)
            .await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(partner_id),
                entity_type: "certification",
                entity_id: contact.id,
                action: "earned",
                summary: format!(
                    "{} earned {} on {} ({}%), recorded by hand",
                    contact.name,
                    valid.certification.name,
                    domain::display::day(earned_on),
                    valid.score
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.certification_records(actor, partner_id, &PageRequest::everything())
            .await?
            .items
            .into_iter()
            .find(|c| {
                c.contact_id == contact.id
                    && c.certification == valid.certification.key
                    && c.earned_on == earned_on.to_string()
            })
            .ok_or(Error::NotFound)
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
        actor.require(Action::RunTierProgram)?;
        let (_, program) = self.program_in_force().await?;
        let now = store::now();
        let (rows, mut errors) =
            enablement::parse_completions_csv(csv, &program.certifications, now.date());
        let mut report = ImportReport {
            rows: rows.len() + errors.iter().filter(|e| e.line > 1).count(),
            ..ImportReport::default()
        };
        let mut tx = self.db.write().await?;
        let directory = PartnerDirectory::load(&mut tx).await?;
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
                    // Whoever typed the contact's address (or an older version that kept its
                    // case) must not make the person a second contact.
                    let known = store::contacts::list_for_partner(&mut tx, *partner_id, false)
                        .await?
                        .into_iter()
                        .find(|c| {
                            c.email
                                .as_deref()
                                .is_some_and(|e| domain::partners::same_email(e, &row.email))
                        });
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
            let record_row = store::certifications::NewRecord {
                partner_id: *partner_id,
                contact_id,
                certification: &row.certification,
                earned_on: row.earned_on,
                expires_on: enablement::expiry(cert, row.earned_on),
                score: &row.score.to_string(),
                source: "import",
                evidence: "",
            };
            if store::certifications::insert(&mut tx, &record_row, now).await? {
                store::certifications::end_enrollment(&mut tx, contact_id, &row.certification)
                    .await?;
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
                            row.email,
                            cert.name,
                            domain::display::day(row.earned_on),
                            row.score
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
