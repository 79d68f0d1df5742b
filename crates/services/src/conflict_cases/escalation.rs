//! The escalation ladder of unresolved conflict cases: the daily deal sweep moves each case
//! up when its SLA passes and announces each step once.

use domain::deals::cases::{self, Level};
use domain::roles::Role;

use crate::conflict_cases::cases::stage_of;
use crate::notifications;
use crate::{Actor, Change, Result, Services, record};

impl Services {
    /// Moves unresolved cases up the ladder (VP after `escalate_to_vp_days`, executives
    /// after `escalate_to_executives_days`), telling each level once: the VP step goes to the
    /// administrators (who own the program), the executive step to the executives.
    pub(crate) async fn escalate_conflict_cases(&self, actor: &Actor) -> Result<usize> {
        let (_, program) = self.program_in_force().await?;
        let now = store::now();
        let mut tx = self.db.write().await?;
        let mut escalated = 0;
        for mut case in store::deals::unresolved_cases(&mut tx).await? {
            let deadlines = cases::deadlines(case.created_at, &program.policies.slas);
            let level = cases::escalation_level(stage_of(&case)?, &deadlines, now);
            if level.rank() <= case.escalation_level {
                continue;
            }
            let read = case.clone();
            case.escalation_level = level.rank();
            store::deals::update_case(&mut tx, &case, &read).await?;
            let Some(deal) = store::deals::get(&mut tx, case.deal_id).await? else {
                continue;
            };
            let role = if level == Level::Executives {
                Role::Executive
            } else {
                Role::Admin
            };
            let owner = store::partners::get(&mut tx, deal.partner_id)
                .await?
                .and_then(|p| p.owner_id);
            let recipients = notifications::role_and_partner_team(&mut tx, role, owner).await?;
            let days = (now - case.created_at).whole_days();
            let message = format!(
                "Conflict case of {} ({}) unresolved for {days} days: escalated to the {}",
                deal.reference,
                deal.customer_name,
                if level == Level::Executives {
                    "executives"
                } else {
                    "VP"
                }
            );
            let link = format!("/deals/{}", deal.id);
            notifications::notify(
                &mut tx,
                &recipients,
                &store::notifications::NewNotification {
                    partner_id: Some(deal.partner_id),
                    kind: "conflict_escalated",
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
                    partner_id: Some(deal.partner_id),
                    entity_type: "conflict_case",
                    entity_id: case.id,
                    action: "escalated",
                    summary: message,
                    before: None,
                    after: None,
                },
            )
            .await?;
            escalated += 1;
        }
        tx.commit().await?;
        Ok(escalated)
    }
}
