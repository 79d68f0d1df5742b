//! One way to show figures on every page: money with its currency and thousands
//! separators, percentages, counted nouns, stored keys by their label, days and times in the
//! reader's zone. Templates call these by path (`crate::format::money(…)`); no template
//! formats a figure itself.

use domain::Choice;
use domain::time_zone::TimeZone;
use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;
use time::macros::format_description;

/// Currencies written with a symbol before the amount: ones whose symbol nobody mistakes
/// for another currency's. Every other currency is written with its code (`CHF 1,200`),
/// since `$` alone would not say whether a figure is in US, Canadian or Australian dollars.
const SYMBOLS: &[(&str, &str)] = &[
    ("USD", "$"),
    ("EUR", "€"),
    ("GBP", "£"),
    ("JPY", "¥"),
    ("INR", "₹"),
];

/// An amount with its currency as people read it: `$1,405,000`, `€12,500.50`,
/// `CHF 980.25`, `-$40`. Whole amounts show no decimals; others show the currency's
/// (as stored: at most two).
pub fn money(amount: &Decimal, currency: &str) -> String {
    let whole = amount.fract().is_zero();
    let digits = if whole {
        domain::money::grouped(amount.trunc(), "JPY")
    } else {
        domain::money::grouped(*amount, currency)
    };
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_owned()),
        None => ("", digits),
    };
    match SYMBOLS.iter().find(|(code, _)| *code == currency) {
        Some((_, symbol)) => format!("{sign}{symbol}{digits}"),
        None => format!("{sign}{currency} {digits}"),
    }
}

/// An amount kept in hundredths (the store's `*_minor` columns), with its currency.
pub fn money_minor(hundredths: &i64, currency: &str) -> String {
    money(&Decimal::new(*hundredths, 2), currency)
}

/// A share as a percentage with at most one decimal: `12.5%`, `20%`, `-3%`.
pub fn percent(value: &Decimal) -> String {
    let rounded = value
        .round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven)
        .normalize();
    format!("{rounded}%")
}

/// `part` as a percentage of `whole`; "—" when there is no whole to be a part of.
pub fn percent_of(part: &Decimal, whole: &Decimal) -> String {
    if whole.is_zero() {
        return "—".into();
    }
    percent(&(part * Decimal::ONE_HUNDRED / whole))
}

/// A count with its noun: `1 deal`, `2 deals`, `0 deals`, `1,200 deals`.
pub fn count(n: &usize, singular: &str) -> String {
    count_with(n, singular, &format!("{singular}s"))
}

/// A count with a noun whose plural is not a plain `s`: `1 person`, `3 people`.
pub fn count_with(n: &usize, singular: &str, plural: &str) -> String {
    let noun = if *n == 1 { singular } else { plural };
    let digits = domain::money::grouped(Decimal::from(*n), "JPY");
    format!("{digits} {noun}")
}

/// A stored key by the label of its choice (`best_case` → `Best case`, `c_level` →
/// `C-level executive`); a key the choice does not know reads as words (`some_key` →
/// `Some key`) rather than as code.
pub fn label<T: Choice>(key: &str) -> String {
    match T::parse(key) {
        Some(choice) => choice.label().to_owned(),
        None => words(key),
    }
}

/// A key as words: `best_case` → `Best case`.
pub fn words(key: &str) -> String {
    let spaced = key.replace(['_', '-'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A day as people read it: `1 Dec 2026`.
pub fn day(date: &Date) -> String {
    date.format(format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_else(|_| date.to_string())
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
    fn money_has_its_symbol_or_code_and_separators() {
        assert_eq!(money(&dec("1405000.00"), "USD"), "$1,405,000");
        assert_eq!(money(&dec("12500.50"), "EUR"), "€12,500.50");
        assert_eq!(money(&dec("12500.5"), "EUR"), "€12,500.50");
        assert_eq!(money(&dec("980.25"), "CHF"), "CHF 980.25");
        assert_eq!(money(&dec("1200"), "CAD"), "CAD 1,200");
        assert_eq!(money(&dec("10000000"), "JPY"), "¥10,000,000");
        assert_eq!(money(&dec("-40.00"), "USD"), "-$40");
        assert_eq!(money(&dec("-1234.5"), "GBP"), "-£1,234.50");
        assert_eq!(money(&dec("0"), "USD"), "$0");
        assert_eq!(money(&dec("999"), "USD"), "$999");
    }

    #[test]
    fn money_kept_in_hundredths_reads_as_the_amount() {
        assert_eq!(money_minor(&140_500_000, "USD"), "$1,405,000");
        assert_eq!(money_minor(&1_250_050, "EUR"), "€12,500.50");
        assert_eq!(money_minor(&5, "USD"), "$0.05");
    }

    #[test]
    fn percentages_have_at_most_one_decimal_and_a_sign() {
        assert_eq!(percent(&dec("20")), "20%");
        assert_eq!(percent(&dec("12.54")), "12.5%");
        assert_eq!(percent(&dec("12.25")), "12.2%");
        assert_eq!(percent(&dec("-3.00")), "-3%");
        assert_eq!(percent_of(&dec("1"), &dec("3")), "33.3%");
        assert_eq!(percent_of(&dec("1"), &dec("0")), "—");
    }

    #[test]
    fn counts_take_the_right_noun() {
        assert_eq!(count(&0, "deal"), "0 deals");
        assert_eq!(count(&1, "deal"), "1 deal");
        assert_eq!(count(&2, "deal"), "2 deals");
        assert_eq!(count(&1200, "deal"), "1,200 deals");
        assert_eq!(count_with(&1, "person", "people"), "1 person");
        assert_eq!(count_with(&3, "person", "people"), "3 people");
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
        assert_eq!(words("c-level"), "C level");
        assert_eq!(words(""), "");
    }

    #[test]
    fn days_and_moments_read_in_the_readers_zone() {
        assert_eq!(day(&date!(2026 - 12 - 01)), "1 Dec 2026");
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
