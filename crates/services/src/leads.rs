//! Partner-sourced leads: a partner hands a prospect to our sales team, which accepts it
//! within the SLA (it becomes an approved registration credited to the partner) or rejects
//! it with a reason. Leads never count against the internal rep's quota.

use domain::deals::leads::{self, LeadInput};
use domain::deals::registration::{DealInput, Status};
use domain::permissions::Action;
use domain::roles::Role;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::convert::minor;
use crate::notifications;
use crate::{Actor, Change, Error, Result, Services, record};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LeadView {
    pub id: Uuid,
    /// L-101
    pub reference: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub company: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub need: String,
    pub estimated_value: Decimal,
    pub currency: String,
    /// submitted, accepted or rejected
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub accept_by: time::OffsetDateTime,
    /// Still waiting past its acceptance SLA.
    pub overdue: bool,
    pub rejection_reason: String,
    /// The registration an accepted lead became.
    pub deal_id: Option<Uuid>,
    /// Always false: partner-sourced leads are tracked apart from direct pipeline.
    pub counts_against_quota: bool,
}

impl Services {
    fn lead_view(&self, row: store::deals::LeadRow, partner_name: String) -> LeadView {
        LeadView {
            id: row.id,
            reference: row.reference.clone(),
            partner_id: row.partner_id,
            partner_name,
            company: row.company,
            website: row.website,
            contact_name: row.contact_name,
            contact_email: row.contact_email,
            need: row.need,
            estimated_value: Decimal::new(row.estimated_value_minor, 2),
            currency: row.currency,
            overdue: row.status == "submitted" && store::now() > row.accept_by,
            status: row.status,
            accept_by: row.accept_by,
            rejection_reason: row.rejection_reason,
            deal_id: row.deal_id,
            counts_against_quota: row.counts_against_quota != 0,
        }
    }

    /// A partner hands a lead to sales (its people for their organisation; partner managers
    /// for any partner).
    pub async fn submit_lead(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &LeadInput,
    ) -> Result<LeadView> {
        let partner = self.get_partner(actor, partner_id).await?;
        if let Some(why) = partner.out_of_program() {
            return Err(Error::Conflict(format!(
                "{} is {why}: it submits no leads",
                partner.display_name
            )));
        }
        actor.require(Action::WorkDeals)?;
        let (_, program) = self.program_in_force().await?;
        let fields = input.validate(&program.currency).map_err(Error::Invalid)?;
        let now = store::now();
        let key = self.reference_key().await?;
        let mut tx = self.db.write().await?;
        let number = store::deals::next(&mut tx, "lead").await?;
        let row = store::deals::LeadRow {
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
            status: "submitted".into(),
            accept_by: leads::accept_by(now, program.policies.slas.lead_acceptance_hours),
            overdue_flagged: 0,
            decided_at: None,
            decided_by: None,
            rejection_reason: String::new(),
            deal_id: None,
            counts_against_quota: 0,
            created_at: now,
            updated_at: now,
        };
        store::deals::insert_lead(&mut tx, &row).await?;
        let recipients =
            notifications::role_and_partner_team(&mut tx, Role::Sales, partner.owner_id).await?;
        let message = format!(
            "{} from {}: {} ({}), accept or reject by {}",
            row.reference.clone(),
            partner.display_name,
            row.company,
            row.need.chars().take(80).collect::<String>(),
            row.accept_by.date()
        );
        notifications::notify(
            &mut tx,
            &recipients,
            &store::notifications::NewNotification {
                partner_id: Some(partner_id),
                kind: "lead",
                message: &message,
                link: "/leads",
            },
            now,
        )
        .await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(partner_id),
                entity_type: "lead",
                entity_id: row.id,
                action: "submitted",
                summary: format!("{} submitted: {}", row.reference.clone(), row.company),
                before: None,
                after: crate::snapshot(&fields),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(self.lead_view(row, partner.display_name))
    }

