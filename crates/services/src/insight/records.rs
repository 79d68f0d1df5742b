//! Everything `domain::insight` reads about partners, loaded here and only here: for one
//! partner (its scorecard, its health now), or for every partner at once (the daily health
//! run), each source then read once per chunk of partners or once for all.

use std::collections::HashMap;

use domain::Choice;
use domain::deals::registration::Status;
use domain::enablement::Held;
use domain::insight::{Activity, ActivityKind, Commitment, Deal, Lead, OnboardingItem, Records};
use domain::money::rates::Rates;
use domain::partners::Partner;
use domain::program::Program;
use domain::program::history::QuarterFacts;
use domain::program::scoring_3c4c::Band;
use domain::sources::Assessed;
use time::Date;
use uuid::Uuid;

use crate::Result;
use crate::convert::{corrupt, money};
use crate::facts::sources::{PartnerRecords, assessed, held, held_by};

/// The rates into the program currency (read once for a run over every partner).
pub(crate) async fn rates(tx: &mut store::Read, program: &Program) -> Result<Rates> {
    crate::rates::rates_into(tx, program).await
}

/// What is recorded about `partner`; `ours` adds what only our people see (IPP assessments,
/// unshared 3C/4C evaluations).
pub(crate) async fn load(
    tx: &mut store::Read,
    program: &Program,
    partner: &Partner,
    ours: bool,
    today: Date,
) -> Result<Records> {
    let id = partner.id;
    let mut chunk = Chunk::load(tx, program, &[id], ours).await?;
    let history = PartnerRecords::load(tx, id, program)
        .await?
        .derive(program, today)
        .into_iter()
        .map(|s| s.facts)
        .collect();
    let assessments = if ours {
        store::recruitment::ipp_for_partner(tx, id)
            .await?
            .iter()
            .map(assessed)
            .collect::<Result<_>>()?
    } else {
        Vec::new()
    };
    let held = held_by(tx, id).await?;
    Ok(chunk.records(partner, held, history, assessments))
}

/// What is recorded about each of `partners`, as our people see it, in their order: the
/// tier history, certifications and IPP assessments read once for every partner, the rest
/// once per [`store::insight::PARTNERS_PER_READ`] partners.
pub(crate) async fn load_many(
    tx: &mut store::Read,
    program: &Program,
    partners: &[Partner],
    today: Date,
) -> Result<Vec<Records>> {
    let mut book = PartnerRecords::load_all(tx, program).await?;
    let mut held_by: HashMap<Uuid, Vec<Held>> = HashMap::new();
    for row in store::certifications::all(tx).await? {
        held_by.entry(row.partner_id).or_default().push(held(&row));
    }
    let mut assessed_by: HashMap<Uuid, Vec<Assessed>> = HashMap::new();
    for row in store::recruitment::all_ipp(tx).await? {
        assessed_by
            .entry(row.partner_id)
            .or_default()
            .push(assessed(&row)?);
    }
    let mut all = Vec::with_capacity(partners.len());
    for partners in partners.chunks(store::insight::PARTNERS_PER_READ) {
        let ids: Vec<Uuid> = partners.iter().map(|p| p.id).collect();
        let mut chunk = Chunk::load(tx, program, &ids, true).await?;
        for partner in partners {
            let history = book
                .remove(&partner.id)
                .unwrap_or_default()
                .derive(program, today)
                .into_iter()
                .map(|s| s.facts)
                .collect();
            all.push(chunk.records(
                partner,
                held_by.remove(&partner.id).unwrap_or_default(),
                history,
                assessed_by.remove(&partner.id).unwrap_or_default(),
            ));
        }
    }
    Ok(all)
}

/// The records read per chunk of partners, by partner.
#[derive(Default)]
struct Chunk {
    deals: HashMap<Uuid, Vec<Deal>>,
    activities: HashMap<Uuid, Vec<Activity>>,
    leads: HashMap<Uuid, Vec<Lead>>,
    people: HashMap<Uuid, Vec<Option<Date>>>,
    commitments: HashMap<Uuid, Vec<Commitment>>,
    onboarding: HashMap<Uuid, Vec<OnboardingItem>>,
}

