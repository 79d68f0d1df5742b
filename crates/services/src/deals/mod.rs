//! Deal registration: partners register deals (portal or API), each submission is checked
//! for channel conflict against the other partners' open registrations, the direct pipeline
//! and existing customers; partner managers decide within the SLA; approved registrations
//! are protected for the partner's tier's window. A partner only ever learns "clear",
//! "needs review" or "already registered" about anyone else.

pub mod credit;
pub mod import;
mod view;

use domain::deals::conflicts::{self, ConflictIndex, Known, Source, Verdict};
use domain::deals::matching::CustomerKey;
use domain::deals::registration::{self, DealInput, Status};
use domain::money::rates::Rates;
use domain::permissions::Action;
use domain::program::Program;
use domain::validation::Choice;
use rust_decimal::Decimal;
use store::deals::{ConflictRow, DealRow};
use time::Date;
use uuid::Uuid;

use crate::convert::{DATE, date, minor, money};
use crate::deals::view::{ViewFacts, deal_view, size_in_program_currency};
use crate::facts::sources::PartnerRecords;
use crate::notifications;
use crate::{Actor, Change, Error, Result, Services, record, snapshot};

/// The conflict index of this process and the last change it has seen. Every write that
/// changes what the index holds takes the next change number under the counter's row lock,
/// so catching up is "change_no > last".
pub struct ConflictCache {
    state: tokio::sync::Mutex<CacheState>,
    /// Where registrations wait to be written (see `create_registration`).
    writer: std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedSender<Queued>>>,
    /// Groups written and the registrations in them, for benchmarks.
    groups: std::sync::atomic::AtomicU64,
    grouped: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for ConflictCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConflictCache")
    }
}

impl Default for ConflictCache {
    fn default() -> Self {
        ConflictCache {
            state: tokio::sync::Mutex::new(CacheState {
                index: ConflictIndex::new(),
                last_change: 0,
            }),
            writer: std::sync::Mutex::new(None),
            groups: Default::default(),
            grouped: Default::default(),
        }
    }
}

struct CacheState {
    index: ConflictIndex,
    last_change: i64,
}

fn known(row: &ConflictRow) -> Option<Known> {
    let source = match row.kind.as_str() {
        "registration" => {
            let status = Status::parse(&row.status)?;
            if !status.is_open() {
                return None;
            }
            Source::Registration {
                partner_id: row.partner_id?,
                reference: row.reference.as_str().into(),
                registered_on: row
                    .registered_on
                    .as_deref()
                    .and_then(|d| Date::parse(d, DATE).ok())?,
                protected_until: row
                    .protected_until
                    .as_deref()
                    .and_then(|d| Date::parse(d, DATE).ok()),
            }
        }
        "opportunity" if row.status == "open" => Source::DirectOpportunity {
            reference: row.reference.as_str().into(),
            owner: row.owner.as_str().into(),
        },
        "account" => Source::Customer {
            account: row.reference.as_str().into(),
        },
        _ => return None,
    };
    Some(Known::new(row.id, &row.name, &row.website, source))
}

async fn catch_up(tx: &mut store::Tx, state: &mut CacheState) -> Result<()> {
    for row in store::deals::conflict_changes(tx, state.last_change).await? {
        match known(&row) {
            Some(k) => state.index.insert(k),
            None => state.index.remove(row.id),
        }
        state.last_change = state.last_change.max(row.change_no);
    }
    Ok(())
}

/// A registration as its reader may see it: partners never see conflict findings.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DealView {
    pub id: Uuid,
    /// DR-1042
    pub reference: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub status: Status,
    pub customer_name: String,
    pub website: String,
    pub industry: String,
    pub region: String,
    pub deal_size: Decimal,
    pub currency: String,
    pub expected_close: String,
    pub use_case: String,
    pub pain_points: String,
    pub stage: String,
    pub probability: i64,
    pub weighted_value: Decimal,
    pub risks: String,
    pub competitor: String,
    pub partner_rep: String,
    pub partner_sourced: bool,
    pub registered_on: String,
    pub decision_due: Option<String>,
    /// Submitted and not decided by the due day.
    pub decision_overdue: bool,
    pub decision_note: String,
    pub protected_until: Option<String>,
    pub extensions_used: i64,
    /// The reason of an extension request waiting for a decision.
    pub extension_requested: Option<String>,
    /// What the partner was told.
    pub conflict_verdict: Verdict,
    /// Internal users only.
    pub conflict_findings: Option<Vec<conflicts::Finding>>,
    pub co_sell_required: bool,
    pub forecast_category: String,
    pub next_action: String,
    pub next_action_on: Option<String>,
    pub next_action_owner: String,
    pub blockers: String,
    pub closed_on: Option<String>,
    pub closed_amount: Option<Decimal>,
    /// Won registrations: whether one of our people confirmed the win (and so its amount);
    /// only then does it count as the partner's revenue. Absent for other states.
    pub win_confirmed: Option<bool>,
    /// Internal users only: our account executive and solutions engineer.
    pub ae_user_id: Option<Uuid>,
    pub se_user_id: Option<Uuid>,
    pub deal_desk_review: bool,
}

pub(crate) fn verdict_of(text: &str) -> Verdict {
    match text {
        "needs_review" => Verdict::NeedsReview,
        "already_registered" => Verdict::AlreadyRegistered,
        _ => Verdict::Clear,
    }
}

fn verdict_key(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Clear => "clear",
        Verdict::NeedsReview => "needs_review",
        Verdict::AlreadyRegistered => "already_registered",
    }
}

