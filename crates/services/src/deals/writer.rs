//! Registering deals, written in groups (group commit): each registration is validated by its
//! request, queued, and the writer task writes everything queued by then in one transaction —
//! checked in arrival order against this process's conflict index, so a group sees its own
//! earlier members. A burst of submissions costs one commit instead of one each.

use domain::deals::registration::{self, DealInput, Status};
use domain::permissions::Action;
use domain::validation::Choice;
use store::deals::DealRow;
use time::Date;
use uuid::Uuid;

use crate::convert::minor;
use crate::deals::cache::{CacheState, Queued, catch_up, conflict_row, known};
use crate::deals::submission::Effects;
use crate::deals::view::{DealView, ViewFacts, deal_view};
use crate::facts::sources::PartnerRecords;
use crate::notifications;
use crate::{Actor, Change, Error, Result, Services, snapshot};

impl Services {
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
            Error::Store(store::Error::Internal(
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
        let mut facts = ViewFacts {
            names: partners
                .iter()
                .filter_map(|(id, p)| Some((*id, p.as_ref()?.partner.display_name.clone())))
                .collect(),
            // New registrations: none is won yet.
            confirmed: Default::default(),
            rates: crate::rates::rates_into(&mut tx, &program).await?,
            // New registrations: their cases are the ones this group opens.
            cases: Default::default(),
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
                        &item.actor,
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
                            "{} {} for {} ({}): {}",
                            row.reference,
                            if item.submit { "registered" } else { "drafted" },
                            row.customer_name,
                            domain::display::money_minor(row.deal_size_minor, &row.currency),
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
                    facts.opened(effects.write(&mut tx, &program, now).await?);
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
}

/// A partner of a group being registered: the record, who on our side hears of its
/// registrations, and the certified people its eligibility gate reads.
struct BatchPartner {
    partner: domain::partners::Partner,
    team: Vec<Uuid>,
    records: PartnerRecords,
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
        expected_close: fields.expected_close,
        use_case: fields.use_case.clone(),
        pain_points: fields.pain_points.clone(),
        stage: fields.stage.as_str().into(),
        probability: fields.probability.into(),
        risks: fields.risks.clone(),
        competitor: fields.competitor.clone(),
        partner_rep: fields.partner_rep.clone(),
        partner_sourced: true,
        ae_user_id: None,
        se_user_id: None,
        deal_desk_review: false,
        registered_on,
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
