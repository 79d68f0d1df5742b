//! Importing leads from CSV (the export's columns), all or nothing.

use domain::deals::leads;
use domain::permissions::Action;
use uuid::Uuid;

use crate::convert::minor;
use crate::{Actor, Result, Services};

impl Services {
    /// Imports leads (the export's columns): a known reference updates that lead, a row
    /// without one adds a lead. Every row is checked first — fields, partner, status,
    /// references — and if any is wrong nothing is written; a dry run writes nothing either.
    /// Imported leads are history: nobody is notified. Admins and partner managers.
    pub async fn import_leads(
        &self,
        actor: &Actor,
        csv: &str,
        dry_run: bool,
    ) -> Result<crate::imports::ImportReport> {
        actor.require(Action::ManageDeals)?;
        let (_, program) = self.program_in_force().await?;
        let (rows, mut errors) = leads::parse_csv(csv, &program.currency);
        let mut tx = self.db.read().await?;
        let directory = crate::imports::PartnerDirectory::load(&mut tx).await?;
        let existing: std::collections::HashMap<String, store::deals::LeadRow> =
            store::deals::leads(&mut tx, None, None, None, i64::MAX)
                .await?
                .into_iter()
                .map(|l| (l.reference.clone(), l))
                .collect();
        drop(tx);
        let mut partners = std::collections::HashSet::new();
        let mut resolved = Vec::with_capacity(rows.len());
        for row in rows {
            let partner = match directory.find(&row.partner) {
                Ok(id) => id,
                Err(message) => {
                    errors.push(domain::program::history::RowError {
                        line: row.line,
                        field: "partner".into(),
                        message,
                    });
                    continue;
                }
            };
            let known = match &row.reference {
                None => None,
                Some(reference) => match existing.get(reference) {
                    Some(lead) if lead.partner_id == partner => Some(lead),
                    Some(_) => {
                        errors.push(domain::program::history::RowError {
                            line: row.line,
                            field: "partner".into(),
                            message: format!(
                                "{reference} belongs to another partner; a lead cannot move between partners"
                            ),
                        });
                        continue;
                    }
                    None => {
                        errors.push(domain::program::history::RowError {
                            line: row.line,
                            field: "reference".into(),
                            message: format!(
                                "there is no lead {reference}; leave the reference empty to add a new one"
                            ),
                        });
                        continue;
                    }
                },
            };
            if row.status == "submitted"
                && let Some(why) = directory.out_of_program(partner)
            {
                errors.push(domain::program::history::RowError {
                    line: row.line,
                    field: "status".into(),
                    message: format!(
                        "{why}: it submits no leads; only its accepted or rejected leads can be imported"
                    ),
                });
                continue;
            }
            partners.insert(partner);
            resolved.push((row, partner, known));
        }
        errors.sort_by_key(|e| e.line);
        let mut report = crate::imports::ImportReport {
            rows: resolved.len() + errors.iter().filter(|e| e.line > 1).count(),
            partners: partners.len(),
            errors,
            ..Default::default()
        };
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let now = store::now();
        let key = self.reference_key().await?;
        let sla = program.policies.slas.lead_acceptance_hours;
        let mut tx = self.db.write().await?;
        for (row, partner_id, known) in resolved {
            let accept_by = match (row.accept_by, known) {
                (Some(day), Some(lead)) if lead.accept_by.date() == day => lead.accept_by,
                (Some(day), _) => day.with_hms(23, 59, 59).map_or(now, |t| t.assume_utc()),
                (None, Some(lead)) => lead.accept_by,
                (None, None) => leads::accept_by(now, sla),
            };
            let decided = row.status != "submitted";
            let fields = &row.fields;
            let lead = match known {
                Some(lead) => store::deals::LeadRow {
                    company: fields.company.clone(),
                    website: fields.website.clone(),
                    contact_name: fields.contact_name.clone(),
                    contact_email: fields.contact_email.clone(),
                    need: fields.need.clone(),
                    estimated_value_minor: minor(fields.estimated_value),
                    currency: fields.currency.clone(),
                    accept_by,
                    decided_at: if decided {
                        lead.decided_at.or(Some(now))
                    } else {
                        None
                    },
                    decided_by: if decided {
                        lead.decided_by
                            .clone()
                            .or_else(|| Some(actor.label.clone()))
                    } else {
                        None
                    },
                    status: row.status.into(),
                    rejection_reason: row.rejection_reason.clone(),
                    updated_at: now,
                    ..lead.clone()
                },
                None => {
                    let number = store::deals::next(&mut tx, "lead").await?;
                    store::deals::LeadRow {
                        id: Uuid::now_v7(),
                        number,
                        reference: leads::reference(number, &key),
                        partner_id,
                        submitted_by: actor.label.clone(),
                        company: fields.company.clone(),
                        website: fields.website.clone(),
                        contact_name: fields.contact_name.clone(),
                        contact_email: fields.contact_email.clone(),
                        need: fields.need.clone(),
                        estimated_value_minor: minor(fields.estimated_value),
                        currency: fields.currency.clone(),
                        status: row.status.into(),
                        accept_by,
                        // History is not news: an imported lead past its SLA is not flagged.
                        overdue_flagged: true,
                        decided_at: decided.then_some(now),
                        decided_by: decided.then(|| actor.label.clone()),
                        rejection_reason: row.rejection_reason.clone(),
                        deal_id: None,
                        counts_against_quota: false,
                        created_at: now,
                        updated_at: now,
                    }
                }
            };
            if let Some(read) = known {
                store::deals::update_lead(&mut tx, &lead, read.updated_at).await?;
                report.updated += 1;
            } else {
                store::deals::insert_lead(&mut tx, &lead).await?;
                report.created += 1;
            }
        }
        report.record(&mut tx, actor, now, "leads").await?;
        if dry_run {
            return Ok(report);
        }
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }
}
