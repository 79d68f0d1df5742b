use rust_decimal::Decimal;
use time::macros::date;

use super::*;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn the_mean_to_one_decimal_half_to_even() {
    // 7 + 8 = 15 / 2 = 7.5 exactly.
    assert_eq!(mean(&[7, 8]), Some(d("7.5")));
    // 7 + 7 + 8 = 22 / 3 = 7.333… → 7.3.
    assert_eq!(mean(&[7, 7, 8]), Some(d("7.3")));
    // 7 + 8 + 8 = 23 / 3 = 7.666… → 7.7.
    assert_eq!(mean(&[7, 8, 8]), Some(d("7.7")));
    // Halves at the second decimal: 7+7+7+8 = 29 / 4 = 7.25 → 7.2 (2 is even);
    // 7+8+8+8 = 31 / 4 = 7.75 → 7.8 (8 is even).
    assert_eq!(mean(&[7, 7, 7, 8]), Some(d("7.2")));
    assert_eq!(mean(&[7, 8, 8, 8]), Some(d("7.8")));
    assert_eq!(mean(&[]), None);
    assert_eq!(mean(&[0, 10]).unwrap().to_string(), "5.0");
}

#[test]
fn a_team_figure_needs_three_answers() {
    assert_eq!(team_mean(&[9, 10]), None);
    assert_eq!(team_mean(&[9, 10, 8]), Some(d("9.0")));
    assert_eq!(MIN_ANSWERS, 3);
}

#[test]
fn the_target_is_met_above_it() {
    assert!(meets(d("7.1"), d("7")));
    assert!(!meets(d("7.0"), d("7")));
}

#[test]
fn scores_are_whole_numbers_from_0_to_10() {
    assert_eq!(score("0"), Ok(0));
    assert_eq!(score(" 10 "), Ok(10));
    assert_eq!(
        score("11"),
        Err("'11' is not a whole number from 0 to 10".into())
    );
    assert_eq!(
        score("7.5"),
        Err("'7.5' is not a whole number from 0 to 10".into())
    );
    assert_eq!(score(""), Err("choose a score from 0 to 10".into()));
}

#[test]
fn rounds_by_quarter_or_month() {
    let quarter = period(date!(2026 - 11 - 15), Cadence::Quarterly);
    assert_eq!(
        quarter,
        Period {
            key: "2026-Q4".into(),
            starts_on: date!(2026 - 10 - 01),
            ends_on: date!(2026 - 12 - 31),
        }
    );
    assert_eq!(previous_period(&quarter, Cadence::Quarterly).key, "2026-Q3");
    let month = period(date!(2028 - 02 - 10), Cadence::Monthly);
    assert_eq!(month.key, "2028-02");
    assert_eq!(month.ends_on, date!(2028 - 02 - 29));
    assert_eq!(previous_period(&month, Cadence::Monthly).key, "2028-01");
    let january = period(date!(2027 - 01 - 01), Cadence::Monthly);
    assert_eq!(previous_period(&january, Cadence::Monthly).key, "2026-12");
}
