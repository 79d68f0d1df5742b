//! A registration as its reader sees it: the view and what it reads besides the row.

use std::collections::{HashMap, HashSet};

use domain::deals::cases::Outcome;
use domain::deals::conflicts::{self, Verdict};
use domain::deals::registration::{self, Status};
use domain::escalations;
use domain::money::rates::{self, Rates};
use domain::program::Program;
use domain::validation::Choice;
use rust_decimal::Decimal;
use store::deals::DealRow;
use store::escalations::CaseRow;
use time::Date;
use uuid::Uuid;

use crate::convert::money;
use crate::{Actor, Error, Result};

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
    /// The pipeline stage; none once the deal is closed (won, lost, rejected, expired).
    pub stage: Option<String>,
    pub probability: i64,
    /// Value × probability while the deal is open (submitted, waiting for information,
    /// approved): a closed deal or a draft weighs nothing in the pipeline.
    pub weighted_value: Option<Decimal>,
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
    /// The channel-conflict case the conflict check opened; absent while it was clear. The
    /// partner sees it too: it is the partner's own case, and names only where it stands.
    pub conflict_case: Option<DealCaseLink>,
}

/// A registration's conflict case as the registration links to it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DealCaseLink {
    pub id: Uuid,
    /// ESC-000123
    pub reference: String,
    /// The case's page: /escalations/{id} (its API: /api/v1/escalations/{id}).
    pub link: String,
    pub state: escalations::State,
    /// How the conflict ended, once the case is resolved (cleared again by a reopening).
    pub conflict_outcome: Option<Outcome>,
}

impl DealCaseLink {
    pub(crate) fn from(row: &CaseRow) -> Result<DealCaseLink> {
        let corrupt = |what: &str, value: &str| {
            Error::Store(store::Error::Corrupt(format!(
                "escalation {what} '{value}'"
            )))
        };
        Ok(DealCaseLink {
            id: row.id,
            reference: escalations::reference(row.number),
            link: format!("/escalations/{}", row.id),
            state: escalations::State::parse(&row.state)
                .ok_or_else(|| corrupt("state", &row.state))?,
            conflict_outcome: row
                .conflict_outcome
                .as_deref()
                .map(|o| Outcome::parse(o).ok_or_else(|| corrupt("conflict_outcome", o)))
                .transpose()?,
        })
    }

    /// The case is resolved or closed: its outcome, not the check's verdict, is what
    /// the registration's conflict came to.
    pub fn settled(&self) -> bool {
        matches!(
            self.state,
            escalations::State::Resolved | escalations::State::Closed
        )
    }
}

fn verdict_of(text: &str) -> Verdict {
    match text {
        "needs_review" => Verdict::NeedsReview,
        "already_registered" => Verdict::AlreadyRegistered,
        _ => Verdict::Clear,
    }
}

/// What registration views read besides their rows, loaded in the transaction that read or
/// wrote the rows, so a view never guesses: partner names, which wins one of ours confirmed,
/// the rates that put deal sizes in the program currency, and the conflict cases.
pub(crate) struct ViewFacts {
    pub names: HashMap<Uuid, String>,
    pub confirmed: HashSet<Uuid>,
    pub rates: Rates,
    /// By registration.
    pub cases: HashMap<Uuid, CaseRow>,
}

impl ViewFacts {
    pub(crate) async fn load(
        tx: &mut store::Read,
        program: &Program,
        rows: &[&DealRow],
    ) -> Result<ViewFacts> {
        let mut names = HashMap::new();
        for row in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(row.partner_id) {
                let name = store::partners::get(tx, row.partner_id).await?;
                slot.insert(name.map(|p| p.display_name).unwrap_or_default());
            }
        }
        let won: Vec<Uuid> = rows
            .iter()
            .filter(|r| r.status == Status::Won.as_str())
            .map(|r| r.id)
            .collect();
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut facts = ViewFacts {
            names,
            confirmed: store::deals::confirmed_wins(tx, &won).await?,
            rates: crate::rates::rates_into(tx, program).await?,
            cases: HashMap::new(),
        };
        facts.opened(store::escalations::cases_for_deals(tx, &ids).await?);
        Ok(facts)
    }

    /// Adds the conflict cases a write opened.
    pub(crate) fn opened(&mut self, cases: Vec<CaseRow>) {
        self.cases
            .extend(cases.into_iter().filter_map(|c| Some((c.deal_id?, c))));
    }
}

