//! The internal NPS survey: a round per period (`[internal_nps] cadence`), opened by the jobs
//! loop or an admin; each of our people answers once a round, partners' people never. The
//! results are aggregates only: the round's mean (0–10, one decimal, half to even) against
//! `targets.internal_nps`, the trend of the last rounds, each team's mean from three answers
//! on, and the comments without names. The question asks about the partner team, so its own
//! members are not asked: their answer would rate themselves ([`asked`]). Who answered is stored apart from what was answered
//! (`store::internal_nps`), only so nobody answers twice.

use domain::internal_nps::{self, MIN_ANSWERS, Period};
use domain::permissions::Action;
use domain::program::Program;
use domain::program::policy::Team;
use domain::validation::Choice;
use rust_decimal::Decimal;
use serde::Serialize;
use store::internal_nps::{AnswerRow, RoundRow};
use store::notifications::NewNotification;
use uuid::Uuid;

use crate::notifications::notify_and_record;
use crate::{Actor, Change, Error, Result, Services};

/// How many rounds the trend shows.
const TREND_ROUNDS: i64 = 4;

/// An answer as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerForm {
    /// 0–10.
    #[serde(deserialize_with = "domain::validation::number_or_text")]
    pub score: String,
    /// Optional; shown without a name.
    pub comment: String,
}

/// One round's figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundScore {
    /// 2026-Q4 or 2026-12.
    pub period: String,
    pub answers: usize,
    /// The mean of the answers on 0–10, to one decimal (half to even); absent without any.
    #[schema(value_type = Option<String>)]
    pub score: Option<Decimal>,
    /// Above the target.
    pub meets_target: Option<bool>,
}

/// One team's figure in the current round: shown only from three answers on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamScore {
    pub team: String,
    pub label: String,
    #[schema(value_type = String)]
    pub score: Decimal,
}

/// The survey as our people see it: aggregates only, never who said what.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InternalNpsView {
    pub question: String,
    pub target: i32,
    /// The current round, if one is open for the period.
    pub current: Option<RoundScore>,
    /// Whether the asker answered the current round.
    pub answered: bool,
    /// False for the partner team's own members: the question is about their team, so
    /// they are not asked.
    pub asked: bool,
    /// The last rounds, oldest first (the current one last).
    pub trend: Vec<RoundScore>,
    /// Teams with at least three answers in the current round.
    pub teams: Vec<TeamScore>,
    /// The current round's comments, without names, in no order of answering; none while
    /// the round has fewer than three answers.
    pub comments: Vec<String>,
}

/// The round of today, on the program's calendar (its business hours' zone), so the jobs
/// loop and every person agree on it.
fn period_now(program: &Program) -> Period {
    let today = domain::users::today_in(&program.policies.business_hours.time_zone, store::now());
    internal_nps::period(today, program.policies.internal_nps.cadence)
}

/// The job kind that opens the period's round when it is due.
pub const INTERNAL_NPS_ROUND: &str = "internal_nps_round";

/// The team the question asks about ("working with the partner team").
const RATED_TEAM: Team = Team::PartnerManager;

/// Whether a person on `teams` is asked: not a member of the team the question rates, whose
/// answer would be the team rating itself.
fn asked(teams: &[String]) -> bool {
    !teams.iter().any(|team| team == RATED_TEAM.key())
}

fn scores(answers: &[AnswerRow]) -> Vec<u8> {
    answers
        .iter()
        .map(|a| u8::try_from(a.score).unwrap_or(0))
        .collect()
}

fn round_score(round: &RoundRow, answers: &[AnswerRow], target: i32) -> RoundScore {
    let own: Vec<AnswerRow> = answers
        .iter()
        .filter(|a| a.round_id == round.id)
        .cloned()
        .collect();
    let score = internal_nps::mean(&scores(&own));
    RoundScore {
        period: round.period_key.clone(),
        answers: own.len(),
        score,
        meets_target: score.map(|s| internal_nps::meets(s, Decimal::from(target))),
    }
}

/// Each team's mean in `answers`, for the teams with enough answers.
fn team_scores(answers: &[AnswerRow]) -> Vec<TeamScore> {
    domain::teams::ALL
        .into_iter()
        .filter_map(|team| {
            let of_team: Vec<AnswerRow> = answers
                .iter()
                .filter(|a| a.teams.split(',').any(|k| k == team.key()))
                .cloned()
                .collect();
            internal_nps::team_mean(&scores(&of_team)).map(|score| TeamScore {
                team: team.key().to_owned(),
                label: domain::teams::label(team).to_owned(),
                score,
            })
        })
        .collect()
}