impl Services {
    /// The installation's secret for human references, created on first use.
    pub(crate) async fn reference_key(&self) -> Result<Vec<u8>> {
        if let Some(key) = self.reference_key.get() {
            return Ok(key.clone());
        }
        let mut fresh = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut fresh);
        let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
        let mut tx = self.db.write().await?;
        let stored = store::deals::setting_or_create(&mut tx, "reference_key", &fresh).await?;
        tx.commit().await?;
        let key = stored.into_bytes();
        Ok(self.reference_key.get_or_init(|| key).clone())
    }

    /// The conflict check of a customer for a partner, as a preview on the form: what the
    /// partner would be told, and (for internal users) why. Nothing is stored but the
    /// partner's count of previews this hour, which is limited.
    pub async fn preview_conflicts(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        customer_name: &str,
        website: &str,
    ) -> Result<conflicts::ConflictCheck> {
        self.get_partner(actor, partner_id).await?;
        self.count_conflict_preview(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let key = CustomerKey::new(customer_name, website);
        if key.name.is_empty() && key.domain.is_none() {
            return Ok(conflicts::ConflictCheck {
                verdict: Verdict::Clear,
                findings: Vec::new(),
            });
        }
        let mut state = self.conflicts.state.lock().await;
        let mut tx = self.db.read().await?;
        catch_up(&mut tx, &mut state).await?;
        tx.commit().await?;
        let result = conflicts::check(
            &program.policies.deal_registration,
            &state.index,
            partner_id,
            None,
            &key,
            actor.today(),
        );
        Ok(if actor.is_internal() {
            result
        } else {
            result.for_partner()
        })
    }

    /// Registers a deal for a partner: as a draft, or submitted (conflict-checked, then
    /// auto-approved when the policy allows, else waiting for a decision). Partner users
    /// register for their own organisation; admins and partner managers for any partner.
    pub async fn register_deal(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &DealInput,
        submit: bool,
    ) -> Result<DealView> {
        actor.require(Action::WorkDeals)?;
        self.create_registration(actor, partner_id, input, submit, true)
            .await
    }

    /// Stores a registration (submitted: gated when `gated`, conflict-checked, perhaps
    /// auto-approved). Accepted leads come through here ungated: sales took them.
    ///
    /// Registrations are written in groups (group commit): each is validated here, queued,
    /// and whoever holds the conflict index next writes everything queued by then in one
    /// transaction — checked in arrival order, so a group sees its own earlier members. A
    /// burst of submissions costs one commit instead of one each.
    pub(crate) async fn create_registration(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &DealInput,
        submit: bool,
        gated: bool,
    ) -> Result<DealView> {
        if !actor.sees_partner(partner_id) {
            return Err(Error::NotFound);
        }
        let (_, program) = self.program_in_force().await?;
        let fields = input
            .validate(actor.today(), &program.currency)
            .map_err(Error::Invalid)?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let mut queued = Queued {
            actor: actor.clone(),
            partner_id,
            fields,
            submit,
            gated,
            reply,
        };
        {
            let mut writer = self
                .conflicts
                .writer
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            // The writer lives on the runtime that started it; when that runtime has ended
            // (a CLI command, a test), the next registration starts another.
            for _ in 0..2 {
                let sender = writer.get_or_insert_with(|| self.start_registration_writer());
                match sender.send(queued) {
                    Ok(()) => break,
                    Err(tokio::sync::mpsc::error::SendError(back)) => {
                        queued = back;
                        *writer = None;
                    }
                }
            }
        }
        answer.await.map_err(|_| {
            Error::Store(store::Error::Corrupt(
                "the registration writer stopped before answering".into(),
            ))
        })?
    }

    /// The task that writes queued registrations, a group at a time. It runs apart from
    /// the requests, so a caller that goes away cannot abandon the others' writes.
    fn start_registration_writer(&self) -> tokio::sync::mpsc::UnboundedSender<Queued> {
        const MAX_GROUP: usize = 256;
        let (sender, mut queue) = tokio::sync::mpsc::unbounded_channel::<Queued>();
        let services = self.clone();
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                // Let requests being handled right now join this group.
                tokio::task::yield_now().await;
                let mut group = vec![first];
                while group.len() < MAX_GROUP {
                    match queue.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                services.write_group(group).await;
            }
        });
        sender
    }

    /// Writes a group of queued registrations: together when they all fit one transaction,
    /// else one by one so each gets its own answer.
    async fn write_group(&self, batch: Vec<Queued>) {
        use std::sync::atomic::Ordering::Relaxed;
        self.conflicts.groups.fetch_add(1, Relaxed);
        self.conflicts
            .grouped
            .fetch_add(batch.len() as u64, Relaxed);
        let mut state = self.conflicts.state.lock().await;
        if batch.len() > 1 {
            match self.write_registrations(&mut state, &batch).await {
                Ok(results) => {
                    for (item, result) in batch.into_iter().zip(results) {
                        let _ = item.reply.send(result);
                    }
                    return;
                }
                Err(error) => {
                    tracing::warn!(%error, size = batch.len(), "a group of registrations failed; writing them one by one")
                }
            }
        }
        for item in batch {
            let result = self
                .write_registrations(&mut state, std::slice::from_ref(&item))
                .await
                .and_then(|mut results| results.remove(0));
            let _ = item.reply.send(result);
        }
    }

    /// One transaction for a group of registrations. The outer error fails the whole group
    /// (nothing written); the inner results are each registration's own answer.
    async fn write_registrations(
        &self,
        state: &mut CacheState,
        batch: &[Queued],
    ) -> Result<Vec<Result<DealView>>> {
        let (_, program) = self.program_in_force().await?;
        let key = self.reference_key().await?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        let gate = program
            .policies
            .enablement
            .gates
            .iter()
            .find(|g| g.action == domain::program::policy::GatedAction::DealRegistration);
        let mut partners: std::collections::HashMap<Uuid, Option<BatchPartner>> =
            std::collections::HashMap::new();
        for item in batch {
            if partners.contains_key(&item.partner_id) {
                continue;
            }
            let loaded = match store::partners::get(&mut tx, item.partner_id).await? {
                None => None,
                Some(partner) => {
                    let team = notifications::partner_team(&mut tx, partner.owner_id).await?;
                    let records = match gate {
                        Some(_) => PartnerRecords::certified_only(&mut tx, partner.id).await?,
                        None => PartnerRecords::default(),
                    };
                    Some(BatchPartner {
                        partner,
                        team,
                        records,
                    })
                }
            };
            partners.insert(item.partner_id, loaded);
        }
        let mut results: Vec<Option<Result<DealView>>> = Vec::with_capacity(batch.len());
        let mut accepted = Vec::new();
        for (i, item) in batch.iter().enumerate() {
            let refusal = match &partners[&item.partner_id] {
                None => Some(Error::NotFound),
                Some(p) if let Some(why) = p.partner.out_of_program() => Some(Error::Conflict(
                    format!("{} is {why}: it registers no deals", p.partner.display_name),
                )),
                Some(p) => gate
                    .filter(|_| item.submit && item.gated)
                    .and_then(|gate| {
                        let today = item.actor.today();
                        let certified = p.records.certified(today);
                        domain::enablement::gate_status(
                            gate,
                            certified,
                            &program.certifications,
                            today,
                        )
                        .err()
                    })
                    .map(Error::Forbidden),
            };
            results.push(refusal.map(Err));
            if results[i].is_none() {
                accepted.push(i);
            }
        }
        if accepted.is_empty() {
            return Ok(results.into_iter().map(|r| r.expect("refused")).collect());
        }
        let facts = ViewFacts {
            names: partners
                .iter()
                .filter_map(|(id, p)| Some((*id, p.as_ref()?.partner.display_name.clone())))
                .collect(),
            // New registrations: none is won yet.
            confirmed: Default::default(),
            rates: crate::rates::rates_into(&mut tx, &program).await?,
        };
        let count = i64::try_from(accepted.len()).unwrap_or(i64::MAX);
        let (first_number, first_change) =
            store::deals::reserve_numbers_and_changes(&mut tx, count).await?;
        catch_up(&mut tx, state).await?;
        let mut rows = Vec::with_capacity(accepted.len());
        let mut effects = Effects::default();
        let mut indexed = Vec::new();
        let built = (|| -> Result<()> {
            for (n, &i) in accepted.iter().enumerate() {
                let item = &batch[i];
                let p = partners[&item.partner_id].as_ref().expect("accepted");
                let today = item.actor.today();
                let mut row =
                    draft_row(item.partner_id, &item.fields, &item.actor.label, today, now);
                let offset = i64::try_from(n).unwrap_or(i64::MAX);
                row.number = first_number + offset;
                row.change_no = first_change + offset;
                row.reference = registration::reference(row.number, &key);
                let case = if item.submit {
                    Self::submit_row(
                        &mut row,
                        &program,
                        &p.partner,
                        &facts.rates,
                        &state.index,
                        today,
                        now,
                    )?
                } else {
                    None
                };
                if let Some(k) = known(&conflict_row(&row)) {
                    state.index.insert(k);
                    indexed.push(row.id);
                }
                effects.registered(
                    &item.actor,
                    &row,
                    case,
                    &p.partner.display_name,
                    &p.team,
                    now,
                );
                effects.events.push(crate::audit_event(
                    &item.actor,
                    now,
                    Change {
                        partner_id: Some(row.partner_id),
                        entity_type: "deal_registration",
                        entity_id: row.id,
                        action: if item.submit { "submitted" } else { "drafted" },
                        summary: format!(
                            "{} {} for {} ({} {}): {}",
                            row.reference,
                            if item.submit { "registered" } else { "drafted" },
                            row.customer_name,
                            item.fields.deal_size,
                            row.currency,
                            Status::parse(&row.status).map_or("", |s| s.label())
                        ),
                        before: None,
                        after: snapshot(&item.fields),
                    },
                ));
                rows.push(row);
            }
            Ok(())
        })();
        let written = match built {
            Ok(()) => {
                async {
                    store::deals::insert_many(&mut tx, &rows).await?;
                    effects.write(&mut tx, now).await?;
                    tx.commit().await?;
                    Ok::<_, Error>(())
                }
                .await
            }
            Err(e) => Err(e),
        };
        if let Err(error) = written {
            // Nothing was stored: the index forgets what this group added to it.
            for id in indexed {
                state.index.remove(id);
            }
            return Err(error);
        }
        state.last_change = state.last_change.max(first_change + count - 1);
        for (row, &i) in rows.iter().zip(&accepted) {
            results[i] = Some(deal_view(&batch[i].actor, &program, &facts, row));
        }
        Ok(results.into_iter().map(|r| r.expect("answered")).collect())
    }

    /// How many groups the registration writer has written, and how many registrations
    /// they held (their ratio is the work one commit does).
    pub fn registration_groups(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.conflicts.groups.load(Relaxed),
            self.conflicts.grouped.load(Relaxed),
        )
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
        tx.commit().await?;
        let certified = records.certified(today);
        domain::enablement::gate_status(gate, certified, &program.certifications, today)
            .map_err(Error::Forbidden)
    }

    /// Runs the conflict check and the policy on a registration being submitted; returns
    /// the conflict case to open when it is not clear.
    fn submit_row(
        row: &mut DealRow,
        program: &Program,
        partner: &domain::partners::Partner,
        rates: &Rates,
        index: &ConflictIndex,
        today: Date,
        now: time::OffsetDateTime,
    ) -> Result<Option<store::deals::CaseRow>> {
        let policy = &program.policies.deal_registration;
        let key = CustomerKey {
            name: row.name_key.clone(),
            domain: row.domain.clone(),
        };
        let check = conflicts::check(policy, index, row.partner_id, Some(row.id), &key, today);
        row.submitted_at = Some(now);
        row.conflict_verdict = verdict_key(check.verdict).into();
        row.conflict_findings = serde_json::to_string(&check.findings)
            .map_err(|e| Error::Store(store::Error::Corrupt(e.to_string())))?;
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
            row.protected_until = Some(
                registration::protected_until(today, protection_days(program, &partner.tier))
                    .to_string(),
            );
        } else {
            row.status = Status::Submitted.as_str().into();
            row.decision_due = Some(
                registration::add_business_days(
                    today,
                    policy.decision_sla_business_days,
                    &policy.holidays,
                )
                .to_string(),
            );
        }
        Ok(
            (check.verdict != Verdict::Clear).then(|| store::deals::CaseRow {
                id: Uuid::now_v7(),
                deal_id: row.id,
                status: domain::deals::cases::Stage::Open.as_str().into(),
                outcome: String::new(),
                note: String::new(),
                investigating_at: None,
                investigated_by: None,
                resolved_by: None,
                resolved_at: None,
                escalation_level: 0,
                created_at: now,
            }),
        )
    }
}

