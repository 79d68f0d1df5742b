//! The tracker page and its downloads (`/tracker/export?format=csv|xlsx` with the page's
//! filters and order).

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::query_or_errors;
use crate::layout::{Errors, Layout, Opt, tier_options};
use crate::respond::{PageResult, render, report_download, service_error};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use services::tracker::{TrackerQuery, TrackerRow};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tracker", get(tracker_page))
        .route("/tracker/export", get(export))
}

/// A column heading that sorts by it: the link flips the order when already sorted by it.
pub struct SortLink {
    pub label: &'static str,
    pub href: String,
    /// "ascending" or "descending" on the column sorted by, for `aria-sort`.
    pub aria_sort: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "tracker/tracker.html")]
struct TrackerPage {
    layout: Layout,
    errors: Errors,
    months: Vec<String>,
    currency: String,
    below_percent: rust_decimal::Decimal,
    in_a_row: u32,
    rows: Vec<TrackerRow>,
    not_counted: Vec<String>,
    tiers: Vec<Opt>,
    month_choices: Vec<Opt>,
    sort_links: Vec<SortLink>,
    csv_link: String,
    xlsx_link: String,
    next_link: Option<String>,
    underperforming: usize,
}

/// The query string of `query` with `changes` applied, for links that keep the filters.
fn link(path: &str, query: &TrackerQuery, changes: &[(&str, &str)]) -> String {
    let months = query.months.map(|m| m.to_string()).unwrap_or_default();
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    let kept = [
        ("months", months.as_str()),
        ("tier", query.tier.as_str()),
        ("owner", query.owner.as_str()),
        ("sort", query.sort.as_str()),
        ("order", query.order.as_str()),
    ];
    for (key, value) in kept {
        let value = changes
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(value, |(_, v)| *v);
        if !value.is_empty() {
            pairs.append_pair(key, value);
        }
    }
    for (key, value) in changes {
        if !kept.iter().any(|(k, _)| k == key) {
            pairs.append_pair(key, value);
        }
    }
    format!("{path}?{}", pairs.finish())
}

fn sort_links(query: &TrackerQuery) -> Vec<SortLink> {
    let current = if query.sort.is_empty() {
        "partner"
    } else {
        query.sort.as_str()
    };
    let descending = query.order == "desc";
    [
        ("partner", "Partner"),
        ("tier", "Tier"),
        ("latest", "Latest month"),
        ("total", "Total"),
        ("flag", "Flag"),
    ]
    .into_iter()
    .map(|(key, label)| {
        let sorted = key == current;
        let order = if sorted && !descending { "desc" } else { "asc" };
        SortLink {
            label,
            href: link("/tracker", query, &[("sort", key), ("order", order)]),
            aria_sort: sorted.then_some(if descending {
                "descending"
            } else {
                "ascending"
            }),
        }
    })
    .collect()
}

async fn tracker_page(
    State(state): State<AppState>,
    auth: PageAuth,
    query: Result<Query<TrackerQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let (query, mut errors) = query_or_errors(query, "months");
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let view = match state.services.tracker(&auth.actor, &query).await {
        Ok(view) => Some(view),
        Err(services::Error::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(service_error(other)),
    };
    let months_shown = query.months.unwrap_or(6).to_string();
    let month_choices = [3, 6, 12]
        .iter()
        .map(|m| Opt {
            value: m.to_string(),
            label: format!("Last {m} months"),
            selected: m.to_string() == months_shown,
        })
        .collect();
    let mut page = TrackerPage {
        layout: auth.layout("Performance tracker"),
        errors: Errors::from(errors),
        months: Vec::new(),
        currency: program.currency.clone(),
        below_percent: program.policies.tracker.underperform_below_percent,
        in_a_row: program.policies.tracker.underperform_months,
        rows: Vec::new(),
        not_counted: Vec::new(),
        tiers: tier_options(&program, &query.tier),
        month_choices,
        sort_links: sort_links(&query),
        csv_link: link("/tracker/export", &query, &[("format", "csv")]),
        xlsx_link: link("/tracker/export", &query, &[("format", "xlsx")]),
        next_link: None,
        underperforming: 0,
    };
    if let Some(view) = view {
        page.next_link = view
            .rows
            .next_cursor
            .as_deref()
            .map(|cursor| link("/tracker", &query, &[("cursor", cursor)]));
        page.underperforming = view.rows.items.iter().filter(|r| r.underperforming).count();
        page.months = view.months;
        page.currency = view.currency;
        page.rows = view.rows.items;
        page.not_counted = view.not_counted;
    }
    Ok(render(page))
}

async fn export(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(format): Query<crate::respond::FormatParam>,
    Query(query): Query<TrackerQuery>,
) -> PageResult {
    let table = state.services.tracker_table(&auth.actor, &query);
    report_download("performance-tracker", &format.format, table)
        .await
        .map_err(service_error)
}
