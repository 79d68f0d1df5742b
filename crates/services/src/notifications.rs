//! Notifications: what the system tells one person (a renewal reminder to the certified
//! person and their partner admins, a tier at risk to the partner's manager, …), listed on
//! the person's notifications page and counted in the navigation until read.

use store::notifications::NewNotification;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Actor, Change, Page, PageQuery, Result, Services, record};
use domain::roles::Role;

/// Sends one notification to each of `users` (each once), and queues its mail in the same
/// transaction.
pub(crate) async fn notify(
    tx: &mut store::Write,
    users: &[Uuid],
    notification: &NewNotification<'_>,
    at: OffsetDateTime,
) -> Result<()> {
    let mut sent = std::collections::HashSet::new();
    let addressed: Vec<(Uuid, &NewNotification)> = users
        .iter()
        .filter(|user| sent.insert(**user))
        .map(|user| (*user, notification))
        .collect();
    store::notifications::insert_many(tx, &addressed, at).await?;
    let users: Vec<Uuid> = addressed.iter().map(|(user, _)| *user).collect();
    crate::mail::enqueue(
        tx,
        &users,
        notification.kind,
        notification.message,
        notification.link,
        at,
    )
    .await?;
    Ok(())
}

/// Tells `users` of a change (each once; none is fine) and records the change in the audit
/// log, both in the change's transaction, so only the writer that wins does either.
pub(crate) async fn notify_and_record(
    tx: &mut store::Write,
    actor: &Actor,
    users: &[Uuid],
    notification: &NewNotification<'_>,
    change: Change<'_>,
    at: OffsetDateTime,
) -> Result<()> {
    if !users.is_empty() {
        notify(tx, users, notification, at).await?;
    }
    record(tx, actor, at, change).await
}

/// The enabled partner admins of a partner organisation.
pub(crate) async fn partner_admins(tx: &mut store::Read, partner_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(
        store::users::active_with_role(tx, Role::PartnerAdmin, Some(partner_id))
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect(),
    )
}

/// Everyone active in an internal `role`, and who looks after the partner (its owner, or
/// every partner manager): who hears of leads, overdue leads and escalated conflicts.
pub(crate) async fn role_and_partner_team(
    tx: &mut store::Read,
    role: Role,
    owner: Option<Uuid>,
) -> Result<Vec<Uuid>> {
    let mut recipients: Vec<Uuid> = store::users::active_with_role(tx, role, None)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    recipients.extend(partner_team(tx, owner).await?);
    Ok(recipients)
}

/// The portal account of one of the partner's people, found by email.
pub(crate) async fn person(
    tx: &mut store::Read,
    partner_id: Uuid,
    email: Option<&str>,
) -> Result<Option<Uuid>> {
    let Some(email) = email else {
        return Ok(None);
    };
    Ok(store::users::get_by_email(tx, email)
        .await?
        .filter(|u| u.partner_id == Some(partner_id) && u.disabled_at.is_none())
        .map(|u| u.id))
}

/// Who looks after a partner on our side: its owner, or every partner manager when it has
/// none.
pub(crate) async fn partner_team(tx: &mut store::Read, owner: Option<Uuid>) -> Result<Vec<Uuid>> {
    if let Some(owner) = owner
        && store::users::get(tx, owner)
            .await?
            .is_some_and(|u| u.disabled_at.is_none())
    {
        return Ok(vec![owner]);
    }
    Ok(
        store::users::active_with_role(tx, Role::PartnerManager, None)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect(),
    )
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    pub partner_id: Option<Uuid>,
    /// renewal_reminder, tier_at_risk, …
    pub kind: String,
    pub message: String,
    /// A portal path to what it is about.
    pub link: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub read: bool,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: bool,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

impl Services {
    /// The asking person's notifications, newest first.
    pub async fn notifications(
        &self,
        actor: &Actor,
        query: &NotificationQuery,
    ) -> Result<Page<NotificationView>> {
        let page = PageQuery {
            cursor: query.cursor.clone(),
            limit: query.limit,
        }
        .request::<Uuid>()?;
        let Some(user) = actor.user_id else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let mut tx = self.db.read().await?;
        let rows =
            store::notifications::list(&mut tx, user, query.unread, page.after, page.limit).await?;
        drop(tx);
        Ok(page.page(rows, |n| n.id).map(|n| NotificationView {
            id: n.id,
            partner_id: n.partner_id,
            kind: n.kind,
            message: n.message,
            link: n.link,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }))
    }

    /// How many of the asking person's notifications are unread.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<i64> {
        let Some(user) = actor.user_id else {
            return Ok(0);
        };
        let mut tx = self.db.read().await?;
        let n = store::notifications::unread_count(&mut tx, user).await?;
        Ok(n)
    }

    /// Marks the asking person's notifications read: the given ones, or all when None.
    /// Another person's notification ids are ignored.
    pub async fn mark_notifications_read(
        &self,
        actor: &Actor,
        ids: Option<&[Uuid]>,
    ) -> Result<u64> {
        let Some(user) = actor.user_id else {
            return Ok(0);
        };
        let mut tx = self.db.write().await?;
        let n = store::notifications::mark_read(&mut tx, user, ids, store::now()).await?;
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use domain::users::NewUserInput;
    use store::Backend;
    use store::testing::TestDb;

    /// The outbox is written in the change's transaction: a change that fails after telling
    /// someone leaves neither the notification nor its mail behind.
    #[tokio::test]
    async fn a_rolled_back_change_tells_and_mails_nobody() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let test = TestDb::new(backend).await;
            let services = Services::new(test.db.clone(), Config::default());
            let input = NewUserInput {
                email: "pm@vendor.test".into(),
                name: "Pat Manager".into(),
                role: "partner_manager".into(),
                partner_id: None,
                password: "a long enough password".into(),
            };
            let pm = services
                .create_user(&Actor::system("test"), &input)
                .await
                .unwrap();
            let lead = NewNotification {
                partner_id: None,
                kind: "lead_submitted",
                message: "Lead L-000001 submitted",
                link: "/leads",
            };
            let told = async |commit: bool| {
                let mut tx = services.db.write().await.unwrap();
                notify(&mut tx, &[pm.id], &lead, store::now())
                    .await
                    .unwrap();
                if commit {
                    tx.commit().await.unwrap();
                }
                let mut read = services.db.read().await.unwrap();
                let unread = store::notifications::unread_count(&mut read, pm.id)
                    .await
                    .unwrap();
                let queued = store::outbox::count_in_state(&mut read, "queued")
                    .await
                    .unwrap();
                (unread, queued)
            };
            assert_eq!(told(false).await, (0, 0), "{backend:?}: rolled back");
            assert_eq!(told(true).await, (1, 1), "{backend:?}: committed");
        }
    }
}
