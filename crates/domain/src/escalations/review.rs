//! The post-resolution review of a case: what happened, why, what we learned and how we avoid
//! it again. Our people's own reading: it is never part of what a partner is shown.

use serde::Deserialize;

use super::State;
use crate::validation::{FieldError, Validation};

/// A paragraph or a few: enough for a root cause, short enough to read in a review meeting.
pub const MAX_REVIEW_FIELD: usize = 4000;

/// A review as typed into the form or sent to the API: every field as text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReviewForm {
    pub what_happened: String,
    pub root_cause: String,
    pub lessons: String,
    /// How to avoid a recurrence.
    pub prevention: String,
    /// Optional: follow-up actions, one a line.
    pub follow_ups: String,
    /// The review's version as last read, when editing one: a review changed since is
    /// refused (409). Absent when writing the first.
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub what_happened: String,
    pub root_cause: String,
    pub lessons: String,
    pub prevention: String,
    pub follow_ups: String,
}

/// The checked review, or every problem with it.
pub fn validate_review(form: &ReviewForm) -> Result<Review, Vec<FieldError>> {
    let mut v = Validation::new();
    let review = Review {
        what_happened: v.text("what_happened", &form.what_happened, true, MAX_REVIEW_FIELD),
        root_cause: v.text("root_cause", &form.root_cause, true, MAX_REVIEW_FIELD),
        lessons: v.text("lessons", &form.lessons, true, MAX_REVIEW_FIELD),
        prevention: v.text("prevention", &form.prevention, true, MAX_REVIEW_FIELD),
        follow_ups: v.text("follow_ups", &form.follow_ups, false, MAX_REVIEW_FIELD),
    };
    v.into_result()?;
    Ok(review)
}

/// A case is reviewed once it is over: resolved (awaiting the partner's confirmation) or
/// closed. A reopened case keeps a review written earlier.
pub fn reviewable(state: State) -> bool {
    matches!(state, State::Resolved | State::Closed)
}
