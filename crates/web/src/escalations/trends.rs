//! Quarterly escalation trends: the page (a chart of the last four quarters, their table and
//! the asked quarter's breakdowns, every count linking to the cases behind it), its download
//! and the API.

use crate::AppState;
use crate::auth::{ApiAuth, PageAuth};
use crate::charts::{self, Period};
use crate::extract::ApiQuery;
use crate::format;
use crate::layout::{Errors, Layout};
use crate::problem::Problem;
use crate::respond::{ApiResult, FormatParam, PageResult, render, report_download, service_error};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::program::policy::Clock;
use domain::validation::Choice;
use rust_decimal::Decimal;
use services::escalations::{QuarterTrend, TrendsQuery, TrendsView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/escalations/trends", get(trends_page))
        .route("/escalations/trends/export", get(trends_download))
}

/// Routes under `/api/v1`, each with its OpenAPI path.
pub(crate) fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(escalation_trends))
        .routes(routes!(escalation_trends_export))
}

/// The case list filtered to what a figure counts.
fn cases_link(quarter: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("quarter", quarter);
    for (key, value) in pairs {
        query.append_pair(key, value);
    }
    format!("/escalations?{}", query.finish())
}

/// A figure and, where the list can show its cases, the link to them.
struct Linked {
    label: String,
    value: String,
    link: Option<String>,
}

/// One quarter's row of the table.
struct QuarterRow {
    quarter: String,
    cases: Linked,
    response: String,
    resolution: String,
    response_breaches: String,
    resolution_breaches: String,
    breached: Linked,
    repeat_partners: String,
    reviews_missing: Linked,
}

fn spread(median: Option<Decimal>, p90: Option<Decimal>, unit: &str, cases: u64) -> String {
    match (median, p90) {
        (Some(median), Some(p90)) => format!(
            "{} (p90 {}; {})",
            format::count_decimal(&median, unit),
            format::count_decimal(&p90, unit),
            format::count(&(cases as usize), "case")
        ),
        _ => "No data yet".into(),
    }
}

