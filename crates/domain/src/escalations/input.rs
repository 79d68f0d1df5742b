//! What a case is raised with, checked field by field.

use serde::Deserialize;
use time::Date;

use super::{Category, Urgency};
use crate::validation::{self, FieldError, Validation};

/// Long enough for a pasted error log or an email thread, short enough to read on a page.
pub const MAX_ISSUE: usize = 5000;

/// A case as typed into the form or sent to the API: every field as text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = EscalationForm)]
pub struct Form {
    #[serde(default)]
    pub issue: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub urgency: String,
    /// 2026-12-31; when the problem happened, not when it is reported.
    #[serde(default)]
    pub occurred_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub issue: String,
    pub category: Category,
    pub urgency: Urgency,
    pub occurred_on: Date,
}

/// The checked case, or every problem with it; `today` in the program's zone bounds the date.
pub fn validate(form: &Form, today: Date) -> Result<Input, Vec<FieldError>> {
    let mut v = Validation::new();
    let issue = v.text("issue", &form.issue, true, MAX_ISSUE);
    let category = v.choice::<Category>("category", &form.category);
    let urgency = v.choice::<Urgency>("urgency", &form.urgency);
    let occurred_on = if form.occurred_on.trim().is_empty() {
        v.add("occurred_on", "is required");
        None
    } else {
        match validation::date(&form.occurred_on) {
            Ok(day) if day > today => {
                v.add("occurred_on", format!("{day} is in the future"));
                None
            }
            Ok(day) => Some(day),
            Err(message) => {
                v.add("occurred_on", message);
                None
            }
        }
    };
    v.into_result()?;
    match (category, urgency, occurred_on) {
        (Some(category), Some(urgency), Some(occurred_on)) => Ok(Input {
            issue,
            category,
            urgency,
            occurred_on,
        }),
        // Every None above added its error, so into_result returned early.
        _ => unreachable!("a missing field without its error"),
    }
}
