//! Submitting a registration: the conflict check and the policy (auto-approval, the decision
//! due date), the eligibility gate, the conflict case a finding opens, and who is told.

use domain::deals::conflicts::{self, ConflictIndex, Verdict};
use domain::deals::matching::CustomerKey;
use domain::deals::registration::{self, Status};
use domain::money::rates::Rates;
use domain::permissions::Action;
use domain::program::Program;
use domain::validation::Choice;
use store::deals::DealRow;
use time::Date;
use uuid::Uuid;

use crate::deals::cache::{catch_up, conflict_row, known};
use crate::deals::view::{DealView, ViewFacts, deal_view, size_in_program_currency};
use crate::facts::sources::PartnerRecords;
use crate::notifications;
use crate::{Actor, Change, Error, Result, Services};

impl Services {
    /// Submits a draft, or a registration sent back for more information, with a fresh
    /// conflict check.
    pub async fn submit_deal(&self, actor: &Actor, id: Uuid) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let today = actor.today();
        let now = store::now();
        let partner_id = self.deal(actor, id).await?.partner_id;
        actor.require(Action::WorkDeals)?;
        self.require_registration_gate(&program, partner_id, today)
            .await?;
        let mut state = self.conflicts.state.lock().await;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        let status = Status::parse(&before.status).unwrap_or(Status::Draft);
        status
            .check_move(Status::Submitted)
            .map_err(Error::Conflict)?;
        let partner = store::partners::get(&mut tx, before.partner_id)
            .await?
            .ok_or(Error::NotFound)?;
        if let Some(why) = partner.out_of_program() {
            return Err(Error::Conflict(format!(
                "{} is {why}: it registers no deals",
                partner.display_name
            )));
        }
        let team = notifications::partner_team(&mut tx, partner.owner_id).await?;
        let mut facts = ViewFacts::load(&mut tx, &program, &[&before]).await?;
        let mut row = before.clone();
        row.change_no = store::deals::next(&mut tx, "conflict_change").await?;
        catch_up(&mut tx, &mut state).await?;
        let case = Self::submit_row(
            &mut row,
            &program,
            &partner,
            &facts.rates,
            &state.index,
            actor,
            now,
        )?;
        row.updated_at = now;
        store::deals::update(&mut tx, &row, before.change_no).await?;
        let mut effects = Effects::default();
        effects.registered(actor, &row, case, &partner.display_name, &team, now);
        effects.events.push(crate::audit_event(
            actor,
            now,
            Change {
                partner_id: Some(row.partner_id),
                entity_type: "deal_registration",
                entity_id: row.id,
                action: "submitted",
                summary: format!(
                    "{} submitted: {}",
                    row.reference,
                    Status::parse(&row.status).map_or("", |s| s.label())
                ),
                before: None,
                after: None,
            },
        ));
        facts.opened(effects.write(&mut tx, &program, now).await?);
        tx.commit().await?;
        if let Some(k) = known(&conflict_row(&row)) {
            state.index.insert(k);
        }
        state.last_change = state.last_change.max(row.change_no);
        drop(state);
        deal_view(actor, &program, &facts, &row)
    }

    /// The program's eligibility gate for submitting registrations (drafts are not gated),
    /// refusing with what the partner is missing.
    async fn require_registration_gate(
        &self,
        program: &Program,
        partner_id: Uuid,
        today: Date,
    ) -> Result<()> {
        let Some(gate) = program
            .policies
            .enablement
            .gates
            .iter()
            .find(|g| g.action == domain::program::policy::GatedAction::DealRegistration)
        else {
            return Ok(());
        };
        let mut tx = self.db.read().await?;
        let records = PartnerRecords::certified_only(&mut tx, partner_id).await?;
        drop(tx);
        let certified = records.certified(today);
        domain::enablement::gate_status(gate, certified, &program.certifications, today)
            .map_err(Error::Forbidden)
    }

    /// Runs the conflict check and the policy on a registration `actor` submits; returns
    /// the conflict case to open when it is not clear.
    pub(super) fn submit_row(
        row: &mut DealRow,
        program: &Program,
        partner: &domain::partners::Partner,
        rates: &Rates,
        index: &ConflictIndex,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<Option<ConflictCase>> {
        let today = actor.today();
        let policy = &program.policies.deal_registration;
        let key = CustomerKey {
            name: row.name_key.clone(),
            domain: row.domain.clone(),
        };
        let check = conflicts::check(policy, index, row.partner_id, Some(row.id), &key, today);
        row.submitted_at = Some(now);
        row.conflict_verdict = verdict_key(check.verdict).into();
        row.conflict_findings = serde_json::to_string(&check.findings)
            .map_err(|e| Error::Store(store::Error::Internal(e.to_string())))?;
        if registration::auto_approves(
            policy,
            &partner.tier,
            &program.tier_keys(),
            size_in_program_currency(row, rates, today),
            check.verdict,
        ) {
            row.status = Status::Approved.as_str().into();
            row.decided_at = Some(now);
            row.decided_by = Some("auto-approval".into());
            row.decision_note = format!(
                "auto-approved: {} registrations below the limit",
                partner.tier
            );
            row.protected_until = Some(registration::protected_until(
                today,
                protection_days(program, &partner.tier),
            ));
        } else {
            row.status = Status::Submitted.as_str().into();
            row.decision_due = Some(
                crate::program::business_calendar(program)?
                    .add_working_days(today, policy.decision_sla_business_days),
            );
        }
        Ok((check.verdict != Verdict::Clear).then(|| ConflictCase {
            id: Uuid::now_v7(),
            deal_id: row.id,
            partner_id: row.partner_id,
            submitted_by: actor.user_id,
            owner_id: partner.owner_id,
            issue: domain::deals::cases::case_issue(&row.reference, &row.customer_name),
            urgency: policy.conflict_urgency,
            occurred_on: today,
            at: now,
        }))
    }
}

