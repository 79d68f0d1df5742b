//! Who is on a team and who leads it: admins only, our own people only.

use domain::Choice;
use domain::permissions::Action;
use domain::teams;
use uuid::Uuid;

use super::views::{MemberView, TeamView, member_view, team_of, user_view};
use crate::{Actor, Change, Error, Result, Services, record};

/// The account to add to a team.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MemberInput {
    pub user_id: String,
}

/// The member to name as lead; empty for none.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = TeamLeadInput)]
#[serde(default, deny_unknown_fields)]
pub struct LeadInput {
    pub user_id: String,
}

fn user_id(field_value: &str) -> Result<Uuid> {
    Uuid::parse_str(field_value.trim())
        .map_err(|_| Error::field("user_id", "choose an account (a user's id)"))
}

impl Services {
    /// Puts one of our people on a team. Partner-side accounts never join, disabled ones
    /// are refused, someone on the team already is a conflict.
    pub async fn add_team_member(
        &self,
        actor: &Actor,
        key: &str,
        input: &MemberInput,
    ) -> Result<TeamView> {
        actor.require(Action::ManageTeams)?;
        let team = team_of(key)?;
        let user_id = user_id(&input.user_id)?;
        let mut tx = self.db.write().await?;
        let row = store::teams::get(&mut tx, team.key())
            .await?
            .ok_or(Error::NotFound)?;
        let user = store::users::get(&mut tx, user_id)
            .await?
            .ok_or_else(|| Error::field("user_id", "no account has this id"))?;
        if user.role.is_partner_side() {
            return Err(Error::field(
                "user_id",
                format!(
                    "{} is a {} of a partner organisation; teams hold our own people only",
                    user.email,
                    user.role.label().to_lowercase()
                ),
            ));
        }
        if user.disabled_at.is_some() {
            return Err(Error::field(
                "user_id",
                format!("{}'s account is disabled", user.email),
            ));
        }
        let label = teams::label(team);
        let at = store::now();
        if !store::teams::add_member(&mut tx, team.key(), user_id, &actor.label, at).await? {
            return Err(Error::Conflict(format!(
                "{} is on the {label} team already",
                user.email
            )));
        }
        record(
            &mut tx,
            actor,
            at,
            Change {
                partner_id: None,
                entity_type: "team",
                entity_id: row.id,
                action: "member_added",
                summary: format!("{} ({}) joined the {label} team", user.name, user.email),
                before: None,
                after: crate::snapshot(&user_view(&user)),
            },
        )
        .await?;
        tx.commit().await?;
        self.team(actor, key).await
    }

    /// Takes someone off a team; a lead taken off leaves the team without one.
    pub async fn remove_team_member(
        &self,
        actor: &Actor,
        key: &str,
        user_id: Uuid,
    ) -> Result<TeamView> {
        actor.require(Action::ManageTeams)?;
        let team = team_of(key)?;
        let label = teams::label(team);
        let mut tx = self.db.write().await?;
        let row = store::teams::get(&mut tx, team.key())
            .await?
            .ok_or(Error::NotFound)?;
        let user = store::users::get(&mut tx, user_id)
            .await?
            .ok_or(Error::NotFound)?;
        if !store::teams::remove_member(&mut tx, team.key(), user_id).await? {
            return Err(Error::Conflict(format!(
                "{} is not on the {label} team",
                user.email
            )));
        }
        let was_lead = row.lead_user_id == Some(user_id);
        record(
            &mut tx,
            actor,
            store::now(),
            Change {
                partner_id: None,
                entity_type: "team",
                entity_id: row.id,
                action: "member_removed",
                summary: format!(
                    "{} ({}) left the {label} team{}",
                    user.name,
                    user.email,
                    if was_lead {
                        ", which has no lead now"
                    } else {
                        ""
                    }
                ),
                before: crate::snapshot(&user_view(&user)),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.team(actor, key).await
    }

    /// Names a member as the team's lead, or (empty id) leaves the team without one.
    pub async fn set_team_lead(
        &self,
        actor: &Actor,
        key: &str,
        input: &LeadInput,
    ) -> Result<TeamView> {
        actor.require(Action::ManageTeams)?;
        let team = team_of(key)?;
        let label = teams::label(team);
        let lead = if input.user_id.trim().is_empty() {
            None
        } else {
            Some(user_id(&input.user_id)?)
        };
        let mut tx = self.db.write().await?;
        let row = store::teams::get(&mut tx, team.key())
            .await?
            .ok_or(Error::NotFound)?;
        let members = store::teams::members(&mut tx, Some(team.key())).await?;
        let lead_member: Option<MemberView> = match lead {
            Some(id) => Some(
                members
                    .iter()
                    .find(|m| m.user_id == id)
                    .map(member_view)
                    .ok_or_else(|| {
                        Error::field(
                            "user_id",
                            format!("the lead must be on the {label} team; add them first"),
                        )
                    })?,
            ),
            None => None,
        };
        if row.lead_user_id == lead {
            return Err(Error::Conflict(match &lead_member {
                Some(m) => format!("{} leads the {label} team already", m.email),
                None => format!("the {label} team has no lead already"),
            }));
        }
        store::teams::set_lead(&mut tx, team.key(), row.lead_user_id, lead).await?;
        record(
            &mut tx,
            actor,
            store::now(),
            Change {
                partner_id: None,
                entity_type: "team",
                entity_id: row.id,
                action: "lead_named",
                summary: match &lead_member {
                    Some(m) => format!("{} ({}) leads the {label} team", m.name, m.email),
                    None => format!("The {label} team has no lead"),
                },
                before: None,
                after: lead_member.as_ref().and_then(crate::snapshot),
            },
        )
        .await?;
        tx.commit().await?;
        self.team(actor, key).await
    }

    /// Our enabled people not on a team yet: whom an admin may add.
    pub async fn team_candidates(&self, actor: &Actor, key: &str) -> Result<Vec<MemberView>> {
        actor.require(Action::ManageTeams)?;
        let team = team_of(key)?;
        let mut tx = self.db.read().await?;
        let members = store::teams::members(&mut tx, Some(team.key())).await?;
        drop(tx);
        Ok(self
            .internal_people(actor)
            .await?
            .into_iter()
            .filter(|p| !members.iter().any(|m| m.user_id == p.user_id))
            .collect())
    }
}
