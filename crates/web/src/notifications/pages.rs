//! The notifications page: the list (all or unread) and marking one or all read.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, query_or_errors};
use crate::format::moment;
use crate::layout::{Errors, Layout};
use crate::respond::{PageResult, page_or_errors, render, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(notifications_page))
        .route("/notifications/read", post(read_notifications))
}

#[derive(Template)]
#[template(path = "notifications/notifications.html")]
struct NotificationsPage {
    layout: Layout,
    csrf_token: String,
    unread_only: bool,
    any_unread: bool,
    items: Vec<NotificationRowView>,
    errors: Errors,
    next_link: Option<String>,
}

struct NotificationRowView {
    id: Uuid,
    when: String,
    message: String,
    link: String,
    read: bool,
}

async fn notifications_page(
    State(state): State<AppState>,
    auth: PageAuth,
    query: Result<
        Query<services::notifications::NotificationQuery>,
        axum::extract::rejection::QueryRejection,
    >,
) -> PageResult {
    let (query, mut errors) = query_or_errors(query, "limit");
    let page = page_or_errors(
        state.services.notifications(&auth.actor, &query).await,
        &mut errors,
    )?;
    let zone = auth.zone();
    let next_link = page.next_cursor.map(|cursor| {
        format!(
            "/notifications?{}cursor={cursor}",
            if query.unread { "unread=true&" } else { "" }
        )
    });
    let view = NotificationsPage {
        layout: auth.layout("Notifications"),
        csrf_token: auth.csrf_token.clone(),
        unread_only: query.unread,
        any_unread: page.items.iter().any(|n| !n.read),
        items: page
            .items
            .into_iter()
            .map(|n| NotificationRowView {
                id: n.id,
                when: moment(&n.created_at, &zone),
                message: n.message,
                link: n.link,
                read: n.read,
            })
            .collect(),
        errors: Errors::from(errors),
        next_link,
    };
    Ok(render(view))
}

async fn read_notifications(
    State(state): State<AppState>,
    auth: PageAuth,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let id = form.get("id");
    let one = Uuid::parse_str(&id).ok().map(|id| [id]);
    if !id.is_empty() && one.is_none() {
        return Err(service_error(services::Error::NotFound));
    }
    state
        .services
        .mark_notifications_read(&auth.actor, one.as_ref().map(|ids| &ids[..]))
        .await
        .map_err(service_error)?;
    Ok(see_other("/notifications"))
}
