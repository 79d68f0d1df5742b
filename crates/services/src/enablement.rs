//! Certifications partners' people hold: imported from LMS exports, listed per partner, and
//! read by the tier engine and the gates in place of typed-in counts wherever they reach
//! (`crate::facts::sources`).

use domain::permissions::Action;
use std::collections::HashMap;

use domain::enablement::{self, Held, Status};
use domain::program::history::RowError;
use uuid::Uuid;

use crate::facts::sources::held;
use crate::imports::{ImportReport, PartnerDirectory};
use crate::notifications;
use crate::{Actor, Change, Error, Result, Services, record};

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
    ) -> Result<Vec<CertificationView>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = store::certifications::for_partner(&mut tx, partner_id).await?;
        tx.commit().await?;
        let today = actor.today();
        let warn_days = program.policies.enablement.expiring_within();
        let all: Vec<Held> = rows.iter().map(held).collect::<Result<_>>()?;
        rows.iter()
            .zip(&all)
            .map(|(row, h)| {
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
                    earned_on: row.earned_on.clone(),
                    expires_on: row.expires_on.clone(),
                    score: row.score.clone(),
                    status: enablement::status_among(h, &all, today, warn_days),
                    evidence: row.evidence.clone(),
                    source: row.source.clone(),
                })
            })
            .collect()
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
        let earned_on = valid.earned_on.to_string();
        let expires_on = valid.expires_on.map(|d| d.to_string());
        let row = store::certifications::NewRecord {
            partner_id,
            contact_id: contact.id,
            certification: &valid.certification.key,
            earned_on: &earned_on,
            expires_on: expires_on.as_deref(),
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
                    "{} earned {} on {earned_on} ({}%), recorded by hand",
                    contact.name, valid.certification.name, valid.score
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.certification_records(actor, partner_id)
            .await?
            .into_iter()
            .find(|c| {
                c.contact_id == contact.id
                    && c.certification == valid.certification.key
                    && c.earned_on == earned_on
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
            let expires = enablement::expiry(cert, row.earned_on).map(|d| d.to_string());
            let record_row = store::certifications::NewRecord {
                partner_id: *partner_id,
                contact_id,
                certification: &row.certification,
                earned_on: &row.earned_on.to_string(),
                expires_on: expires.as_deref(),
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

pub const CERTIFICATION_EXPIRY: &str = "certification_expiry";

impl Services {
    /// The daily expiry run: sends each due renewal reminder once (as a timeline event the
    /// partner's people see) and, when a reminder is due, warns if the expiries would take the
    /// partner below its tier. Returns what it did, for the job's result.
    pub async fn run_certification_expiry(&self, actor: &Actor) -> Result<String> {
        let (_, program) = self.program_in_force().await?;
        let now = store::now();
        let today = now.date();
        let offsets = &program.policies.enablement.reminder_days;
        let mut tx = self.db.write().await?;
        let crate::facts::sources::Book {
            partners,
            histories,
            ..
        } = crate::facts::sources::active_book(&mut tx, &program).await?;
        let records = store::certifications::all(&mut tx).await?;
        let mut by_partner: HashMap<Uuid, Vec<&store::certifications::RecordRow>> = HashMap::new();
        for row in &records {
            by_partner.entry(row.partner_id).or_default().push(row);
        }
        let (mut reminders, mut at_risk) = (0, 0);
        let empty = Vec::new();
        for partner in &partners {
            let Some(rows) = by_partner.get(&partner.id) else {
                continue;
            };
            let mut reminded = false;
            for row in rows {
                let h = held(row)?;
                // Nothing to renew once retired, or once its holder has left the partner.
                let left = enablement::status(&h, today, 0) == enablement::Status::Left;
                let Some(expires) = h.expires_on.filter(|_| !h.retired && !left) else {
                    continue;
                };
                let last = row.last_reminder.and_then(|d| u32::try_from(d).ok());
                let Some(due) = enablement::reminder_due(expires, today, offsets, last) else {
                    continue;
                };
                store::certifications::set_last_reminder(&mut tx, row.id, due.into()).await?;
                let name = program
                    .certifications
                    .iter()
                    .find(|c| c.key == row.certification)
                    .map_or(row.certification.as_str(), |c| c.name.as_str());
                let summary = format!(
                    "Renewal reminder: {}'s {name} expires on {expires} ({due}-day reminder)",
                    row.contact_name
                );
                record(
                    &mut tx,
                    actor,
                    now,
                    Change {
                        partner_id: Some(partner.id),
                        entity_type: "certification",
                        entity_id: row.contact_id,
                        action: "renewal_reminder",
                        summary: summary.clone(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
                let mut recipients = notifications::partner_admins(&mut tx, partner.id).await?;
                recipients.extend(
                    notifications::person(&mut tx, partner.id, row.contact_email.as_deref())
                        .await?,
                );
                let link = format!("/partners/{}#certifications", partner.id);
                notifications::notify(
                    &mut tx,
                    &recipients,
                    &store::notifications::NewNotification {
                        partner_id: Some(partner.id),
                        kind: "renewal_reminder",
                        message: &summary,
                        link: &link,
                    },
                    now,
                )
                .await?;
                reminders += 1;
                reminded = true;
            }
            let Some(current) = program.tier_index(&partner.tier).filter(|_| reminded) else {
                continue;
            };
            let held_all: Vec<Held> = rows.iter().map(|r| held(r)).collect::<Result<_>>()?;
            let history = histories.get(&partner.id).unwrap_or(&empty);
            if let Some(risk) = enablement::tier_at_risk(
                &program,
                current,
                history,
                &held_all,
                today,
                program.policies.enablement.expiring_within(),
            ) {
                at_risk += 1;
                let summary = format!("{}: {risk}", partner.display_name);
                record(
                    &mut tx,
                    actor,
                    now,
                    Change {
                        partner_id: Some(partner.id),
                        entity_type: "partner",
                        entity_id: partner.id,
                        action: "tier_at_risk",
                        summary: summary.clone(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
                let team = notifications::partner_team(&mut tx, partner.owner_id).await?;
                let link = format!("/partners/{}#certifications", partner.id);
                notifications::notify(
                    &mut tx,
                    &team,
                    &store::notifications::NewNotification {
                        partner_id: Some(partner.id),
                        kind: "tier_at_risk",
                        message: &summary,
                        link: &link,
                    },
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(format!(
            "{reminders} renewal reminder(s), {at_risk} partner(s) with their tier at risk"
        ))
    }

    /// Declares a major product release: every valid certification that expires on a major
    /// release is retired (its holders must renew). Admins only.
    pub async fn declare_major_release(&self, actor: &Actor, release: &str) -> Result<u64> {
        actor.require(Action::DeclareMajorRelease)?;
        let mut v = domain::Validation::new();
        let release = v.text("release", release, true, 100);
        v.into_result().map_err(Error::Invalid)?;
        let (_, program) = self.program_in_force().await?;
        let keys: Vec<String> = program
            .certifications
            .iter()
            .filter(|c| c.expires_on_major_release)
            .map(|c| c.key.clone())
            .collect();
        let now = store::now();
        let mut tx = self.db.write().await?;
        let retired = store::certifications::retire(&mut tx, &keys).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "release",
                entity_id: Uuid::now_v7(),
                action: "declared",
                summary: format!(
                    "Major release {release} declared: {retired} certification(s) retired"
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(retired)
    }
}

/// Whether a partner may take a gated action, and why not.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GateView {
    pub action: domain::program::policy::GatedAction,
    pub allowed: bool,
    /// What the partner needs, when it is not allowed.
    pub reason: Option<String>,
}

impl Services {
    /// The program's eligibility gates for a partner (partners see their own).
    pub async fn eligibility(&self, actor: &Actor, partner_id: Uuid) -> Result<Vec<GateView>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let records =
            crate::facts::sources::PartnerRecords::certified_only(&mut tx, partner_id).await?;
        tx.commit().await?;
        let today = actor.today();
        let certified = records.certified(today);
        Ok(program
            .policies
            .enablement
            .gates
            .iter()
            .map(|gate| {
                let status =
                    enablement::gate_status(gate, certified, &program.certifications, today);
                GateView {
                    action: gate.action,
                    allowed: status.is_ok(),
                    reason: status.err(),
                }
            })
            .collect())
    }
}
