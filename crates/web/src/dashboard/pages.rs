//! The dashboard page and its downloads (`/dashboard/export?table=…&format=csv|xlsx` with the
//! page's filters). Every figure links to the list of the records behind it, with the list's
//! filters where it has them.

use crate::AppState;
use crate::auth::PageAuth;
use crate::charts::{self, Point};
use crate::dashboard::api::TableParam;
use crate::extract::query_or_errors;
use crate::format;
use crate::layout::{Errors, Layout, Opt, region_filter_options, tier_options};
use crate::respond::{FormatParam, PageResult, render, service_error};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use domain::Choice;
use domain::dashboard::{Metric, Rag, Unit};
use domain::partners::{NO_REGION, Region, RegionFilter};
use rust_decimal::Decimal;
use services::dashboard::{DashboardQuery, DashboardTable, DashboardView, Slice};
use services::internal_nps::RoundScore;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard_page))
        .route("/dashboard/export", get(export))
}

/// A metric as its card shows it.
struct MetricCard {
    label: &'static str,
    actual: String,
    /// None when no target is set: the status says so.
    target: Option<String>,
    /// The standing in words ("On target", "No target"): never colour alone. None when there
    /// is no figure: the figure itself says "No data yet".
    status: Option<&'static str>,
    /// `rag-green`, `rag-amber`, `rag-red` or `rag-none`.
    class: &'static str,
    note: String,
    /// The records behind the figure.
    href: Option<String>,
    /// Earlier figures, oldest first ("2026-Q3: 7.4"), where the card shows a trend.
    trend: Vec<String>,
}

/// A table cell, linked to its records where there is a list of them.
struct Linked {
    text: String,
    href: Option<String>,
}

/// A chart and its numbers as a table, with the table's downloads.
struct ChartTable {
    id: &'static str,
    title: String,
    svg: String,
    columns: Vec<&'static str>,
    rows: Vec<Vec<Linked>>,
    csv: String,
    xlsx: String,
}

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    errors: Errors,
    quarter: String,
    tiers: Vec<Opt>,
    regions: Vec<Opt>,
    owners: Vec<Opt>,
    through: String,
    metrics: Vec<MetricCard>,
    metrics_csv: String,
    metrics_xlsx: String,
    charts: Vec<ChartTable>,
    notes: Vec<String>,
    unconverted: Vec<String>,
}

/// `path` with the query's filters and `extra` pairs.
fn link(path: &str, query: &DashboardQuery, extra: &[(&str, &str)]) -> String {
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("quarter", query.quarter.as_str()),
        ("tier", query.tier.as_str()),
        ("region", query.region.as_str()),
        ("owner", query.owner.as_str()),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    {
        if !value.trim().is_empty() {
            pairs.append_pair(key, value.trim());
        }
    }
    match pairs.finish() {
        pairs if pairs.is_empty() => path.to_owned(),
        pairs => format!("{path}?{pairs}"),
    }
}

/// `path` with `first` pairs, then the dashboard's partner filters (tier, region, owner)
/// unless `changes` sets them, then `changes`.
fn filtered_link(
    path: &str,
    first: &[(&str, &str)],
    query: &DashboardQuery,
    changes: &[(&str, &str)],
) -> String {
    let mut pairs: Vec<(&str, &str)> = first.to_vec();
    for (key, value) in [
        ("tier", query.tier.as_str()),
        ("region", query.region.as_str()),
        ("owner", query.owner.as_str()),
    ] {
        if !changes.iter().any(|(k, _)| *k == key) {
            pairs.push((key, value));
        }
    }
    pairs.extend_from_slice(changes);
    link(path, &DashboardQuery::default(), &pairs)
}

/// The partner list with the dashboard's partner filters, and `changes` over them.
fn partners_link(query: &DashboardQuery, changes: &[(&str, &str)]) -> String {
    filtered_link("/partners", &[], query, changes)
}

/// The registration list of the open pipeline the dashboard sums (open states, partners in
/// the program) with the dashboard's partner filters, and `changes` over them.
fn open_deals_link(query: &DashboardQuery, changes: &[(&str, &str)]) -> String {
    filtered_link("/deals", &[("open", "true")], query, changes)
}

fn figure(value: Option<Decimal>, unit: Unit, currency: &str) -> String {
    match value {
        None => "No data yet".into(),
        Some(v) => match unit {
            Unit::Percent => format::percent(&v),
            Unit::Days => format::count_decimal(&v, "day"),
            Unit::Money => format::money(&v, currency),
            Unit::Score => v.normalize().to_string(),
        },
    }
}

/// The internal survey's last rounds as the Internal NPS card lists them.
fn survey_trend(rounds: &[RoundScore]) -> Vec<String> {
    rounds
        .iter()
        .map(|round| match round.score {
            Some(score) => format!("{}: {score}", round.period),
            None => format!("{}: no answers", round.period),
        })
        .collect()
}

