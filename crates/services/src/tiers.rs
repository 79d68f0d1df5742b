//! Tier proposals: the evaluation of every partner against the progression policy, the queue
//! of proposals, and managers' decisions — the only way a partner's tier changes.

use domain::permissions;
use std::collections::HashMap;

use domain::program::Program;
use domain::program::progression::{self, Action, Active, ProposalKind, Situation};
use store::proposals::{ProposalRow, ProposalWithPartner};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Actor, Change, Error, Result, Services, record};

/// A tier proposal as people read it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TierProposal {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub partner_name: String,
    /// upgrade, downgrade or manual (a manager's own decision).
    pub kind: String,
    /// notice (downgrade in remediation), open (awaiting a decision), approved, rejected,
    /// overridden, recovered or withdrawn.
    pub status: String,
    pub from_tier: String,
    pub to_tier: String,
    /// The tier a manager chose instead (overridden).
    pub final_tier: Option<String>,
    /// The quarter it was raised in.
    pub period: String,
    /// Why the engine raised it, with what the partner lacks.
    pub reason: String,
    pub program_version: i64,
    /// Downgrades: the partner was told by then (YYYY-MM-DD).
    pub notice_until: Option<String>,
    /// Downgrades: the partner may recover until then (YYYY-MM-DD).
    pub remediation_until: Option<String>,
    pub decided_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    /// Internal: absent from what a partner's own people receive.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub decision_note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl TierProposal {
    pub fn in_play(&self) -> bool {
        matches!(self.status.as_str(), "notice" | "open")
    }
}

fn view(row: ProposalWithPartner, program: &Program) -> TierProposal {
    let p = row.proposal;
    TierProposal {
        id: p.id,
        partner_id: p.partner_id,
        partner_name: row.partner_name,
        kind: p.kind,
        status: p.status,
        from_tier: program.tier_name(&p.from_tier).to_owned(),
        to_tier: program.tier_name(&p.to_tier).to_owned(),
        final_tier: p.final_tier.map(|t| program.tier_name(&t).to_owned()),
        period: p.period,
        reason: p.reason,
        program_version: p.program_version,
        notice_until: p.notice_until.map(|t| t.date().to_string()),
        remediation_until: p.remediation_until.map(|t| t.date().to_string()),
        decided_by: p.decided_by_label,
        decided_at: p.decided_at,
        decision_note: p.decision_note,
        created_at: p.created_at,
    }
}

/// What one evaluation of every partner did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct EvaluationSummary {
    pub program_version: i64,
    pub quarter: String,
    pub partners: usize,
    pub upgrades_proposed: usize,
    pub notices_started: usize,
    pub downgrades_proposed: usize,
    pub recovered: usize,
    pub withdrawn: usize,
    /// Partners whose tier key the program no longer defines.
    pub skipped: usize,
    /// Downgrades not started or proposed because won deals lack a rate, each with why.
    pub downgrades_held: Vec<String>,
}

impl std::fmt::Display for EvaluationSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} partners evaluated for {} (program version {}): {} upgrade(s) proposed, {} downgrade notice(s), {} downgrade(s) proposed, {} recovered, {} withdrawn",
            self.partners,
            self.quarter,
            self.program_version,
            self.upgrades_proposed,
            self.notices_started,
            self.downgrades_proposed,
            self.recovered,
            self.withdrawn
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped (unknown tier)", self.skipped)?;
        }
        for held in &self.downgrades_held {
            write!(f, "; downgrade held for {held}")?;
        }
        Ok(())
    }
}

fn midnight(date: time::Date) -> OffsetDateTime {
    date.midnight().assume_utc()
}

fn kind_of(row: &ProposalRow) -> ProposalKind {
    if row.kind == "upgrade" {
        ProposalKind::Upgrade
    } else {
        ProposalKind::Downgrade
    }
}

