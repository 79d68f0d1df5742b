//! The program dashboard's judgement of a figure against its target: green on target, amber
//! within the policy's margin of it, red further off; and the growth and share figures the
//! success metrics are made of. A figure without the records to compute it is `None` and
//! gets no colour: the dashboard says "no data yet" rather than inventing a number.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::choice_enum;

choice_enum! {
    /// How a figure stands against its target.
    Rag {
        Green => ("green", "On target"),
        Amber => ("amber", "Close to target"),
        Red => ("red", "Off target"),
    }
}

/// Which way a figure should go: revenue up, days to close down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// Green at or past the target; amber within `amber_within_percent` of the target (in
/// percent of the target itself, so 10 % of a 45-day target is 4.5 days); red beyond.
pub fn rag(actual: Decimal, target: Decimal, better: Better, amber_within_percent: Decimal) -> Rag {
    let margin = target.abs() * amber_within_percent / Decimal::ONE_HUNDRED;
    let (on_target, close) = match better {
        Better::Higher => (actual >= target, actual >= target - margin),
        Better::Lower => (actual <= target, actual <= target + margin),
    };
    if on_target {
        Rag::Green
    } else if close {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// Change from `previous` to `current` in percent of `previous`, to one decimal (half to
/// even); `None` when there was nothing before to grow from.
pub fn growth_percent(previous: Decimal, current: Decimal) -> Option<Decimal> {
    if previous.is_zero() {
        return None;
    }
    Some(one_decimal(
        (current - previous) * Decimal::ONE_HUNDRED / previous,
    ))
}

/// `part` in percent of `whole`, to one decimal (half to even); `None` without a whole.
pub fn share_percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    Some(one_decimal(part * Decimal::ONE_HUNDRED / whole))
}

fn one_decimal(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn higher_is_better_figures_are_green_at_target_amber_within_the_margin_red_beyond() {
        // Target 20 % growth, amber within 10 % of 20 = 2 points: 18 is amber, 17.9 red.
        let ten = dec("10");
        assert_eq!(rag(dec("25"), dec("20"), Better::Higher, ten), Rag::Green);
        assert_eq!(rag(dec("20"), dec("20"), Better::Higher, ten), Rag::Green);
        assert_eq!(rag(dec("18"), dec("20"), Better::Higher, ten), Rag::Amber);
        assert_eq!(rag(dec("17.9"), dec("20"), Better::Higher, ten), Rag::Red);
        assert_eq!(rag(dec("-5"), dec("20"), Better::Higher, ten), Rag::Red);
    }

    #[test]
    fn lower_is_better_figures_are_green_under_target_amber_just_over_red_beyond() {
        // Velocity target 45 days, amber within 10 %: up to 49.5 days.
        let ten = dec("10");
        assert_eq!(rag(dec("30"), dec("45"), Better::Lower, ten), Rag::Green);
        assert_eq!(rag(dec("45"), dec("45"), Better::Lower, ten), Rag::Green);
        assert_eq!(rag(dec("49.5"), dec("45"), Better::Lower, ten), Rag::Amber);
        assert_eq!(rag(dec("49.6"), dec("45"), Better::Lower, ten), Rag::Red);
    }

    #[test]
    fn a_zero_margin_leaves_no_amber() {
        assert_eq!(
            rag(dec("44"), dec("45"), Better::Higher, dec("0")),
            Rag::Red
        );
    }

    #[test]
    fn growth_and_share_round_to_one_decimal_and_need_a_base() {
        // 30 leads after 25: +5 of 25 = +20 %.
        assert_eq!(growth_percent(dec("25"), dec("30")), Some(dec("20.0")));
        // 2 after 3: -1 of 3 = -33.33… %.
        assert_eq!(growth_percent(dec("3"), dec("2")), Some(dec("-33.3")));
        assert_eq!(growth_percent(dec("0"), dec("7")), None);
        // $300,000 partner-sourced of $1,000,000 in all: 30 %.
        assert_eq!(
            share_percent(dec("300000"), dec("1000000")),
            Some(dec("30.0"))
        );
        // 1 of 8 = 12.5 exactly; 1 of 6 = 16.66… → 16.7.
        assert_eq!(share_percent(dec("1"), dec("8")), Some(dec("12.5")));
        assert_eq!(share_percent(dec("1"), dec("6")), Some(dec("16.7")));
        assert_eq!(share_percent(dec("5"), dec("0")), None);
    }
}
