//! Reading the audit trail: the admin's audit log and each partner's timeline.

use crate::{Actor, Error, Page, PageRequest, Result, Services};
use domain::audit::AuditEvent;
use domain::permissions::Action;
use store::audit::AuditFilter;
use uuid::Uuid;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events about this partner.
    pub partner: String,
    /// Only events by this user id.
    pub actor: String,
    /// partner, contact, user, api_token
    pub entity_type: String,
    /// created, updated, stage_changed, archived, restored, disabled, enabled, ...
    pub action: String,
    /// Events at or after this date (YYYY-MM-DD, UTC).
    pub since: String,
    /// Events before this date (YYYY-MM-DD, UTC).
    pub until: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

fn parse_date(v: &mut domain::Validation, field: &str, text: &str) -> Option<time::OffsetDateTime> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match domain::validation::date(text) {
        Ok(date) => Some(date.midnight().assume_utc()),
        Err(e) => {
            v.add(field, e);
            None
        }
    }
}

fn parse_id(v: &mut domain::Validation, field: &str, text: &str) -> Option<Uuid> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Uuid::parse_str(text)
        .map_err(|_| v.add(field, format!("'{text}' is not an id")))
        .ok()
}

impl AuditQuery {
    fn to_filter(&self) -> Result<AuditFilter> {
        let mut v = domain::Validation::new();
        let page = crate::paging::check::<Uuid>(&mut v, &self.cursor, self.limit);
        let filter = AuditFilter {
            partner_id: parse_id(&mut v, "partner", &self.partner),
            actor_id: parse_id(&mut v, "actor", &self.actor),
            entity_type: Some(self.entity_type.trim().to_owned()).filter(|s| !s.is_empty()),
            entity_id: None,
            action: Some(self.action.trim().to_owned()).filter(|s| !s.is_empty()),
            since: parse_date(&mut v, "since", &self.since),
            until: parse_date(&mut v, "until", &self.until),
            before_id: page.after,
            limit: page.limit,
            only_kinds: None,
        };
        v.into_result().map_err(Error::Invalid)?;
        Ok(filter)
    }
}

fn page(items: Vec<AuditEvent>, limit: i64) -> Page<AuditEvent> {
    PageRequest::<Uuid>::first(limit).page(items, |e| e.id)
}

impl Services {
    /// The whole audit log, newest first, for admins.
    pub async fn audit_log(&self, actor: &Actor, query: &AuditQuery) -> Result<Page<AuditEvent>> {
        actor.require(Action::ReadAuditLog)?;
        let filter = query.to_filter()?;
        let mut tx = self.db.read().await?;
        let items = store::audit::list(&mut tx, &filter).await?;
        Ok(page(items, filter.limit))
    }

    /// What happened to one partner, newest first. Partner users see what happened, not the
    /// before/after values, which may hold internal notes.
    pub async fn partner_timeline(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        cursor: &str,
        limit: Option<i64>,
    ) -> Result<Page<AuditEvent>> {
        self.get_partner(actor, partner_id).await?;
        let query = AuditQuery {
            cursor: cursor.into(),
            limit,
            ..Default::default()
        };
        let mut filter = query.to_filter()?;
        filter.partner_id = Some(partner_id);
        if !actor.is_internal() {
            filter.only_kinds = Some(domain::audit::partner_timeline_keys());
        }
        let mut tx = self.db.read().await?;
        let mut items = store::audit::list(&mut tx, &filter).await?;
        let colleagues: std::collections::HashSet<Uuid> = if actor.is_internal() {
            Default::default()
        } else {
            store::users::list(&mut tx, Some(partner_id))
                .await?
                .into_iter()
                .map(|u| u.id)
                .collect()
        };
        drop(tx);
        if !actor.is_internal() {
            for event in &mut items {
                // The before/after values may hold internal notes: a partner reads what
                // happened, and who of its own did it; our people are the team.
                event.before = None;
                event.after = None;
                if !event.actor_id.is_some_and(|id| colleagues.contains(&id)) {
                    event.actor_id = None;
                    event.actor_label = crate::names::OUR_TEAM.into();
                }
            }
        }
        Ok(page(items, filter.limit))
    }
}
