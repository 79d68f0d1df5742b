//! One way to write figures for people, wherever the words end up: a page (through
//! `web::format`), a stored audit summary or notification, a CSV's text column. Money with
//! its currency and thousands separators, percentages, counted nouns, keys as words, days.

use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;
use time::macros::format_description;

use crate::money::grouped;

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
pub fn money(amount: Decimal, currency: &str) -> String {
    let digits = if amount.fract().is_zero() {
        grouped(amount.trunc(), "JPY")
    } else {
        grouped(amount, currency)
    };
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_owned()),
        None => ("", digits),
    };
    match SYMBOLS.iter().find(|(code, _)| *code == currency) {
        Some((_, symbol)) => format!("{sign}{symbol}{digits}"),
        // Figures stored before their currency was recorded (old forecast snapshots).
        None if currency.is_empty() => format!("{sign}{digits}"),
        None => format!("{sign}{currency} {digits}"),
    }
}

/// An amount rounded to whole units (half to even) with its currency: `$120,000`. For
/// gaps and estimates, where cents would claim a precision the figure does not have.
pub fn money_whole(amount: Decimal, currency: &str) -> String {
    money(amount.round(), currency)
}

/// An amount kept in hundredths (the store's `*_minor` columns), with its currency.
pub fn money_minor(hundredths: i64, currency: &str) -> String {
    money(Decimal::new(hundredths, 2), currency)
}

/// A share as a percentage with at most one decimal (half to even): `12.5%`, `20%`, `-3%`.
pub fn percent(value: Decimal) -> String {
    let rounded = value
        .round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven)
        .normalize();
    format!("{rounded}%")
}

/// A count with a noun: `1 deal`, `2 deals`, `1,200 deals`; `plural` for nouns whose plural
/// is not a plain `s` (`1 person`, `3 people`).
pub fn count_with(n: i64, singular: &str, plural: &str) -> String {
    let noun = if n == 1 { singular } else { plural };
    format!("{} {noun}", number(n))
}

/// A count with its noun and a plain `s` plural: `1 deal`, `2 deals`, `0 deals`.
pub fn count(n: i64, singular: &str) -> String {
    count_with(n, singular, &format!("{singular}s"))
}

/// A whole number with commas between thousands: `1,200`, `-35`.
pub fn number(n: i64) -> String {
    grouped(Decimal::from(n), "JPY")
}

/// A measured quantity with its noun, at most one decimal: `1 day`, `12.5 days`.
pub fn count_decimal(n: Decimal, singular: &str) -> String {
    let rounded = n
        .round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven)
        .normalize();
    let noun = if rounded == Decimal::ONE {
        singular.to_owned()
    } else {
        format!("{singular}s")
    };
    let digits = if rounded.fract().is_zero() {
        grouped(rounded, "JPY")
    } else {
        grouped(rounded, "USD").trim_end_matches('0').to_owned()
    };
    format!("{digits} {noun}")
}