    /// Leads, newest first: partners see their own; internal users all (or one partner's).
    pub async fn leads(
        &self,
        actor: &Actor,
        partner: Option<Uuid>,
        status: Option<&str>,
    ) -> Result<Vec<LeadView>> {
        if let Some(s) = status
            && !["submitted", "accepted", "rejected"].contains(&s)
        {
            return Err(Error::field(
                "status",
                format!("'{s}' is not one of: submitted, accepted, rejected"),
            ));
        }
        let partner = if actor.is_internal() {
            partner
        } else {
            let own = actor.partner_id.ok_or(Error::NotFound)?;
            if partner.is_some_and(|p| p != own) {
                return Err(Error::NotFound);
            }
            Some(own)
        };
        let mut tx = self.db.read().await?;
        let rows = store::deals::leads(&mut tx, partner, status, crate::MAX_PAGE).await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            let name = store::partners::get(&mut tx, row.partner_id)
                .await?
                .map(|p| p.display_name)
                .unwrap_or_default();
            views.push(self.lead_view(row, name));
        }
        tx.commit().await?;
        Ok(views)
    }

    async fn visible_lead(&self, actor: &Actor, id: Uuid) -> Result<store::deals::LeadRow> {
        let mut tx = self.db.read().await?;
        let row = store::deals::lead(&mut tx, id)
            .await?
            .filter(|l| actor.sees_partner(l.partner_id))
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Sales accepts a lead: it becomes an approved registration credited to the partner.
    /// The lead is claimed first, so of racing deciders exactly one creates a registration.
    pub async fn accept_lead(&self, actor: &Actor, id: Uuid) -> Result<LeadView> {
        let lead = self.visible_lead(actor, id).await?;
        actor.require(Action::DecideLeads)?;
        let partner = self.get_partner(actor, lead.partner_id).await?;
        let mut tx = self.db.write().await?;
        let claimed = settle_lead(&mut tx, actor, id, "accepted", String::new()).await?;
        tx.commit().await?;
        let deal = match self.registration_from_lead(actor, &claimed, &partner).await {
            Ok(deal) => deal,
            Err(e) => {
                // Nothing was announced yet: hand the lead back so it can be decided again.
                let mut back = claimed.clone();
                back.status = "submitted".into();
                back.decided_at = None;
                back.decided_by = None;
                back.updated_at = store::now();
                let mut tx = self.db.write().await?;
                store::deals::update_lead(&mut tx, &back, claimed.updated_at).await?;
                tx.commit().await?;
                return Err(e);
            }
        };
        let mut accepted = claimed.clone();
        accepted.deal_id = Some(deal.id);
        accepted.updated_at = store::now();
        let mut tx = self.db.write().await?;
        store::deals::update_lead(&mut tx, &accepted, claimed.updated_at).await?;
        announce_lead(&mut tx, actor, &accepted).await?;
        tx.commit().await?;
        Ok(self.lead_view(accepted, partner.display_name))
    }

    /// The approved registration, credited to the partner, that an accepted lead becomes.
    async fn registration_from_lead(
        &self,
        actor: &Actor,
        lead: &store::deals::LeadRow,
        partner: &domain::partners::Partner,
    ) -> Result<crate::deals::DealView> {
        let today = actor.today();
        let input = DealInput {
            customer_name: lead.company.clone(),
            website: lead.website.clone(),
            industry: "Not given (from a lead)".into(),
            region: partner
                .regions
                .first()
                .map_or("north_america", |r| domain::validation::Choice::as_str(r))
                .into(),
            deal_size: Decimal::new(lead.estimated_value_minor, 2)
                .max(Decimal::ONE)
                .to_string(),
            currency: lead.currency.clone(),
            expected_close: (today + time::Duration::days(90)).to_string(),
            use_case: lead.need.clone(),
            stage: "discovery".into(),
            probability: "10".into(),
            partner_rep: lead.submitted_by.clone(),
            ..Default::default()
        };
        let deal = self
            .create_registration(actor, lead.partner_id, &input, true, false)
            .await?;
        if deal.status != Status::Submitted {
            return Ok(deal);
        }
        let approve = crate::deals::DealDecision {
            decision: "approve".into(),
            note: format!("accepted lead {}", lead.reference),
        };
        // Sales may accept without deciding registrations: the system approves for them.
        self.decide_deal(&Actor::system("lead acceptance"), deal.id, &approve)
            .await
    }

    /// Sales rejects a lead, saying why.
    pub async fn reject_lead(&self, actor: &Actor, id: Uuid, reason: &str) -> Result<LeadView> {
        let lead = self.visible_lead(actor, id).await?;
        actor.require(Action::DecideLeads)?;
        let mut v = domain::Validation::new();
        let reason = v.text("reason", reason, true, 1_000);
        v.into_result().map_err(Error::Invalid)?;
        let name = self.get_partner(actor, lead.partner_id).await?.display_name;
        let mut tx = self.db.write().await?;
        let rejected = settle_lead(&mut tx, actor, id, "rejected", reason).await?;
        announce_lead(&mut tx, actor, &rejected).await?;
        tx.commit().await?;
        Ok(self.lead_view(rejected, name))
    }
}

