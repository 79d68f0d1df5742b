//! Recording meetings, their decisions and action items, and reading them with their packs.

use domain::permissions::Action;
use domain::rhythm::{self, ActionForm, DecisionForm, Kind, MeetingForm, Period};
use domain::validation::Choice;
use store::notifications::NewNotification;
use store::rhythm::{ActionRow, DecisionRow, MeetingRow};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::pack::Pack;
use crate::notifications::notify_and_record;
use crate::paging::check;
use crate::{Actor, Change, Error, Page, Result, Services, record};

/// A list request: every field may be empty.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// weekly_standup, monthly_sync or quarterly_review.
    pub kind: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// A meeting in a list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MeetingSummary {
    pub id: Uuid,
    pub kind: Kind,
    pub title: String,
    #[serde(with = "domain::day_json")]
    pub held_on: Date,
    pub period: Period,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: Uuid,
    pub text: String,
    /// Who recorded it: the person signed in, never a field of the form.
    pub recorded_by: Person,
    /// When, by the server's clock.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ActionItemView {
    pub id: Uuid,
    pub text: String,
    pub owner: Person,
    #[serde(with = "domain::day_json")]
    pub due_on: Date,
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
}

/// A meeting with its pack, decisions and action items.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MeetingDetail {
    pub meeting: MeetingSummary,
    pub attendees: Vec<Person>,
    pub pack: Pack,
    pub decisions: Vec<DecisionView>,
    pub actions: Vec<ActionItemView>,
}

fn summary(row: &MeetingRow) -> Result<MeetingSummary> {
    let kind = Kind::parse(&row.kind).ok_or_else(|| {
        Error::Store(store::Error::Corrupt(format!(
            "meeting {} has the kind '{}'",
            row.id, row.kind
        )))
    })?;
    let period = rhythm::period(kind, row.held_on);
    Ok(MeetingSummary {
        id: row.id,
        kind,
        title: rhythm::title(kind, period),
        held_on: row.held_on,
        period,
    })
}

fn link(id: Uuid) -> String {
    format!("/meetings/{id}")
}

/// The person writing: meetings are recorded by people, not by the system.
fn writer(actor: &Actor) -> Result<Uuid> {
    actor
        .user_id
        .ok_or_else(|| Error::Forbidden("meetings are recorded by a person".into()))
}

/// One of our active people, or the field error naming `field`.
async fn our_person(tx: &mut store::Read, field: &str, id: Uuid) -> Result<domain::users::User> {
    store::users::get(tx, id)
        .await?
        .filter(|u| u.role.is_internal() && u.disabled_at.is_none())
        .ok_or_else(|| Error::field(field, "must be an active member of our team"))
}

impl Services {
    /// Meetings, newest first, of one kind or all (our people).
    pub async fn list_meetings(
        &self,
        actor: &Actor,
        query: &MeetingQuery,
    ) -> Result<Page<MeetingSummary>> {
        actor.require(Action::ReadInternal)?;
        let mut v = domain::Validation::new();
        let kind = match query.kind.trim() {
            "" => None,
            text => v.choice::<Kind>("kind", text),
        };
        let page = check::<Uuid>(&mut v, &query.cursor, query.limit);
        v.into_result().map_err(Error::Invalid)?;
        let mut tx = self.db.read().await?;
        let rows =
            store::rhythm::meetings(&mut tx, kind.map(|k| k.as_str()), page.after, page.limit)
                .await?;
        drop(tx);
        page.page(rows, |r| r.id).try_map(|r| summary(&r))
    }