/// The channel-conflict escalation case a registration that is not clear opens, numbered
/// when it is written.
pub(super) struct ConflictCase {
    id: Uuid,
    deal_id: Uuid,
    partner_id: Uuid,
    /// The registering person; None when the system (an import) registered it.
    submitted_by: Option<Uuid>,
    /// The partner's manager, who owns the case.
    owner_id: Option<Uuid>,
    /// Partner-safe: it names only the partner's own registration and customer.
    issue: String,
    urgency: domain::escalations::Urgency,
    occurred_on: Date,
    at: time::OffsetDateTime,
}

impl ConflictCase {
    /// Writes the case unless the registration has one already (a resubmission keeps its
    /// case), and returns it. A case raised by the system is submitted in the name of the
    /// partner's manager, else of the first active administrator: a case always names a
    /// person (its page says the conflict check raised it).
    async fn open(&self, tx: &mut store::Write) -> Result<store::escalations::CaseRow> {
        if let Some(case) = store::escalations::case_for_deal(tx, self.deal_id).await? {
            return Ok(case);
        }
        let submitted_by = match self.submitted_by.or(self.owner_id) {
            Some(user) => user,
            None => store::users::active_with_role(tx, domain::roles::Role::Admin, None)
                .await?
                .first()
                .map(|u| u.id)
                .ok_or_else(|| {
                    Error::Conflict(
                        "a conflict case needs a person to raise it: add an administrator".into(),
                    )
                })?,
        };
        let row = store::escalations::CaseRow {
            id: self.id,
            number: store::deals::next(tx, "escalation_case").await?,
            partner_id: self.partner_id,
            submitted_by,
            owner_id: self.owner_id,
            issue: self.issue.clone(),
            category: domain::escalations::Category::ChannelConflict
                .as_str()
                .into(),
            urgency: self.urgency.as_str().into(),
            occurred_on: self.occurred_on,
            state: domain::escalations::State::Open.as_str().into(),
            version: 1,
            created_at: self.at,
            updated_at: self.at,
            deal_id: Some(self.deal_id),
            conflict_outcome: None,
        };
        store::escalations::insert_case(tx, &row).await?;
        Ok(row)
    }
}

