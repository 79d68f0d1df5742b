//! The audit log page: filters, and each event with the fields it changed.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::query_or_errors;
use crate::layout::{Errors, EventView, Layout};
use crate::respond::{PageResult, page_or_errors, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use services::audit::AuditQuery;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/audit", get(audit_page))
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    layout: Layout,
    query: AuditQuery,
    events: Vec<AuditRowView>,
    next_link: Option<String>,
    errors: Errors,
}

pub struct AuditRowView {
    pub event: EventView,
    pub entity: String,
    pub action: String,
    pub partner_link: Option<String>,
    pub changes: Vec<domain::audit::FieldChange>,
}

async fn audit_page(
    State(state): State<AppState>,
    auth: PageAuth,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (query, mut errors) = query_or_errors(query, "limit");
    let page = page_or_errors(
        state.services.audit_log(&auth.actor, &query).await,
        &mut errors,
    )?;
    let next_link = page.next_cursor.map(|cursor| {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("partner", &query.partner),
            ("actor", &query.actor),
            ("entity_type", &query.entity_type),
            ("action", &query.action),
            ("since", &query.since),
            ("until", &query.until),
        ] {
            if !v.is_empty() {
                pairs.append_pair(k, v);
            }
        }
        pairs.append_pair("cursor", &cursor);
        format!("/audit?{}", pairs.finish())
    });
    let zone = auth.zone();
    let events = page
        .items
        .iter()
        .map(|e| AuditRowView {
            event: EventView::from(e, &zone),
            entity: format!("{} {}", crate::format::words(&e.entity_type), e.entity_id),
            action: e.action.clone(),
            partner_link: e.partner_id.map(|p| format!("/partners/{p}")),
            changes: match (&e.before, &e.after) {
                (Some(b), Some(a)) => domain::audit::field_changes(b, a),
                _ => Vec::new(),
            },
        })
        .collect();
    Ok(render(AuditPage {
        layout: auth.layout("Audit log"),
        query,
        events,
        next_link,
        errors: Errors::from(errors),
    }))
}
