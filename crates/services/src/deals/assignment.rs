//! Who works a registration on our side: the account executive, the solutions engineer, and
//! whether deal desk reviews it.

use domain::permissions::Action;
use domain::validation::Choice;
use uuid::Uuid;

use crate::deals::view::{DealView, ViewFacts, deal_view};
use crate::{Actor, Error, Result, Services};

/// Who works a registration on our side.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AssignmentInput {
    /// The account executive (an internal user's id), or empty for none.
    pub ae_user_id: String,
    /// The solutions engineer (an internal user's id), or empty for none.
    pub se_user_id: String,
    #[serde(deserialize_with = "domain::validation::checkbox")]
    pub deal_desk_review: bool,
}

impl Services {
    /// Assigns our AE and SE to a registration and flags it for deal-desk review (admins
    /// and partner managers).
    pub async fn assign_deal(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &AssignmentInput,
    ) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let before = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::ManageDeals)?;
        let mut v = domain::Validation::new();
        let mut person = |field: &str, text: &str| -> Option<Uuid> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let id = Uuid::parse_str(text).ok();
            if id.is_none() {
                v.add(field, format!("'{text}' is not a user id"));
            }
            id
        };
        let ae = person("ae_user_id", &input.ae_user_id);
        let se = person("se_user_id", &input.se_user_id);
        for (field, id) in [("ae_user_id", ae), ("se_user_id", se)] {
            if let Some(id) = id {
                let ok = store::users::get(&mut tx, id)
                    .await?
                    .is_some_and(|u| u.role.is_internal() && u.disabled_at.is_none());
                if !ok {
                    v.add(field, "must be an active internal user");
                }
            }
        }
        v.into_result().map_err(Error::Invalid)?;
        let mut row = before.clone();
        row.ae_user_id = ae;
        row.se_user_id = se;
        row.deal_desk_review = input.deal_desk_review;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        let summary = format!(
            "{}: AE and SE assigned{}",
            row.reference.clone(),
            if input.deal_desk_review {
                ", flagged for deal-desk review"
            } else {
                ""
            }
        );
        let row = self
            .save_deal(tx, actor, &before, row, "assigned", summary)
            .await?;
        deal_view(actor, &program, &facts, &row)
    }

    /// Our active internal people, as (id, "Name (Role)"), for assigning AEs and SEs
    /// (admins and partner managers).
    pub async fn assignable_people(&self, actor: &Actor) -> Result<Vec<(Uuid, String)>> {
        actor.require(Action::ManageDeals)?;
        let mut tx = self.db.read().await?;
        let users = store::users::list(&mut tx, None).await?;
        drop(tx);
        Ok(users
            .into_iter()
            .filter(|u| u.role.is_internal() && u.disabled_at.is_none())
            .map(|u| (u.id, format!("{} ({})", u.name, u.role.label())))
            .collect())
    }
}
