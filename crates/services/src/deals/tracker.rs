//! The pipeline tracker's fields of a registration: stage, probability, forecast category,
//! next action and blockers. A co-sold deal needs a joint call before the later stages.

use domain::deals::registration::{self, Status};
use domain::permissions::Action;
use domain::validation::Choice;
use uuid::Uuid;

use crate::deals::view::{DealView, ViewFacts, deal_view, size_in_program_currency};
use crate::{Actor, Error, Result, Services};

/// The pipeline tracker's fields of a deal.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineInput {
    /// discovery, demo, proposal or negotiation
    pub stage: String,
    #[serde(deserialize_with = "domain::validation::number_or_text")]
    pub probability: String,
    /// pipeline, best_case or commit
    pub forecast_category: String,
    pub next_action: String,
    /// YYYY-MM-DD
    pub next_action_on: String,
    pub next_action_owner: String,
    pub blockers: String,
}

impl Services {
    /// Updates the pipeline tracker's fields. Moving a co-sold deal past the policy's stage
    /// needs a logged joint call first.
    pub async fn update_pipeline(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &PipelineInput,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::WorkDeals)?;
        if !Status::parse(&before.status).is_some_and(Status::is_open) {
            return Err(Error::Conflict(
                "only an open registration is tracked in the pipeline".into(),
            ));
        }
        let mut v = domain::Validation::new();
        let stage: Option<registration::Stage> = v.choice("stage", &input.stage);
        let probability = match input.probability.trim().trim_end_matches('%').parse::<u8>() {
            Ok(p) if p <= 100 => Some(p),
            _ => {
                v.add("probability", "must be a whole percentage from 0 to 100");
                None
            }
        };
        let forecast: Option<registration::ForecastCategory> =
            v.choice("forecast_category", &input.forecast_category);
        let next_action = v.text("next_action", &input.next_action, false, 500);
        let next_action_on = match input.next_action_on.trim() {
            "" => None,
            text => match domain::validation::date(text) {
                Ok(d) => Some(d),
                Err(e) => {
                    v.add("next_action_on", e);
                    None
                }
            },
        };
        let owner = v.text("next_action_owner", &input.next_action_owner, false, 200);
        let blockers = v.text("blockers", &input.blockers, false, 2_000);
        if let Some(stage) = stage {
            let co_sold = registration::co_sell_required(
                &program.policies.co_sell,
                before.partner_sourced,
                size_in_program_currency(
                    &before,
                    &crate::rates::rates_into(&mut tx, &program).await?,
                    actor.today(),
                ),
            );
            if co_sold
                && registration::joint_call_needed(&program.policies.co_sell, stage)
                && !crate::deals::credit::has_joint_call(&mut tx, id).await?
            {
                v.add(
                    "stage",
                    format!(
                        "this deal is co-sold: a joint call with our team (logged or confirmed \
                         by us) must be on record before it moves to {}",
                        stage.label()
                    ),
                );
            }
        }
        v.into_result().map_err(Error::Invalid)?;
        let mut row = before.clone();
        row.stage = stage.expect("validated").as_str().into();
        row.probability = probability.expect("validated").into();
        row.forecast_category = forecast.expect("validated").as_str().into();
        row.next_action = next_action;
        row.next_action_on = next_action_on;
        row.next_action_owner = owner;
        row.blockers = blockers;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let summary = format!(
            "{} pipeline: {}, {}%, {}",
            row.reference.clone(),
            row.stage,
            row.probability,
            row.forecast_category
        );
        let row = self
            .save_deal(tx, actor, &before, row, "pipeline_updated", summary)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }
}
