//! The demo's communication rhythm: last week's standup with a decision and an action item
//! still open, so this week's standup shows it carried over, and this month's sync.

use domain::rhythm::{DecisionForm, MeetingForm};
use store::rhythm::ActionRow;
use time::Duration;
use uuid::Uuid;

use crate::{Actor, Error, Result, Services};

impl Services {
    pub(super) async fn seed_demo_meetings(&self, pm_id: Uuid, admin_id: Uuid) -> Result<()> {
        let mut tx = self.db.read().await?;
        let pm = store::users::get(&mut tx, pm_id)
            .await?
            .ok_or(Error::NotFound)?;
        drop(tx);
        let pm = Actor::from_user(&pm);
        let today = pm.today();
        let meeting = |kind: &str, held_on: time::Date| MeetingForm {
            kind: kind.into(),
            held_on: held_on.to_string(),
            attendees: vec![pm_id.to_string(), admin_id.to_string()],
        };
        let last_week = self
            .create_meeting(&pm, &meeting("weekly_standup", today - Duration::days(7)))
            .await?;
        self.add_meeting_decision(
            &pm,
            last_week,
            &DecisionForm {
                text: "Review every stuck registration with its partner before Friday".into(),
            },
        )
        .await?;
        // Recorded at last week's standup, due two days ago: overdue now. A due day in the
        // past is refused today, so last week's recording is written as history.
        let mut tx = self.db.write().await?;
        let action = ActionRow {
            id: Uuid::now_v7(),
            meeting_id: last_week,
            body: "Call the partners whose registrations have gone quiet".into(),
            owner_id: pm_id,
            due_on: today - Duration::days(2),
            done_at: None,
            done_by: None,
            recorded_by: pm_id,
            recorded_at: store::now() - Duration::days(7),
        };
        store::rhythm::insert_action(&mut tx, &action).await?;
        tx.commit().await?;
        self.create_meeting(&pm, &meeting("weekly_standup", today))
            .await?;
        self.create_meeting(&pm, &meeting("monthly_sync", today))
            .await?;
        Ok(())
    }
}
