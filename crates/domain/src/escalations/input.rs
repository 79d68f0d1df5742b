//! What a case is raised with, checked field by field.

use serde::Deserialize;
use time::Date;

use super::{Category, Urgency};
use crate::validation::{self, FieldError, Validation};

/// Long enough for a pasted error log or an email thread, short enough to read on a page.
pub const MAX_ISSUE: usize = 5000;

/// A case as typed into the form or sent to the API: every field as text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EscalationForm)]
pub struct Form {
    /// What is wrong, up to 5,000 characters. The partner reads it word for word, also when
    /// one of our people raises the case: use an internal note on the case for anything the
    /// partner must not read.
    #[serde(default)]
    pub issue: String,
    #[serde(default)]
    pub category: String,
    /// p1…p4, any case ("P2" is p2).
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
    // "P2" as the seed and people write it, or "p2" as it is stored.
    let urgency = v.choice::<Urgency>("urgency", &form.urgency.to_ascii_lowercase());
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

/// The number a case's reference names (`ESC-000020`, any case, leading zeros optional), as
/// people copy it from a notification into an address.
pub fn parse_reference(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("ESC-"))
        .and(text.get(4..))?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::parse_reference;

    #[test]
    fn a_reference_names_its_number() {
        assert_eq!(parse_reference("ESC-000020"), Some(20));
        assert_eq!(parse_reference("esc-20"), Some(20));
        assert_eq!(parse_reference("ESC-1234567"), Some(1_234_567));
        for not_one in [
            "ESC-",
            "ESC-0",
            "ESC-00x1",
            "ESC--1",
            "ESC-+1",
            "DEAL-000020",
            "20",
            "",
            "ESC-9999999999999999999",
        ] {
            assert_eq!(parse_reference(not_one), None, "{not_one}");
        }
    }
}
