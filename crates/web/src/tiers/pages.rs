//! The tiers page (proposals in play and decided, the distribution, evaluation runs) and the
//! partner page's form that sets a tier by hand.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::format::moment;
use crate::layout::{Layout, Opt, tier_options};
use crate::partner_page::{PartnerPageForms, Tab, partner_view};
use crate::respond::{PageResult, render, see_other, service_error};
use crate::tiers::api::{DecisionInput, TierInput};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::FieldError;
use domain::permissions::Action;
use services::PageRequest;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/tiers", get(tiers_page))
        .route("/tiers/evaluate", post(run_tier_evaluation))
        .route("/tiers/{id}/decide", post(decide_proposal))
        .route("/partners/{id}/tier", post(set_partner_tier))
}

#[derive(Template)]
#[template(path = "tiers/tiers.html")]
struct TiersPage {
    layout: Layout,
    csrf_token: String,
    notice: Option<String>,
    errors: Vec<String>,
    cadence: &'static str,
    can_decide: bool,
    tiers: Vec<Opt>,
    in_play: Vec<services::tiers::TierProposal>,
    decided: Vec<services::tiers::TierProposal>,
    distribution: Vec<(String, i64)>,
    runs: Vec<(String, services::jobs::JobView)>,
}

async fn tiers_view(
    state: &AppState,
    auth: &PageAuth,
    notice: Option<String>,
    errors: Vec<String>,
) -> PageResult {
    let services = &state.services;
    let actor = &auth.actor;
    let in_play = services
        .tier_proposals(actor, "in_play", &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    // The page shows the latest decisions; older ones are in the API's later pages.
    let decided = services
        .tier_proposals(actor, "decided", &PageRequest::first(100))
        .await
        .map_err(service_error)?
        .items;
    let distribution = services
        .tier_distribution(actor)
        .await
        .map_err(service_error)?;
    let runs = services
        .tier_evaluation_runs(actor, &PageRequest::first(20))
        .await
        .map_err(service_error)?
        .items;
    let (_, program) = services.program_in_force().await.map_err(service_error)?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = TiersPage {
        layout: auth.layout("Tiers"),
        csrf_token: auth.csrf_token.clone(),
        notice,
        errors,
        cadence: match program.review.evaluation {
            domain::program::Cadence::Daily => "daily",
            domain::program::Cadence::Weekly => "weekly",
            domain::program::Cadence::Monthly => "monthly",
        },
        can_decide: actor.may(Action::RunTierProgram),
        tiers: tier_options(&program, ""),
        in_play,
        decided,
        distribution,
        runs: runs
            .into_iter()
            .map(|r| (moment(&r.created_at, &auth.zone()), r))
            .collect(),
    };
    Ok((status, render(view)).into_response())
}

async fn tiers_page(State(state): State<AppState>, auth: PageAuth) -> PageResult {
    tiers_view(&state, &auth, None, Vec::new()).await
}

async fn run_tier_evaluation(
    State(state): State<AppState>,
    auth: PageAuth,
    body: Bytes,
) -> PageResult {
    auth.verify_csrf(&Form::parse(&body).csrf())?;
    let job = state
        .services
        .run_tier_evaluation_now(&auth.actor)
        .await
        .map_err(service_error)?;
    let notice = if job.error.is_empty() {
        format!("Evaluation finished: {}.", job.result)
    } else {
        format!("Evaluation failed: {}.", job.error)
    };
    tiers_view(&state, &auth, Some(notice), Vec::new()).await
}

async fn decide_proposal(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: DecisionInput = form.input(&[])?;
    let result = match services::tiers::Decision::parse(&input.decision) {
        Ok(decision) => {
            state
                .services
                .decide_proposal(&auth.actor, id, decision, &input.tier, &input.note)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => {
            let notice = format!(
                "{}: {} {} → {} {}.",
                p.partner_name,
                p.kind,
                p.from_tier,
                p.final_tier.as_deref().unwrap_or(&p.to_tier),
                p.status
            );
            tiers_view(&state, &auth, Some(notice), Vec::new()).await
        }
        Err(services::Error::Invalid(errors)) => {
            let messages = errors
                .into_iter()
                .map(|e| {
                    let field = if e.field == "note" {
                        "reason"
                    } else {
                        e.field.as_str()
                    };
                    format!("{field}: {}", e.message)
                })
                .collect();
            tiers_view(&state, &auth, None, messages).await
        }
        Err(services::Error::Conflict(why)) => tiers_view(&state, &auth, None, vec![why]).await,
        Err(other) => Err(service_error(other)),
    }
}

async fn set_partner_tier(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    let input: TierInput = form.input(&[])?;
    match state
        .services
        .set_tier_manually(&auth.actor, id, &input.tier, &input.note)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/partners/{id}/tier"))),
        Err(services::Error::Invalid(tier_errors)) => {
            partner_view(
                &state,
                &auth,
                id,
                Tab::Tier,
                "",
                PartnerPageForms {
                    tier_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(services::Error::Conflict(why)) => {
            let tier_errors = vec![FieldError {
                field: "tier".into(),
                message: why,
            }];
            partner_view(
                &state,
                &auth,
                id,
                Tab::Tier,
                "",
                PartnerPageForms {
                    tier_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}
