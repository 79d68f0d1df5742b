//! A lead's way: a partner hands it to sales, which accepts it (it becomes an approved
//! registration credited to the partner) or rejects it with a reason.

use domain::deals::leads::{self, LeadInput};
use domain::deals::registration::{DealInput, Status};
use domain::permissions::Action;
use domain::roles::Role;
use domain::work::WorkKind;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::convert::minor;
use crate::notifications;
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

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
            counts_against_quota: row.counts_against_quota,
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
            overdue_flagged: false,
            decided_at: None,
            decided_by: None,
            rejection_reason: String::new(),
            deal_id: None,
            counts_against_quota: false,
            created_at: now,
            updated_at: now,
        };
        store::deals::insert_lead(&mut tx, &row).await?;
        open_lead_work(&mut tx, &program, &row).await?;
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
        let link = format!("/leads#lead-{}", row.id);
        notifications::notify(
            &mut tx,
            &recipients,
            &store::notifications::NewNotification {
                partner_id: Some(partner_id),
                kind: "lead",
                message: &message,
                link: &link,
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
        page: &PageRequest<Uuid>,
    ) -> Result<Page<LeadView>> {
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
        let rows = store::deals::leads(&mut tx, partner, status, page.after, page.limit).await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            let name = store::partners::get(&mut tx, row.partner_id)
                .await?
                .map(|p| p.display_name)
                .unwrap_or_default();
            views.push(self.lead_view(row, name));
        }
        Ok(page.page(views, |lead| lead.id))
    }

    async fn visible_lead(&self, actor: &Actor, id: Uuid) -> Result<store::deals::LeadRow> {
        let mut tx = self.db.read().await?;
        let row = store::deals::lead(&mut tx, id)
            .await?
            .filter(|l| actor.sees_partner(l.partner_id))
            .ok_or(Error::NotFound)?;
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
                let (_, program) = self.program_in_force().await?;
                let mut tx = self.db.write().await?;
                store::deals::update_lead(&mut tx, &back, claimed.updated_at).await?;
                // Undecided again: its acceptance is sales' work again, its clock anew.
                open_lead_work(&mut tx, &program, &back).await?;
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
    tx: &mut store::Write,
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
    crate::work::close_item(tx, WorkKind::LeadHandoff, id, now, &actor.label).await?;
    Ok(lead)
}

/// A submitted lead is sales' work until it is accepted or rejected.
async fn open_lead_work(
    tx: &mut store::Write,
    program: &domain::program::Program,
    lead: &store::deals::LeadRow,
) -> Result<()> {
    crate::work::open_item(
        tx,
        program,
        crate::work::Source {
            kind: WorkKind::LeadHandoff,
            id: lead.id,
            partner_id: lead.partner_id,
            title: &format!("Accept or reject {}: {}", lead.reference, lead.company),
            owner: None,
        },
        lead.updated_at,
    )
    .await?;
    Ok(())
}

/// Tells the partner's admins and the person who submitted the lead how it was decided, and
/// audits it.
async fn announce_lead(
    tx: &mut store::Write,
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
    let mut recipients = notifications::partner_admins(tx, lead.partner_id).await?;
    recipients.extend(notifications::person(tx, lead.partner_id, Some(&lead.submitted_by)).await?);
    let link = format!("/leads#lead-{}", lead.id);
    notifications::notify(
        tx,
        &recipients,
        &store::notifications::NewNotification {
            partner_id: Some(lead.partner_id),
            kind: "lead",
            message: &message,
            link: &link,
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
