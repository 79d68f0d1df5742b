//! The scorecard and health pages of a partner. Every figure is written through
//! `crate::format`; a figure without a source reads "no data yet".

use crate::AppState;
use crate::auth::PageAuth;
use crate::charts::{self, Period, Point};
use crate::extract::PageId;
use crate::format;
use crate::layout::Layout;
use crate::partner_page::{TabLink, section_tabs};
use crate::respond::{FormatParam, PageResult, render, report_download, service_error};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use domain::insight::Figures;
use domain::quarter::Quarter;
use rust_decimal::Decimal;
use services::insight::{HealthDay, ScorecardView};
use services::{PageQuery, PageRequest};
use uuid::Uuid;

use super::api::QuarterParams;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/partners/{id}/scorecard", get(scorecard_page))
        .route("/partners/{id}/health", get(health_page))
        .route("/partners/{id}/scorecard/export", get(scorecard_export))
        .route("/partners/{id}/health/export", get(health_export))
}

const NO_DATA: &str = "no data yet";

/// One figure of the scorecard as the page shows it.
struct Row {
    label: &'static str,
    value: String,
    detail: String,
    /// The list of the records behind it, where there is one.
    link: Option<String>,
}

fn row(label: &'static str, value: String, detail: String, link: Option<String>) -> Row {
    Row {
        label,
        value,
        detail,
        link,
    }
}

fn or_no_data(value: Option<String>) -> String {
    value.unwrap_or_else(|| NO_DATA.into())
}

fn n(count: u32) -> usize {
    count as usize
}

fn rows(card: &ScorecardView) -> Vec<Row> {
    let (f, c, id) = (&card.figures, card.currency.as_str(), card.partner_id);
    let money = |amount: &Decimal| format::money(amount, c);
    let mut rows = vec![
        row(
            "ARR from won deals",
            money(&f.arr),
            format!(
                "won in the four quarters to {}; {} in {} ({})",
                f.quarter,
                money(&f.won),
                f.quarter,
                format::count(&n(f.won_deals), "deal")
            ),
            Some(format!("/deals?partner={id}&status=won")),
        ),
        row(
            "Net new ARR, quarter on quarter",
            money(&f.net_new_arr),
            "ARR less the previous quarter's".into(),
            None,
        ),
        row(
            "Average deal size",
            or_no_data(f.average_deal_size.as_ref().map(money)),
            match &f.average_deal_size_growth_percent {
                Some(growth) => format!("{} on the previous quarter", format::percent(growth)),
                None => format!("growth: {NO_DATA}"),
            },
            None,
        ),
        row(
            "Pipeline created",
            money(&f.pipeline_created),
            format!(
                "{} registered in the quarter",
                format::count(&n(f.registered), "registration")
            ),
            Some(format!("/deals?partner={id}")),
        ),
        row(
            "Conversion, registered to won",
            or_no_data(f.conversion_percent.as_ref().map(format::percent)),
            format!(
                "{} won of {} decided in the quarter",
                n(f.ended_won),
                format::count(&n(f.ended), "registration")
            ),
            Some(format!(
                "/deals?partner={id}&status=won,lost,rejected,expired"
            )),
        ),
        row(
            "People certified",
            or_no_data(f.certified_percent.as_ref().map(format::percent)),
            format!(
                "{} of {} with an active certification",
                n(f.certified_people),
                format::count_with(&n(f.people), "person", "people")
            ),
            Some(format!("/partners/{id}/enablement")),
        ),
        row(
            "Co-selling activity",
            format::count_with(
                &n(f.joint_calls + f.joint_meetings),
                "joint activity",
                "joint activities",
            ),
            format!(
                "{} and {} our people logged or confirmed",
                format::count(&n(f.joint_calls), "joint call"),
                format::count(&n(f.joint_meetings), "joint meeting")
            ),
            None,
        ),
        row(
            "Marketing activity",
            format::count(&n(f.leads_accepted), "lead"),
            format!("sourced by the partner and accepted in the quarter; MDF: {NO_DATA}"),
            Some("/leads".into()),
        ),
        row(
            "Commitment (3C/4C)",
            or_no_data(
                card.commitment
                    .as_ref()
                    .map(|e| format!("{} of 5, {}", e.commitment, e.band.label())),
            ),
            or_no_data(
                card.commitment
                    .as_ref()
                    .map(|e| format!("evaluated {}", format::day(&e.on))),
            ),
            Some(format!("/partners/{id}/evaluations")),
        ),
    ];
    if let Some(internal) = &card.internal {
        rows.push(row(
            "IPP fit",
            or_no_data(
                internal
                    .ipp_fit
                    .as_ref()
                    .map(|fit| format!("{} of 100", fit.score)),
            ),
            or_no_data(
                internal
                    .ipp_fit
                    .as_ref()
                    .map(|fit| format!("assessed {}", format::day(&fit.on))),
            ),
            Some(format!("/partners/{id}/evaluations#ipp-latest")),
        ));
        rows.push(row(
            "Financial and competitive risk",
            or_no_data(internal.risks.as_ref().map(|flags| {
                if flags.is_empty() {
                    "none found".to_owned()
                } else {
                    flags.join("; ")
                }
            })),
            "red flags of the latest IPP assessment".into(),
            Some(format!("/partners/{id}/evaluations#ipp-latest")),
        ));
    }
    rows
}

/// One quarter of the trend table.
struct TrendRow {
    quarter: String,
    won: String,
    arr: String,
    net_new: String,
    pipeline: String,
    conversion: String,
    certified: String,
}