/// A registration waiting to be written with others in one transaction.
struct Queued {
    actor: Actor,
    partner_id: Uuid,
    fields: registration::DealFields,
    submit: bool,
    gated: bool,
    reply: tokio::sync::oneshot::Sender<Result<DealView>>,
}

/// A partner of a group being registered: the record, who on our side hears of its
/// registrations, and the certified people its eligibility gate reads.
struct BatchPartner {
    partner: domain::partners::Partner,
    team: Vec<Uuid>,
    records: PartnerRecords,
}

/// What registrations write besides themselves — the partner team's notifications, the
/// conflict cases and the audit events — collected so a group writes each kind at once.
#[derive(Default)]
struct Effects {
    /// (recipient, partner, message, link)
    notices: Vec<(Uuid, Uuid, String, String)>,
    cases: Vec<store::deals::CaseRow>,
    events: Vec<domain::audit::AuditEvent>,
}

impl Effects {
    /// A registration was submitted (drafts tell nobody): its team hears of it, and a
    /// conflict that is not clear opens its case.
    fn registered(
        &mut self,
        actor: &Actor,
        row: &DealRow,
        case: Option<store::deals::CaseRow>,
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
                row.decision_due.as_deref().unwrap_or("")
            ),
        };
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
                    entity_type: "conflict_case",
                    entity_id: case.id,
                    action: "opened",
                    // On the partner's timeline too: the verdict stays on the registration,
                    // where partners read only their own version of it.
                    summary: format!("Conflict case opened for {reference}"),
                    before: None,
                    after: None,
                },
            ));
            self.cases.push(case);
        }
    }

    async fn write(&self, tx: &mut store::Tx, now: time::OffsetDateTime) -> Result<()> {
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
        for case in &self.cases {
            store::deals::upsert_case(tx, case).await?;
        }
        store::audit::insert_many(tx, &self.events).await?;
        Ok(())
    }
}

/// A new registration of `fields` as a draft, numbered and change-numbered by the caller.
pub(crate) fn draft_row(
    partner_id: Uuid,
    fields: &registration::DealFields,
    created_by: &str,
    registered_on: Date,
    now: time::OffsetDateTime,
) -> DealRow {
    let key = fields.key.clone();
    DealRow {
        id: Uuid::now_v7(),
        number: 0,
        reference: String::new(),
        partner_id,
        created_by: created_by.to_owned(),
        status: Status::Draft.as_str().into(),
        customer_name: fields.customer_name.clone(),
        name_key: key.name,
        website: fields.website.clone(),
        domain: key.domain,
        industry: fields.industry.clone(),
        region: fields.region.as_str().into(),
        deal_size_minor: minor(fields.deal_size),
        currency: fields.currency.clone(),
        expected_close: fields.expected_close.to_string(),
        use_case: fields.use_case.clone(),
        pain_points: fields.pain_points.clone(),
        stage: fields.stage.as_str().into(),
        probability: fields.probability.into(),
        risks: fields.risks.clone(),
        competitor: fields.competitor.clone(),
        partner_rep: fields.partner_rep.clone(),
        partner_sourced: 1,
        ae_user_id: None,
        se_user_id: None,
        deal_desk_review: 0,
        registered_on: registered_on.to_string(),
        submitted_at: None,
        decision_due: None,
        decided_at: None,
        decided_by: None,
        decision_note: String::new(),
        protected_until: None,
        extensions_used: 0,
        extension_reason: String::new(),
        last_warning: None,
        conflict_verdict: "clear".into(),
        conflict_findings: "[]".into(),
        forecast_category: "pipeline".into(),
        next_action: String::new(),
        next_action_on: None,
        next_action_owner: String::new(),
        blockers: String::new(),
        last_activity_at: None,
        closed_on: None,
        closed_amount_minor: None,
        change_no: 0,
        created_at: now,
        updated_at: now,
    }
}