/// Decides a lead still submitted, as read inside `tx`: of racing deciders one writes, the
/// others get a conflict and cause nothing.
async fn settle_lead(
    tx: &mut store::Tx,
    actor: &Actor,
    id: Uuid,
    status: &str,
    reason: String,
) -> Result<store::deals::LeadRow> {
    let mut lead = store::deals::lead(tx, id).await?.ok_or(Error::NotFound)?;
    if lead.status != "submitted" {
        return Err(Error::Conflict(format!(
            "this lead is already {}",
            lead.status
        )));
    }
    let read = lead.updated_at;
    let now = store::now();
    lead.status = status.into();
    lead.decided_at = Some(now);
    lead.decided_by = Some(actor.label.clone());
    lead.rejection_reason = reason;
    lead.updated_at = now;
    store::deals::update_lead(tx, &lead, read).await?;
    Ok(lead)
}

/// Tells the partner's admins how their lead was decided, and audits it.
async fn announce_lead(
    tx: &mut store::Tx,
    actor: &Actor,
    lead: &store::deals::LeadRow,
) -> Result<()> {
    let now = lead.updated_at;
    let message = if lead.status == "accepted" {
        format!("{} ({}) accepted by sales", lead.reference, lead.company)
    } else {
        format!(
            "{} ({}) rejected by sales: {}",
            lead.reference, lead.company, lead.rejection_reason
        )
    };
    let admins = notifications::partner_admins(tx, lead.partner_id).await?;
    notifications::notify(
        tx,
        &admins,
        &store::notifications::NewNotification {
            partner_id: Some(lead.partner_id),
            kind: "lead",
            message: &message,
            link: "/leads",
        },
        now,
    )
    .await?;
    record(
        tx,
        actor,
        now,
        Change {
            partner_id: Some(lead.partner_id),
            entity_type: "lead",
            entity_id: lead.id,
            action: &lead.status,
            summary: message,
            before: None,
            after: None,
        },
    )
    .await
}

impl Services {
    /// Tells sales and the partner's team, once, about leads past their acceptance SLA.
    pub(crate) async fn flag_overdue_leads(&self, actor: &Actor) -> Result<usize> {
        let now = store::now();
        let mut tx = self.db.write().await?;
        let waiting = store::deals::leads(&mut tx, None, Some("submitted"), i64::MAX).await?;
        let mut flagged = 0;
        for mut lead in waiting
            .into_iter()
            .filter(|l| l.overdue_flagged == 0 && now > l.accept_by)
        {
            let read = lead.updated_at;
            lead.overdue_flagged = 1;
            lead.updated_at = now;
            store::deals::update_lead(&mut tx, &lead, read).await?;
            let owner = store::partners::get(&mut tx, lead.partner_id)
                .await?
                .and_then(|p| p.owner_id);
            let recipients =
                notifications::role_and_partner_team(&mut tx, Role::Sales, owner).await?;
            let message = format!(
                "{} ({}) is past its acceptance SLA ({})",
                lead.reference.clone(),
                lead.company,
                lead.accept_by.date()
            );
            notifications::notify(
                &mut tx,
                &recipients,
                &store::notifications::NewNotification {
                    partner_id: Some(lead.partner_id),
                    kind: "lead_overdue",
                    message: &message,
                    link: "/leads",
                },
                now,
            )
            .await?;
            record(
                &mut tx,
                actor,
                now,
                Change {
                    partner_id: Some(lead.partner_id),
                    entity_type: "lead",
                    entity_id: lead.id,
                    action: "overdue",
                    summary: message,
                    before: None,
                    after: None,
                },
            )
            .await?;
            flagged += 1;
        }
        tx.commit().await?;
        Ok(flagged)
    }
}

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
            store::deals::leads(&mut tx, None, None, i64::MAX)
                .await?
                .into_iter()
                .map(|l| (l.reference.clone(), l))
                .collect();
        tx.commit().await?;
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
                        overdue_flagged: 1,
                        decided_at: decided.then_some(now),
                        decided_by: decided.then(|| actor.label.clone()),
                        rejection_reason: row.rejection_reason.clone(),
                        deal_id: None,
                        counts_against_quota: 0,
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