fn trend_row(f: &Figures, currency: &str) -> TrendRow {
    TrendRow {
        quarter: f.quarter.clone(),
        won: format::money(&f.won, currency),
        arr: format::money(&f.arr, currency),
        net_new: format::money(&f.net_new_arr, currency),
        pipeline: format::money(&f.pipeline_created, currency),
        conversion: or_no_data(f.conversion_percent.as_ref().map(format::percent)),
        certified: or_no_data(f.certified_percent.as_ref().map(format::percent)),
    }
}

#[derive(Template)]
#[template(path = "scorecards/scorecard.html")]
struct ScorecardPage {
    layout: Layout,
    tabs: Vec<TabLink>,
    partner_id: Uuid,
    quarter: String,
    rows: Vec<Row>,
    unconverted: Vec<String>,
    chart: String,
    trend: Vec<TrendRow>,
    previous: String,
    next: Option<String>,
}

async fn scorecard_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    Query(params): Query<QuarterParams>,
) -> PageResult {
    let card = state
        .services
        .scorecard(&auth.actor, id, &params.quarter)
        .await
        .map_err(service_error)?;
    let quarter = Quarter::parse(&card.quarter)
        .map_err(|e| service_error(services::Error::field("quarter", e)))?;
    let currency = card.currency.clone();
    let points: Vec<Period> = card
        .trend
        .iter()
        .map(|f| Period {
            label: f.quarter.clone(),
            value: Some(f.arr),
            shown: format::money(&f.arr, &currency),
        })
        .collect();
    let page = ScorecardPage {
        layout: auth.layout(format!(
            "Scorecard of {}, {}",
            card.partner_name, card.quarter
        )),
        tabs: section_tabs(id, &auth.actor, "/scorecard"),
        partner_id: id,
        quarter: card.quarter.clone(),
        rows: rows(&card),
        unconverted: card
            .figures
            .unconverted
            .iter()
            .map(|u| format::money(&u.amount, &u.currency))
            .collect(),
        chart: charts::trend(
            "arr-trend",
            &format!("ARR from won deals, the eight quarters to {}", card.quarter),
            &points,
            &|v| format::money(&v, &currency),
        ),
        trend: card.trend.iter().map(|f| trend_row(f, &currency)).collect(),
        previous: quarter.previous().to_string(),
        next: (quarter < Quarter::containing(auth.actor.today()))
            .then(|| quarter.next().to_string()),
    };
    Ok(render(page).into_response())
}

/// A component as the page shows it.
struct ComponentRow {
    label: &'static str,
    weight: String,
    score: String,
    explanation: String,
}

/// A recorded day as the page shows it.
struct DayRow {
    day: String,
    score: String,
    band: String,
    flags: String,
}

fn score(day: &HealthDay) -> String {
    match (day.score, day.band) {
        (Some(score), Some(band)) => format!("{score} of 100, {}", band.label()),
        _ => format!("no score: {NO_DATA} for any component"),
    }
}

#[derive(Template)]
#[template(path = "scorecards/health.html")]
struct HealthPage {
    layout: Layout,
    tabs: Vec<TabLink>,
    partner_id: Uuid,
    score: String,
    components: Vec<ComponentRow>,
    chart: String,
    flags: Vec<String>,
    history: Vec<DayRow>,
    next_link: Option<String>,
}

async fn health_page(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    Query(page): Query<PageQuery>,
) -> PageResult {
    let request: PageRequest<time::Date> = PageQuery {
        limit: Some(page.limit.unwrap_or(30)),
        ..page
    }
    .request()
    .map_err(service_error)?;
    let view = state
        .services
        .health(&auth.actor, id, &request)
        .await
        .map_err(service_error)?;
    let now = &view.now;
    let points: Vec<Point> = now
        .components
        .iter()
        .map(|c| Point {
            label: c.key.label().into(),
            value: c.score.map(Decimal::from).unwrap_or_default(),
            shown: or_no_data(c.score.map(|s| format!("{s} of 100"))),
        })
        .collect();
    let page = HealthPage {
        layout: auth.layout(format!("Health of {}", view.partner_name)),
        tabs: section_tabs(id, &auth.actor, "/health"),
        partner_id: id,
        score: score(now),
        components: now
            .components
            .iter()
            .map(|c| ComponentRow {
                label: c.key.label(),
                weight: format::percent(&Decimal::from(c.weight)),
                score: match c.score {
                    Some(s) => format!("{s} of 100"),
                    None => format!("{NO_DATA}: its weight is spread over the others"),
                },
                explanation: c.explanation.clone(),
            })
            .collect(),
        chart: charts::bars(
            "health-components",
            "Health components, each out of 100",
            &points,
        ),
        flags: now.flags.iter().map(|f| f.message.clone()).collect(),
        history: view
            .history
            .items
            .iter()
            .map(|d| DayRow {
                day: format::day(&d.computed_on),
                score: score(d),
                band: d.band.map_or(NO_DATA, |b| b.label()).into(),
                flags: format::count(&d.flags.len(), "flag"),
            })
            .collect(),
        next_link: view
            .history
            .next_cursor
            .map(|cursor| format!("/partners/{id}/health?cursor={cursor}")),
    };
    Ok(render(page).into_response())
}

/// The scorecard's eight quarters as CSV or XLSX (`?format=`, `?quarter=` as the page).
async fn scorecard_export(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    Query(format): Query<FormatParam>,
    Query(params): Query<QuarterParams>,
) -> PageResult {
    let table = state
        .services
        .scorecard_table(&auth.actor, id, &params.quarter);
    report_download("scorecard", &format.format, table)
        .await
        .map_err(service_error)
}

/// The recorded health history as CSV or XLSX.
async fn health_export(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    Query(format): Query<FormatParam>,
) -> PageResult {
    let table = state.services.health_table(&auth.actor, id);
    report_download("health-history", &format.format, table)
        .await
        .map_err(service_error)
}