fn protection_days(program: &Program, tier: &str) -> u32 {
    program
        .tier_index(tier)
        .map_or(30, |i| program.tiers[i].benefits.deal_protection_days)
}

fn conflict_row(row: &DealRow) -> ConflictRow {
    ConflictRow {
        id: row.id,
        kind: "registration".into(),
        reference: row.reference.clone(),
        name: row.customer_name.clone(),
        website: row.website.clone(),
        partner_id: Some(row.partner_id),
        status: row.status.clone(),
        registered_on: Some(row.registered_on.clone()),
        protected_until: row.protected_until.clone(),
        owner: String::new(),
        change_no: row.change_no,
    }
}

/// Which registrations to list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DealQuery {
    /// Only these states (comma-separated: submitted,approved,…).
    pub status: String,
    /// Only this partner's (internal users).
    pub partner: String,
    /// Customer name contains.
    pub q: String,
    /// Only registrations with an open conflict case (internal users): the review queue.
    pub conflicts: bool,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// A partner manager's decision on a submitted registration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DealDecision {
    /// approve, reject or more_info
    pub decision: String,
    /// The reason (required to reject) or the question (required to ask for more).
    pub note: String,
}

/// The outcome of an approved registration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DealClose {
    /// won or lost
    pub outcome: String,
    /// The closed amount (won deals; the registered size when empty).
    #[serde(deserialize_with = "domain::validation::number_or_text")]
    pub amount: String,
    /// YYYY-MM-DD; today when empty.
    pub closed_on: String,
}

/// An activity logged on a deal.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActivityInput {
    /// call, meeting, demo, email or note
    pub kind: String,
    /// A call or meeting with both our team and the partner on it.
    pub joint: bool,
    pub note: String,
    /// YYYY-MM-DD; today when empty.
    pub occurred_on: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ActivityView {
    pub id: Uuid,
    pub kind: String,
    pub joint: bool,
    pub note: String,
    pub occurred_on: String,
    pub by: String,
    pub by_partner: bool,
    /// Who of ours confirmed a partner's activity.
    pub confirmed_by: Option<String>,
    /// Logged by our people or confirmed by them: counts for deal credit and the co-sell
    /// joint-call rule.
    pub counts_for_credit: bool,
}

pub const ACTIVITY_KINDS: [&str; 5] = ["call", "meeting", "demo", "email", "note"];

/// The pipeline tracker's fields of a deal.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineInput {
    /// discovery, demo, proposal or negotiation
    pub stage: String,
    #[serde(deserialize_with = "domain::validation::number_or_text")]
    pub probability: String,
    /// pipeline, best_case or commit
    pub forecast_category: String,
    pub next_action: String,
    /// YYYY-MM-DD
    pub next_action_on: String,
    pub next_action_owner: String,
    pub blockers: String,
}

fn parse_day(v: &mut domain::Validation, field: &str, text: &str, today: Date) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() {
        return Some(today);
    }
    match domain::validation::date(text) {
        Ok(d) => Some(d),
        Err(e) => {
            v.add(field, e);
            None
        }
    }
}

impl Services {
    /// A registration the actor may see (another organisation's: not found).
    pub(crate) async fn visible_deal(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        id: Uuid,
    ) -> Result<DealRow> {
        store::deals::get(tx, id)
            .await?
            .filter(|row| actor.sees_partner(row.partner_id))
            .ok_or(Error::NotFound)
    }

    pub(crate) async fn partner_name(
        &self,
        tx: &mut store::Tx,
        partner_id: Uuid,
    ) -> Result<String> {
        Ok(store::partners::get(tx, partner_id)
            .await?
            .map(|p| p.display_name)
            .unwrap_or_default())
    }

