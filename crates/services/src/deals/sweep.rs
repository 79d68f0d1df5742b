//! The registrations' part of the daily deal sweep: protections expire or are warned about,
//! and decisions past their SLA are flagged. The whole sweep (leads and health scores too)
//! is `Services::run_deal_sweep`, in `crate::jobs`.

use domain::deals::registration::{self, Status};
use domain::validation::Choice;

use crate::deals::cache::{conflict_row, known};
use crate::notifications;
use crate::{Actor, Change, Result, Services, record};

pub const DEAL_SWEEP: &str = "deal_registration_sweep";

impl Services {
    /// The registrations' part of the daily sweep (`Services::run_deal_sweep`): protections
    /// that ended expire, partners are warned before their protection ends (at the policy's
    /// days, once each), and undecided registrations past their decision SLA are flagged to
    /// the partner's team once. Returns how many (expired, warned, overdue).
    pub(crate) async fn sweep_registrations(
        &self,
        actor: &Actor,
        now: time::OffsetDateTime,
    ) -> Result<(usize, usize, usize)> {
        let (_, program) = self.program_in_force().await?;
        let policy = &program.policies.deal_registration;
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
                let Some(until) = before.protected_until else {
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
                let Some(due) = before.decision_due else {
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
        Ok((expired, warned, overdue))
    }
}