/// Each team's mean in the current period's round, for the teams with enough answers: the
/// team pages' and the stakeholder map's figure. None while the period has no round (the
/// figure has no data yet); a team missing from the list has fewer than three answers.
pub(crate) async fn current_team_scores(
    tx: &mut store::Read,
    program: &Program,
) -> Result<Option<Vec<TeamScore>>> {
    let Some(round) = store::internal_nps::round_of_period(tx, &period_now(program).key).await?
    else {
        return Ok(None);
    };
    let answers = store::internal_nps::answers(tx, &[round.id]).await?;
    Ok(Some(team_scores(&answers)))
}

/// The last rounds, oldest first, with their answers.
async fn recent_rounds(tx: &mut store::Read) -> Result<(Vec<RoundRow>, Vec<AnswerRow>)> {
    let mut rounds = store::internal_nps::latest_rounds(tx, TREND_ROUNDS).await?;
    rounds.reverse();
    let ids: Vec<Uuid> = rounds.iter().map(|r| r.id).collect();
    let answers = store::internal_nps::answers(tx, &ids).await?;
    Ok((rounds, answers))
}

/// The last rounds' figures, oldest first, for the dashboard: its card shows their trend
/// and its figure is the latest round's.
pub(crate) async fn trend(tx: &mut store::Read, target: i32) -> Result<Vec<RoundScore>> {
    let (rounds, answers) = recent_rounds(tx).await?;
    Ok(rounds
        .iter()
        .map(|round| round_score(round, &answers, target))
        .collect())
}