    pub async fn deal(&self, actor: &Actor, id: Uuid) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let row = self.visible_deal(&mut tx, actor, id).await?;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        tx.commit().await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Registrations, newest first: a partner's people see their organisation's only.
    pub async fn deals(&self, actor: &Actor, query: &DealQuery) -> Result<crate::Page<DealView>> {
        let mut v = domain::Validation::new();
        let limit = query.limit.unwrap_or(crate::DEFAULT_PAGE);
        if !(1..=crate::MAX_PAGE).contains(&limit) {
            v.add(
                "limit",
                format!("must be between 1 and {}", crate::MAX_PAGE),
            );
        }
        let mut statuses = Vec::new();
        for s in query
            .status
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match Status::parse(s) {
                Some(status) => statuses.push(status.as_str().to_owned()),
                None => v.add(
                    "status",
                    format!(
                        "'{s}' is not one of: {}",
                        Status::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        let partner = match query.partner.trim() {
            "" => None,
            p => Uuid::parse_str(p)
                .map_err(|_| v.add("partner", format!("'{p}' is not a partner id")))
                .ok(),
        };
        let before = match query.cursor.trim() {
            "" => None,
            c => Uuid::parse_str(c)
                .map_err(|_| v.add("cursor", format!("'{c}' is not a cursor")))
                .ok(),
        };
        v.into_result().map_err(Error::Invalid)?;
        let partner_id = if actor.is_internal() {
            partner
        } else {
            Some(actor.partner_id.ok_or(Error::NotFound)?)
        };
        let filter = store::deals::DealFilter {
            partner_id,
            statuses,
            search: Some(query.q.trim().to_owned()).filter(|s| !s.is_empty()),
            before_id: before,
            open_conflicts: query.conflicts && actor.is_internal(),
            limit,
        };
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = store::deals::list(&mut tx, &filter).await?;
        let facts = ViewFacts::load(&mut tx, &program, &rows.iter().collect::<Vec<_>>()).await?;
        tx.commit().await?;
        let next_cursor = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.id.to_string()))
            .flatten();
        Ok(crate::Page {
            items: rows
                .iter()
                .map(|row| deal_view(actor, &program, &facts, row))
                .collect::<Result<_>>()?,
            next_cursor,
        })
    }

    /// Writes a changed registration with a new change number, audits it and brings this
    /// process's conflict index up to date.
    pub(crate) async fn save_deal(
        &self,
        mut tx: store::Tx,
        actor: &Actor,
        before: &DealRow,
        mut row: DealRow,
        action: &str,
        summary: String,
    ) -> Result<DealRow> {
        let now = store::now();
        row.change_no = store::deals::next(&mut tx, "conflict_change").await?;
        row.updated_at = now;
        store::deals::update(&mut tx, &row, before.change_no).await?;
        let brief = |r: &DealRow| {
            serde_json::json!({
                "status": r.status,
                "stage": r.stage,
                "probability": r.probability,
                "protected_until": r.protected_until,
                "decision_note": r.decision_note,
            })
        };
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(row.partner_id),
                entity_type: "deal_registration",
                entity_id: row.id,
                action,
                summary,
                before: Some(brief(before)),
                after: Some(brief(&row)),
            },
        )
        .await?;
        tx.commit().await?;
        let mut state = self.conflicts.state.lock().await;
        match known(&conflict_row(&row)) {
            Some(k) => state.index.insert(k),
            None => state.index.remove(row.id),
        }
        Ok(row)
    }

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
        let facts = ViewFacts::load(&mut tx, &program, &[&before]).await?;
        let mut row = before.clone();
        row.change_no = store::deals::next(&mut tx, "conflict_change").await?;
        catch_up(&mut tx, &mut state).await?;
        let case = Self::submit_row(
            &mut row,
            &program,
            &partner,
            &facts.rates,
            &state.index,
            today,
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
        effects.write(&mut tx, now).await?;
        tx.commit().await?;
        if let Some(k) = known(&conflict_row(&row)) {
            state.index.insert(k);
        }
        state.last_change = state.last_change.max(row.change_no);
        drop(state);
        deal_view(actor, &program, &facts, &row)
    }

    /// Approves (protected for the partner's tier's window), rejects (with a reason) or asks
    /// for more information. Resolves the registration's conflict case with the decision.
    pub async fn decide_deal(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: &DealDecision,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::ManageDeals)?;
        let mut v = domain::Validation::new();
        let note = v.text("note", &decision.note, false, 2_000);
        let to = match decision.decision.trim() {
            "approve" => Some(Status::Approved),
            "reject" => Some(Status::Rejected),
            "more_info" => Some(Status::MoreInfoRequested),
            other => {
                v.add(
                    "decision",
                    format!("'{other}' is not one of: approve, reject, more_info"),
                );
                None
            }
        };
        if matches!(to, Some(Status::Rejected)) && note.is_empty() {
            v.add("note", "give the partner the reason for rejecting");
        }
        if matches!(to, Some(Status::MoreInfoRequested)) && note.is_empty() {
            v.add("note", "say what information is missing");
        }
        v.into_result().map_err(Error::Invalid)?;
        let to = to.expect("validated");
        let status = Status::parse(&before.status).unwrap_or(Status::Draft);
        status.check_move(to).map_err(Error::Conflict)?;
        let partner = store::partners::get(&mut tx, before.partner_id)
            .await?
            .ok_or(Error::NotFound)?;
        let now = store::now();
        let today = actor.today();
        let mut row = before.clone();
        row.status = to.as_str().into();
        row.decided_at = Some(now);
        row.decided_by = Some(actor.label.clone());
        row.decision_note = note.clone();
        if to == Status::Approved {
            row.protected_until = Some(
                registration::protected_until(today, protection_days(&program, &partner.tier))
                    .to_string(),
            );
        }
        if let Some(mut case) = store::deals::case_for_deal(&mut tx, id)
            .await?
            .filter(|c| c.status != domain::deals::cases::Stage::Resolved.as_str())
            && to != Status::MoreInfoRequested
        {
            let read = case.clone();
            let outcome = domain::deals::cases::outcome_of_decision(to == Status::Approved);
            case.status = domain::deals::cases::Stage::Resolved.as_str().into();
            case.outcome = outcome.as_str().into();
            case.note = note.clone();
            case.resolved_by = Some(actor.label.clone());
            case.resolved_at = Some(now);
            store::deals::update_case(&mut tx, &case, &read).await?;
        }
        let reference = row.reference.clone();
        let message = match to {
            Status::Approved => format!(
                "{reference} ({}) approved, protected until {}",
                row.customer_name,
                row.protected_until.as_deref().unwrap_or("")
            ),
            Status::Rejected => format!("{reference} ({}) rejected: {note}", row.customer_name),
            _ => format!(
                "{reference} ({}): more information requested: {note}",
                row.customer_name
            ),
        };
        let admins = notifications::partner_admins(&mut tx, row.partner_id).await?;
        let link = format!("/deals/{id}");
        notifications::notify(
            &mut tx,
            &admins,
            &store::notifications::NewNotification {
                partner_id: Some(row.partner_id),
                kind: "deal_decision",
                message: &message,
                link: &link,
            },
            now,
        )
        .await?;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let row = self
            .save_deal(tx, actor, &before, row, to.as_str(), message)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Records an approved registration as won or lost. Won deals count as the partner's
    /// sourced revenue in the quarter they closed.
    pub async fn close_deal(&self, actor: &Actor, id: Uuid, input: &DealClose) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::WorkDeals)?;
        let today = actor.today();
        let mut v = domain::Validation::new();
        let to = match input.outcome.trim() {
            "won" => Some(Status::Won),
            "lost" => Some(Status::Lost),
            other => {
                v.add("outcome", format!("'{other}' is not one of: won, lost"));
                None
            }
        };
        let amount = match domain::money::amount(&input.amount, Some(&before.currency)) {
            Ok(a) => a,
            Err(e) => {
                v.add("amount", e);
                None
            }
        };
        if to == Some(Status::Won) && amount.is_some_and(|a| a <= Decimal::ZERO) {
            v.add("amount", "a won deal's amount must be more than 0");
        }
        let closed_on = parse_day(&mut v, "closed_on", &input.closed_on, today);
        if let Some(d) = closed_on.filter(|d| *d > today) {
            v.add("closed_on", format!("{d} is in the future"));
        }
        v.into_result().map_err(Error::Invalid)?;
        let (Some(to), Some(closed_on)) = (to, closed_on) else {
            unreachable!("validated")
        };
        Status::parse(&before.status)
            .unwrap_or(Status::Draft)
            .check_move(to)
            .map_err(Error::Conflict)?;
        if to == Status::Won {
            crate::deals::credit::require_joint_call_to_win(&mut tx, &program, &before, today)
                .await?;
            crate::deals::credit::record_win(&mut tx, actor, &before).await?;
        }
        let mut row = before.clone();
        row.status = to.as_str().into();
        row.closed_on = Some(closed_on.to_string());
        row.closed_amount_minor =
            (to == Status::Won).then(|| amount.map_or(row.deal_size_minor, minor));
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let summary = format!(
            "{} ({}) {} on {closed_on}",
            row.reference.clone(),
            row.customer_name,
            to.label().to_lowercase()
        );
        let row = self
            .save_deal(tx, actor, &before, row, to.as_str(), summary)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Logs a call, meeting, demo, email or note on a deal (its partner's people and our
    /// internal editors).
    pub async fn log_activity(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &ActivityInput,
    ) -> Result<ActivityView> {
        let mut tx = self.db.write().await?;
        let deal = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::LogDealActivity)?;
        let mut v = domain::Validation::new();
        let kind = input.kind.trim();
        if !ACTIVITY_KINDS.contains(&kind) {
            v.add(
                "kind",
                format!("'{kind}' is not one of: {}", ACTIVITY_KINDS.join(", ")),
            );
        }
        let note = v.text("note", &input.note, true, 4_000);
        let occurred_on = parse_day(&mut v, "occurred_on", &input.occurred_on, actor.today());
        if let Some(d) = occurred_on.filter(|d| *d > actor.today()) {
            v.add("occurred_on", format!("{d} is in the future"));
        }
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let row = store::deals::ActivityRow {
            id: Uuid::now_v7(),
            deal_id: id,
            kind: kind.to_owned(),
            joint: i64::from(input.joint && matches!(kind, "call" | "meeting" | "demo")),
            note,
            occurred_on: occurred_on.expect("validated").to_string(),
            by_label: actor.label.clone(),
            by_partner: i64::from(actor.role.is_partner_side()),
            created_at: now,
            confirmed_by: None,
        };
        store::deals::insert_activity(&mut tx, &row).await?;
        let mut deal_after = deal.clone();
        deal_after.last_activity_at = Some(now);
        deal_after.updated_at = now;
        deal_after.change_no = store::deals::next(&mut tx, "conflict_change").await?;
        store::deals::update(&mut tx, &deal_after, deal.change_no).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(deal.partner_id),
                entity_type: "deal_registration",
                entity_id: deal.id,
                // A partner's own report may show on its timeline; ours stays internal.
                action: if actor.role.is_partner_side() {
                    "activity_reported"
                } else {
                    "activity"
                },
                summary: format!(
                    "{}: {}{} logged",
                    deal.reference.clone(),
                    if row.joint == 1 { "joint " } else { "" },
                    row.kind
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(activity_view(row, actor))
    }

    pub async fn deal_activities(&self, actor: &Actor, id: Uuid) -> Result<Vec<ActivityView>> {
        let mut tx = self.db.read().await?;
        self.visible_deal(&mut tx, actor, id).await?;
        let rows = store::deals::activities(&mut tx, id).await?;
        tx.commit().await?;
        // Our own calls, emails and notes about a deal are internal; the partner sees what
        // its people logged and the joint activities both sides were on.
        Ok(rows
            .into_iter()
            .filter(|a| actor.is_internal() || a.by_partner != 0 || a.joint != 0)
            .map(|row| activity_view(row, actor))
            .collect())
    }

    /// Updates the pipeline tracker's fields. Moving a co-sold deal past the policy's stage
    /// needs a logged joint call first.
    pub async fn update_pipeline(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &PipelineInput,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::WorkDeals)?;
        if !Status::parse(&before.status).is_some_and(Status::is_open) {
            return Err(Error::Conflict(
                "only an open registration is tracked in the pipeline".into(),
            ));
        }
        let mut v = domain::Validation::new();
        let stage: Option<registration::Stage> = v.choice("stage", &input.stage);
        let probability = match input.probability.trim().trim_end_matches('%').parse::<u8>() {
            Ok(p) if p <= 100 => Some(p),
            _ => {
                v.add("probability", "must be a whole percentage from 0 to 100");
                None
            }
        };
        let forecast: Option<registration::ForecastCategory> =
            v.choice("forecast_category", &input.forecast_category);
        let next_action = v.text("next_action", &input.next_action, false, 500);
        let next_action_on = match input.next_action_on.trim() {
            "" => None,
            text => match domain::validation::date(text) {
                Ok(d) => Some(d.to_string()),
                Err(e) => {
                    v.add("next_action_on", e);
                    None
                }
            },
        };
        let owner = v.text("next_action_owner", &input.next_action_owner, false, 200);
        let blockers = v.text("blockers", &input.blockers, false, 2_000);
        if let Some(stage) = stage {
            let co_sold = registration::co_sell_required(
                &program.policies.co_sell,
                before.partner_sourced != 0,
                size_in_program_currency(
                    &before,
                    &crate::rates::rates_into(&mut tx, &program).await?,
                    actor.today(),
                ),
            );
            if co_sold
                && registration::joint_call_needed(&program.policies.co_sell, stage)
                && !crate::deals::credit::has_joint_call(&mut tx, id).await?
            {
                v.add(
                    "stage",
                    format!(
                        "this deal is co-sold: a joint call with our team (logged or confirmed \
                         by us) must be on record before it moves to {}",
                        stage.label()
                    ),
                );
            }
        }
        v.into_result().map_err(Error::Invalid)?;
        let mut row = before.clone();
        row.stage = stage.expect("validated").as_str().into();
        row.probability = probability.expect("validated").into();
        row.forecast_category = forecast.expect("validated").as_str().into();
        row.next_action = next_action;
        row.next_action_on = next_action_on;
        row.next_action_owner = owner;
        row.blockers = blockers;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let summary = format!(
            "{} pipeline: {}, {}%, {}",
            row.reference.clone(),
            row.stage,
            row.probability,
            row.forecast_category
        );
        let row = self
            .save_deal(tx, actor, &before, row, "pipeline_updated", summary)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }
}