/// What registrations write besides themselves — the partner team's notifications, the
/// conflict cases and the audit events — collected so a group writes each kind at once.
#[derive(Default)]
pub(super) struct Effects {
    /// (recipient, partner, message, link)
    notices: Vec<(Uuid, Uuid, String, String)>,
    cases: Vec<ConflictCase>,
    pub(super) events: Vec<domain::audit::AuditEvent>,
    /// Registrations waiting for a decision: (registration, partner, the work's title).
    to_decide: Vec<(Uuid, Uuid, String)>,
}

impl Effects {
    /// A registration was submitted (drafts tell nobody): its team hears of it, and a
    /// conflict that is not clear opens its case.
    pub(super) fn registered(
        &mut self,
        actor: &Actor,
        row: &DealRow,
        case: Option<ConflictCase>,
        partner_name: &str,
        team: &[Uuid],
        now: time::OffsetDateTime,
    ) {
        if row.status == Status::Draft.as_str() {
            return;
        }
        let reference = &row.reference;
        let message = match (&case, row.status.as_str()) {
            (Some(_), _) => format!(
                "{reference} ({}, {partner_name}) needs a conflict review: {}",
                row.customer_name,
                row.conflict_verdict.replace('_', " ")
            ),
            (None, "approved") => format!(
                "{reference} ({}, {partner_name}) was auto-approved",
                row.customer_name
            ),
            _ => format!(
                "{reference} ({}, {partner_name}) waits for your decision by {}",
                row.customer_name,
                row.decision_due.map(|d| d.to_string()).unwrap_or_default()
            ),
        };
        if row.status == Status::Submitted.as_str() {
            self.to_decide.push((
                row.id,
                row.partner_id,
                format!("Decide {reference}: {}", row.customer_name),
            ));
        }
        let link = format!("/deals/{}", row.id);
        let mut told = std::collections::HashSet::new();
        for user in team.iter().filter(|u| told.insert(**u)) {
            self.notices
                .push((*user, row.partner_id, message.clone(), link.clone()));
        }
        if let Some(case) = case {
            self.events.push(crate::audit_event(
                actor,
                now,
                Change {
                    partner_id: Some(row.partner_id),
                    entity_type: "escalation_case",
                    entity_id: case.id,
                    action: "submit",
                    summary: format!("Conflict case opened for {reference}"),
                    before: None,
                    after: None,
                },
            ));
            self.cases.push(case);
        }
    }

    /// Writes them all; returns the registrations' conflict cases.
    pub(super) async fn write(
        &self,
        tx: &mut store::Write,
        program: &Program,
        now: time::OffsetDateTime,
    ) -> Result<Vec<store::escalations::CaseRow>> {
        for (id, partner_id, title) in &self.to_decide {
            crate::work::open_item(
                tx,
                program,
                crate::work::Source {
                    kind: domain::work::WorkKind::DealRegistration,
                    id: *id,
                    partner_id: *partner_id,
                    title,
                    owner: None,
                },
                now,
            )
            .await?;
        }
        let notices: Vec<store::notifications::NewNotification> = self
            .notices
            .iter()
            .map(
                |(_, partner, message, link)| store::notifications::NewNotification {
                    partner_id: Some(*partner),
                    kind: "deal_registration",
                    message,
                    link,
                },
            )
            .collect();
        let addressed: Vec<(Uuid, &store::notifications::NewNotification)> = self
            .notices
            .iter()
            .zip(&notices)
            .map(|((user, ..), notice)| (*user, notice))
            .collect();
        store::notifications::insert_many(tx, &addressed, now).await?;
        let mut cases = Vec::with_capacity(self.cases.len());
        for case in &self.cases {
            cases.push(case.open(tx).await?);
        }
        store::audit::insert_many(tx, &self.events).await?;
        Ok(cases)
    }
}

fn verdict_key(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Clear => "clear",
        Verdict::NeedsReview => "needs_review",
        Verdict::AlreadyRegistered => "already_registered",
    }
}

pub(super) fn protection_days(program: &Program, tier: &str) -> u32 {
    program
        .tier_index(tier)
        .map_or(30, |i| program.tiers[i].benefits.deal_protection_days)
}
