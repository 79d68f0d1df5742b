//! The portal's exchange rates page: the rates in force and, for admins and finance, the CSV
//! import with its dry run.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::CsvImportForm;
use crate::layout::Layout;
use crate::respond::{PageResult, render, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use services::rates::{RateView, RatesImportReport};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/rates", get(rates_page).post(import_page))
}

#[derive(Template)]
#[template(path = "rates/rates.html")]
struct RatesPage {
    layout: Layout,
    csrf_token: String,
    currency: String,
    rates: Vec<RateView>,
    can_import: bool,
    csv: String,
    report: Option<RatesImportReport>,
}

async fn view(
    state: &AppState,
    auth: &PageAuth,
    csv: String,
    report: Option<RatesImportReport>,
) -> PageResult {
    let rates = state
        .services
        .exchange_rates(&auth.actor, &services::PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let (_, program) = state
        .services
        .program_in_force()
        .await
        .map_err(service_error)?;
    let status = if report.as_ref().is_some_and(|r| !r.errors.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RatesPage {
        layout: auth.layout("Exchange rates"),
        csrf_token: auth.csrf_token.clone(),
        currency: program.currency.clone(),
        rates,
        can_import: auth.actor.may(domain::permissions::Action::ImportRates),
        csv,
        report,
    };
    Ok((status, render(page)).into_response())
}

async fn rates_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    view(&state, &auth, String::new(), None).await
}

async fn import_page(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    let import = CsvImportForm::parse(&body);
    auth.verify_csrf(&import.csrf_token)?;
    let report = state
        .services
        .import_rates(&auth.actor, &import.csv, import.dry_run())
        .await
        .map_err(service_error)?;
    view(&state, &auth, import.csv, Some(report)).await
}
