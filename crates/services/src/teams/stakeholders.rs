//! The stakeholder map: per team its decision maker, what they care about, what blocks them
//! and our champion, with the team's alignment figures from what is recorded today.

use domain::permissions::Action;
use domain::program::policy::Team;
use domain::teams::{self, StakeholderInput};
use store::Read;
use store::teams::{OpenItems, TeamCount, TeamRow};

use super::views::{
    Champion, Figure, StakeholderEntry, StakeholderView, TeamView, member_counts, member_view,
    page_of, team_of,
};
use crate::internal_nps::TeamScore;
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

/// What the audit log keeps of an entry before and after an edit.
#[derive(serde::Serialize)]
struct Snapshot<'a> {
    version: i64,
    decision_maker: &'a str,
    cares_about: &'a str,
    blockers: &'a str,
    champion_user_id: Option<uuid::Uuid>,
    champion_name: &'a str,
}

pub(super) async fn champion_of(tx: &mut Read, row: &TeamRow) -> Result<Option<Champion>> {
    Ok(match row.champion_user_id {
        Some(id) => Some(Champion {
            user_id: Some(id),
            name: store::users::get(tx, id)
                .await?
                .map_or_else(|| id.to_string(), |u| u.name),
        }),
        None if !row.champion_name.is_empty() => Some(Champion {
            user_id: None,
            name: row.champion_name.clone(),
        }),
        None => None,
    })
}

pub(super) fn view(row: &TeamRow, champion: Option<Champion>) -> StakeholderView {
    StakeholderView {
        version: row.version,
        decision_maker: row.decision_maker.clone(),
        cares_about: row.cares_about.clone(),
        blockers: row.blockers.clone(),
        champion,
        updated_by: Some(row.updated_by.clone()).filter(|by| !by.is_empty()),
        updated_at: row.updated_at,
    }
}

/// The figures recorded today for a team: its members, the onboarding items it owns, its
/// queue's open work items (`open_work`, `store::work::open_counts`, as the team page counts
/// them), its members' open escalations and its mean in the current survey round (`survey`:
/// None while no round is open; a team it does not list has fewer than three answers, and
/// partner management is not asked about itself).
pub(super) fn figures(
    team: Team,
    members: usize,
    open: &[OpenItems],
    open_work: &[TeamCount],
    escalations: &[TeamCount],
    survey: Option<&[TeamScore]>,
) -> Vec<Figure> {
    let items = open.iter().find(|o| o.owner == team.key());
    let work = open_work.iter().find(|c| c.team == team.key());
    let cases = escalations.iter().find(|c| c.team == team.key());
    let mean = survey.and_then(|s| s.iter().find(|s| s.team == team.key()));
    let why_none = match survey {
        None => None,
        Some(_) if team == Team::PartnerManager => {
            Some("not asked: the survey is about this team".to_owned())
        }
        Some(_) => Some("fewer than 3 answers".to_owned()),
    };
    vec![
        Figure::count(
            "members",
            "Members",
            i64::try_from(members).unwrap_or(i64::MAX),
        ),
        Figure::count(
            "open_onboarding_items",
            "Open onboarding items",
            items.map_or(0, |i| i.open),
        ),
        Figure::count(
            "overdue_onboarding_items",
            "Overdue onboarding items",
            items.map_or(0, |i| i.overdue),
        ),
        Figure::count(
            "open_work_items",
            "Open work items in its queue",
            work.map_or(0, |c| c.open),
        ),
        Figure::count(
            "open_escalations",
            "Open escalations",
            cases.map_or(0, |c| c.open),
        ),
        Figure {
            key: "internal_nps".into(),
            label: "Internal NPS".into(),
            shown: mean.map(|m| m.score.to_string()).or(why_none),
            value: mean.map(|m| m.score),
        },
    ]
}

