//! The import page, one for each kind of CSV: paste or choose a file, check it, then import.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{CsvImportForm, IMPORT_LIMIT_BYTES};
use crate::layout::{Errors, Layout};
use crate::respond::{PageResult, render, service_error};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use domain::FieldError;
use domain::permissions::Action;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/facts/import",
            get(facts_import_page)
                .post(import_facts)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route(
            "/certifications/import",
            get(certifications_import_page)
                .post(import_certifications)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route(
            "/deals/import",
            get(deals_import_page)
                .post(import_deals)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route(
            "/leads/import",
            get(leads_import_page)
                .post(import_leads)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route(
            "/direct-opportunities/import",
            get(opportunities_import_page)
                .post(import_opportunities)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route(
            "/customer-accounts/import",
            get(accounts_import_page)
                .post(import_accounts)
                .layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImportKind {
    Facts,
    Certifications,
    Opportunities,
    Accounts,
    Deals,
    Leads,
}

impl ImportKind {
    fn path(self) -> &'static str {
        match self {
            ImportKind::Facts => "/facts/import",
            ImportKind::Certifications => "/certifications/import",
            ImportKind::Opportunities => "/direct-opportunities/import",
            ImportKind::Accounts => "/customer-accounts/import",
            ImportKind::Deals => "/deals/import",
            ImportKind::Leads => "/leads/import",
        }
    }
    fn title(self) -> &'static str {
        match self {
            ImportKind::Facts => "Import tier facts",
            ImportKind::Certifications => "Import certifications",
            ImportKind::Opportunities => "Import the direct pipeline",
            ImportKind::Accounts => "Import customer accounts",
            ImportKind::Deals => "Import deal registrations",
            ImportKind::Leads => "Import partner leads",
        }
    }
    /// What the import created, counted: "1 new quarter", "2 certifications recorded".
    fn created(self, n: &usize) -> String {
        let (singular, plural) = match self {
            ImportKind::Facts => ("new quarter", "new quarters"),
            ImportKind::Certifications => ("certification recorded", "certifications recorded"),
            ImportKind::Opportunities => ("new opportunity", "new opportunities"),
            ImportKind::Accounts => ("new account", "new accounts"),
            ImportKind::Deals => ("new registration", "new registrations"),
            ImportKind::Leads => ("new lead", "new leads"),
        };
        crate::format::count_with(n, singular, plural)
    }
    fn updated(self) -> &'static str {
        match self {
            ImportKind::Facts => "updated",
            ImportKind::Certifications => "already on record",
            ImportKind::Opportunities
            | ImportKind::Accounts
            | ImportKind::Deals
            | ImportKind::Leads => "updated",
        }
    }
}

#[derive(Template)]
#[template(path = "imports/import.html")]
struct ImportPage {
    layout: Layout,
    csrf_token: String,
    kind: ImportKind,
    csv: String,
    report: Option<services::imports::ImportReport>,
    errors: Errors,
}

fn import_view(
    auth: &PageAuth,
    kind: ImportKind,
    csv: String,
    report: Option<services::imports::ImportReport>,
    errors: Vec<FieldError>,
) -> PageResult {
    let direct = matches!(kind, ImportKind::Opportunities | ImportKind::Accounts);
    let allowed = auth.actor.may(if direct {
        Action::ImportDirectPipeline
    } else {
        Action::RunTierProgram
    });
    if !allowed {
        return Err(service_error(services::Error::Forbidden(
            "only admins and partner managers (and sales, for the direct pipeline and accounts) import data".into(),
        )));
    }
    let failed = !errors.is_empty() || report.as_ref().is_some_and(|r| !r.errors.is_empty());
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let view = ImportPage {
        layout: auth.layout(kind.title()),
        csrf_token: auth.csrf_token.clone(),
        kind,
        csv,
        report,
        errors: Errors::from(errors),
    };
    Ok((status, render(view)).into_response())
}

async fn facts_import_page(auth: PageAuth) -> PageResult {
    import_view(&auth, ImportKind::Facts, String::new(), None, Vec::new())
}

async fn import_facts(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    run_import(&state, &auth, ImportKind::Facts, &body).await
}

async fn certifications_import_page(auth: PageAuth) -> PageResult {
    import_view(
        &auth,
        ImportKind::Certifications,
        String::new(),
        None,
        Vec::new(),
    )
}

async fn import_certifications(
    State(state): State<AppState>,
    auth: PageAuth,
    body: Bytes,
) -> PageResult {
    run_import(&state, &auth, ImportKind::Certifications, &body).await
}

async fn deals_import_page(auth: PageAuth) -> PageResult {
    import_view(&auth, ImportKind::Deals, String::new(), None, Vec::new())
}

async fn import_deals(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    run_import(&state, &auth, ImportKind::Deals, &body).await
}

async fn leads_import_page(auth: PageAuth) -> PageResult {
    import_view(&auth, ImportKind::Leads, String::new(), None, Vec::new())
}

async fn import_leads(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    run_import(&state, &auth, ImportKind::Leads, &body).await
}

async fn opportunities_import_page(auth: PageAuth) -> PageResult {
    import_view(
        &auth,
        ImportKind::Opportunities,
        String::new(),
        None,
        Vec::new(),
    )
}

async fn import_opportunities(
    State(state): State<AppState>,
    auth: PageAuth,
    body: Bytes,
) -> PageResult {
    run_import(&state, &auth, ImportKind::Opportunities, &body).await
}

async fn accounts_import_page(auth: PageAuth) -> PageResult {
    import_view(&auth, ImportKind::Accounts, String::new(), None, Vec::new())
}

async fn import_accounts(State(state): State<AppState>, auth: PageAuth, body: Bytes) -> PageResult {
    run_import(&state, &auth, ImportKind::Accounts, &body).await
}

async fn run_import(
    state: &AppState,
    auth: &PageAuth,
    kind: ImportKind,
    body: &Bytes,
) -> PageResult {
    let import = CsvImportForm::parse(body);
    auth.verify_csrf(&import.csrf_token)?;
    let dry_run = import.dry_run();
    let csv = import.csv;
    if csv.trim().is_empty() {
        let error = FieldError {
            field: "csv".into(),
            message: "choose a file or paste the rows".into(),
        };
        return import_view(auth, kind, csv, None, vec![error]);
    }
    let report = match kind {
        ImportKind::Facts => {
            state
                .services
                .import_facts(&auth.actor, &csv, dry_run, &|_, _| {})
                .await
        }
        ImportKind::Certifications => {
            state
                .services
                .import_certifications(&auth.actor, &csv, dry_run)
                .await
        }
        ImportKind::Deals => {
            state
                .services
                .import_deals(&auth.actor, &csv, dry_run, &|_| {})
                .await
        }
        ImportKind::Leads => {
            state
                .services
                .import_leads(&auth.actor, &csv, dry_run)
                .await
        }
        ImportKind::Opportunities | ImportKind::Accounts => {
            let which = if kind == ImportKind::Opportunities {
                domain::deals::direct::DirectKind::Opportunities
            } else {
                domain::deals::direct::DirectKind::Accounts
            };
            state
                .services
                .import_direct(&auth.actor, which, &csv, dry_run)
                .await
        }
    }
    .map_err(service_error)?;
    // After a successful import the form starts empty, so the same rows are not sent twice.
    let csv = if report.applied { String::new() } else { csv };
    import_view(auth, kind, csv, Some(report), Vec::new())
}