    /// A meeting with its pack (our people).
    pub async fn meeting(&self, actor: &Actor, id: Uuid) -> Result<MeetingDetail> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let row = store::rhythm::meeting(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let attendees = store::rhythm::attendees(&mut tx, id).await?;
        let decisions = store::rhythm::decisions(&mut tx, id).await?;
        let actions = store::rhythm::actions(&mut tx, id).await?;
        drop(tx);
        let meeting = summary(&row)?;
        let pack = self.pack(actor, meeting.kind, row.held_on).await?;
        Ok(MeetingDetail {
            meeting,
            attendees: attendees
                .into_iter()
                .map(|p| Person {
                    id: p.id,
                    name: p.name,
                })
                .collect(),
            pack,
            decisions: decisions
                .into_iter()
                .map(|d| DecisionView {
                    id: d.id,
                    text: d.body,
                    recorded_by: Person {
                        id: d.recorded_by,
                        name: d.recorded_by_name,
                    },
                    recorded_at: d.recorded_at,
                })
                .collect(),
            actions: actions
                .into_iter()
                .map(|a| ActionItemView {
                    id: a.id,
                    text: a.body,
                    owner: Person {
                        id: a.owner_id,
                        name: a.owner_name,
                    },
                    due_on: a.due_on,
                    done_at: a.done_at,
                })
                .collect(),
        })
    }