/// A proposal in play, closed without a manager (the partner recovered, or it no longer fits).
fn closed(
    active: Option<&ProposalRow>,
    status: &str,
    why: &str,
    now: OffsetDateTime,
) -> Result<ProposalRow> {
    let mut row = active.cloned().ok_or(Error::NotFound)?;
    row.status = status.into();
    row.decided_by_label = Some("tier evaluation".into());
    row.decided_at = Some(now);
    row.decision_note = why.to_owned();
    row.updated_at = now;
    Ok(row)
}

/// A decision on a proposal, as a manager submits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    /// Put the partner in `tier` instead (the proposal's target, its current tier or another).
    Override,
}

impl Decision {
    /// Reads "approve", "reject" or "override", naming the field when it is none of them.
    pub fn parse(text: &str) -> Result<Decision> {
        match text.trim() {
            "approve" => Ok(Decision::Approve),
            "reject" => Ok(Decision::Reject),
            "override" => Ok(Decision::Override),
            other => Err(Error::field(
                "decision",
                format!("'{other}' is not one of: approve, reject, override"),
            )),
        }
    }
}

impl Services {
    /// Evaluates every active partner against the progression policy of the program in force
    /// and raises, advances or closes proposals. Never changes a tier itself.
    pub async fn evaluate_all_tiers(&self, actor: &Actor) -> Result<EvaluationSummary> {
        actor.require(permissions::Action::RunTierProgram)?;
        let (version, program) = self.program_in_force().await?;
        let now = store::now();
        let quarter = crate::clock::current_quarter();
        let mut tx = self.db.write().await?;
        let crate::facts::sources::Book {
            partners,
            histories,
            upgrade_blocks,
            downgrade_holds,
        } = crate::facts::sources::active_book(&mut tx, &program).await?;
        let mut in_play: HashMap<Uuid, ProposalRow> = HashMap::new();
        let mut raised: HashMap<Uuid, u32> = HashMap::new();
        for row in store::proposals::in_play_or_raised_in(&mut tx, &quarter.to_string()).await? {
            if row.period == quarter.to_string() {
                *raised.entry(row.partner_id).or_default() += 1;
            }
            if matches!(row.status.as_str(), "notice" | "open") {
                in_play.insert(row.partner_id, row);
            }
        }
        let mut summary = EvaluationSummary {
            program_version: version,
            quarter: quarter.to_string(),
            partners: partners.len(),
            ..Default::default()
        };
        let empty = Vec::new();
        for partner in &partners {
            let Some(current) = program.tier_index(&partner.tier) else {
                summary.skipped += 1;
                continue;
            };
            let active_row = in_play.get(&partner.id);
            let active = active_row.map(|row| match row.status.as_str() {
                "notice" => Active::Notice {
                    remediation_until: row.remediation_until.unwrap_or(now).date(),
                },
                _ => Active::Open {
                    kind: kind_of(row),
                    to: program.tier_index(&row.to_tier).unwrap_or(0),
                },
            });
            let situation = Situation {
                program: &program,
                current,
                history: histories.get(&partner.id).unwrap_or(&empty),
                quarter,
                today: now.date(),
                active,
                raised_this_period: raised.get(&partner.id).copied().unwrap_or(0),
                upgrade_block: upgrade_blocks.get(&partner.id).map(String::as_str),
                downgrade_hold: downgrade_holds.get(&partner.id).map(String::as_str),
            };
            let new_proposal = |kind: &str, status: &str, to: usize, why: &str| ProposalRow {
                id: Uuid::now_v7(),
                partner_id: partner.id,
                kind: kind.into(),
                status: status.into(),
                from_tier: partner.tier.clone(),
                to_tier: program.tiers[to].key.clone(),
                final_tier: None,
                period: quarter.to_string(),
                reason: why.to_owned(),
                program_version: version,
                notice_until: None,
                remediation_until: None,
                decided_by: None,
                decided_by_label: None,
                decided_at: None,
                decision_note: String::new(),
                created_at: now,
                updated_at: now,
            };
            let (row, action_name, summary_text, is_new) =
                match progression::next_action(&situation) {
                    Action::Nothing { .. } => continue,
                    Action::DowngradeHeld { why } => {
                        summary
                            .downgrades_held
                            .push(format!("{}: {why}", partner.display_name));
                        continue;
                    }
                    Action::ProposeUpgrade { to, why } => {
                        summary.upgrades_proposed += 1;
                        let text = format!("Upgrade to {} proposed: {why}", program.tiers[to].name);
                        (
                            new_proposal("upgrade", "open", to, &why),
                            "proposed",
                            text,
                            true,
                        )
                    }
                    Action::StartNotice {
                        to,
                        notice_until,
                        remediation_until,
                        why,
                    } => {
                        summary.notices_started += 1;
                        let mut row = new_proposal("downgrade", "notice", to, &why);
                        row.notice_until = Some(midnight(notice_until));
                        row.remediation_until = Some(midnight(remediation_until));
                        let text = format!(
                            "Downgrade notice: {why}; remediation until {remediation_until}"
                        );
                        (row, "notice_started", text, true)
                    }
                    Action::ProposeDowngrade { to, why } => {
                        summary.downgrades_proposed += 1;
                        let mut row = active_row.cloned().ok_or(Error::NotFound)?;
                        row.status = "open".into();
                        row.to_tier = program.tiers[to].key.clone();
                        row.reason = why.clone();
                        row.updated_at = now;
                        let text =
                            format!("Downgrade to {} proposed: {why}", program.tiers[to].name);
                        (row, "proposed", text, false)
                    }
                    Action::Recovered { why } => {
                        summary.recovered += 1;
                        let row = closed(active_row, "recovered", &why, now)?;
                        (
                            row,
                            "recovered",
                            format!("Downgrade notice closed: {why}"),
                            false,
                        )
                    }
                    Action::Withdraw { why } => {
                        summary.withdrawn += 1;
                        let row = closed(active_row, "withdrawn", &why, now)?;
                        (
                            row,
                            "withdrawn",
                            format!("Tier proposal withdrawn: {why}"),
                            false,
                        )
                    }
                };
            match active_row {
                Some(read) if !is_new => {
                    store::proposals::update(&mut tx, &row, &read.status).await?
                }
                _ => store::proposals::insert(&mut tx, &row).await?,
            }
            let change = Change {
                partner_id: Some(partner.id),
                entity_type: "tier_proposal",
                entity_id: row.id,
                action: action_name,
                summary: summary_text,
                before: None,
                after: None,
            };
            record(&mut tx, actor, now, change).await?;
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// The proposals queue: those in play (`status` empty or "in_play"), or the latest
    /// decided ones ("decided"). Internal users only.
    pub async fn tier_proposals(&self, actor: &Actor, status: &str) -> Result<Vec<TierProposal>> {
        actor.require(permissions::Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = match status.trim() {
            "" | "in_play" => {
                store::proposals::with_status(&mut tx, &["open", "notice"], 500).await?
            }
            "decided" => store::proposals::recently_decided(&mut tx, 100).await?,
            other => {
                return Err(Error::field(
                    "status",
                    format!("'{other}' is not one of: in_play, decided"),
                ));
            }
        };
        tx.commit().await?;
        Ok(rows.into_iter().map(|r| view(r, &program)).collect())
    }

    /// One partner's proposals, newest first (partners see their own).
    pub async fn partner_proposals(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<Vec<TierProposal>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = store::proposals::for_partner(&mut tx, partner_id).await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| view(r, &program))
            .map(|mut proposal| {
                // Why a manager decided as they did is ours; the partner sees the decision.
                if !actor.is_internal() {
                    proposal.decision_note = String::new();
                }
                proposal
            })
            .collect())
    }

    /// A manager's decision on a proposal in play. Approving moves the partner to the proposed
    /// tier (an upgrade, or a downgrade after remediation); overriding moves it to `tier`;
    /// rejecting keeps it where it is. Reject and override need a reason.
    pub async fn decide_proposal(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: Decision,
        tier: &str,
        note: &str,
    ) -> Result<TierProposal> {
        actor.require(permissions::Action::RunTierProgram)?;
        let (_, program) = self.program_in_force().await?;
        let mut v = domain::Validation::new();
        let note = v.text("note", note, decision != Decision::Approve, 2_000);
        let tier = tier.trim().to_ascii_lowercase();
        if decision == Decision::Override && program.tier_index(&tier).is_none() {
            v.add(
                "tier",
                format!(
                    "'{tier}' is not a tier; choose one of: {}",
                    program.tier_keys().join(", ")
                ),
            );
        }
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        let found = store::proposals::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let mut row = found.proposal.clone();
        match (decision, row.status.as_str()) {
            (Decision::Approve, "notice") => {
                return Err(Error::Conflict(format!(
                    "the partner is in remediation until {}; a downgrade can be approved once it is proposed",
                    row.remediation_until
                        .map(|t| t.date().to_string())
                        .unwrap_or_default()
                )));
            }
            (_, "notice" | "open") => {}
            (_, status) => {
                return Err(Error::Conflict(format!(
                    "this proposal is already {status}"
                )));
            }
        }
        let partner = store::partners::get(&mut tx, row.partner_id)
            .await?
            .ok_or(Error::NotFound)?;
        if decision != Decision::Reject {
            let to = if decision == Decision::Override {
                &tier
            } else {
                &row.to_tier
            };
            require_may_move(&mut tx, &program, &partner, to).await?;
        }
        let (status, new_tier, verb) = match decision {
            Decision::Approve => ("approved", Some(row.to_tier.clone()), "approved"),
            Decision::Reject => ("rejected", None, "rejected"),
            Decision::Override => ("overridden", Some(tier.clone()), "overridden"),
        };
        row.status = status.into();
        if decision == Decision::Override {
            row.final_tier = Some(tier.clone());
        }
        row.decided_by = actor.user_id;
        row.decided_by_label = Some(actor.label.clone());
        row.decided_at = Some(now);
        row.decision_note = note.clone();
        row.updated_at = now;
        store::proposals::update(&mut tx, &row, &found.proposal.status).await?;
        let kind = if row.kind == "upgrade" {
            "Upgrade"
        } else {
            "Downgrade"
        };
        let mut summary = format!("{kind} to {} {verb}", program.tier_name(&row.to_tier));
        if let Some(final_tier) = &row.final_tier {
            summary.push_str(&format!(": {} instead", program.tier_name(final_tier)));
        }
        if !note.is_empty() {
            summary.push_str(&format!(" ({note})"));
        }
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(row.partner_id),
                entity_type: "tier_proposal",
                entity_id: row.id,
                action: verb,
                summary,
                before: None,
                after: None,
            },
        )
        .await?;
        if let Some(new_tier) = new_tier.filter(|t| *t != partner.tier) {
            change_tier(&mut tx, actor, &program, &partner, &new_tier, &note, now).await?;
        }
        tx.commit().await?;
        Ok(view(
            ProposalWithPartner {
                proposal: row,
                partner_name: found.partner_name,
            },
            &program,
        ))
    }

    /// A manager puts a partner in a tier without a proposal (correcting an imported book, a
    /// strategic exception). Recorded as a decided "manual" proposal with its reason.
    pub async fn set_tier_manually(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        tier: &str,
        reason: &str,
    ) -> Result<TierProposal> {
        let partner = self.get_partner(actor, partner_id).await?;
        actor.require(permissions::Action::RunTierProgram)?;
        let (version, program) = self.program_in_force().await?;
        let mut v = domain::Validation::new();
        let reason = v.text("note", reason, true, 2_000);
        let tier = tier.trim().to_ascii_lowercase();
        if program.tier_index(&tier).is_none() {
            v.add(
                "tier",
                format!(
                    "'{tier}' is not a tier; choose one of: {}",
                    program.tier_keys().join(", ")
                ),
            );
        }
        v.into_result().map_err(Error::Invalid)?;
        if tier == partner.tier {
            return Err(Error::Conflict(format!(
                "the partner is already {}",
                program.tier_name(&tier)
            )));
        }
        let now = store::now();
        let mut tx = self.db.write().await?;
        if let Some(active) = store::proposals::for_partner(&mut tx, partner_id)
            .await?
            .into_iter()
            .find(|p| matches!(p.proposal.status.as_str(), "notice" | "open"))
        {
            return Err(Error::Conflict(format!(
                "a tier proposal is in play ({} to {}); decide it instead",
                active.proposal.kind,
                program.tier_name(&active.proposal.to_tier)
            )));
        }
        let row = ProposalRow {
            id: Uuid::now_v7(),
            partner_id,
            kind: "manual".into(),
            status: "overridden".into(),
            from_tier: partner.tier.clone(),
            to_tier: tier.clone(),
            final_tier: Some(tier.clone()),
            period: crate::clock::current_quarter().to_string(),
            reason: "set by a manager".into(),
            program_version: version,
            notice_until: None,
            remediation_until: None,
            decided_by: actor.user_id,
            decided_by_label: Some(actor.label.clone()),
            decided_at: Some(now),
            decision_note: reason.clone(),
            created_at: now,
            updated_at: now,
        };
        require_may_move(&mut tx, &program, &partner, &tier).await?;
        store::proposals::insert(&mut tx, &row).await?;
        change_tier(&mut tx, actor, &program, &partner, &tier, &reason, now).await?;
        tx.commit().await?;
        Ok(view(
            ProposalWithPartner {
                proposal: row,
                partner_name: partner.display_name,
            },
            &program,
        ))
    }
}

