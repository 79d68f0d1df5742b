//! The pipeline page with its snapshots, and the registration page's pipeline form.

use crate::AppState;
use crate::auth::PageAuth;
use crate::deal_page::deal_result;
use crate::extract::{Form, PageId};
use crate::layout::Layout;
use crate::respond::{PageResult, render, report_download, see_other, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
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
    sections: Vec<Breakdown>,
}

/// The partners shown on the page: the largest by weighted value. A program has thousands
/// with open deals; the downloads list every one.
const PARTNERS_SHOWN: usize = 25;

/// One breakdown of the open pipeline: a line per key, by label.
struct Breakdown {
    title: &'static str,
    rows: Vec<(String, domain::deals::pipeline::Line)>,
    /// Said under the table when it shows only some of the lines.
    more: Option<String>,
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
    let whole = |title, rows| Breakdown {
        title,
        rows,
        more: None,
    };
    let mut sections = vec![
        whole(
            "Quarter of expected close",
            rows(&s.by_quarter, &|k| k.to_owned()),
        ),
        whole(
            "Forecast category",
            rows(&s.by_forecast, &crate::format::label::<ForecastCategory>),
        ),
        whole(
            "Tier",
            rows(&s.by_tier, &|k| program.tier_name(k).to_owned()),
        ),
    ];
    if auth.actor.may(Action::ReadInternal) {
        sections.push(largest_partners(rows(&s.by_partner, &|k| k.to_owned())));
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

/// The [`PARTNERS_SHOWN`] partners with the largest weighted value (then by name), and how
/// many more the downloads hold.
fn largest_partners(mut rows: Vec<(String, domain::deals::pipeline::Line)>) -> Breakdown {
    rows.sort_by(|(a_name, a), (b_name, b)| b.weighted.cmp(&a.weighted).then(a_name.cmp(b_name)));
    let all = rows.len();
    rows.truncate(PARTNERS_SHOWN);
    Breakdown {
        title: "Partner",
        more: (all > PARTNERS_SHOWN).then(|| {
            format!(
                "The {PARTNERS_SHOWN} largest by weighted value of {}; the downloads list every one.",
                crate::format::count(&all, "partner")
            )
        }),
        rows,
    }
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
    PageId(id): PageId,
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

#[cfg(test)]
mod tests {
    use super::*;
    use domain::deals::pipeline::Line;
    use rust_decimal::Decimal;

    #[test]
    fn the_page_shows_the_25_largest_partners_and_says_how_many_more() {
        // Partner 0 weighs 0, partner 1 weighs 1 … partner 26 weighs 26; "Tie" weighs 26 too.
        let line = |weighted: i64| Line {
            deals: 1,
            value: Decimal::new(weighted * 2, 0),
            weighted: Decimal::new(weighted, 0),
        };
        let mut rows: Vec<(String, Line)> = (0..27)
            .map(|n| (format!("Partner {n:02}"), line(n)))
            .collect();
        rows.push(("Tie".to_owned(), line(26)));
        let shown = largest_partners(rows);
        let names: Vec<&str> = shown.rows.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names.len(), 25);
        assert_eq!(names[..3], ["Partner 26", "Tie", "Partner 25"]);
        assert_eq!(names[24], "Partner 03");
        assert_eq!(
            shown.more.as_deref(),
            Some("The 25 largest by weighted value of 28 partners; the downloads list every one.")
        );

        let few = largest_partners(vec![("Only".to_owned(), line(5))]);
        assert_eq!(few.rows.len(), 1);
        assert_eq!(few.more, None);
    }
}
