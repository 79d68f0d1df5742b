//! Tier proposals: the queue of proposals the evaluation raised, and managers' decisions on
//! them (or a tier set by hand) — the only way a partner's tier changes.

use domain::permissions;
use domain::program::Program;
use store::proposals::{ProposalRow, ProposalWithPartner};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

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
    /// The proposals queue: those in play (`status` empty or "in_play"), oldest first, or the
    /// decided ones ("decided"), newest decision first. Internal users only.
    pub async fn tier_proposals(
        &self,
        actor: &Actor,
        status: &str,
        page: &PageRequest<(OffsetDateTime, Uuid)>,
    ) -> Result<Page<TierProposal>> {
        actor.require(permissions::Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let (after, limit) = (page.after, page.limit);
        let rows = match status.trim() {
            "" | "in_play" => page.page(
                store::proposals::with_status(&mut tx, &["open", "notice"], after, limit).await?,
                |r| (r.proposal.created_at, r.proposal.id),
            ),
            "decided" => page.page(
                store::proposals::recently_decided(&mut tx, after, limit).await?,
                |r| (r.proposal.updated_at, r.proposal.id),
            ),
            other => {
                return Err(Error::field(
                    "status",
                    format!("'{other}' is not one of: in_play, decided"),
                ));
            }
        };
        Ok(rows.map(|r| view(r, &program)))
    }

    /// One partner's proposals, newest first (partners see their own).
    pub async fn partner_proposals(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        page: &PageRequest<(OffsetDateTime, Uuid)>,
    ) -> Result<Page<TierProposal>> {
        self.get_partner(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows =
            store::proposals::for_partner_before(&mut tx, partner_id, page.after, page.limit)
                .await?;
        drop(tx);
        Ok(page
            .page(rows, |r| (r.proposal.created_at, r.proposal.id))
            .map(|r| view(r, &program))
            .map(|mut proposal| {
                // Why a manager decided as they did is ours; the partner sees the decision,
                // made by our team.
                if !actor.is_internal() {
                    proposal.decision_note = String::new();
                    proposal.decided_by = proposal
                        .decided_by
                        .map(|who| crate::names::ours(actor, who));
                }
                proposal
            }))
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
    tx: &mut store::Read,
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
    tx: &mut store::Write,
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
