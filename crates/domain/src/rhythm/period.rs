//! The kinds of meeting and the periods their packs cover.

use time::{Date, Duration};

use crate::quarter::Quarter;
use crate::validation::Choice;

crate::choice_enum! {
    /// The meetings of the playbook's communication rhythm. The weekly standup is program-wide:
    /// one agenda over every partner, its lines naming each partner.
    Kind {
        WeeklyStandup => ("weekly_standup", "Weekly partner standup"),
        MonthlySync => ("monthly_sync", "Monthly cross-functional sync"),
        QuarterlyReview => ("quarterly_review", "Quarterly executive review"),
    }
}

/// The days a meeting's pack covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Period {
    #[serde(with = "crate::day_json")]
    pub first: Date,
    #[serde(with = "crate::day_json")]
    pub last: Date,
}

/// The period a meeting of `kind` held on `day` covers: its week (Monday to Sunday), its
/// calendar month or its quarter.
pub fn period(kind: Kind, day: Date) -> Period {
    match kind {
        Kind::WeeklyStandup => {
            let first = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
            Period {
                first,
                last: first + Duration::days(6),
            }
        }
        Kind::MonthlySync => {
            let first = day.replace_day(1).expect("every month has a first day");
            let last = first
                .replace_day(first.month().length(first.year()))
                .expect("a month's length is one of its days");
            Period { first, last }
        }
        Kind::QuarterlyReview => {
            let quarter = Quarter::containing(day);
            Period {
                first: quarter.first_day(),
                last: quarter.last_day(),
            }
        }
    }
}

/// Whether a meeting of `kind` held on `day` may be recorded on `today`: its period has begun
/// or is the next one (next week's standup is prepared this week), never one further out.
pub fn preparable(kind: Kind, day: Date, today: Date) -> bool {
    let next = period(kind, period(kind, today).last + Duration::DAY);
    period(kind, day).first <= next.first
}

/// Whether `period` is still ahead on `today`: its pack then reads what is open today.
pub fn not_begun(period: Period, today: Date) -> bool {
    period.first > today
}

/// The day a pack is read as of: the period's last day, or `today` while the period runs
/// (and for the next period, prepared before it begins).
pub fn as_of(period: Period, today: Date) -> Date {
    period.last.min(today)
}

/// How a meeting is named: "Weekly partner standup, week of 2026-11-30",
/// "Monthly cross-functional sync, November 2026", "Quarterly executive review, 2026-Q4".
pub fn title(kind: Kind, period: Period) -> String {
    let when = match kind {
        Kind::WeeklyStandup => format!("week of {}", crate::display::day(period.first)),
        Kind::MonthlySync => format!("{} {}", period.first.month(), period.first.year()),
        Kind::QuarterlyReview => Quarter::containing(period.first).to_string(),
    };
    format!("{}, {when}", kind.label())
}
