//! One way to show figures on every page: money with its currency and thousands
//! separators, percentages, counted nouns, stored keys by their label, days and times in the
//! reader's zone. Templates call these by path (`crate::format::money(…)`); no template
//! formats a figure itself. The writing itself is `domain::display`'s, which stored texts
//! (audit summaries, notifications) use too; these take references as templates hold them.

use domain::Choice;
use domain::display;
use domain::time_zone::TimeZone;
use rust_decimal::Decimal;
use time::Date;
use time::macros::format_description;

/// An amount with its currency: `$1,405,000`, `€12,500.50`, `CHF 980.25`.
pub fn money(amount: &Decimal, currency: &str) -> String {
    display::money(*amount, currency)
}

/// An amount typed as text (a form's or a stored figure's, e.g. `120000`) with its currency;
/// text that is no number is shown as it is.
pub fn money_text(amount: &str, currency: &str) -> String {
    match amount.trim().parse::<Decimal>() {
        Ok(value) => display::money(value, currency),
        Err(_) => amount.to_owned(),
    }
}

/// An amount kept in hundredths (the store's `*_minor` columns), with its currency.
pub fn money_minor(hundredths: &i64, currency: &str) -> String {
    display::money_minor(*hundredths, currency)
}

/// A share as a percentage with at most one decimal: `12.5%`, `20%`, `-3%`.
pub fn percent(value: &Decimal) -> String {
    display::percent(*value)
}

/// `part` as a percentage of `whole`; "—" when there is no whole to be a part of.
pub fn percent_of(part: &Decimal, whole: &Decimal) -> String {
    if whole.is_zero() {
        return "—".into();
    }
    display::percent(part * Decimal::ONE_HUNDRED / whole)
}

/// A count with its noun: `1 deal`, `2 deals`, `0 deals`, `1,200 deals`.
pub fn count(n: &usize, singular: &str) -> String {
    display::count(as_i64(*n), singular)
}

/// A whole number a template holds, by value or through references (askama borrows what it
/// passes, and loops over tuples hand out references already).
pub trait Whole {
    fn whole(&self) -> i64;
}

impl Whole for i64 {
    fn whole(&self) -> i64 {
        *self
    }
}

impl Whole for usize {
    fn whole(&self) -> i64 {
        as_i64(*self)
    }
}

impl<T: Whole + ?Sized> Whole for &T {
    fn whole(&self) -> i64 {
        (**self).whole()
    }
}

/// A whole number with separators: `1,200`.
pub fn number(n: &impl Whole) -> String {
    display::number(n.whole())
}

/// A measured quantity with its noun, at most one decimal: `1 day`, `12.5 days`.
pub fn count_decimal(n: &Decimal, singular: &str) -> String {
    display::count_decimal(*n, singular)
}

/// A count with a noun whose plural is not a plain `s`: `1 person`, `3 people`.
pub fn count_with(n: &usize, singular: &str, plural: &str) -> String {
    display::count_with(as_i64(*n), singular, plural)
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored key by the label of its choice (`best_case` → `Best case`, `c_level` →
/// `C-level executive`); a key the choice does not know reads as words (`some_key` →
/// `Some key`) rather than as code.
pub fn label<T: Choice>(key: &str) -> String {
    match T::parse(key) {
        Some(choice) => choice.label().to_owned(),
        None => display::words(key),
    }
}

/// A key as words: `best_case` → `Best case`.
pub fn words(key: &str) -> String {
    display::words(key)
}

/// A day as people read it: `1 Dec 2026`.
pub fn day(date: &Date) -> String {
    display::day(*date)
}

/// A day services hand over as ISO text (`2026-12-01`) as [`day`] writes it; text that is
/// no day (a note such as "next major release") is shown as it is.
pub fn day_text(text: &str) -> String {
    match Date::parse(text, format_description!("[year]-[month]-[day]")) {
        Ok(date) => display::day(date),
        Err(_) => text.to_owned(),
    }
}

/// A moment in the reader's own time zone, with the zone's abbreviation:
/// `1 Dec 2026 17:05 CET`.
pub fn moment(at: &time::OffsetDateTime, zone: &TimeZone) -> String {
    let (local, abbreviation) = zone.local(*at);
    match local.format(format_description!(
        "[day padding:none] [month repr:short] [year] [hour]:[minute]"
    )) {
        Ok(text) => format!("{text} {abbreviation}"),
        Err(_) => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn templates_get_domain_display_through_references() {
        assert_eq!(money(&dec("1405000.00"), "USD"), "$1,405,000");
        assert_eq!(money_minor(&1_250_050, "EUR"), "€12,500.50");
        assert_eq!(money_text("22500", "USD"), "$22,500");
        assert_eq!(money_text("", "USD"), "");
        assert_eq!(money_text("TBD", "USD"), "TBD");
        assert_eq!(percent(&dec("12.54")), "12.5%");
        assert_eq!(percent_of(&dec("1"), &dec("3")), "33.3%");
        assert_eq!(percent_of(&dec("1"), &dec("0")), "—");
        assert_eq!(count(&1200, "deal"), "1,200 deals");
        assert_eq!(count_with(&1, "person", "people"), "1 person");
        assert_eq!(count_decimal(&dec("12.54"), "day"), "12.5 days");
        assert_eq!(number(&12_345_i64), "12,345");
        assert_eq!(number(&&1_234_567_usize), "1,234,567");
        assert_eq!(number(&7_usize), "7");
        assert_eq!(day(&date!(2026 - 12 - 01)), "1 Dec 2026");
    }

    #[test]
    fn stored_keys_read_as_their_labels() {
        use domain::deals::registration::{ForecastCategory, Status};
        assert_eq!(label::<ForecastCategory>("best_case"), "Best case");
        assert_eq!(
            label::<Status>("more_info_requested"),
            "More information requested"
        );
        assert_eq!(label::<Status>("archived_key"), "Archived key");
        assert_eq!(words("best_case"), "Best case");
    }

    #[test]
    fn days_and_moments_read_in_the_readers_zone() {
        assert_eq!(day_text("2027-03-11"), "11 Mar 2027");
        assert_eq!(day_text("next major release"), "next major release");
        let berlin = TimeZone::named("Europe/Berlin").unwrap();
        assert_eq!(
            moment(&datetime!(2026-12-01 16:05 UTC), &berlin),
            "1 Dec 2026 17:05 CET"
        );
        assert_eq!(
            moment(&datetime!(2026-07-01 16:05 UTC), &berlin),
            "1 Jul 2026 18:05 CEST"
        );
    }
}