/// How a partner's people see one of ours: as the team, not by name or address.
pub const OUR_TEAM: &str = "our team";

/// An activity as `reader` may see it. A partner's people read our joint activities
/// without our note, and our people as [`OUR_TEAM`].
pub(crate) fn activity_view(row: store::deals::ActivityRow, reader: &Actor) -> ActivityView {
    let by_partner = row.by_partner != 0;
    let ours_for_partner = !by_partner && !reader.is_internal();
    ActivityView {
        id: row.id,
        kind: row.kind,
        joint: row.joint != 0,
        note: if ours_for_partner {
            String::new()
        } else {
            row.note
        },
        occurred_on: row.occurred_on,
        by: if ours_for_partner {
            OUR_TEAM.into()
        } else {
            row.by_label
        },
        by_partner,
        counts_for_credit: registration::activity_counts(by_partner, row.confirmed_by.is_some()),
        confirmed_by: row.confirmed_by.map(|who| {
            if reader.is_internal() {
                who
            } else {
                OUR_TEAM.into()
            }
        }),
    }
}

pub const DEAL_SWEEP: &str = "deal_registration_sweep";

impl Services {
    /// The daily sweep: protections that ended expire, partners are warned before their
    /// protection ends (at the policy's days, once each), and undecided registrations past
    /// their decision SLA are flagged to the partner's team once.
    pub async fn run_deal_sweep(&self, actor: &Actor) -> Result<String> {
        let (_, program) = self.program_in_force().await?;
        let policy = &program.policies.deal_registration;
        let now = store::now();
        let today = now.date();
        let mut state = self.conflicts.state.lock().await;
        let mut tx = self.db.write().await?;
        let filter = store::deals::DealFilter {
            statuses: vec!["approved".into(), "submitted".into()],
            limit: i64::MAX,
            ..Default::default()
        };
        let rows = store::deals::list(&mut tx, &filter).await?;
        let (mut expired, mut warned, mut overdue) = (0, 0, 0);
        let mut changed = Vec::new();
        for before in rows {
            let reference = before.reference.clone();
            let mut row = before.clone();
            let (recipients, kind, message) = if before.status == "approved" {
                let Some(until) = before.protected_until.as_deref().map(date).transpose()? else {
                    continue;
                };
                if until < today {
                    row.status = Status::Expired.as_str().into();
                    expired += 1;
                    (
                        notifications::partner_admins(&mut tx, row.partner_id).await?,
                        "deal_expired",
                        format!(
                            "{reference} ({}): protection ended on {until}",
                            row.customer_name
                        ),
                    )
                } else {
                    let last = row.last_warning.and_then(|d| u32::try_from(d).ok());
                    let Some(days) = domain::enablement::reminder_due(
                        until,
                        today,
                        &policy.expiry_warning_days,
                        last,
                    ) else {
                        continue;
                    };
                    row.last_warning = Some(days.into());
                    warned += 1;
                    (
                        notifications::partner_admins(&mut tx, row.partner_id).await?,
                        "deal_expiring",
                        format!(
                            "{reference} ({}): protection ends on {until}; request an extension or close it",
                            row.customer_name
                        ),
                    )
                }
            } else {
                let Some(due) = before.decision_due.as_deref().map(date).transpose()? else {
                    continue;
                };
                if !registration::decision_overdue(Status::Submitted, due, today)
                    || before.last_warning.is_some()
                {
                    continue;
                }
                // On a submitted registration, last_warning marks the overdue flag as sent.
                row.last_warning = Some(0);
                overdue += 1;
                let owner = store::partners::get(&mut tx, row.partner_id)
                    .await?
                    .and_then(|p| p.owner_id);
                (
                    notifications::partner_team(&mut tx, owner).await?,
                    "deal_decision_overdue",
                    format!(
                        "{reference} ({}): the decision was due on {due}",
                        row.customer_name
                    ),
                )
            };
            let read = row.change_no;
            row.change_no = store::deals::next(&mut tx, "conflict_change").await?;
            row.updated_at = now;
            store::deals::update(&mut tx, &row, read).await?;
            let link = format!("/deals/{}", row.id);
            notifications::notify(
                &mut tx,
                &recipients,
                &store::notifications::NewNotification {
                    partner_id: Some(row.partner_id),
                    kind,
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
                    partner_id: Some(row.partner_id),
                    entity_type: "deal_registration",
                    entity_id: row.id,
                    action: kind,
                    summary: message,
                    before: None,
                    after: None,
                },
            )
            .await?;
            changed.push(row);
        }
        tx.commit().await?;
        for row in &changed {
            match known(&conflict_row(row)) {
                Some(k) => state.index.insert(k),
                None => state.index.remove(row.id),
            }
        }
        drop(state);
        let late_leads = self.flag_overdue_leads(actor).await?;
        let escalated = self.escalate_conflict_cases(actor).await?;
        let quarter = domain::quarter::Quarter::containing(today);
        let snapshot = if today == quarter.last_day()
            && !self
                .forecast_snapshots(actor)
                .await?
                .iter()
                .any(|s| s.taken_on == today.to_string())
        {
            self.take_forecast_snapshot(actor).await?;
            format!(", the {quarter} forecast snapshot taken")
        } else {
            String::new()
        };
        Ok(format!(
            "{expired} protection(s) expired, {warned} expiry warning(s), {overdue} overdue decision(s) flagged, {late_leads} overdue lead(s) flagged, {escalated} conflict case(s) escalated{snapshot}"
        ))
    }

