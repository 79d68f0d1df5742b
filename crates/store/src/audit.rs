//! The audit log: one row per change, written in the same transaction as the change.

use crate::{Read, Result, Sql, Write};
use domain::audit::AuditEvent;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    at: OffsetDateTime,
    actor_id: Option<Uuid>,
    actor_label: String,
    partner_id: Option<Uuid>,
    entity_type: String,
    entity_id: Uuid,
    action: String,
    summary: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> Self {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        AuditEvent {
            id: row.id,
            at: row.at,
            actor_id: row.actor_id,
            actor_label: row.actor_label,
            partner_id: row.partner_id,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            action: row.action,
            summary: row.summary,
            before: parse(row.before_json),
            after: parse(row.after_json),
        }
    }
}

pub async fn insert(tx: &mut Write, event: &AuditEvent) -> Result<()> {
    insert_many(tx, std::slice::from_ref(event)).await
}

/// Writes many events in a few statements (a batch of registrations, an import).
pub async fn insert_many(tx: &mut Write, events: &[AuditEvent]) -> Result<()> {
    const COLUMNS: &str = "id, at, actor_id, actor_label, partner_id, entity_type, entity_id, action, summary, \
         before_json, after_json";
    for chunk in events.chunks(500) {
        let mut query = Sql::new("INSERT INTO audit_events (");
        query
            .push(COLUMNS)
            .push(") VALUES ")
            .push_values(tx.backend(), 11, chunk.len());
        for event in chunk {
            query = query
                .arg(event.id)
                .arg(event.at)
                .arg(event.actor_id)
                .arg(&event.actor_label)
                .arg(event.partner_id)
                .arg(&event.entity_type)
                .arg(event.entity_id)
                .arg(&event.action)
                .arg(&event.summary)
                .arg(event.before.as_ref().map(|v| v.to_string()))
                .arg(event.after.as_ref().map(|v| v.to_string()));
        }
        tx.execute(query).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub partner_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub action: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Newest first: continue with events older than this id (ids are time-ordered).
    pub before_id: Option<Uuid>,
    pub limit: i64,
    /// Only events whose `entity_type:action` is one of these (a partner's view).
    pub only_kinds: Option<Vec<String>>,
}

pub async fn list(tx: &mut Read, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
    let mut query = Sql::new(
        "SELECT id, at, actor_id, actor_label, partner_id, entity_type, entity_id, action, summary, before_json, \
         after_json FROM audit_events WHERE 1 = 1",
    );
    if let Some(partner) = filter.partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    if let Some(actor) = filter.actor_id {
        query.push(" AND actor_id = ").push_bind(actor);
    }
    if let Some(entity_type) = &filter.entity_type {
        query
            .push(" AND entity_type = ")
            .push_bind(entity_type.as_str());
    }
    if let Some(entity) = filter.entity_id {
        query.push(" AND entity_id = ").push_bind(entity);
    }
    if let Some(action) = &filter.action {
        query.push(" AND action = ").push_bind(action.as_str());
    }
    if let Some(since) = filter.since {
        query.push(" AND at >= ").push_bind(since);
    }
    if let Some(until) = filter.until {
        query.push(" AND at < ").push_bind(until);
    }
    if let Some(before) = filter.before_id {
        query.push(" AND id < ").push_bind(before);
    }
    match &filter.only_kinds {
        Some(kinds) if kinds.is_empty() => {
            query.push(" AND 1 = 0");
        }
        Some(kinds) => {
            query
                .push(" AND entity_type || ':' || action IN ")
                .push_bind_list(kinds.iter().map(String::as_str));
        }
        None => {}
    }
    query
        .push(" ORDER BY id DESC LIMIT ")
        .push_bind(filter.limit);
    Ok(tx
        .all::<AuditRow>(query)
        .await?
        .into_iter()
        .map(AuditEvent::from)
        .collect())
}
