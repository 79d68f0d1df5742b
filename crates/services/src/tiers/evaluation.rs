//! The tier evaluation of every partner: each active partner's trailing quarters against the
//! progression policy of the program in force, raising, advancing or closing proposals. It
//! never changes a tier itself (`tiers::proposals` does, by a manager's decision).

use std::collections::HashMap;

use domain::permissions;
use domain::program::progression::{self, Action, Active, ProposalKind, Situation};
use store::proposals::ProposalRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Actor, Change, Error, Result, Services, record};

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
}
