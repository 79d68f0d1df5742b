//! The partner page's form for a quarter's tier facts.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, PageId};
use crate::partner_page::{PartnerPageForms, Tab, partner_view};
use crate::respond::{PageResult, see_other, service_error};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use domain::program::history::{CERT_PREFIX, QuarterFactsInput};

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/partners/{id}/facts", post(set_partner_facts))
}

async fn set_partner_facts(
    State(state): State<AppState>,
    auth: PageAuth,
    PageId(id): PageId,
    body: Bytes,
) -> PageResult {
    let form = Form::parse(&body);
    auth.verify_csrf(&form.csrf())?;
    // Certification counts come as one field per certification (`cert.KEY`), not one map.
    let input = QuarterFactsInput {
        certifications: form.prefixed(CERT_PREFIX),
        ..form.input(&[CERT_PREFIX])?
    };
    let result = state
        .services
        .set_quarter_facts(&auth.actor, id, &input)
        .await
        .map(|_| ());
    match result {
        Ok(()) => Ok(see_other(&format!("/partners/{id}/tier"))),
        Err(services::Error::Invalid(facts_errors)) => {
            partner_view(
                &state,
                &auth,
                id,
                Tab::Tier,
                "",
                PartnerPageForms {
                    facts: Some(input),
                    facts_errors,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(service_error(other)),
    }
}
