//! One source for each fact: everything recorded about a partner that the tier engine,
//! the gates, the notices and the partner page read, loaded here and only here, and merged
//! with the typed quarters by `domain::sources::derive`.

use std::collections::HashMap;

use domain::deals::revenue::NotCounted;
use domain::enablement::Held;
use domain::program::Program;
use domain::program::history::QuarterFacts;
use domain::program::ipp::IppResult;
use domain::sources::{self, Assessed, Certified, Recorded, Sourced};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use time::Date;
use uuid::Uuid;

use crate::Result;
use crate::convert::{corrupt, money};

pub(crate) fn assessed(row: &store::recruitment::IppRow) -> Result<Assessed> {
    let result: IppResult =
        serde_json::from_str(&row.result).map_err(|e| corrupt("IPP result", e))?;
    Ok(Assessed {
        on: row.created_at.date(),
        score: result.score.round().to_u32().unwrap_or(0),
        red_flags: result.red_flags.into_iter().map(|f| f.label).collect(),
        overridden: !row.red_flag_override.is_empty(),
    })
}

fn won(row: &store::deals::WonRow) -> (Date, Decimal) {
    (row.closed_on, money(row.closed_amount_minor))
}

/// A certification record as the rules read it.
pub(crate) fn held(row: &store::certifications::RecordRow) -> Held {
    Held {
        person: row.contact_id,
        certification: row.certification.clone(),
        earned_on: row.earned_on,
        expires_on: row.expires_on,
        retired: row.retired,
        left_on: row.contact_archived_at.map(|at| at.date()),
    }
}

/// A partner's certification records, as every reader of them gets them.
pub(crate) async fn held_by(tx: &mut store::Read, partner_id: Uuid) -> Result<Vec<Held>> {
    Ok(store::certifications::for_partner(tx, partner_id)
        .await?
        .iter()
        .map(held)
        .collect())
}

/// What is typed and recorded about one partner.
#[derive(Debug, Default)]
pub(crate) struct PartnerRecords {
    typed: Vec<QuarterFacts>,
    held: Vec<Held>,
    won: Vec<(Date, Decimal)>,
    assessed: Vec<Assessed>,
    /// Won deals left out of `won` for want of a rate, per currency (filled by `load_all`).
    not_counted: Vec<NotCounted>,
}

impl PartnerRecords {
    /// Everything about one partner.
    pub(crate) async fn load(
        tx: &mut store::Read,
        partner_id: Uuid,
        program: &Program,
    ) -> Result<Self> {
        let mut records = Self::certified_only(tx, partner_id).await?;
        let won_rows = store::deals::won(
            tx,
            Some(partner_id),
            program.policies.co_sell.credit_requires_logged_activity,
        )
        .await?;
        // Wins in other currencies count at their close date's rate; those without one are
        // named on the partner's page (`Services::wins_not_counted`).
        let rates = crate::rates::rates_into(tx, program).await?;
        let (won_rows, _) = crate::rates::wins_in_program_currency(won_rows, &rates);
        records.won = won_rows.iter().map(won).collect();
        records.assessed = store::recruitment::ipp_for_partner(tx, partner_id)
            .await?
            .iter()
            .map(assessed)
            .collect::<Result<_>>()?;
        Ok(records)
    }

    /// What the certified-people fact needs (gates read only that).
    pub(crate) async fn certified_only(tx: &mut store::Read, partner_id: Uuid) -> Result<Self> {
        let typed = store::facts::history(tx, partner_id)
            .await?
            .iter()
            .map(crate::facts::rows::from_row)
            .collect::<Result<_>>()?;
        Ok(Self {
            typed,
            held: held_by(tx, partner_id).await?,
            ..Self::default()
        })
    }

    /// Only the IPP assessments (what decides whether an upgrade is blocked).
    pub(crate) async fn assessments_only(tx: &mut store::Read, partner_id: Uuid) -> Result<Self> {
        Ok(Self {
            assessed: store::recruitment::ipp_for_partner(tx, partner_id)
                .await?
                .iter()
                .map(assessed)
                .collect::<Result<_>>()?,
            ..Self::default()
        })
    }

