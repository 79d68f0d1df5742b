//! Calendar quarters, the period the program's progression rules and revenue figures use.

use std::fmt;

use time::{Date, Month};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    /// 1–4.
    number: u8,
}

impl Quarter {
    /// A quarter of a year in [`crate::validation::YEARS`], like every date people type.
    pub fn new(year: i32, number: u8) -> Option<Self> {
        ((1..=4).contains(&number) && crate::validation::YEARS.contains(&year))
            .then_some(Self { year, number })
    }

    pub fn containing(date: Date) -> Self {
        Self {
            year: date.year(),
            number: (u8::from(date.month()) - 1) / 3 + 1,
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u8 {
        self.number
    }

    pub fn previous(self) -> Self {
        if self.number == 1 {
            Self {
                year: self.year - 1,
                number: 4,
            }
        } else {
            Self {
                year: self.year,
                number: self.number - 1,
            }
        }
    }

    pub fn next(self) -> Self {
        if self.number == 4 {
            Self {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Self {
                year: self.year,
                number: self.number + 1,
            }
        }
    }

    /// This quarter and the `count - 1` before it, oldest first.
    pub fn trailing(self, count: usize) -> Vec<Quarter> {
        let mut quarters: Vec<Quarter> = std::iter::successors(Some(self), |q| Some(q.previous()))
            .take(count)
            .collect();
        quarters.reverse();
        quarters
    }

    pub fn first_day(self) -> Date {
        let month = Month::try_from((self.number - 1) * 3 + 1).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().previous_day().unwrap_or(Date::MAX)
    }

    /// Reads "2026-Q3", "2026 Q3", "2026q3" or "Q3 2026".
    pub fn parse(text: &str) -> Result<Self, String> {
        let cleaned: String = text
            .trim()
            .to_ascii_uppercase()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '/' | '_'))
            .collect();
        let (year, number) = if let Some(rest) = cleaned.strip_prefix('Q') {
            rest.split_at_checked(1)
                .map(|(n, y)| (y, n))
                .unwrap_or(("", ""))
        } else {
            cleaned.split_once('Q').unwrap_or(("", ""))
        };
        let years = &crate::validation::YEARS;
        match (year.parse::<i32>(), number.parse::<u8>()) {
            (Ok(year), Ok(1..=4)) if !years.contains(&year) => Err(format!(
                "'{}' is outside the years {}-{}",
                text.trim(),
                years.start(),
                years.end()
            )),
            (Ok(year), Ok(number)) => Quarter::new(year, number)
                .ok_or_else(|| format!("'{}' is not a quarter like 2026-Q3", text.trim())),
            _ => Err(format!("'{}' is not a quarter like 2026-Q3", text.trim())),
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn quarters_of_dates_and_their_neighbours() {
        assert_eq!(
            Quarter::containing(date!(2026 - 11 - 27)).to_string(),
            "2026-Q4"
        );
        assert_eq!(
            Quarter::containing(date!(2026 - 03 - 31)).to_string(),
            "2026-Q1"
        );
        assert_eq!(
            Quarter::containing(date!(2026 - 04 - 01)).to_string(),
            "2026-Q2"
        );
        let q1 = Quarter::new(2027, 1).unwrap();
        assert_eq!(q1.previous().to_string(), "2026-Q4");
        assert_eq!(q1.previous().next(), q1);
        assert_eq!(q1.first_day(), date!(2027 - 01 - 01));
        assert_eq!(q1.last_day(), date!(2027 - 03 - 31));
        assert_eq!(q1.previous().last_day(), date!(2026 - 12 - 31));
        assert_eq!(
            Quarter::new(2026, 3).unwrap().first_day(),
            date!(2026 - 07 - 01)
        );
        let names: Vec<String> = q1.trailing(4).iter().map(ToString::to_string).collect();
        assert_eq!(names, ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]);
    }

    #[test]
    fn parsing_accepts_common_spellings_and_names_bad_ones() {
        for text in ["2026-Q3", "2026 q3", "2026Q3", "Q3 2026", " q3-2026 "] {
            assert_eq!(
                Quarter::parse(text).unwrap().to_string(),
                "2026-Q3",
                "{text}"
            );
        }
        assert_eq!(Quarter::parse("1970-Q1").unwrap().to_string(), "1970-Q1");
        assert_eq!(Quarter::parse("2100-Q4").unwrap().to_string(), "2100-Q4");
        for (text, error) in [
            ("9999-Q4", "'9999-Q4' is outside the years 1970-2100"),
            ("1969-Q4", "'1969-Q4' is outside the years 1970-2100"),
            ("Q1 2101", "'Q1 2101' is outside the years 1970-2100"),
        ] {
            assert_eq!(Quarter::parse(text).unwrap_err(), error);
        }
        for text in [
            "2026-Q5",
            "2026",
            "Q3",
            "",
            "2026-Q0",
            "third quarter",
            "Q32026x",
        ] {
            let error = Quarter::parse(text).unwrap_err();
            assert!(
                error.contains("is not a quarter like 2026-Q3"),
                "{text}: {error}"
            );
        }
    }

    proptest! {
        #[test]
        fn display_and_parse_round_trip(year in 1971i32..2100, number in 1u8..=4) {
            let q = Quarter::new(year, number).unwrap();
            prop_assert_eq!(Quarter::parse(&q.to_string()).unwrap(), q);
            prop_assert!(q.previous() < q && q < q.next());
            prop_assert_eq!(Quarter::containing(q.first_day()), q);
        }
    }
}