impl Chunk {
    /// One query per source for the partners `ids`; `ours` adds unshared 3C/4C evaluations.
    async fn load(
        tx: &mut store::Read,
        program: &Program,
        ids: &[Uuid],
        ours: bool,
    ) -> Result<Self> {
        let credit_needs_activity = program.policies.co_sell.credit_requires_logged_activity;
        let mut chunk = Chunk::default();
        for row in store::insight::deals(tx, ids).await? {
            let status = Status::parse(&row.status)
                .ok_or_else(|| corrupt("registration status", &row.status))?;
            chunk.deals.entry(row.partner_id).or_default().push(Deal {
                status,
                registered_on: row.registered_on,
                size: money(row.deal_size_minor),
                currency: row.currency,
                decided_on: row.decided_at.map(|at| at.date()),
                closed_on: row.closed_on,
                closed_amount: row.closed_amount_minor.map(money),
                protected_until: row.protected_until,
                win_counts: status == Status::Won
                    && row.win_confirmed
                    && (row.credited || !credit_needs_activity),
            });
        }
        for row in store::insight::activities(tx, ids).await? {
            chunk
                .activities
                .entry(row.partner_id)
                .or_default()
                .push(Activity {
                    on: row.occurred_on,
                    kind: match row.kind.as_str() {
                        "call" => ActivityKind::Call,
                        "meeting" => ActivityKind::Meeting,
                        _ => ActivityKind::Other,
                    },
                    joint: row.joint,
                    counts: domain::deals::registration::activity_counts(
                        row.by_partner,
                        row.confirmed,
                    ),
                });
        }
        for row in store::insight::leads(tx, ids).await? {
            chunk.leads.entry(row.partner_id).or_default().push(Lead {
                submitted_on: row.created_at.date(),
                accepted_on: (row.status == "accepted")
                    .then_some(row.decided_at)
                    .flatten()
                    .map(|at| at.date()),
            });
        }
        for row in store::insight::people(tx, ids).await? {
            chunk
                .people
                .entry(row.partner_id)
                .or_default()
                .push(row.archived_at.map(|at| at.date()));
        }
        for row in store::insight::commitments(tx, ids, !ours).await? {
            let band: Band = serde_json::from_value(serde_json::Value::String(row.band.clone()))
                .map_err(|e| corrupt("3C/4C band", e))?;
            chunk
                .commitments
                .entry(row.partner_id)
                .or_default()
                .push(Commitment {
                    on: row.created_at.date(),
                    commitment: u8::try_from(row.commitment)
                        .map_err(|e| corrupt("3C/4C commitment", e))?,
                    band,
                });
        }
        for row in store::insight::onboarding(tx, ids).await? {
            chunk
                .onboarding
                .entry(row.partner_id)
                .or_default()
                .push(OnboardingItem {
                    title: row.title,
                    due_on: row.due_on,
                    done: row.done_at.is_some(),
                });
        }
        Ok(chunk)
    }

    /// `partner`'s records: what this chunk read of it, with what was read apart.
    fn records(
        &mut self,
        partner: &Partner,
        held: Vec<Held>,
        history: Vec<QuarterFacts>,
        assessments: Vec<Assessed>,
    ) -> Records {
        let id = &partner.id;
        Records {
            tier: partner.tier.clone(),
            since: partner.created_at.date(),
            deals: self.deals.remove(id).unwrap_or_default(),
            activities: self.activities.remove(id).unwrap_or_default(),
            leads: self.leads.remove(id).unwrap_or_default(),
            people: self.people.remove(id).unwrap_or_default(),
            held,
            history,
            assessments,
            commitments: self.commitments.remove(id).unwrap_or_default(),
            onboarding: self.onboarding.remove(id).unwrap_or_default(),
        }
    }
}