    /// Every partner's, in one query per source.
    pub(crate) async fn load_all(
        tx: &mut store::Read,
        program: &Program,
    ) -> Result<HashMap<Uuid, Self>> {
        let mut all: HashMap<Uuid, Self> = HashMap::new();
        // Every typed quarter, not just the window evaluated: a quarter added for a record
        // carries the stocks of the typed quarter before it, however old, as on the page.
        for row in store::facts::all_since(tx, "").await? {
            let facts = crate::facts::rows::from_row(&row.row)?;
            all.entry(row.partner_id).or_default().typed.push(facts);
        }
        for row in store::certifications::all(tx).await? {
            let held = held(&row);
            all.entry(row.partner_id).or_default().held.push(held);
        }
        let credited = program.policies.co_sell.credit_requires_logged_activity;
        let rates = crate::rates::rates_into(tx, program).await?;
        let mut won_by_partner: HashMap<Uuid, Vec<store::deals::WonRow>> = HashMap::new();
        for row in store::deals::won(tx, None, credited).await? {
            won_by_partner.entry(row.partner_id).or_default().push(row);
        }
        for (partner_id, rows) in won_by_partner {
            let (counted, not_counted) = crate::rates::wins_in_program_currency(rows, &rates);
            let records = all.entry(partner_id).or_default();
            records.won = counted.iter().map(won).collect();
            records.not_counted = not_counted;
        }
        for row in store::recruitment::all_ipp(tx).await? {
            let assessed = assessed(&row)?;
            all.entry(row.partner_id)
                .or_default()
                .assessed
                .push(assessed);
        }
        Ok(all)
    }

    /// The partner's quarters with the source of each number, oldest first.
    pub(crate) fn derive(&self, program: &Program, today: Date) -> Vec<Sourced> {
        let recorded = Recorded {
            certifications: &self.held,
            won: &self.won,
            assessments: &self.assessed,
        };
        sources::derive(&self.typed, &recorded, &program.certifications, today)
    }

    /// Who counts as certified on `today` (records, or else the typed quarter).
    pub(crate) fn certified(&self, today: Date) -> Certified<'_> {
        sources::certified_as_of(&self.held, &self.typed, today)
    }

    /// Why the partner may not move up now, if it may not.
    pub(crate) fn upgrade_block(&self, today: Date) -> Option<String> {
        sources::upgrade_block(&self.assessed, today)
    }
}

/// Every active partner with its derived quarters and what blocks its upgrades: what
/// program-wide evaluations (the tier job, notices, simulations) read.
pub(crate) struct Book {
    pub partners: Vec<domain::partners::Partner>,
    pub histories: HashMap<Uuid, Vec<QuarterFacts>>,
    pub upgrade_blocks: HashMap<Uuid, String>,
    /// Why a partner's downgrade waits: won deals its revenue cannot count yet.
    pub downgrade_holds: HashMap<Uuid, String>,
}

pub(crate) async fn active_book(tx: &mut store::Read, program: &Program) -> Result<Book> {
    let partners = store::partners::list(
        tx,
        &store::partners::PartnerFilter {
            limit: i64::MAX,
            ..Default::default()
        },
    )
    .await?;
    let today = store::now().date();
    let mut histories = HashMap::new();
    let mut upgrade_blocks = HashMap::new();
    let mut downgrade_holds = HashMap::new();
    for (partner_id, records) in PartnerRecords::load_all(tx, program).await? {
        let derived = records.derive(program, today);
        histories.insert(partner_id, derived.into_iter().map(|s| s.facts).collect());
        if let Some(block) = records.upgrade_block(today) {
            upgrade_blocks.insert(partner_id, block);
        }
        if !records.not_counted.is_empty() {
            let notes: Vec<&str> = records
                .not_counted
                .iter()
                .map(|n| n.note.as_str())
                .collect();
            downgrade_holds.insert(
                partner_id,
                format!("{}; import the rates before deciding", notes.join(", ")),
            );
        }
    }
    Ok(Book {
        partners,
        histories,
        upgrade_blocks,
        downgrade_holds,
    })
}
