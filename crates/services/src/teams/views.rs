//! What the teams' pages and API show: members, parts in the RACI matrix, stakeholder map
//! entries, and the small helpers every file of the feature shares.

use std::collections::HashMap;

use domain::Choice;
use domain::program::policy::{Raci, Team};
use domain::teams;
use rust_decimal::Decimal;
use store::Read;
use uuid::Uuid;

pub(super) use crate::paging::by_position as page_of;
use crate::{Actor, Error, Result};

/// An account on a team, or one that may join.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    /// The account's role key (it stays the source of what they may do).
    pub role: String,
    pub role_label: String,
    pub disabled: bool,
}

/// A team's part in one activity of the RACI matrix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Part {
    pub activity: String,
    pub activity_label: String,
    pub team: String,
    pub team_label: String,
    /// R, A, C or I
    pub letter: String,
    /// Responsible, Accountable, Consulted or Informed
    pub word: String,
}

/// One activity of the RACI matrix with the teams that have a part in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RaciActivity {
    pub activity: String,
    pub label: String,
    pub parts: Vec<Part>,
    /// The team whose queue takes this activity's work (its R, else its A) when no active
    /// person is on it: the work would wait for no one.
    pub unstaffed_queue: Option<String>,
}

/// A team's champion: one of our accounts, or a name in words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Champion {
    pub user_id: Option<Uuid>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StakeholderView {
    /// Send it back with an edit: an edit of another version is refused (409).
    pub version: i64,
    pub decision_maker: String,
    pub cares_about: String,
    pub blockers: String,
    pub champion: Option<Champion>,
    pub updated_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<time::OffsetDateTime>,
}

/// A team's page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TeamView {
    pub key: String,
    pub label: String,
    pub lead: Option<MemberView>,
    pub members: Vec<MemberView>,
    /// The activities the team is R, A, C or I for, in the matrix's order.
    pub parts: Vec<Part>,
    pub stakeholder: StakeholderView,
    pub figures: Vec<Figure>,
}

/// One alignment figure of a team: counts, and the internal survey's mean to one decimal.
/// Both values are absent where nothing records it yet (pages say "no data yet" rather than
/// show a number nobody measured); a survey figure without a value says why in `shown`
/// ("fewer than 3 answers").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = TeamFigure)]
pub struct Figure {
    /// members, open_onboarding_items, overdue_onboarding_items, open_work_items,
    /// open_escalations, internal_nps
    pub key: String,
    pub label: String,
    /// As pages show it: "1,204", "7.5", "fewer than 3 answers".
    pub shown: Option<String>,
    /// The number as a decimal string: "1204", "7.5".
    #[schema(value_type = Option<String>)]
    pub value: Option<Decimal>,
}

impl Figure {
    /// A count, always recorded.
    pub(super) fn count(key: &str, label: &str, count: i64) -> Figure {
        Figure {
            key: key.into(),
            label: label.into(),
            shown: Some(domain::display::number(count)),
            value: Some(Decimal::from(count)),
        }
    }
}

/// A team on the stakeholder map.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StakeholderEntry {
    pub key: String,
    pub label: String,
    pub lead: Option<MemberView>,
    pub stakeholder: StakeholderView,
    pub figures: Vec<Figure>,
}

/// The teams of a signed-in person (none for the system): what widens their onboarding ticks.
pub(crate) async fn actor_teams(tx: &mut Read, actor: &Actor) -> Result<Vec<Team>> {
    let Some(user_id) = actor.user_id.filter(|_| actor.is_internal()) else {
        return Ok(Vec::new());
    };
    Ok(store::teams::teams_of(tx, user_id)
        .await?
        .iter()
        .filter_map(|key| teams::parse(key))
        .collect())
}

/// The team a path names; an unknown key is "not found".
pub(super) fn team_of(key: &str) -> Result<Team> {
    teams::parse(key).ok_or(Error::NotFound)
}

pub(crate) fn member_view(row: &store::teams::MemberRow) -> MemberView {
    let role = domain::roles::Role::parse(&row.role);
    MemberView {
        user_id: row.user_id,
        name: row.name.clone(),
        email: row.email.clone(),
        role: row.role.clone(),
        role_label: role.map_or_else(|| row.role.clone(), |r| r.label().to_owned()),
        disabled: row.disabled_at.is_some(),
    }
}

pub(super) fn user_view(user: &domain::users::User) -> MemberView {
    MemberView {
        user_id: user.id,
        name: user.name.clone(),
        email: user.email.clone(),
        role: user.role.as_str().to_owned(),
        role_label: user.role.label().to_owned(),
        disabled: user.disabled_at.is_some(),
    }
}

pub(super) fn part(activity: &str, team: Team, raci: Raci) -> Part {
    Part {
        activity: activity.to_owned(),
        activity_label: domain::display::words(activity),
        team: team.key().to_owned(),
        team_label: teams::label(team).to_owned(),
        letter: teams::raci_letter(raci).to_owned(),
        word: teams::raci_word(raci).to_owned(),
    }
}

/// Member counts by team key.
pub(super) fn member_counts(rows: &[store::teams::MemberRow]) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for row in rows {
        *counts.entry(row.team.as_str()).or_default() += 1;
    }
    counts
}