fn card(metric: &Metric, view: &DashboardView, query: &DashboardQuery) -> MetricCard {
    let currency = view.currency.as_str();
    let href = match metric.key {
        "partner_sourced_leads_growth" => Some("/leads".to_owned()),
        "deal_velocity" | "partner_revenue" | "sourced_revenue_share" => {
            Some("/deals?status=won".to_owned())
        }
        "partner_retention" => Some(partners_link(query, &[("archived", "true")])),
        "enabled_partners" => Some(partners_link(query, &[])),
        "internal_nps" => Some("/internal-nps".to_owned()),
        "escalation_resolution" => Some(link(
            "/escalations/trends",
            &DashboardQuery::default(),
            &[("quarter", query.quarter.trim())],
        )),
        _ => None,
    };
    MetricCard {
        label: metric.label,
        actual: figure(metric.actual, metric.unit, currency),
        target: metric
            .target
            .map(|t| figure(Some(t), metric.unit, currency)),
        status: metric.actual.map(|_| services::dashboard::status(metric)),
        class: match metric.rag {
            Some(Rag::Green) => "rag-green",
            Some(Rag::Amber) => "rag-amber",
            Some(Rag::Red) => "rag-red",
            None => "rag-none",
        },
        note: metric.note.clone(),
        href: metric.actual.and(href),
        trend: match metric.key {
            "internal_nps" => survey_trend(&view.internal_nps_trend),
            _ => Vec::new(),
        },
    }
}

/// A table row whose every cell links to `href`: each figure of a row is summed from the
/// same records.
fn linked_row<const N: usize>(cells: [String; N], href: Option<String>) -> Vec<Linked> {
    cells
        .into_iter()
        .map(|text| Linked {
            text,
            href: href.clone(),
        })
        .collect()
}

/// A pipeline chart: bars of the weighted value per group, the table with every figure.
fn pipeline_chart(
    id: &'static str,
    which: DashboardTable,
    title: &str,
    slices: &[Slice],
    currency: &str,
    query: &DashboardQuery,
    href: impl Fn(&Slice) -> Option<String>,
) -> ChartTable {
    let points: Vec<Point> = slices
        .iter()
        .map(|s| Point {
            label: s.label.clone(),
            value: s.weighted,
            shown: format::money(&s.weighted, currency),
        })
        .collect();
    let rows = slices
        .iter()
        .map(|s| {
            linked_row(
                [
                    s.label.clone(),
                    format::count(&s.partners, "partner"),
                    format::count(&s.deals, "deal"),
                    format::money(&s.value, currency),
                    format::money(&s.weighted, currency),
                ],
                href(s),
            )
        })
        .collect();
    chart_table(
        id,
        which,
        title,
        charts::bars(id, title, &points),
        vec!["Group", "Partners", "Open deals", "Value", "Weighted"],
        rows,
        query,
    )
}

fn chart_table(
    id: &'static str,
    which: DashboardTable,
    title: &str,
    svg: String,
    columns: Vec<&'static str>,
    rows: Vec<Vec<Linked>>,
    query: &DashboardQuery,
) -> ChartTable {
    let download = |format| {
        link(
            "/dashboard/export",
            query,
            &[("table", which.key()), ("format", format)],
        )
    };
    ChartTable {
        id,
        title: title.to_owned(),
        svg,
        columns,
        rows,
        csv: download("csv"),
        xlsx: download("xlsx"),
    }
}