    /// Asks for more protection time on an approved registration (the policy limits how
    /// many extensions a registration gets).
    pub async fn request_extension(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::WorkDeals)?;
        let mut v = domain::Validation::new();
        let reason = v.text("reason", reason, true, 1_000);
        v.into_result().map_err(Error::Invalid)?;
        let policy = &program.policies.deal_registration;
        registration::may_request_extension(
            Status::parse(&before.status).unwrap_or(Status::Draft),
            before.protected_until.as_deref().map(date).transpose()?,
            u32::try_from(before.extensions_used).unwrap_or(u32::MAX),
            policy.max_extensions,
            actor.today(),
        )
        .map_err(Error::Conflict)?;
        if !before.extension_reason.is_empty() {
            return Err(Error::Conflict(
                "an extension request is already waiting for a decision".into(),
            ));
        }
        let mut row = before.clone();
        row.extension_reason = reason.clone();
        let owner = store::partners::get(&mut tx, row.partner_id)
            .await?
            .and_then(|p| p.owner_id);
        let team = notifications::partner_team(&mut tx, owner).await?;
        let message = format!(
            "{} ({}): extension requested: {reason}",
            row.reference.clone(),
            row.customer_name
        );
        let link = format!("/deals/{id}");
        notifications::notify(
            &mut tx,
            &team,
            &store::notifications::NewNotification {
                partner_id: Some(row.partner_id),
                kind: "deal_extension",
                message: &message,
                link: &link,
            },
            store::now(),
        )
        .await?;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let row = self
            .save_deal(tx, actor, &before, row, "extension_requested", message)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Grants (the policy's extension days more) or refuses a requested extension.
    pub async fn decide_extension(
        &self,
        actor: &Actor,
        id: Uuid,
        approve: bool,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::ManageDeals)?;
        if before.extension_reason.is_empty() {
            return Err(Error::Conflict("no extension has been requested".into()));
        }
        let mut row = before.clone();
        row.extension_reason = String::new();
        let reference = row.reference.clone();
        let message = if approve {
            let until = before
                .protected_until
                .as_deref()
                .map(date)
                .transpose()?
                .unwrap_or(actor.today());
            let extended = until
                + time::Duration::days(program.policies.deal_registration.extension_days.into());
            row.protected_until = Some(extended.to_string());
            row.extensions_used += 1;
            row.last_warning = None;
            format!(
                "{reference} ({}): extension granted, protected until {extended}",
                row.customer_name
            )
        } else {
            format!("{reference} ({}): extension refused", row.customer_name)
        };
        let admins = notifications::partner_admins(&mut tx, row.partner_id).await?;
        let link = format!("/deals/{id}");
        notifications::notify(
            &mut tx,
            &admins,
            &store::notifications::NewNotification {
                partner_id: Some(row.partner_id),
                kind: "deal_extension",
                message: &message,
                link: &link,
            },
            store::now(),
        )
        .await?;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let action = if approve {
            "extension_granted"
        } else {
            "extension_refused"
        };
        let row = self
            .save_deal(tx, actor, &before, row, action, message)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }
}

