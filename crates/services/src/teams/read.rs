//! Reading teams: the RACI matrix, a team's page, our people to choose from.

use domain::alignment::{Activity, route};
use domain::permissions::Action;
use domain::teams;
use domain::validation::Choice;

use super::stakeholders;
use super::views::{
    MemberView, RaciActivity, TeamView, member_view, page_of, part, team_of, user_view,
};
use crate::{Actor, Error, Page, PageRequest, Result, Services};

impl Services {
    /// The RACI matrix of the program in force, activity by activity.
    pub async fn raci(&self, actor: &Actor, page: &PageRequest<i64>) -> Result<Page<RaciActivity>> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let staffed: std::collections::HashSet<String> = store::teams::members(&mut tx, None)
            .await?
            .into_iter()
            .filter(|m| m.disabled_at.is_none())
            .map(|m| m.team)
            .collect();
        let raci = &program.policies.raci;
        let activities = raci
            .0
            .iter()
            .map(|(activity, row)| RaciActivity {
                activity: activity.clone(),
                label: domain::display::words(activity),
                // In the teams' page order, not the matrix's key order.
                parts: teams::ALL
                    .into_iter()
                    .filter_map(|team| row.get(&team).map(|r| part(activity, team, *r)))
                    .collect(),
                unstaffed_queue: Activity::parse(activity)
                    .and_then(|a| route(raci, a))
                    .map(|route| route.queue)
                    .filter(|queue| !staffed.contains(queue.key()))
                    .map(|queue| teams::label(queue).to_owned()),
            })
            .collect();
        Ok(page_of(activities, page))
    }

    /// A team's page: members, lead, its parts in the RACI matrix, its stakeholder map entry
    /// and figures.
    pub async fn team(&self, actor: &Actor, key: &str) -> Result<TeamView> {
        actor.require(Action::ReadInternal)?;
        let team = team_of(key)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let row = store::teams::get(&mut tx, team.key())
            .await?
            .ok_or(Error::NotFound)?;
        let members = store::teams::members(&mut tx, Some(team.key())).await?;
        let open = store::teams::open_onboarding_items(&mut tx, actor.today()).await?;
        let open_work = store::work::open_counts(&mut tx, Some(team.key())).await?;
        let escalations = store::teams::open_escalations(&mut tx).await?;
        let survey = crate::internal_nps::current_team_scores(&mut tx, &program).await?;
        let champion = stakeholders::champion_of(&mut tx, &row).await?;
        drop(tx);
        let members: Vec<MemberView> = members.iter().map(member_view).collect();
        Ok(TeamView {
            key: team.key().to_owned(),
            label: teams::label(team).to_owned(),
            lead: row
                .lead_user_id
                .and_then(|lead| members.iter().find(|m| m.user_id == lead).cloned()),
            parts: teams::parts(&program.policies.raci, team)
                .into_iter()
                .map(|(activity, raci)| part(&activity, team, raci))
                .collect(),
            figures: stakeholders::figures(
                team,
                members.len(),
                &open,
                &open_work,
                &escalations,
                survey.as_deref(),
            ),
            stakeholder: stakeholders::view(&row, champion),
            members,
        })
    }

    /// Our enabled people, for choosing a member, a lead or a champion.
    pub async fn internal_people(&self, actor: &Actor) -> Result<Vec<MemberView>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let users = store::users::list(&mut tx, None).await?;
        drop(tx);
        Ok(users
            .iter()
            .filter(|u| u.role.is_internal() && u.disabled_at.is_none())
            .map(user_view)
            .collect())
    }
}