/// Refuses to move a partner up while an IPP red flag nobody overrode stands (read in the
/// deciding transaction, so an assessment made meanwhile counts).
async fn require_may_move(
    tx: &mut store::Tx,
    program: &Program,
    partner: &domain::partners::Partner,
    to: &str,
) -> Result<()> {
    let records = crate::facts::sources::PartnerRecords::assessments_only(tx, partner.id).await?;
    let block = records.upgrade_block(store::now().date());
    domain::sources::may_move(program, &partner.tier, to, block.as_deref()).map_err(Error::Conflict)
}

/// Moves a partner to `tier`, with a timeline and audit event.
async fn change_tier(
    tx: &mut store::Tx,
    actor: &Actor,
    program: &Program,
    partner: &domain::partners::Partner,
    tier: &str,
    note: &str,
    now: OffsetDateTime,
) -> Result<()> {
    store::partners::set_tier(tx, partner.id, &partner.tier, tier, now).await?;
    let summary = format!(
        "Tier changed from {} to {}",
        program.tier_name(&partner.tier),
        program.tier_name(tier)
    );
    // The decision's note is ours: kept with the values partners never read.
    record(
        tx,
        actor,
        now,
        Change {
            partner_id: Some(partner.id),
            entity_type: "partner",
            entity_id: partner.id,
            action: "tier_changed",
            summary,
            before: crate::snapshot(&serde_json::json!({ "tier": partner.tier })),
            after: crate::snapshot(&serde_json::json!({ "tier": tier, "note": note })),
        },
    )
    .await
}