    /// Who may attend or own an action item: our active people, by name.
    pub async fn meeting_people(&self, actor: &Actor) -> Result<Vec<Person>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let mut people = Vec::new();
        for role in domain::roles::Role::ALL.iter().filter(|r| r.is_internal()) {
            for user in store::users::active_with_role(&mut tx, *role, None).await? {
                people.push(Person {
                    id: user.id,
                    name: user.name,
                });
            }
        }
        people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(people)
    }

    /// Records a meeting (admins, partner managers, executives).
    pub async fn create_meeting(&self, actor: &Actor, form: &MeetingForm) -> Result<Uuid> {
        actor.require(Action::RunMeetings)?;
        let by = writer(actor)?;
        let input = rhythm::validate_meeting(form, actor.today()).map_err(Error::Invalid)?;
        let period = rhythm::period(input.kind, input.held_on);
        let mut tx = self.db.write().await?;
        for id in &input.attendees {
            our_person(&mut tx, "attendees", *id).await?;
        }
        let now = store::now();
        let row = MeetingRow {
            id: Uuid::now_v7(),
            kind: input.kind.as_str().into(),
            held_on: input.held_on,
            created_by: by,
            created_at: now,
        };
        let inserted = store::rhythm::insert_meeting(
            &mut tx,
            &row,
            (period.first, period.last),
            &input.attendees,
        )
        .await;
        match inserted {
            Ok(true) => {}
            // Another meeting of the period, found by the check or (a racing insert) by the
            // unique index: nothing of this one was written.
            Ok(false) | Err(store::Error::Duplicate(_)) => {
                drop(tx);
                return Err(self.already_recorded(actor, input.kind, period).await);
            }
            Err(other) => return Err(other.into()),
        }
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "meeting",
                entity_id: row.id,
                action: "created",
                summary: summary(&row)?.title,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row.id)
    }

    /// The meeting of `kind` whose period holds `held_on`, if one is recorded (our people):
    /// where the form sends someone who tried to record it again.
    pub async fn meeting_of_period(
        &self,
        actor: &Actor,
        kind: Kind,
        held_on: Date,
    ) -> Result<Option<MeetingSummary>> {
        actor.require(Action::ReadInternal)?;
        let period = rhythm::period(kind, held_on);
        let mut tx = self.db.read().await?;
        let row = store::rhythm::meeting_within(&mut tx, kind.as_str(), period.first, period.last)
            .await?;
        row.as_ref().map(summary).transpose()
    }

    /// The refusal of a second meeting of a period (409), naming and linking the first.
    async fn already_recorded(&self, actor: &Actor, kind: Kind, period: Period) -> Error {
        match self.meeting_of_period(actor, kind, period.first).await {
            Ok(Some(existing)) => Error::Conflict(format!(
                "{} is already recorded: {}",
                existing.title,
                link(existing.id)
            )),
            // Gone between the insert and this read (a fold or a rollback): say so plainly.
            Ok(None) => Error::Conflict(format!(
                "the {} was being recorded by someone else; reload and try again",
                rhythm::title(kind, period)
            )),
            Err(e) => e,
        }
    }

    async fn meeting_row(&self, tx: &mut store::Read, id: Uuid) -> Result<MeetingRow> {
        store::rhythm::meeting(tx, id).await?.ok_or(Error::NotFound)
    }

    /// Records a decision taken at a meeting.
    pub async fn add_meeting_decision(
        &self,
        actor: &Actor,
        meeting_id: Uuid,
        form: &DecisionForm,
    ) -> Result<Uuid> {
        actor.require(Action::RunMeetings)?;
        let by = writer(actor)?;
        let text = rhythm::validate_decision(form).map_err(Error::Invalid)?;
        let mut tx = self.db.write().await?;
        let meeting = self.meeting_row(&mut tx, meeting_id).await?;
        let now = store::now();
        let row = DecisionRow {
            id: Uuid::now_v7(),
            meeting_id,
            body: text,
            recorded_by: by,
            recorded_at: now,
        };
        store::rhythm::insert_decision(&mut tx, &row).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "meeting",
                entity_id: meeting.id,
                action: "decision_recorded",
                summary: format!("Decision at {}: {}", summary(&meeting)?.title, row.body),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(row.id)
    }

    /// Records an action item; its owner is told.
    pub async fn add_meeting_action(
        &self,
        actor: &Actor,
        meeting_id: Uuid,
        form: &ActionForm,
    ) -> Result<Uuid> {
        actor.require(Action::RunMeetings)?;
        let by = writer(actor)?;
        let input = rhythm::validate_action(form).map_err(Error::Invalid)?;
        let (_, program) = self.program_in_force().await?;
        let today =
            domain::users::today_in(&program.policies.business_hours.time_zone, store::now());
        domain::validation::due_day(input.due_on, today)
            .map_err(|message| Error::field("due_on", message))?;
        let mut tx = self.db.write().await?;
        let meeting = self.meeting_row(&mut tx, meeting_id).await?;
        let owner = our_person(&mut tx, "owner_id", input.owner_id).await?;
        let now = store::now();
        let row = ActionRow {
            id: Uuid::now_v7(),
            meeting_id,
            body: input.text,
            owner_id: owner.id,
            due_on: input.due_on,
            done_at: None,
            done_by: None,
            recorded_by: by,
            recorded_at: now,
        };
        store::rhythm::insert_action(&mut tx, &row).await?;
        let title = summary(&meeting)?.title;
        let link = link(meeting_id);
        let notification = NewNotification {
            partner_id: None,
            kind: "meeting_action",
            message: &format!(
                "Action item for you from the {title}, due {}: {}",
                domain::display::day(row.due_on),
                row.body
            ),
            link: &link,
        };
        let change = Change {
            partner_id: None,
            entity_type: "meeting_action",
            entity_id: row.id,
            action: "recorded",
            summary: format!("Action item for {} at {title}: {}", owner.name, row.body),
            before: None,
            after: None,
        };
        notify_and_record(&mut tx, actor, &[owner.id], &notification, change, now).await?;
        tx.commit().await?;
        Ok(row.id)
    }

    /// Ticks an action item done, once: those who run meetings any, our people their own.
    /// The second tick is refused (409) and writes nothing.
    pub async fn complete_meeting_action(
        &self,
        actor: &Actor,
        meeting_id: Uuid,
        action_id: Uuid,
    ) -> Result<()> {
        actor.require(Action::ReadInternal)?;
        let by = writer(actor)?;
        let mut tx = self.db.write().await?;
        let item = store::rhythm::action(&mut tx, action_id)
            .await?
            .filter(|a| a.meeting_id == meeting_id)
            .ok_or(Error::NotFound)?;
        if !actor.may(Action::RunMeetings) && item.owner_id != by {
            return Err(Error::Forbidden(
                Action::RunMeetings.refusal_unless("its owner", "tick this action item done"),
            ));
        }
        let now = store::now();
        store::rhythm::mark_action_done(&mut tx, meeting_id, action_id, by, now).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: None,
                entity_type: "meeting_action",
                entity_id: action_id,
                action: "done",
                summary: format!("Action item of {} done: {}", item.owner_name, item.body),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
