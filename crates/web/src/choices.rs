//! Choices forms offer that come from records: the partners a form may name.

use crate::AppState;
use crate::layout::Opt;
use crate::respond::service_error;
use axum::response::Response;
use services::Actor;

/// Every partner the actor sees, by name, as options; `chosen` (an id) is selected.
pub(crate) async fn partner_options(
    state: &AppState,
    actor: &Actor,
    chosen: &str,
) -> Result<Vec<Opt>, Response> {
    let query = services::partners::PartnerQuery {
        limit: Some(services::MAX_PAGE),
        ..Default::default()
    };
    Ok(state
        .services
        .list_partners(actor, &query)
        .await
        .map_err(service_error)?
        .items
        .into_iter()
        .map(|p| Opt {
            selected: p.id.to_string() == chosen.trim(),
            value: p.id.to_string(),
            label: p.display_name,
        })
        .collect())
}
