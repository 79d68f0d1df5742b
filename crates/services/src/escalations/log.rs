//! The communication log: updates both sides read, our people's internal notes, and
//! remediation actions.

use domain::escalations::{self, EntryKind};
use domain::permissions::Action;
use domain::validation::Choice;
use uuid::Uuid;

use super::cases::{
    Told, enter_state, log, partner_audience, require_works_case, tell_and_record, visible_case,
    with_words,
};
use super::views::{Escalation, state_of};
use crate::notifications::partner_team;
use crate::{Actor, Error, Result, Services};

/// An update or an internal note.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EntryInput {
    pub body: String,
}

/// A remediation action: what will be done, perhaps by a day.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionInput {
    pub body: String,
    /// 2026-12-31, or empty for no due day: today or later, at most two years ahead.
    pub due_on: String,
}

/// What the log says when the partner's answer resumes a case that waited on it.
const PARTNER_ANSWERED: &str = "Partner answered: clock resumed";

/// Changes nobody is told of, only recorded.
fn nobody() -> Told<'static> {
    Told {
        people: Vec::new(),
        message: "",
    }
}

impl Services {
    /// Writes an update to the case's log: from our people the partner's submitter and
    /// admins are told, from the partner the owner is; both with the update's words.
    pub async fn post_escalation_update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &EntryInput,
    ) -> Result<Escalation> {
        self.write_entry(actor, id, EntryKind::Update, input).await
    }

    /// Writes an internal note, never shown to the partner. Our people only.
    pub async fn post_escalation_note(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &EntryInput,
    ) -> Result<Escalation> {
        self.write_entry(actor, id, EntryKind::InternalNote, input)
            .await
    }

    async fn write_entry(
        &self,
        actor: &Actor,
        id: Uuid,
        kind: EntryKind,
        input: &EntryInput,
    ) -> Result<Escalation> {
        let mut tx = self.db.write().await?;
        let row = visible_case(&mut tx, actor, id).await?;
        actor.require(Action::WorkEscalations)?;
        if kind != EntryKind::Update && !actor.is_internal() {
            return Err(Error::Forbidden(
                "only our people write internal notes".into(),
            ));
        }
        if kind == EntryKind::Update {
            require_works_case(&mut tx, actor, &row).await?;
        }
        // A closed case is over: an update there would reach nobody who works it.
        if kind == EntryKind::Update && state_of(&row)? == escalations::State::Closed {
            return Err(Error::Conflict(format!(
                "{} is closed",
                escalations::reference(row.number)
            )));
        }
        let mut v = domain::Validation::new();
        let body = v.text("body", &input.body, true, escalations::MAX_ISSUE);
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        log(&mut tx, actor, row.id, kind, body.clone(), None, now).await?;
        // Our first word to the partner is the first response: an update to a case nobody
        // acknowledged yet acknowledges it, so the response clock stops when the partner
        // hears from us (the clocks read state changes only).
        // The partner's answer to a case waiting on it resumes the work, and with it the
        // resolution clock the wait paused (conditional on the state and version read, as
        // every move).
        let moved_to = match (kind, actor.is_internal(), state_of(&row)?) {
            (EntryKind::Update, true, escalations::State::Open) => {
                Some((escalations::State::Acknowledged, ""))
            }
            (EntryKind::Update, false, escalations::State::WaitingOnPartner) => {
                Some((escalations::State::InProgress, PARTNER_ANSWERED))
            }
            _ => None,
        };
        let row = match moved_to {
            Some((to, why)) => {
                let mut moved = enter_state(&mut tx, actor, &row, to, why.into(), now).await?;
                moved.version += 1;
                moved
            }
            None => row,
        };
        let reference = escalations::reference(row.number);
        let headline = match moved_to {
            Some((escalations::State::InProgress, _)) => format!("{reference}: {PARTNER_ANSWERED}"),
            _ => format!("{reference}: a new update"),
        };
        // An update is told to the other side; a note to nobody.
        let people = match kind {
            EntryKind::Update if actor.is_internal() => partner_audience(&mut tx, &row).await?,
            EntryKind::Update => partner_team(&mut tx, row.owner_id).await?,
            _ => Vec::new(),
        };
        let told = Told {
            people,
            message: &with_words(&headline, &body),
        };
        let summary = format!("{reference}: {}", kind.label().to_lowercase());
        tell_and_record(&mut tx, actor, &row, told, kind.as_str(), summary, now).await?;
        let seen = self.escalation_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// Records a remediation action the partner sees, and tells the partner's people what
    /// will be done. Our people only.
    pub async fn add_escalation_action(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &ActionInput,
    ) -> Result<Escalation> {
        let (_, program) = self.program_in_force().await?;
        let today =
            domain::users::today_in(&program.policies.business_hours.time_zone, store::now());
        let mut tx = self.db.write().await?;
        let mut row = visible_case(&mut tx, actor, id).await?;
        actor.require(Action::WorkEscalations)?;
        if !actor.is_internal() {
            return Err(Error::Forbidden(
                "remediation actions are set by our people".into(),
            ));
        }
        require_works_case(&mut tx, actor, &row).await?;
        if matches!(
            state_of(&row)?,
            escalations::State::Resolved | escalations::State::Closed
        ) {
            return Err(Error::Conflict(format!(
                "{} is resolved: it takes no new remediation actions",
                escalations::reference(row.number)
            )));
        }
        let mut v = domain::Validation::new();
        let body = v.text("body", &input.body, true, 1_000);
        let due_on = if input.due_on.trim().is_empty() {
            None
        } else {
            domain::validation::due_date(&input.due_on, today)
                .map_err(|message| v.add("due_on", message))
                .ok()
        };
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        // The action moves the case's version on, so a resolution that read no open action
        // at the version before (and writes conditional on it) loses with a 409.
        let read = row.clone();
        row.updated_at = now;
        store::escalations::change_state(&mut tx, &row, &read).await?;
        row.version += 1;
        log(
            &mut tx,
            actor,
            row.id,
            EntryKind::Remediation,
            body.clone(),
            due_on,
            now,
        )
        .await?;
        let summary = format!(
            "{}: remediation action added",
            escalations::reference(row.number)
        );
        let words = match due_on {
            Some(day) => format!("{body} (due {})", domain::display::day(day)),
            None => body,
        };
        let told = Told {
            people: partner_audience(&mut tx, &row).await?,
            message: &with_words(&summary, &words),
        };
        tell_and_record(&mut tx, actor, &row, told, "remediation", summary, now).await?;
        let seen = self.escalation_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }

    /// Marks a remediation action done, once (a second time is a 409). Our people only.
    pub async fn complete_escalation_action(
        &self,
        actor: &Actor,
        id: Uuid,
        action_id: Uuid,
    ) -> Result<Escalation> {
        let mut tx = self.db.write().await?;
        let row = visible_case(&mut tx, actor, id).await?;
        actor.require(Action::WorkEscalations)?;
        if !actor.is_internal() {
            return Err(Error::Forbidden(
                "remediation actions are ticked by our people".into(),
            ));
        }
        require_works_case(&mut tx, actor, &row).await?;
        // An id of another case's log (or no remediation action) is not found here; one
        // already done says since when, rather than a race nobody had.
        let action = store::escalations::entry(&mut tx, row.id, action_id)
            .await?
            .filter(|e| e.kind == EntryKind::Remediation.as_str())
            .ok_or(Error::NotFound)?;
        if let Some(done) = action.done_at {
            return Err(Error::Conflict(format!(
                "\u{201c}{}\u{201d} was already marked done on {}",
                action.body,
                domain::display::day(done.date())
            )));
        }
        let now = store::now();
        store::escalations::mark_action_done(&mut tx, row.id, action_id, now).await?;
        let summary = format!(
            "{}: remediation action done",
            escalations::reference(row.number)
        );
        tell_and_record(
            &mut tx,
            actor,
            &row,
            nobody(),
            "remediation_done",
            summary,
            now,
        )
        .await?;
        let seen = self.escalation_seen(&mut tx, actor, &row).await?;
        tx.commit().await?;
        Ok(seen)
    }
}