impl Services {
    /// Imports the direct pipeline or the customer accounts (CSV, by reference: a known
    /// reference is updated). All or nothing; a dry run checks every row and writes
    /// nothing. Admins, partner managers and sales.
    pub async fn import_direct(
        &self,
        actor: &Actor,
        kind: domain::deals::direct::DirectKind,
        csv: &str,
        dry_run: bool,
    ) -> Result<crate::imports::ImportReport> {
        use domain::deals::direct::DirectKind;
        actor.require(Action::ImportDirectPipeline)?;
        let (_, program) = self.program_in_force().await?;
        let (rows, errors) = domain::deals::direct::parse_csv(csv, kind, &program.currency);
        let mut report = crate::imports::ImportReport {
            rows: rows.len() + errors.iter().filter(|e| e.line > 1).count(),
            errors,
            ..Default::default()
        };
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let now = store::now();
        let mut tx = self.db.write().await?;
        // One change number for the whole file: it commits or not as one, and every
        // server's next conflict check catches up with it from the database.
        let change_no = store::deals::next(&mut tx, "conflict_change").await?;
        for row in &rows {
            let stored = store::deals::DirectRow {
                reference: row.reference.clone(),
                name: row.name.clone(),
                name_key: row.name_key.clone(),
                website: row.website.clone(),
                domain: row.domain.clone(),
                owner: row.owner.clone(),
                stage: row.stage.clone(),
                amount_minor: minor(row.amount),
                currency: row.currency.clone(),
                status: row.status.clone(),
            };
            let created = match kind {
                DirectKind::Opportunities => {
                    store::deals::upsert_opportunity(&mut tx, &stored, change_no, now).await?
                }
                DirectKind::Accounts => {
                    store::deals::upsert_account(&mut tx, &stored, change_no, now).await?
                }
            };
            if created {
                report.created += 1;
            } else {
                report.updated += 1;
            }
        }
        let what = match kind {
            DirectKind::Opportunities => "direct opportunities",
            DirectKind::Accounts => "customer accounts",
        };
        report.record(&mut tx, actor, now, what).await?;
        if dry_run {
            return Ok(report);
        }
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SnapshotView {
    pub id: Uuid,
    /// The quarter it was taken in, e.g. 2026-Q2.
    pub quarter: String,
    pub taken_on: String,
    pub taken_by: String,
    pub summary: domain::deals::pipeline::PipelineSummary,
}

impl Services {
    /// The pipeline: a partner's people see their organisation's; internal users the whole
    /// program or one partner's.
    pub async fn pipeline(
        &self,
        actor: &Actor,
        partner: Option<Uuid>,
    ) -> Result<domain::deals::pipeline::PipelineSummary> {
        let partner = if actor.is_internal() {
            partner
        } else {
            let own = actor.partner_id.ok_or(Error::NotFound)?;
            if partner.is_some_and(|p| p != own) {
                return Err(Error::NotFound);
            }
            Some(own)
        };
        if let Some(id) = partner {
            self.get_partner(actor, id).await?;
        }
        let (_, program) = self.program_in_force().await?;
        let summed: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| domain::deals::pipeline::counts(**s))
            .map(|s| s.as_str())
            .collect();
        let mut tx = self.db.read().await?;
        let rows = store::deals::pipeline_rows(&mut tx, partner, &summed).await?;
        let rates = crate::rates::rates_into(&mut tx, &program).await?;
        // Each partner's name, the name of its tier in the program in force, and whether it
        // is out of the program.
        let partners: std::collections::HashMap<Uuid, (String, String, bool)> =
            partners_by_id(&mut tx, rows.iter().map(|r| r.partner_id))
                .await?
                .into_iter()
                .map(|(id, p)| {
                    let tier = program
                        .tier_index(&p.tier)
                        .map_or(p.tier.clone(), |i| program.tiers[i].name.clone());
                    let out = p.out_of_program().is_some();
                    (id, (p.display_name, tier, out))
                })
                .collect();
        tx.commit().await?;
        let deals = rows
            .iter()
            .map(|row| {
                let (name, tier, partner_out_of_program) =
                    partners.get(&row.partner_id).cloned().unwrap_or_default();
                let registered_on = date(&row.registered_on)?;
                Ok(domain::deals::pipeline::PipelineDeal {
                    partner: name,
                    tier,
                    status: Status::parse(&row.status).unwrap_or(Status::Draft),
                    deal_size: money(row.deal_size_minor),
                    currency: row.currency.clone(),
                    probability: u8::try_from(row.probability).unwrap_or(0),
                    expected_close: date(&row.expected_close)?,
                    registered_on,
                    closed_on: row.closed_on.as_deref().map(date).transpose()?,
                    closed_amount: row.closed_amount_minor.map(money),
                    last_touched: row
                        .last_activity_at
                        .map_or(registered_on, |at| at.date())
                        .max(registered_on),
                    forecast_category: row.forecast_category.clone(),
                    partner_out_of_program,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(domain::deals::pipeline::summarize(
            &deals,
            actor.today(),
            program.policies.targets.deal_velocity_days,
            program.policies.targets.stale_deal_days,
            &rates,
        ))
    }

    /// Stores the program-wide pipeline as it stands (admins and partner managers; the daily
    /// sweep takes one on each quarter's last day).
    pub async fn take_forecast_snapshot(&self, actor: &Actor) -> Result<SnapshotView> {
        actor.require(Action::ManageDeals)?;
        let summary = self.pipeline(actor, None).await?;
        let now = store::now();
        let row = store::deals::SnapshotRow {
            id: Uuid::now_v7(),
            quarter: domain::quarter::Quarter::containing(now.date()).to_string(),
            taken_on: now.date().to_string(),
            taken_by: actor.label.clone(),
            summary: serde_json::to_string(&summary)
                .map_err(|e| Error::Store(store::Error::Corrupt(e.to_string())))?,
            created_at: now,
        };
        let mut tx = self.db.write().await?;
        store::deals::insert_snapshot(&mut tx, &row).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "forecast_snapshot",
                entity_id: row.id,
                action: "taken",
                summary: format!(
                    "Forecast snapshot for {}: {} open deals, {} weighted",
                    row.quarter, summary.open.deals, summary.open.weighted
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(SnapshotView {
            id: row.id,
            quarter: row.quarter,
            taken_on: row.taken_on,
            taken_by: row.taken_by,
            summary,
        })
    }

    /// Forecast snapshots, newest first (internal users).
    pub async fn forecast_snapshots(&self, actor: &Actor) -> Result<Vec<SnapshotView>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let rows = store::deals::snapshots(&mut tx).await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|row| {
                Ok(SnapshotView {
                    summary: serde_json::from_str(&row.summary)
                        .map_err(|e| Error::Store(store::Error::Corrupt(e.to_string())))?,
                    id: row.id,
                    quarter: row.quarter,
                    taken_on: row.taken_on,
                    taken_by: row.taken_by,
                })
            })
            .collect()
    }
}

/// Who works a registration on our side.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AssignmentInput {
    /// The account executive (an internal user's id), or empty for none.
    pub ae_user_id: String,
    /// The solutions engineer (an internal user's id), or empty for none.
    pub se_user_id: String,
    pub deal_desk_review: bool,
}

impl Services {
    /// Assigns our AE and SE to a registration and flags it for deal-desk review (admins
    /// and partner managers).
    pub async fn assign_deal(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &AssignmentInput,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::ManageDeals)?;
        let mut v = domain::Validation::new();
        let mut person = |field: &str, text: &str| -> Option<Uuid> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let id = Uuid::parse_str(text).ok();
            if id.is_none() {
                v.add(field, format!("'{text}' is not a user id"));
            }
            id
        };
        let ae = person("ae_user_id", &input.ae_user_id);
        let se = person("se_user_id", &input.se_user_id);
        for (field, id) in [("ae_user_id", ae), ("se_user_id", se)] {
            if let Some(id) = id {
                let ok = store::users::get(&mut tx, id)
                    .await?
                    .is_some_and(|u| u.role.is_internal() && u.disabled_at.is_none());
                if !ok {
                    v.add(field, "must be an active internal user");
                }
            }
        }
        v.into_result().map_err(Error::Invalid)?;
        let mut row = before.clone();
        row.ae_user_id = ae;
        row.se_user_id = se;
        row.deal_desk_review = i64::from(input.deal_desk_review);
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let summary = format!(
            "{}: AE and SE assigned{}",
            row.reference.clone(),
            if input.deal_desk_review {
                ", flagged for deal-desk review"
            } else {
                ""
            }
        );
        let row = self
            .save_deal(tx, actor, &before, row, "assigned", summary)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }
}

impl Services {
    /// Our active internal people, as (id, "Name (Role)"), for assigning AEs and SEs
    /// (admins and partner managers).
    pub async fn assignable_people(&self, actor: &Actor) -> Result<Vec<(Uuid, String)>> {
        actor.require(Action::ManageDeals)?;
        let mut tx = self.db.read().await?;
        let users = store::users::list(&mut tx, None).await?;
        tx.commit().await?;
        Ok(users
            .into_iter()
            .filter(|u| u.role.is_internal() && u.disabled_at.is_none())
            .map(|u| (u.id, format!("{} ({})", u.name, u.role.label())))
            .collect())
    }
}

/// The partners `ids` name, each read once.
async fn partners_by_id(
    tx: &mut store::Tx,
    ids: impl Iterator<Item = Uuid>,
) -> Result<std::collections::HashMap<Uuid, domain::partners::Partner>> {
    let ids: Vec<Uuid> = ids
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .collect();
    Ok(store::partners::get_many(tx, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}
