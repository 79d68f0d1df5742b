//! Certifications people hold (DOMAIN.md §4): when each expires, what state it is in on a
//! given day, which renewal reminder is due, and how many certified people a partner counts
//! for the tier engine.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use time::{Date, Month};

use crate::program::certifications::{Certification, Level};

/// One certification earned by one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The person (a contact), so people with several certifications count once.
    pub person: uuid::Uuid,
    pub certification: String,
    pub earned_on: Date,
    /// None: valid until a major release retires it.
    pub expires_on: Option<Date>,
    /// Set when a major release retired it.
    pub retired: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    /// Active, expiring within the first reminder offset.
    Expiring,
    Expired,
}

/// `months` after `date`, on the same day of the month or the month's last day (a
/// certification earned on 31 January with 1 month of validity expires on 28/29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let year = total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last_day = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last_day)).unwrap_or(date)
}

/// When a certification earned on `earned_on` expires (None: only a major release ends it).
pub fn expiry(certification: &Certification, earned_on: Date) -> Option<Date> {
    certification
        .valid_months
        .map(|months| add_months(earned_on, months))
}

/// Whether `score` (percent) passes.
pub fn passes(certification: &Certification, score: Decimal) -> bool {
    score >= certification.pass_mark_percent
}

/// The state of a held certification on `today`; `warn_days` is the earliest reminder offset.
/// It is valid through its expiry day and expired from the day after.
pub fn status(held: &Held, today: Date, warn_days: u32) -> Status {
    match held.expires_on {
        _ if held.retired => Status::Expired,
        Some(expires) if today > expires => Status::Expired,
        Some(expires) if (expires - today).whole_days() <= i64::from(warn_days) => Status::Expiring,
        _ => Status::Active,
    }
}

/// The renewal reminder due on `today`: the smallest offset (days before expiry) already
/// reached that is smaller than the last one sent, so a day the job did not run is caught up
/// with one reminder, never a burst. `offsets` are days before expiry, any order.
pub fn reminder_due(
    expires_on: Date,
    today: Date,
    offsets: &[u32],
    last_sent: Option<u32>,
) -> Option<u32> {
    let days_left = (expires_on - today).whole_days();
    if days_left < 0 {
        return None;
    }
    offsets
        .iter()
        .copied()
        .filter(|offset| i64::from(*offset) >= days_left)
        .filter(|offset| last_sent.is_none_or(|sent| *offset < sent))
        .min()
}

/// What the tier engine counts for a partner on `today`: distinct people with at least one
/// valid certification, those with one at advanced level or above, and people per
/// certification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub certified_people: u32,
    pub advanced_certified_people: u32,
    pub by_certification: BTreeMap<String, u32>,
}

pub fn counts(held: &[Held], catalog: &[Certification], today: Date) -> Counts {
    let mut people = BTreeSet::new();
    let mut advanced = BTreeSet::new();
    let mut by_certification: BTreeMap<String, BTreeSet<uuid::Uuid>> = BTreeMap::new();
    for h in held
        .iter()
        .filter(|h| h.earned_on <= today && status(h, today, 0) != Status::Expired)
    {
        let Some(cert) = catalog.iter().find(|c| c.key == h.certification) else {
            continue;
        };
        people.insert(h.person);
        if cert.level >= Level::Advanced {
            advanced.insert(h.person);
        }
        by_certification
            .entry(h.certification.clone())
            .or_default()
            .insert(h.person);
    }
    Counts {
        certified_people: people.len() as u32,
        advanced_certified_people: advanced.len() as u32,
        by_certification: by_certification
            .into_iter()
            .map(|(k, p)| (k, p.len() as u32))
            .collect(),
    }
}

