//! The SLA sweep over open work items: the assignee (or, unassigned, the queue team's
//! members) hears once when an item becomes due soon and once when it is breached. The
//! warning sent is recorded with a conditional write on the item's `warned` column in the
//! warning's transaction, so two sweeps running at once never warn twice.

use domain::validation::Choice;
use domain::work::{Warned, warning_due};
use time::OffsetDateTime;
use uuid::Uuid;

use super::hooks::team_members;
use super::views::{calendar, checklist_days, item_state, named};
use crate::{Result, Services, notifications};

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct WorkSweep {
    /// Open items looked at.
    pub checked: u64,
    pub warned_due_soon: u64,
    pub warned_breached: u64,
}

const BATCH: i64 = 1_000;

impl Services {
    pub async fn sweep_work_items(&self, now: OffsetDateTime) -> Result<WorkSweep> {
        let (_, program) = self.program_in_force().await?;
        let calendar = calendar(&program)?;
        let mut report = WorkSweep::default();
        let mut after: Option<Uuid> = None;
        loop {
            let mut read = self.db.read().await?;
            let rows = store::work::to_warn_batch(&mut read, after, BATCH).await?;
            let days = checklist_days(&mut read, &rows).await?;
            drop(read);
            after = rows.last().map(|r| r.id);
            report.checked += rows.len() as u64;
            let mut due = Vec::new();
            for row in &rows {
                let warned = Warned::parse(&row.warned).unwrap_or(Warned::Nothing);
                let state = item_state(row, &days, &program, &calendar, now)?;
                if let Some(to) = warning_due(&state, warned) {
                    due.push((row, warned, to));
                }
            }
            if !due.is_empty() {
                let mut tx = self.db.write().await?;
                for (row, from, to) in due {
                    if !store::work::set_warned(&mut tx, row.id, from.as_str(), to.as_str()).await?
                    {
                        continue;
                    }
                    let recipients = match row.assignee_id {
                        Some(assignee) => vec![assignee],
                        None => match domain::teams::parse(&row.team) {
                            Some(team) => team_members(&mut tx, team).await?,
                            None => Vec::new(),
                        },
                    };
                    let record = named(&mut tx, row).await?;
                    let message = match to {
                        Warned::Breached => format!("Past due: {record}"),
                        _ => format!("Due soon: {record}"),
                    };
                    let link = format!("/work/{}", row.id);
                    notifications::notify(
                        &mut tx,
                        &recipients,
                        &store::notifications::NewNotification {
                            partner_id: None,
                            kind: "work_item_sla",
                            message: &message,
                            link: &link,
                        },
                        now,
                    )
                    .await?;
                    match to {
                        Warned::Breached => report.warned_breached += 1,
                        _ => report.warned_due_soon += 1,
                    }
                }
                tx.commit().await?;
            }
            if (rows.len() as i64) < BATCH {
                return Ok(report);
            }
        }
    }
}