/// The deal size in the program currency at `on`'s rate; `None` without a rate. Policy
/// limits (auto-approval, co-sell) are in the program currency and compare with this.
pub(crate) fn size_in_program_currency(row: &DealRow, rates: &Rates, on: Date) -> Option<Decimal> {
    rates::convert(money(row.deal_size_minor), &row.currency, on, rates)
        .ok()
        .map(|c| c.amount)
}

/// A registration as `actor` may see it.
pub(crate) fn deal_view(
    actor: &Actor,
    program: &Program,
    facts: &ViewFacts,
    row: &DealRow,
) -> Result<DealView> {
    let today = actor.today();
    let status = Status::parse(&row.status)
        .ok_or_else(|| Error::Store(store::Error::Corrupt(format!("status '{}'", row.status))))?;
    let deal_size = money(row.deal_size_minor);
    Ok(DealView {
        id: row.id,
        reference: row.reference.clone(),
        partner_id: row.partner_id,
        partner_name: facts
            .names
            .get(&row.partner_id)
            .cloned()
            .unwrap_or_default(),
        status,
        customer_name: row.customer_name.clone(),
        website: row.website.clone(),
        industry: row.industry.clone(),
        region: row.region.clone(),
        deal_size,
        currency: row.currency.clone(),
        expected_close: row.expected_close.to_string(),
        use_case: row.use_case.clone(),
        pain_points: row.pain_points.clone(),
        stage: (!status.is_closed()).then(|| row.stage.clone()),
        probability: row.probability,
        weighted_value: status.is_open().then(|| {
            registration::weighted_value(deal_size, u8::try_from(row.probability).unwrap_or(0))
        }),
        risks: row.risks.clone(),
        competitor: row.competitor.clone(),
        partner_rep: row.partner_rep.clone(),
        partner_sourced: row.partner_sourced,
        registered_on: row.registered_on.to_string(),
        decision_due: row.decision_due.map(|d| d.to_string()),
        decision_overdue: row
            .decision_due
            .is_some_and(|d| registration::decision_overdue(status, d, today)),
        decision_note: row.decision_note.clone(),
        protected_until: row.protected_until.map(|d| d.to_string()),
        extensions_used: row.extensions_used,
        extension_requested: Some(row.extension_reason.clone()).filter(|r| !r.is_empty()),
        conflict_verdict: match verdict_of(&row.conflict_verdict) {
            verdict if actor.is_internal() => verdict,
            verdict => verdict.for_partner(),
        },
        conflict_findings: if actor.is_internal() {
            Some(serde_json::from_str(&row.conflict_findings).unwrap_or_default())
        } else {
            None
        },
        co_sell_required: registration::co_sell_required(
            &program.policies.co_sell,
            row.partner_sourced,
            size_in_program_currency(row, &facts.rates, today),
        ),
        forecast_category: row.forecast_category.clone(),
        next_action: row.next_action.clone(),
        next_action_on: row.next_action_on.map(|d| d.to_string()),
        next_action_owner: row.next_action_owner.clone(),
        blockers: row.blockers.clone(),
        closed_on: row.closed_on.map(|d| d.to_string()),
        closed_amount: row.closed_amount_minor.map(money),
        win_confirmed: (status == Status::Won).then(|| facts.confirmed.contains(&row.id)),
        ae_user_id: row.ae_user_id.filter(|_| actor.is_internal()),
        se_user_id: row.se_user_id.filter(|_| actor.is_internal()),
        deal_desk_review: row.deal_desk_review && actor.is_internal(),
        conflict_case: facts
            .cases
            .get(&row.id)
            .map(DealCaseLink::from)
            .transpose()?,
    })
}