/// Replaces the certification counts of `history` with what `held` says at the end of each
/// quarter (or `today` for the current one), so the tier engine reads the records instead of
/// typed-in counts. The current quarter gets a row if it has none, carrying the latest
/// recorded values of the other stocks and no flows.
pub fn apply_to_history(
    history: &mut Vec<crate::program::history::QuarterFacts>,
    held: &[Held],
    catalog: &[Certification],
    today: Date,
) {
    use crate::quarter::Quarter;
    let current = Quarter::containing(today);
    if !history.iter().any(|q| q.quarter == current) {
        let mut row = history
            .iter()
            .filter(|q| q.quarter < current)
            .max_by_key(|q| q.quarter)
            .cloned()
            .unwrap_or_else(|| crate::program::history::QuarterFacts::empty(current));
        row.quarter = current;
        row.sourced_revenue = Decimal::ZERO;
        row.qbrs = 0;
        row.co_marketing = 0;
        history.push(row);
        history.sort_by_key(|q| q.quarter);
    }
    for quarter in history.iter_mut() {
        let as_of = quarter.quarter.last_day().min(today);
        let c = counts(held, catalog, as_of);
        quarter.certified_people = c.certified_people;
        quarter.advanced_certified_people = c.advanced_certified_people;
        quarter.certifications = c.by_certification;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::certifications::default_catalog;
    use proptest::prelude::*;
    use time::macros::date;

    fn held(person: u128, cert: &str, earned_on: Date) -> Held {
        let catalog = default_catalog();
        let c = catalog.iter().find(|c| c.key == cert).unwrap();
        Held {
            person: uuid::Uuid::from_u128(person),
            certification: cert.into(),
            earned_on,
            expires_on: expiry(c, earned_on),
            retired: false,
        }
    }

    #[test]
    fn expiry_is_a_year_later_and_month_ends_clamp() {
        let sales = &default_catalog()[0];
        assert_eq!(
            expiry(sales, date!(2026 - 03 - 15)),
            Some(date!(2027 - 03 - 15))
        );
        assert_eq!(
            expiry(sales, date!(2024 - 02 - 29)),
            Some(date!(2025 - 02 - 28)),
            "leap day"
        );
        assert_eq!(add_months(date!(2027 - 01 - 31), 1), date!(2027 - 02 - 28));
        assert_eq!(
            add_months(date!(2028 - 01 - 31), 1),
            date!(2028 - 02 - 29),
            "leap year"
        );
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        let mut release_only = sales.clone();
        release_only.valid_months = None;
        assert_eq!(expiry(&release_only, date!(2026 - 01 - 01)), None);
    }

    #[test]
    fn valid_through_the_expiry_day_expiring_within_the_warning() {
        let h = held(1, "sales_foundation", date!(2025 - 12 - 01));
        assert_eq!(h.expires_on, Some(date!(2026 - 12 - 01)));
        assert_eq!(
            status(&h, date!(2026 - 12 - 01), 90),
            Status::Expiring,
            "expiring today"
        );
        assert_eq!(status(&h, date!(2026 - 12 - 02), 90), Status::Expired);
        assert_eq!(
            status(&h, date!(2026 - 09 - 02), 90),
            Status::Expiring,
            "90 days before"
        );
        assert_eq!(
            status(&h, date!(2026 - 09 - 01), 90),
            Status::Active,
            "91 days before"
        );
        let retired = Held { retired: true, ..h };
        assert_eq!(status(&retired, date!(2026 - 01 - 01), 90), Status::Expired);
    }

    #[test]
    fn reminders_at_90_30_7_days_without_bursts() {
        let expires = date!(2027 - 03 - 31);
        let offsets = [90, 30, 7];
        let on = |days_before: i64| expires - time::Duration::days(days_before);
        assert_eq!(reminder_due(expires, on(91), &offsets, None), None);
        assert_eq!(reminder_due(expires, on(90), &offsets, None), Some(90));
        assert_eq!(reminder_due(expires, on(60), &offsets, Some(90)), None);
        assert_eq!(reminder_due(expires, on(30), &offsets, Some(90)), Some(30));
        // The job did not run for weeks: one reminder, the nearest.
        assert_eq!(reminder_due(expires, on(5), &offsets, Some(90)), Some(7));
        assert_eq!(reminder_due(expires, on(5), &offsets, Some(7)), None);
        assert_eq!(
            reminder_due(expires, on(0), &offsets, Some(30)),
            Some(7),
            "expiring today"
        );
        assert_eq!(
            reminder_due(expires, on(-1), &offsets, None),
            None,
            "already expired"
        );
    }

    #[test]
    fn counts_distinct_people_with_valid_certifications() {
        let catalog = default_catalog();
        let today = date!(2026 - 11 - 27);
        let records = vec![
            held(1, "sales_foundation", date!(2026 - 01 - 10)),
            held(1, "technical_advanced", date!(2026 - 02 - 10)),
            held(2, "sales_foundation", date!(2026 - 03 - 10)),
            held(3, "technical_expert", date!(2025 - 11 - 26)), // expired yesterday
            held(4, "sales_expert", date!(2025 - 11 - 27)),     // expires today: still valid
        ];
        let c = counts(&records, &catalog, today);
        assert_eq!((c.certified_people, c.advanced_certified_people), (3, 2));
        assert_eq!(c.by_certification["sales_foundation"], 2);
        assert!(!c.by_certification.contains_key("technical_expert"));
        assert!(passes(&catalog[1], Decimal::from(80)) && !passes(&catalog[1], Decimal::from(79)));
    }

    #[test]
    fn records_replace_typed_counts_quarter_by_quarter() {
        use crate::program::history::{QuarterFacts, facts_as_of};
        use crate::quarter::Quarter;
        let catalog = default_catalog();
        let today = date!(2026 - 11 - 27);
        let q = |text: &str| Quarter::parse(text).unwrap();
        let mut history = vec![QuarterFacts {
            certified_people: 9,
            customer_references: 5,
            sourced_revenue: Decimal::from(100),
            ..QuarterFacts::empty(q("2026-Q2"))
        }];
        let records = vec![
            held(1, "sales_foundation", date!(2026 - 05 - 10)),
            held(2, "technical_advanced", date!(2026 - 10 - 01)),
        ];
        apply_to_history(&mut history, &records, &catalog, today);
        assert_eq!(history.len(), 2, "the current quarter gets a row");
        assert_eq!(
            (
                history[0].certified_people,
                history[0].advanced_certified_people
            ),
            (1, 0),
            "as of 30 June"
        );
        let now = &history[1];
        assert_eq!(
            (now.certified_people, now.advanced_certified_people),
            (2, 1)
        );
        assert_eq!(now.customer_references, 5, "other stocks carry over");
        assert_eq!(now.sourced_revenue, Decimal::ZERO, "flows do not");
        let facts = facts_as_of(&history, q("2026-Q4"));
        assert_eq!(facts.sourced_revenue_12m, Decimal::from(100));
        assert_eq!(facts.certifications["technical_advanced"], 1);
    }

    proptest! {
        #[test]
        fn expiry_never_comes_before_earning_and_adding_months_is_monotone(
            days in 0i64..40_000, months in 0u32..60
        ) {
            let start = date!(1990 - 01 - 01) + time::Duration::days(days);
            let later = add_months(start, months);
            prop_assert!(later >= start);
            prop_assert!(add_months(start, months + 1) > later);
        }

        #[test]
        fn at_most_one_reminder_per_offset(today_offset in -10i64..200, last in proptest::option::of(prop_oneof![Just(90u32), Just(30), Just(7)])) {
            let expires = date!(2027 - 06 - 30);
            let today = expires - time::Duration::days(today_offset);
            if let Some(due) = reminder_due(expires, today, &[90, 30, 7], last) {
                prop_assert!(last.is_none_or(|sent| due < sent));
                prop_assert!(i64::from(due) >= today_offset);
            }
        }
    }
}