/// A key as words: `best_case` → `Best case`. For keys no choice knows; a choice's own
/// label (`Choice::label`) comes first.
pub fn words(key: &str) -> String {
    let spaced = key.replace(['_', '-'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A day as people read it: `1 Dec 2026`.
pub fn day(date: Date) -> String {
    date.format(format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .unwrap_or_else(|_| date.to_string())
}

/// Items as a sentence lists them: `EMEA`, `EMEA and APAC`, `EMEA, APAC and LATAM`.
pub fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// At most `max` characters of `text` for a list's cell: whitespace runs made one space, and
/// a longer text cut at the last word boundary that fits with "…" after it (mid-word only
/// when its first word alone is longer than `max`).
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let room = max.saturating_sub(1);
    let head: String = flat.chars().take(room).collect();
    let at_boundary = flat
        .chars()
        .nth(room)
        .is_none_or(|next| !next.is_alphanumeric());
    let kept = match head.rfind(' ') {
        Some(at) if !at_boundary && at > 0 => &head[..at],
        _ => &head[..],
    };
    format!("{}…", kept.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_excerpt_ends_at_a_word_with_an_ellipsis() {
        assert_eq!(excerpt("Portal down", 20), "Portal down");
        assert_eq!(excerpt("  Portal\n down  ", 20), "Portal down");
        // 24 characters, 20 allowed: "Portal down since" (17) and the ellipsis.
        assert_eq!(
            excerpt("Portal down since Monday", 20),
            "Portal down since…"
        );
        // The boundary falls right after a word: that word is kept.
        assert_eq!(excerpt("Portal down, since Monday", 12), "Portal down…");
        assert_eq!(excerpt("Supercalifragilistic", 8), "Superca…");
        assert_eq!(excerpt("Ünïcödé wörds everywhere", 14), "Ünïcödé wörds…");
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn money_has_its_symbol_or_code_and_separators() {
        assert_eq!(money(dec("1405000.00"), "USD"), "$1,405,000");
        assert_eq!(money(dec("12500.50"), "EUR"), "€12,500.50");
        assert_eq!(money(dec("12500.5"), "EUR"), "€12,500.50");
        assert_eq!(money(dec("980.25"), "CHF"), "CHF 980.25");
        assert_eq!(money(dec("1200"), "CAD"), "CAD 1,200");
        assert_eq!(money(dec("10000000"), "JPY"), "¥10,000,000");
        assert_eq!(money(dec("-40.00"), "USD"), "-$40");
        assert_eq!(money(dec("-1234.5"), "GBP"), "-£1,234.50");
        assert_eq!(money(dec("0"), "USD"), "$0");
        assert_eq!(money(dec("999"), "USD"), "$999");
        assert_eq!(money(dec("2500"), ""), "2,500");
    }

    #[test]
    fn whole_money_rounds_half_to_even() {
        assert_eq!(money_whole(dec("119999.50"), "USD"), "$120,000");
        assert_eq!(money_whole(dec("2.5"), "EUR"), "€2");
        assert_eq!(money_whole(dec("3.5"), "EUR"), "€4");
        assert_eq!(money_whole(dec("-1200.4"), "CHF"), "-CHF 1,200");
    }

    #[test]
    fn money_kept_in_hundredths_reads_as_the_amount() {
        assert_eq!(money_minor(140_500_000, "USD"), "$1,405,000");
        assert_eq!(money_minor(1_250_050, "EUR"), "€12,500.50");
        assert_eq!(money_minor(5, "USD"), "$0.05");
    }

    #[test]
    fn percentages_have_at_most_one_decimal_and_a_sign() {
        assert_eq!(percent(dec("20")), "20%");
        assert_eq!(percent(dec("12.54")), "12.5%");
        assert_eq!(percent(dec("12.25")), "12.2%");
        assert_eq!(percent(dec("-3.00")), "-3%");
    }

    #[test]
    fn counts_take_the_right_noun_and_separators() {
        assert_eq!(count(0, "deal"), "0 deals");
        assert_eq!(count(1, "deal"), "1 deal");
        assert_eq!(count(2, "deal"), "2 deals");
        assert_eq!(count(1200, "deal"), "1,200 deals");
        assert_eq!(count_with(1, "person", "people"), "1 person");
        assert_eq!(count_with(3, "person", "people"), "3 people");
        assert_eq!(number(1_234_567), "1,234,567");
        assert_eq!(number(-35), "-35");
        assert_eq!(count_decimal(dec("1.0"), "day"), "1 day");
        assert_eq!(count_decimal(dec("12.54"), "day"), "12.5 days");
        assert_eq!(count_decimal(dec("1234.50"), "day"), "1,234.5 days");
        assert_eq!(count_decimal(dec("30"), "day"), "30 days");
    }

    #[test]
    fn keys_read_as_words_and_days_as_people_write_them() {
        assert_eq!(words("best_case"), "Best case");
        assert_eq!(words("c-level"), "C level");
        assert_eq!(words(""), "");
        assert_eq!(day(date!(2026 - 12 - 01)), "1 Dec 2026");
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["EMEA"]), "EMEA");
        assert_eq!(list(&["EMEA", "APAC"]), "EMEA and APAC");
        assert_eq!(list(&["EMEA", "APAC", "LATAM"]), "EMEA, APAC and LATAM");
    }
}
