//! What a meeting, a decision and an action item are recorded with, checked field by field.

use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use super::period::{Kind, preparable};
use crate::validation::{self, FieldError, Validation};

/// A decision or an action item: a paragraph, not a document.
pub const MAX_TEXT: usize = 2000;

/// A meeting as typed into the form or sent to the API: every field as text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingForm {
    /// weekly_standup, monthly_sync or quarterly_review.
    pub kind: String,
    /// 2026-11-30: the day it is held; its week, month or quarter is what the pack covers.
    pub held_on: String,
    /// Our people who attend, by user id.
    pub attendees: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingInput {
    pub kind: Kind,
    pub held_on: Date,
    pub attendees: Vec<Uuid>,
}

/// The checked meeting, or every problem with it. A meeting is recorded for a period that has
/// begun or for the next one, to prepare it ([`preparable`]); `today` is the program zone's.
pub fn validate_meeting(form: &MeetingForm, today: Date) -> Result<MeetingInput, Vec<FieldError>> {
    let mut v = Validation::new();
    let kind = v.choice::<Kind>("kind", &form.kind);
    let held_on = required_date(&mut v, "held_on", &form.held_on);
    if let (Some(kind), Some(day)) = (kind, held_on)
        && !preparable(kind, day, today)
    {
        let unit = match kind {
            Kind::WeeklyStandup => "week",
            Kind::MonthlySync => "month",
            Kind::QuarterlyReview => "quarter",
        };
        v.add(
            "held_on",
            format!("{day} is too far ahead: a meeting is prepared at most one {unit} ahead"),
        );
    }
    let mut attendees = Vec::new();
    for text in &form.attendees {
        match Uuid::parse_str(text.trim()) {
            Ok(id) if !attendees.contains(&id) => attendees.push(id),
            Ok(_) => {}
            Err(_) => v.add("attendees", format!("'{}' is not a user id", text.trim())),
        }
    }
    if attendees.is_empty() && v.is_empty() {
        v.add("attendees", "choose at least one attendee");
    }
    v.into_result()?;
    match (kind, held_on) {
        (Some(kind), Some(held_on)) => Ok(MeetingInput {
            kind,
            held_on,
            attendees,
        }),
        // Every None above added its error, so into_result returned early.
        _ => unreachable!("a missing field without its error"),
    }
}

/// A decision taken at a meeting.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DecisionForm {
    pub text: String,
}

/// The decision's text, or what is wrong with it.
pub fn validate_decision(form: &DecisionForm) -> Result<String, Vec<FieldError>> {
    let mut v = Validation::new();
    let text = v.text("text", &form.text, true, MAX_TEXT);
    v.into_result()?;
    Ok(text)
}

/// An action item: what, who (one of our people) and by when.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionForm {
    pub text: String,
    /// The owner's user id.
    pub owner_id: String,
    /// 2026-12-31: today or later, at most two years ahead.
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInput {
    pub text: String,
    pub owner_id: Uuid,
    pub due_on: Date,
}

/// The checked action item; whether the owner is one of our active people is the service's
/// question (it reads the users).
pub fn validate_action(form: &ActionForm) -> Result<ActionInput, Vec<FieldError>> {
    let mut v = Validation::new();
    let text = v.text("text", &form.text, true, MAX_TEXT);
    let owner_id = match form.owner_id.trim() {
        "" => {
            v.add("owner_id", "choose the owner");
            None
        }
        text => Uuid::parse_str(text)
            .map_err(|_| v.add("owner_id", "is not a user id"))
            .ok(),
    };
    let due_on = required_date(&mut v, "due_on", &form.due_on);
    v.into_result()?;
    match (owner_id, due_on) {
        (Some(owner_id), Some(due_on)) => Ok(ActionInput {
            text,
            owner_id,
            due_on,
        }),
        _ => unreachable!("a missing field without its error"),
    }
}

fn required_date(v: &mut Validation, field: &str, text: &str) -> Option<Date> {
    if text.trim().is_empty() {
        v.add(field, "is required");
        return None;
    }
    validation::date(text).map_err(|m| v.add(field, m)).ok()
}