fn charts_of(view: &DashboardView, query: &DashboardQuery) -> Vec<ChartTable> {
    let currency = view.currency.as_str();
    // Stage × quarter: a bar per quarter and category, as the rollups group them.
    let stage_points: Vec<Point> = view
        .pipeline_by_stage
        .iter()
        .map(|c| Point {
            label: format!("{} {}", c.quarter, c.label),
            value: c.weighted,
            shown: format::money(&c.weighted, currency),
        })
        .collect();
    let stage_title = "Open pipeline by quarter of expected close and forecast category (weighted)";
    let stage = chart_table(
        "pipeline-by-stage",
        DashboardTable::PipelineByStage,
        stage_title,
        charts::bars("pipeline-by-stage", stage_title, &stage_points),
        vec![
            "Quarter",
            "Forecast category",
            "Open deals",
            "Value",
            "Weighted",
        ],
        view.pipeline_by_stage
            .iter()
            .map(|c| {
                let to = open_deals_link(
                    query,
                    &[
                        ("close_quarter", &c.quarter),
                        ("forecast", &c.forecast_category),
                    ],
                );
                linked_row(
                    [
                        c.quarter.clone(),
                        c.label.clone(),
                        format::count(&c.deals, "deal"),
                        format::money(&c.value, currency),
                        format::money(&c.weighted, currency),
                    ],
                    Some(to),
                )
            })
            .collect(),
        query,
    );
    let tier_title = "Partners in the program per tier";
    let tiers = chart_table(
        "tiers",
        DashboardTable::Tiers,
        tier_title,
        charts::bars(
            "tiers",
            tier_title,
            &view
                .tiers
                .iter()
                .map(|t| Point {
                    label: t.name.clone(),
                    value: Decimal::from(t.partners),
                    shown: format::count(&t.partners, "partner"),
                })
                .collect::<Vec<_>>(),
        ),
        vec!["Tier", "Partners"],
        view.tiers
            .iter()
            .map(|t| {
                let to = partners_link(query, &[("tier", &t.key), ("in_program", "true")]);
                linked_row(
                    [t.name.clone(), format::count(&t.partners, "partner")],
                    Some(to),
                )
            })
            .collect(),
        query,
    );
    let band = |b: &services::insight::BandCount| b.band.map_or("No data yet", |b| b.label());
    let health_title = "Partners per health band (latest daily run)";
    let health = chart_table(
        "health",
        DashboardTable::Health,
        health_title,
        charts::bars(
            "health",
            health_title,
            &view
                .health
                .iter()
                .map(|b| Point {
                    label: band(b).to_owned(),
                    value: Decimal::from(b.partners),
                    shown: format::count(&usize::try_from(b.partners).unwrap_or(0), "partner"),
                })
                .collect::<Vec<_>>(),
        ),
        vec!["Band", "Partners"],
        view.health
            .iter()
            .map(|b| {
                let cells = [
                    band(b).to_owned(),
                    format::count(&usize::try_from(b.partners).unwrap_or(0), "partner"),
                ];
                // A band counts every partner of the latest run, archived since or not.
                let band_key = b
                    .band
                    .map_or(services::partners::NO_BAND, |band| band.key());
                let to = link(
                    "/partners",
                    &DashboardQuery::default(),
                    &[("health", band_key), ("archived", "true")],
                );
                linked_row(cells, Some(to))
            })
            .collect(),
        query,
    );
    vec![
        stage,
        pipeline_chart(
            "pipeline-by-tier",
            DashboardTable::PipelineByTier,
            "Open pipeline by tier (weighted)",
            &view.pipeline_by_tier,
            currency,
            query,
            |s| Some(open_deals_link(query, &[("tier", &s.key)])),
        ),
        pipeline_chart(
            "pipeline-by-type",
            DashboardTable::PipelineByType,
            "Open pipeline by partner type (weighted)",
            &view.pipeline_by_type,
            currency,
            query,
            |s| Some(open_deals_link(query, &[("partner_type", &s.key)])),
        ),
        pipeline_chart(
            "pipeline-by-region",
            DashboardTable::PipelineByRegion,
            "Open pipeline by region (weighted)",
            &view.pipeline_by_region,
            currency,
            query,
            // A slice is the partners covering its region among those the dashboard's
            // region filter keeps (both regions: `emea,apac`), or those covering none.
            |s| {
                let regions = match (Region::parse(&s.key), RegionFilter::parse(&query.region)) {
                    (None, _) => NO_REGION.to_owned(),
                    (Some(region), Ok(filter)) => filter.and(region).to_query(),
                    (Some(region), Err(_)) => region.as_str().to_owned(),
                };
                Some(open_deals_link(query, &[("region", &regions)]))
            },
        ),
        tiers,
        health,
    ]
}

async fn dashboard_page(
    State(state): State<AppState>,
    auth: PageAuth,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (query, mut errors) = query_or_errors(query, "quarter");
    let view = match state.services.dashboard(&auth.actor, &query).await {
        Ok(view) => Some(view),
        Err(services::Error::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(service_error(other)),
    };
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let owners = state
        .services
        .list_partner_owners(&auth.actor)
        .await
        .map_err(service_error)?;
    let mut page = DashboardPage {
        layout: auth.layout("Program dashboard"),
        errors: Errors::from(errors),
        quarter: query.quarter.clone(),
        tiers: tier_options(&program, &query.tier),
        regions: region_filter_options(&query.region),
        owners: owners
            .iter()
            .map(|u| Opt {
                value: u.id.to_string(),
                label: u.name.clone(),
                selected: query.owner == u.id.to_string(),
            })
            .collect(),
        through: String::new(),
        metrics: Vec::new(),
        metrics_csv: link(
            "/dashboard/export",
            &query,
            &[("table", "metrics"), ("format", "csv")],
        ),
        metrics_xlsx: link(
            "/dashboard/export",
            &query,
            &[("table", "metrics"), ("format", "xlsx")],
        ),
        charts: Vec::new(),
        notes: Vec::new(),
        unconverted: Vec::new(),
    };
    if let Some(view) = view {
        page.layout = auth.layout(format!("Program dashboard, {}", view.quarter));
        page.through = format::day_text(&view.through);
        page.metrics = view
            .metrics
            .iter()
            .map(|m| card(m, &view, &query))
            .collect();
        page.charts = charts_of(&view, &query);
        page.notes = view.notes;
        page.unconverted = view.unconverted;
    }
    Ok(render(page))
}

async fn export(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(format): Query<FormatParam>,
    Query(table): Query<TableParam>,
    Query(query): Query<DashboardQuery>,
) -> PageResult {
    crate::dashboard::api::download(&state, &auth.actor, &table.table, &format.format, &query)
        .await
        .map_err(service_error)
}