impl Services {
    /// The survey's results and whether the asker still has to answer. Our people.
    pub async fn internal_nps(&self, actor: &Actor) -> Result<InternalNpsView> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let target = program.policies.targets.internal_nps;
        let mut tx = self.db.read().await?;
        let (rounds, answers) = recent_rounds(&mut tx).await?;
        let period = period_now(&program);
        let current = rounds.iter().find(|r| r.period_key == period.key);
        let answered = match (current, actor.user_id) {
            (Some(round), Some(user)) => {
                store::internal_nps::answered(&mut tx, round.id, user).await?
            }
            _ => false,
        };
        let asked = match actor.user_id {
            Some(user) => asked(&store::teams::teams_of(&mut tx, user).await?),
            None => false,
        };
        let of_current: Vec<AnswerRow> = current
            .map(|round| {
                answers
                    .iter()
                    .filter(|a| a.round_id == round.id)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let comments = if of_current.len() >= MIN_ANSWERS {
            of_current
                .iter()
                .map(|a| a.comment.clone())
                .filter(|c| !c.is_empty())
                .collect()
        } else {
            Vec::new()
        };
        Ok(InternalNpsView {
            question: internal_nps::QUESTION.into(),
            target,
            current: current.map(|round| round_score(round, &answers, target)),
            answered,
            asked,
            trend: rounds
                .iter()
                .map(|round| round_score(round, &answers, target))
                .collect(),
            teams: team_scores(&of_current),
            comments,
        })
    }

    /// Whether the asker has a round to answer: our people asked who have not answered the
    /// current period's round (the "survey open" prompt of the internal home).
    pub async fn internal_nps_prompt(&self, actor: &Actor) -> Result<bool> {
        let Some(user) = actor
            .user_id
            .filter(|_| actor.may(Action::AnswerInternalNps))
        else {
            return Ok(false);
        };
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let Some(round) =
            store::internal_nps::round_of_period(&mut tx, &period_now(&program).key).await?
        else {
            return Ok(false);
        };
        Ok(asked(&store::teams::teams_of(&mut tx, user).await?)
            && !store::internal_nps::answered(&mut tx, round.id, user).await?)
    }

    /// Answers the current round, once (409 for a second answer). Our people only.
    pub async fn answer_internal_nps(&self, actor: &Actor, form: &AnswerForm) -> Result<()> {
        actor.require(Action::AnswerInternalNps)?;
        let user = actor
            .user_id
            .ok_or_else(|| Error::Forbidden("the survey is answered by a person".into()))?;
        let mut v = domain::Validation::new();
        let score = internal_nps::score(&form.score)
            .map_err(|message| v.add("score", message))
            .ok();
        let comment = v.text("comment", &form.comment, false, internal_nps::MAX_COMMENT);
        v.into_result().map_err(Error::Invalid)?;
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.write().await?;
        let round = store::internal_nps::round_of_period(&mut tx, &period_now(&program).key)
            .await?
            .ok_or_else(|| Error::Conflict("no survey round is open for this period".into()))?;
        if store::internal_nps::answered(&mut tx, round.id, user).await? {
            return Err(Error::Conflict(
                "you already answered this round: each person answers once".into(),
            ));
        }
        let teams = store::teams::teams_of(&mut tx, user).await?;
        if !asked(&teams) {
            return Err(Error::Forbidden(format!(
                "the survey asks about working with the partner team: its own members ({}) do not rate it",
                domain::teams::label(RATED_TEAM)
            )));
        }
        let teams = teams.join(",");
        let answer = AnswerRow {
            // Random, not time-ordered: the id says nothing about when (or by whom).
            id: Uuid::new_v4(),
            round_id: round.id,
            score: i64::from(score.expect("validated")),
            comment,
            teams,
        };
        store::internal_nps::answer(&mut tx, user, &answer).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens the current period's round by hand (admins); 409 when it is open already.
    pub async fn open_internal_nps_round(&self, actor: &Actor) -> Result<InternalNpsView> {
        actor.require(Action::OpenInternalNpsRound)?;
        let (_, program) = self.program_in_force().await?;
        let period = period_now(&program);
        if !self.open_round(actor, &period).await? {
            return Err(Error::Conflict(format!(
                "the survey round {} is open already",
                period.key
            )));
        }
        self.internal_nps(actor).await
    }

    /// The jobs loop's step: opens the period's round unless it is open; true when it did.
    pub async fn open_due_internal_nps_round(&self) -> Result<String> {
        let actor = Actor::system("internal survey");
        let (_, program) = self.program_in_force().await?;
        let period = period_now(&program);
        Ok(if self.open_round(&actor, &period).await? {
            format!("internal survey {} opened", period.key)
        } else {
            format!("internal survey {} was open already", period.key)
        })
    }

    /// Opens the round of `period` and tells every active person of ours, in one
    /// transaction; false when it was open already.
    async fn open_round(&self, actor: &Actor, period: &Period) -> Result<bool> {
        let mut tx = self.db.write().await?;
        if store::internal_nps::round_of_period(&mut tx, &period.key)
            .await?
            .is_some()
        {
            return Ok(false);
        }
        let now = store::now();
        let round = RoundRow {
            id: Uuid::now_v7(),
            period_key: period.key.clone(),
            starts_on: period.starts_on,
            ends_on: period.ends_on,
            opened_by: actor.user_id,
            opened_at: now,
        };
        store::internal_nps::open_round(&mut tx, &round).await?;
        let mut told = Vec::new();
        for role in domain::roles::Role::ALL {
            if Action::AnswerInternalNps.allows(*role) {
                told.extend(
                    store::users::active_with_role(&mut tx, *role, None)
                        .await?
                        .iter()
                        .map(|u| u.id),
                );
            }
        }
        let message = format!(
            "The internal survey {} is open: {}",
            period.key,
            internal_nps::QUESTION
        );
        let notification = NewNotification {
            partner_id: None,
            kind: "internal_nps",
            message: &message,
            link: "/internal-nps",
        };
        let change = Change {
            partner_id: None,
            entity_type: "internal_nps_round",
            entity_id: round.id,
            action: "open",
            summary: format!("internal survey {} opened", period.key),
            before: None,
            after: None,
        };
        notify_and_record(&mut tx, actor, &told, &notification, change, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(score: i64, teams: &str) -> AnswerRow {
        AnswerRow {
            id: Uuid::new_v4(),
            round_id: Uuid::from_u128(1),
            score,
            comment: String::new(),
            teams: teams.into(),
        }
    }

    #[test]
    fn the_partner_team_is_not_asked_to_rate_itself() {
        let teams = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
        assert!(!asked(&teams(&["partner_manager"])));
        assert!(!asked(&teams(&["partner_manager", "sales"])));
        assert!(asked(&teams(&["sales", "product"])));
        assert!(asked(&teams(&[])));
    }

    #[test]
    fn a_team_shows_only_from_three_answers() {
        let answers = [
            answer(9, "product"),
            answer(8, "product,sales"),
            answer(6, "product"),
            answer(10, "sales"),
        ];
        let teams = team_scores(&answers);
        // Product: 9 + 8 + 6 = 23 / 3 = 7.67 → 7.7; Sales has two answers: hidden.
        assert_eq!(teams.len(), 1);
        assert_eq!(teams[0].team, "product");
        assert_eq!(teams[0].score, "7.7".parse::<Decimal>().unwrap());
    }
}
