//! Everything `domain::insight` reads about one partner, loaded here and only here.

use domain::Choice;
use domain::deals::registration::Status;
use domain::insight::{Activity, ActivityKind, Commitment, Deal, Lead, OnboardingItem, Records};
use domain::money::rates::Rates;
use domain::partners::Partner;
use domain::program::Program;
use domain::program::scoring_3c4c::Band;
use time::Date;

use crate::Result;
use crate::convert::{corrupt, money};
use crate::facts::sources::{PartnerRecords, assessed, held_by};

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
    let credit_needs_activity = program.policies.co_sell.credit_requires_logged_activity;
    let deals = store::insight::deals(tx, id)
        .await?
        .into_iter()
        .map(|row| {
            let status = Status::parse(&row.status)
                .ok_or_else(|| corrupt("registration status", &row.status))?;
            Ok(Deal {
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
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let activities = store::insight::activities(tx, id)
        .await?
        .into_iter()
        .map(|row| Activity {
            on: row.occurred_on,
            kind: match row.kind.as_str() {
                "call" => ActivityKind::Call,
                "meeting" => ActivityKind::Meeting,
                _ => ActivityKind::Other,
            },
            joint: row.joint,
            counts: domain::deals::registration::activity_counts(row.by_partner, row.confirmed),
        })
        .collect();
    let leads = store::insight::leads(tx, id)
        .await?
        .into_iter()
        .map(|row| Lead {
            submitted_on: row.created_at.date(),
            accepted_on: (row.status == "accepted")
                .then_some(row.decided_at)
                .flatten()
                .map(|at| at.date()),
        })
        .collect();
    let people = store::insight::people(tx, id)
        .await?
        .into_iter()
        .map(|row| row.archived_at.map(|at| at.date()))
        .collect();
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
    let commitments = store::recruitment::evaluations_for_partner(tx, id, !ours, None, i64::MAX)
        .await?
        .into_iter()
        .map(|row| {
            let band: Band = serde_json::from_value(serde_json::Value::String(row.band.clone()))
                .map_err(|e| corrupt("3C/4C band", e))?;
            Ok(Commitment {
                on: row.created_at.date(),
                commitment: u8::try_from(row.commitment)
                    .map_err(|e| corrupt("3C/4C commitment", e))?,
                band,
            })
        })
        .collect::<Result<_>>()?;
    let onboarding = store::onboarding::items(tx, id)
        .await?
        .into_iter()
        .map(|row| OnboardingItem {
            title: row.title,
            due_on: row.due_on,
            done: row.done_at.is_some(),
        })
        .collect();
    Ok(Records {
        tier: partner.tier.clone(),
        since: partner.created_at.date(),
        deals,
        activities,
        leads,
        people,
        held: held_by(tx, id).await?,
        history,
        assessments,
        commitments,
        onboarding,
    })
}
