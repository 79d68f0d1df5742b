//! Teams (one row per RACI team key, made by the migration), their members and their entry
//! on the stakeholder map.

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamRow {
    pub key: String,
    pub id: Uuid,
    pub lead_user_id: Option<Uuid>,
    pub decision_maker: String,
    pub cares_about: String,
    pub blockers: String,
    pub champion_user_id: Option<Uuid>,
    pub champion_name: String,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: Option<OffsetDateTime>,
}

const TEAM: &str = "SELECT key, id, lead_user_id, decision_maker, cares_about, blockers, \
     champion_user_id, champion_name, version, updated_by, updated_at FROM teams";

pub async fn all(tx: &mut Read) -> Result<Vec<TeamRow>> {
    tx.all(Sql::new(TEAM)).await
}

pub async fn get(tx: &mut Read, key: &str) -> Result<Option<TeamRow>> {
    let mut query = Sql::new(TEAM);
    query.push(" WHERE key = ").push_bind(key.to_owned());
    tx.optional(query).await
}

/// A member with what pages show of the account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRow {
    pub team: String,
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub disabled_at: Option<OffsetDateTime>,
    pub added_at: OffsetDateTime,
}

/// Members of one team, or (None) of every team, in team then name order.
pub async fn members(tx: &mut Read, team: Option<&str>) -> Result<Vec<MemberRow>> {
    let mut query = Sql::new(
        "SELECT m.team, m.user_id, u.name, u.email, u.role, u.disabled_at, m.added_at \
         FROM team_members m JOIN users u ON u.id = m.user_id",
    );
    if let Some(team) = team {
        query.push(" WHERE m.team = ").push_bind(team.to_owned());
    }
    query.push(" ORDER BY m.team, u.name, u.email");
    tx.all(query).await
}

/// The keys of the teams a user is on.
pub async fn teams_of(tx: &mut Read, user_id: Uuid) -> Result<Vec<String>> {
    #[derive(sqlx::FromRow)]
    struct Key {
        team: String,
    }
    Ok(tx
        .all::<Key>(sql!(
            "SELECT team FROM team_members WHERE user_id = $1 ORDER BY team",
            user_id
        ))
        .await?
        .into_iter()
        .map(|k| k.team)
        .collect())
}

/// Adds a member; false when they are on the team already.
pub async fn add_member(
    tx: &mut Write,
    team: &str,
    user_id: Uuid,
    by: &str,
    at: OffsetDateTime,
) -> Result<bool> {
    let rows = tx
        .execute(sql!(
            "INSERT INTO team_members (team, user_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (team, user_id) DO NOTHING",
            team,
            user_id,
            by,
            at
        ))
        .await?;
    Ok(rows == 1)
}

/// Takes a member off a team, and off its lead if they were; false when they were not on it.
pub async fn remove_member(tx: &mut Write, team: &str, user_id: Uuid) -> Result<bool> {
    let rows = tx
        .execute(sql!(
            "DELETE FROM team_members WHERE team = $1 AND user_id = $2",
            team,
            user_id
        ))
        .await?;
    tx.execute(sql!(
        "UPDATE teams SET lead_user_id = NULL WHERE key = $1 AND lead_user_id = $2",
        team,
        user_id
    ))
    .await?;
    Ok(rows == 1)
}

/// Names a team's lead (or none), provided the lead is still the one read (`read_lead`) and
/// the new lead is still a member, else [`crate::Error::Changed`].
pub async fn set_lead(
    tx: &mut Write,
    team: &str,
    read_lead: Option<Uuid>,
    lead: Option<Uuid>,
) -> Result<()> {
    let mut query = sql!(
        "UPDATE teams SET lead_user_id = $2 WHERE key = $1 AND lead_user_id IS NOT DISTINCT FROM $3",
        team,
        lead,
        read_lead
    );
    if let Some(lead) = lead {
        query
            .push(" AND EXISTS (SELECT 1 FROM team_members WHERE team = teams.key AND user_id = ")
            .push_bind(lead)
            .push(")");
    }
    let rows = tx.execute(query).await?;
    crate::changed_one(rows, "team")
}

/// A team's stakeholder map entry as written.
pub struct StakeholderRow<'a> {
    pub decision_maker: &'a str,
    pub cares_about: &'a str,
    pub blockers: &'a str,
    pub champion_user_id: Option<Uuid>,
    pub champion_name: &'a str,
}

/// Replaces a team's stakeholder map entry and counts the edit, provided it is still at the
/// version read, else [`crate::Error::Changed`].
pub async fn set_stakeholder(
    tx: &mut Write,
    team: &str,
    read_version: i64,
    entry: &StakeholderRow<'_>,
    by: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE teams SET decision_maker = $3, cares_about = $4, blockers = $5, \
             champion_user_id = $6, champion_name = $7, updated_by = $8, updated_at = $9, \
             version = version + 1 WHERE key = $1 AND version = $2",
            team,
            read_version,
            entry.decision_maker,
            entry.cares_about,
            entry.blockers,
            entry.champion_user_id,
            entry.champion_name,
            by,
            at
        ))
        .await?;
    crate::changed_one(rows, "stakeholder map entry")
}

/// Open onboarding items ticked by hand, per owner (a team key or "partner"), of partners
/// not archived.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenItems {
    pub owner: String,
    pub open: i64,
    /// Of those, due before `today`.
    pub overdue: i64,
}

pub async fn open_onboarding_items(tx: &mut Read, today: Date) -> Result<Vec<OpenItems>> {
    // Items the system observes close by themselves and are nobody's work.
    tx.all(sql!(
        "SELECT i.owner, COUNT(*) AS open, COUNT(CASE WHEN i.due_on < $1 THEN 1 END) AS overdue \
         FROM onboarding_items i JOIN partners p ON p.id = i.partner_id \
         WHERE i.done_at IS NULL AND i.completes_when IS NULL AND p.archived_at IS NULL \
         GROUP BY i.owner ORDER BY i.owner",
        today
    ))
    .await
}

/// Open escalation cases (any state but closed: a resolved case waits on the partner's
/// confirmation) owned by a team's members, per team; a case whose owner is on two teams
/// counts for both.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamCount {
    pub team: String,
    pub open: i64,
}

pub async fn open_escalations(tx: &mut Read) -> Result<Vec<TeamCount>> {
    tx.all(sql!(
        "SELECT m.team, COUNT(*) AS open FROM team_members m \
         JOIN escalation_cases c ON c.owner_id = m.user_id \
         WHERE c.state <> 'closed' GROUP BY m.team ORDER BY m.team"
    ))
    .await
}