/// One partner who would change tier under a proposed program.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SimulatedMove {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub current_tier: String,
    /// The tier it qualifies for under the program in force ("none" below the first tier).
    pub from: String,
    pub to: String,
    /// up, down or reclassified (its tier does not exist in the proposed program).
    pub direction: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CommitmentView {
    pub discount_exposure: String,
    pub mdf_allocation: String,
    /// (tier, partners)
    pub by_tier: Vec<(String, usize)>,
}

/// The what-if result: nothing is stored.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SimulationReport {
    pub program_version: i64,
    pub quarter: String,
    pub partners: usize,
    pub moves_up: usize,
    pub moves_down: usize,
    pub reclassified: usize,
    pub unchanged: usize,
    pub moves: Vec<SimulatedMove>,
    pub current: CommitmentView,
    pub proposed: CommitmentView,
    pub discount_exposure_change: String,
    pub mdf_allocation_change: String,
    /// Warnings the checker raised on the proposed file.
    pub warnings: Vec<String>,
}

fn signed_money(amount: rust_decimal::Decimal, currency: &str) -> String {
    let text = domain::program::evaluation::money(amount.abs(), currency);
    if amount.is_sign_negative() && !amount.is_zero() {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

impl Services {
    /// Evaluates every active partner under the program in force and under `source`, without
    /// storing anything. Internal users only; a file with errors is refused by line.
    pub async fn simulate_program(&self, actor: &Actor, source: &str) -> Result<SimulationReport> {
        actor.require(permissions::Action::ReadInternal)?;
        let proposed = crate::program::check(source)?;
        let warnings = domain::program::parse(source)
            .1
            .iter()
            .map(ToString::to_string)
            .collect();
        let (version, current) = self.program_in_force().await?;
        let quarter = crate::clock::current_quarter();
        let mut tx = self.db.read().await?;
        let book = crate::facts::sources::active_book(&mut tx, &current).await?;
        tx.commit().await?;
        let (partners, histories) = (book.partners, book.histories);
        let empty = Vec::new();
        let book: Vec<domain::program::simulation::SimPartner> = partners
            .iter()
            .map(|p| domain::program::simulation::SimPartner {
                name: p.display_name.clone(),
                facts: domain::program::history::facts_as_of(
                    histories.get(&p.id).unwrap_or(&empty),
                    quarter,
                ),
            })
            .collect();
        let result = domain::program::simulation::simulate(&current, &proposed, &book);
        use domain::program::simulation::Direction;
        let count = |d: Direction| result.moves.iter().filter(|m| m.direction == d).count();
        let currency = &proposed.currency;
        let commitment =
            |c: &domain::program::simulation::Commitment, currency: &str| CommitmentView {
                discount_exposure: domain::program::evaluation::money(
                    c.discount_exposure,
                    currency,
                ),
                mdf_allocation: domain::program::evaluation::money(c.mdf_allocation, currency),
                by_tier: c.by_tier.clone(),
            };
        Ok(SimulationReport {
            program_version: version,
            quarter: quarter.to_string(),
            partners: partners.len(),
            moves_up: count(Direction::Up),
            moves_down: count(Direction::Down),
            reclassified: count(Direction::Reclassified),
            unchanged: result.unchanged,
            moves: result
                .moves
                .iter()
                .map(|m| {
                    let p = &partners[m.partner];
                    SimulatedMove {
                        partner_id: p.id,
                        partner_name: p.display_name.clone(),
                        current_tier: current.tier_name(&p.tier).to_owned(),
                        from: m.from.clone().unwrap_or_else(|| "none".into()),
                        to: m.to.clone().unwrap_or_else(|| "none".into()),
                        direction: match m.direction {
                            Direction::Up => "up",
                            Direction::Down => "down",
                            Direction::Reclassified => "reclassified",
                        }
                        .into(),
                    }
                })
                .collect(),
            discount_exposure_change: signed_money(
                result.proposed.discount_exposure - result.current.discount_exposure,
                currency,
            ),
            mdf_allocation_change: signed_money(
                result.proposed.mdf_allocation - result.current.mdf_allocation,
                currency,
            ),
            current: commitment(&result.current, &current.currency),
            proposed: commitment(&result.proposed, currency),
            warnings,
        })
    }
}
