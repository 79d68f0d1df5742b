//! The internal NPS survey: "Would you recommend working with the partner team to a
//! colleague?", 0 to 10, with an optional comment, once per person a round. The score is the
//! mean of a round's answers on the same 0–10 scale, to one decimal, rounded half to even
//! (so the seed's target "above 7" reads on it directly); it is not the classic
//! promoters-minus-detractors figure on −100…100. Who answered is kept only to allow one
//! answer a round: results are aggregates, and a team's figure is shown only from
//! [`MIN_ANSWERS`] answers on, so nobody's answer can be told from it.

use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;

use crate::choice_enum;
use crate::quarter::Quarter;

/// The question, as the survey asks it.
pub const QUESTION: &str = "Would you recommend working with the partner team to a colleague?";

/// Fewer answers than this in a team and its figure stays hidden.
pub const MIN_ANSWERS: usize = 3;

/// A comment is a sentence or a paragraph.
pub const MAX_COMMENT: usize = 2000;

choice_enum! {
    /// How often a round opens.
    Cadence {
        Quarterly => ("quarterly", "Every quarter"),
        Monthly => ("monthly", "Every month"),
    }
}

/// The round a day falls in: its first and last day and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// 2026-Q4 or 2026-12: unique per round.
    pub key: String,
    pub starts_on: Date,
    pub ends_on: Date,
}

pub fn period(day: Date, cadence: Cadence) -> Period {
    match cadence {
        Cadence::Quarterly => {
            let quarter = Quarter::containing(day);
            Period {
                key: format!("{}-Q{}", quarter.year(), quarter.number()),
                starts_on: quarter.first_day(),
                ends_on: quarter.last_day(),
            }
        }
        Cadence::Monthly => {
            let starts_on = day.replace_day(1).expect("every month has a first day");
            let days = day.month().length(day.year());
            Period {
                key: format!("{}-{:02}", day.year(), u8::from(day.month())),
                starts_on,
                ends_on: day.replace_day(days).expect("the month's last day"),
            }
        }
    }
}

/// A score as typed: a whole number from 0 to 10.
pub fn score(text: &str) -> Result<u8, String> {
    match text.trim().parse::<u8>() {
        Ok(n) if n <= 10 => Ok(n),
        _ if text.trim().is_empty() => Err("choose a score from 0 to 10".into()),
        _ => Err(format!(
            "'{}' is not a whole number from 0 to 10",
            text.trim()
        )),
    }
}

/// The mean of the answers to one decimal, half to even (written with it: 8.0); None
/// without answers.
pub fn mean(scores: &[u8]) -> Option<Decimal> {
    if scores.is_empty() {
        return None;
    }
    let sum: u32 = scores.iter().map(|s| u32::from(*s)).sum();
    let mean = Decimal::from(sum) / Decimal::from(scores.len() as u64);
    let mut mean = mean.round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven);
    // Always one decimal, as shown: 8.0, not 8.
    mean.rescale(1);
    Some(mean)
}

/// A team's mean, only from [`MIN_ANSWERS`] answers on.
pub fn team_mean(scores: &[u8]) -> Option<Decimal> {
    if scores.len() < MIN_ANSWERS {
        return None;
    }
    mean(scores)
}

/// The seed's target is met above it, not at it ("> 7").
pub fn meets(score: Decimal, target: Decimal) -> bool {
    score > target
}

/// The round before `current`, for the trend of the last rounds.
pub fn previous_period(current: &Period, cadence: Cadence) -> Period {
    let day_before = current
        .starts_on
        .previous_day()
        .expect("a day before any round");
    period(day_before, cadence)
}

#[cfg(test)]
mod tests;
