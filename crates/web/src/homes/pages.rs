//! The home page (`/`, and where signing in leads): a partner's people see where their
//! organisation stands and what waits on them, our people the figures of their role. And the
//! program's tiers page, what each tier asks and gives.

use crate::AppState;
use crate::auth::PageAuth;
use crate::layout::Layout;
use crate::respond::{PageResult, render, service_error};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::get;
use services::homes::{Amount, Home, InternalHome, PartnerHome, ProgramTiers};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/home") }))
        .route("/home", get(home_page))
        .route("/program/tiers", get(tiers_page))
}

#[derive(Template)]
#[template(path = "homes/partner_home.html")]
struct PartnerHomePage {
    layout: Layout,
    h: PartnerHome,
}

#[derive(Template)]
#[template(path = "homes/internal_home.html")]
struct InternalHomePage {
    layout: Layout,
    h: InternalHome,
}

/// A figure's value in words, through the one formatting module.
fn amount(value: &Amount) -> String {
    match value {
        Amount::Count { n, noun, plural } => crate::format::count_with(n, noun, plural),
        Amount::Money { amount, currency } => crate::format::money(amount, currency),
    }
}

/// A stored day ("2026-12-31") as people read it; text that is no day stays as it is.
fn day_text(text: &str) -> String {
    domain::validation::date(text)
        .map(|d| crate::format::day(&d))
        .unwrap_or_else(|_| text.to_owned())
}

impl InternalHomePage {
    fn amount(&self, value: &Amount) -> String {
        amount(value)
    }

    fn day(&self, text: &str) -> String {
        day_text(text)
    }
}

async fn home_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let home = state
        .services
        .home(&auth.actor)
        .await
        .map_err(service_error)?;
    Ok(match home {
        Home::Partner(h) => render(PartnerHomePage {
            layout: auth.layout(format!("{} at a glance", h.partner_name)),
            h,
        }),
        Home::Internal(h) => render(InternalHomePage {
            layout: auth.layout("Home"),
            h,
        }),
    })
}

#[derive(Template)]
#[template(path = "homes/tiers.html")]
struct TiersPage {
    layout: Layout,
    t: ProgramTiers,
}

async fn tiers_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    let t = state
        .services
        .program_tiers(&auth.actor)
        .await
        .map_err(service_error)?;
    Ok(render(TiersPage {
        layout: auth.layout("The program's tiers"),
        t,
    }))
}