impl Services {
    /// Every team on the stakeholder map, in the teams' order.
    pub async fn stakeholder_map(
        &self,
        actor: &Actor,
        page: &PageRequest<i64>,
    ) -> Result<Page<StakeholderEntry>> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let rows = store::teams::all(&mut tx).await?;
        let members = store::teams::members(&mut tx, None).await?;
        let open = store::teams::open_onboarding_items(&mut tx, actor.today()).await?;
        let open_work = store::work::open_counts(&mut tx, None).await?;
        let escalations = store::teams::open_escalations(&mut tx).await?;
        let survey = crate::internal_nps::current_team_scores(&mut tx, &program).await?;
        let mut champions = Vec::with_capacity(rows.len());
        for row in &rows {
            champions.push(champion_of(&mut tx, row).await?);
        }
        drop(tx);
        let counts = member_counts(&members);
        let entries = teams::ALL
            .into_iter()
            .filter_map(|team| {
                let at = rows.iter().position(|r| r.key == team.key())?;
                let row = &rows[at];
                Some(StakeholderEntry {
                    key: team.key().to_owned(),
                    label: teams::label(team).to_owned(),
                    lead: row.lead_user_id.and_then(|lead| {
                        members
                            .iter()
                            .find(|m| m.team == row.key && m.user_id == lead)
                            .map(member_view)
                    }),
                    stakeholder: view(row, champions[at].clone()),
                    figures: figures(
                        team,
                        counts.get(team.key()).copied().unwrap_or(0),
                        &open,
                        &open_work,
                        &escalations,
                        survey.as_deref(),
                    ),
                })
            })
            .collect();
        Ok(page_of(entries, page))
    }

    /// Replaces a team's stakeholder map entry; an edit of a version someone else has
    /// replaced meanwhile is refused (409) so nobody's words are lost unseen.
    pub async fn edit_stakeholder(
        &self,
        actor: &Actor,
        key: &str,
        input: &StakeholderInput,
    ) -> Result<TeamView> {
        actor.require(Action::EditStakeholderMap)?;
        let team = team_of(key)?;
        let entry = input.validate().map_err(Error::Invalid)?;
        let mut tx = self.db.write().await?;
        if let Some(id) = entry.champion_user_id {
            let because = "a champion is one of our people";
            crate::users::one_of_our_people(&mut tx, id, "champion_user_id", because).await?;
        }
        let before = store::teams::get(&mut tx, team.key())
            .await?
            .ok_or(Error::NotFound)?;
        let label = teams::label(team);
        if before.version != entry.version {
            return Err(Error::Conflict(format!(
                "the {label} team's entry was edited by {} meanwhile (version {} of {}); reload it and try again",
                if before.updated_by.is_empty() {
                    "someone else"
                } else {
                    before.updated_by.as_str()
                },
                entry.version,
                before.version
            )));
        }
        let at = store::now();
        let row = store::teams::StakeholderRow {
            decision_maker: &entry.decision_maker,
            cares_about: &entry.cares_about,
            blockers: &entry.blockers,
            champion_user_id: entry.champion_user_id,
            champion_name: &entry.champion_name,
        };
        store::teams::set_stakeholder(&mut tx, team.key(), entry.version, &row, &actor.label, at)
            .await?;
        record(
            &mut tx,
            actor,
            at,
            Change {
                partner_id: None,
                entity_type: "team",
                entity_id: before.id,
                action: "stakeholder_map_edited",
                summary: format!("Stakeholder map: the {label} team's entry edited"),
                before: crate::snapshot(&Snapshot {
                    version: before.version,
                    decision_maker: &before.decision_maker,
                    cares_about: &before.cares_about,
                    blockers: &before.blockers,
                    champion_user_id: before.champion_user_id,
                    champion_name: &before.champion_name,
                }),
                after: crate::snapshot(&Snapshot {
                    version: entry.version + 1,
                    decision_maker: &entry.decision_maker,
                    cares_about: &entry.cares_about,
                    blockers: &entry.blockers,
                    champion_user_id: entry.champion_user_id,
                    champion_name: &entry.champion_name,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.team(actor, key).await
    }
}
