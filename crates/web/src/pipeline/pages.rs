//! The pipeline page with its snapshots, and the registration page's pipeline form.

use crate::AppState;
use crate::auth::PageAuth;
use crate::deal_page::deal_result;
use crate::extract::Form;
use crate::layout::Layout;
use crate::respond::{PageResult, render, report_download, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use domain::deals::registration::ForecastCategory;
use domain::permissions::Action;
use services::deals::PipelineInput;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/pipeline", get(pipeline_page))
        .route("/pipeline/export", get(export))
        .route("/pipeline/snapshots", post(take_snapshot))
        .route("/deals/{id}/pipeline", post(update_pipeline))
}

#[derive(Template)]
#[template(path = "pipeline/pipeline.html")]
struct PipelinePage {
    layout: Layout,
    csrf_token: String,
    s: domain::deals::pipeline::PipelineSummary,
    snapshots: Vec<services::pipeline::SnapshotView>,
    can_snapshot: bool,
    /// The download links of these figures (the partner filter kept).
    csv_link: String,
    xlsx_link: String,
    /// (label, rows) of the breakdowns.
    sections: Vec<(&'static str, Vec<(String, domain::deals::pipeline::Line)>)>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PipelineParams {
    partner: String,
}

async fn pipeline_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(params): Query<PipelineParams>,
) -> PageResult {
    let partner = Uuid::parse_str(params.partner.trim()).ok();
    let download = |format: &str| match partner {
        Some(id) => format!("/pipeline/export?format={format}&partner={id}"),
        None => format!("/pipeline/export?format={format}"),
    };
    let s = state
        .services
        .pipeline(&auth.actor, partner)
        .await
        .map_err(service_error)?;
    let snapshots = if auth.actor.may(Action::ReadInternal) {
        state
            .services
            .forecast_snapshots(&auth.actor, &services::PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
    } else {
        Vec::new()
    };
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    // Rows are shown by their labels: forecast categories and tier keys are stored keys.
    let rows = |map: &std::collections::BTreeMap<String, domain::deals::pipeline::Line>,
                shown: &dyn Fn(&str) -> String| {
        map.iter()
            .map(|(k, v)| (shown(k), v.clone()))
            .collect::<Vec<_>>()
    };
    let mut sections = vec![
        (
            "Quarter of expected close",
            rows(&s.by_quarter, &|k| k.to_owned()),
        ),
        (
            "Forecast category",
            rows(&s.by_forecast, &crate::format::label::<ForecastCategory>),
        ),
        (
            "Tier",
            rows(&s.by_tier, &|k| program.tier_name(k).to_owned()),
        ),
    ];
    if auth.actor.may(Action::ReadInternal) {
        sections.push(("Partner", rows(&s.by_partner, &|k| k.to_owned())));
    }
    let view = PipelinePage {
        layout: auth.layout("Pipeline"),
        csrf_token: auth.csrf_token.clone(),
        can_snapshot: auth.actor.may(Action::ManageDeals),
        csv_link: download("csv"),
        xlsx_link: download("xlsx"),
        s,
        snapshots,
        sections,
    };
    Ok(render(view))
}

/// The page's figures as a CSV or XLSX file (`format`), for the same partner filter.
async fn export(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(format): Query<crate::respond::FormatParam>,
    Query(params): Query<PipelineParams>,
) -> PageResult {
    let partner = Uuid::parse_str(params.partner.trim()).ok();
    let table = state.services.pipeline_table(&auth.actor, partner);
    report_download("pipeline", &format.format, table)
        .await
        .map_err(service_error)
}

async fn take_snapshot(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    state
        .services
        .take_forecast_snapshot(&auth.actor)
        .await
        .map_err(service_error)?;
    Ok(see_other("/pipeline#snapshots"))
}

async fn update_pipeline(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: PipelineInput = form.input(&[])?;
    let result = state
        .services
        .update_pipeline(&auth.actor, id, &input)
        .await;
    deal_result(&state, &auth, id, result).await
}