fn count(n: u64) -> String {
    format::number(&(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn row(q: &QuarterTrend) -> QuarterRow {
    QuarterRow {
        quarter: q.quarter.clone(),
        cases: Linked {
            label: String::new(),
            value: count(q.cases),
            link: Some(cases_link(&q.quarter, &[])),
        },
        response: spread(
            q.response_hours.median,
            q.response_hours.p90,
            "hour",
            q.response_hours.cases,
        ),
        resolution: spread(
            q.resolution_days.median,
            q.resolution_days.p90,
            "day",
            q.resolution_days.cases,
        ),
        response_breaches: count(q.response_breaches),
        resolution_breaches: count(q.resolution_breaches),
        breached: Linked {
            label: String::new(),
            value: count(q.breached_cases),
            link: Some(cases_link(&q.quarter, &[("breached", "true")])),
        },
        repeat_partners: count(q.repeat_partners.len() as u64),
        reviews_missing: Linked {
            label: String::new(),
            value: count(q.reviews_missing),
            link: Some(cases_link(&q.quarter, &[("unreviewed", "true")])),
        },
    }
}

/// Which clock counts what, in words.
fn clocks_note(view: &TrendsView) -> String {
    let of = |clock: Clock| clock.label().to_lowercase();
    let responses: Vec<String> = view
        .clocks
        .iter()
        .filter(|c| c.target != "resolution")
        .map(|c| format!("{} in {}", c.target.to_uppercase(), of(c.clock)))
        .collect();
    let resolution = view
        .clocks
        .iter()
        .find(|c| c.target == "resolution")
        .map(|c| match c.clock {
            Clock::Business => "working days (the business calendar's working day each)",
            Clock::Calendar => "calendar days of 24 hours",
        })
        .unwrap_or_default();
    format!(
        "Time to first response runs from submission to the first acknowledgement, counted by \
         each case's response clock: {}. Time to resolution runs from submission to the \
         resolution, the time waiting on the partner left out, in {resolution}; the target is \
         {}. Medians and 90th percentiles interpolate between the closest ranks.",
        responses.join(", "),
        format::count(&(view.resolution_target_days as usize), "day")
    )
}

#[derive(Template)]
#[template(path = "escalations/trends.html")]
struct TrendsPage {
    layout: Layout,
    quarter: String,
    errors: Errors,
    /// None when the quarter asked for is not one.
    shown: Option<Shown>,
}

struct Shown {
    charts: Vec<String>,
    rows: Vec<QuarterRow>,
    by_category: Vec<Linked>,
    by_urgency: Vec<Linked>,
    repeat_partners: Vec<Linked>,
    clocks: String,
    previous: String,
}

fn shown(view: &TrendsView) -> Shown {
    let points = |value: &dyn Fn(&QuarterTrend) -> Option<Decimal>, unit: &str| -> Vec<Period> {
        view.quarters
            .iter()
            .map(|q| Period {
                label: q.quarter.clone(),
                value: value(q),
                shown: value(q).map_or("no data yet".into(), |v| format::count_decimal(&v, unit)),
            })
            .collect()
    };
    let last = view.quarters.last();
    let breakdown = |key: &str, counts: &[services::escalations::KeyCount]| -> Vec<Linked> {
        counts
            .iter()
            .map(|c| Linked {
                label: c.label.clone(),
                value: count(c.cases),
                link: Some(cases_link(&view.quarter, &[(key, c.key.as_str())])),
            })
            .collect()
    };
    let quarter = domain::quarter::Quarter::parse(&view.quarter).ok();
    Shown {
        charts: vec![
            charts::trend(
                "cases-trend",
                &format!("Cases submitted, the four quarters to {}", view.quarter),
                &points(&|q| Some(Decimal::from(q.cases)), "case"),
                &|v| format::count_decimal(&v, "case"),
            ),
            charts::trend(
                "resolution-trend",
                &format!(
                    "Median days to resolution, the four quarters to {}",
                    view.quarter
                ),
                &points(&|q| q.resolution_days.median, "day"),
                &|v| format::count_decimal(&v, "day"),
            ),
        ],
        rows: view.quarters.iter().map(row).collect(),
        by_category: last.map_or(Vec::new(), |q| breakdown("category", &q.by_category)),
        by_urgency: last.map_or(Vec::new(), |q| breakdown("urgency", &q.by_urgency)),
        repeat_partners: last.map_or(Vec::new(), |q| {
            q.repeat_partners
                .iter()
                .map(|p| Linked {
                    label: p.name.clone(),
                    value: count(p.cases),
                    link: Some(cases_link(
                        &view.quarter,
                        &[("partner_id", &p.partner_id.to_string())],
                    )),
                })
                .collect()
        }),
        clocks: clocks_note(view),
        previous: quarter
            .map(|q| q.previous().to_string())
            .unwrap_or_default(),
    }
}

async fn trends_page(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<TrendsQuery>,
) -> PageResult {
    match state.services.escalation_trends(&auth.actor, &query).await {
        Ok(view) => {
            let page = TrendsPage {
                layout: auth.layout(format!("Escalation trends, {}", view.quarter)),
                quarter: view.quarter.clone(),
                errors: Errors::from(Vec::new()),
                shown: Some(shown(&view)),
            };
            Ok(render(page).into_response())
        }
        Err(services::Error::Invalid(errors)) => {
            let page = TrendsPage {
                layout: auth.layout("Escalation trends"),
                quarter: query.quarter.clone(),
                errors: Errors::from(errors),
                shown: None,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response())
        }
        Err(other) => Err(service_error(other)),
    }
}

async fn trends_download(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(format): Query<FormatParam>,
    Query(query): Query<TrendsQuery>,
) -> PageResult {
    let table = state.services.escalation_trends_table(&auth.actor, &query);
    report_download("escalation-trends", &format.format, table)
        .await
        .map_err(service_error)
}

#[utoipa::path(get, path = "/escalations/trends", tag = "escalations", params(TrendsQuery),
    responses((status = 200, body = TrendsView, description = "A quarter's escalation trends and the three quarters before it, oldest first (a report, not paged)"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn escalation_trends(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(query): ApiQuery<TrendsQuery>,
) -> ApiResult<TrendsView> {
    Ok(Json(
        state
            .services
            .escalation_trends(&auth.actor, &query)
            .await?,
    ))
}

#[utoipa::path(get, path = "/escalations/trends/export", tag = "escalations", params(FormatParam, TrendsQuery),
    responses((status = 200, content_type = "text/csv", description = "The four quarters' figures as CSV or XLSX (`format`), a row a quarter"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn escalation_trends_export(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(format): ApiQuery<FormatParam>,
    ApiQuery(query): ApiQuery<TrendsQuery>,
) -> Result<Response, Problem> {
    let table = state.services.escalation_trends_table(&auth.actor, &query);
    Ok(report_download("escalation-trends", &format.format, table).await?)
}
