//! Leads past their acceptance SLA: the daily deal sweep tells sales and the partner's team,
//! once.

use domain::roles::Role;

use crate::notifications;
use crate::{Actor, Change, Result, Services, record};

impl Services {
    /// Tells sales and the partner's team, once, about leads past their acceptance SLA.
    pub(crate) async fn flag_overdue_leads(&self, actor: &Actor) -> Result<usize> {
        let now = store::now();
        let mut tx = self.db.write().await?;
        let waiting = store::deals::leads(&mut tx, None, Some("submitted"), None, i64::MAX).await?;
        let mut flagged = 0;
        for mut lead in waiting
            .into_iter()
            .filter(|l| !l.overdue_flagged && now > l.accept_by)
        {
            let read = lead.updated_at;
            lead.overdue_flagged = true;
            lead.updated_at = now;
            store::deals::update_lead(&mut tx, &lead, read).await?;
            let owner = store::partners::get(&mut tx, lead.partner_id)
                .await?
                .and_then(|p| p.owner_id);
            let recipients =
                notifications::role_and_partner_team(&mut tx, Role::Sales, owner).await?;
            let message = format!(
                "{} ({}) is past its acceptance SLA ({})",
                lead.reference.clone(),
                lead.company,
                lead.accept_by.date()
            );
            let link = format!("/leads#lead-{}", lead.id);
            notifications::notify(
                &mut tx,
                &recipients,
                &store::notifications::NewNotification {
                    partner_id: Some(lead.partner_id),
                    kind: "lead_overdue",
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
                    partner_id: Some(lead.partner_id),
                    entity_type: "lead",
                    entity_id: lead.id,
                    action: "overdue",
                    summary: message,
                    before: None,
                    after: None,
                },
            )
            .await?;
            flagged += 1;
        }
        tx.commit().await?;
        Ok(flagged)
    }
}
