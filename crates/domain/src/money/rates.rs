//! Exchange rates into the program's currency, as finance imports them, and the one rule for
//! converting an amount: the latest rate effective on or before the day the amount belongs to
//! (an open deal: today; a won deal: its close date), the product rounded once, half to
//! even, to the program currency's minor units. An amount without such a rate is not
//! converted at all ([`NoRate`]): callers show it per currency instead of adding it.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;

use crate::csv_import::{Columns, RowError, read_rows};

/// The columns of a rates file: 1 `currency` = `rate` units of the program currency from
/// `effective_on` on.
pub const COLUMNS: [&str; 3] = ["currency", "rate", "effective_on"];

/// The largest rate accepted: a typing mistake beyond it would inflate every figure.
const MAX_RATE: i64 = 1_000_000;

/// The most decimals a rate may have: enough for any quoted rate, and the product with any
/// amount stays exact within `Decimal`'s 28 digits.
const MAX_RATE_DECIMALS: usize = 10;

/// The single rounding of a converted amount.
pub const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointNearestEven;

/// One rate: 1 `currency` is worth `rate` of the program currency from `effective_on` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub currency: String,
    pub effective_on: Date,
    pub rate: Decimal,
}

/// One checked row of a rates file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRow {
    pub line: u64,
    pub rate: Rate,
}

/// The rates into one currency, each currency's by date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rates {
    to_currency: String,
    by_currency: BTreeMap<String, BTreeMap<Date, Decimal>>,
}

impl Rates {
    pub fn new(to_currency: &str, rates: impl IntoIterator<Item = Rate>) -> Rates {
        let mut by_currency: BTreeMap<String, BTreeMap<Date, Decimal>> = BTreeMap::new();
        for r in rates {
            by_currency
                .entry(r.currency)
                .or_default()
                .insert(r.effective_on, r.rate);
        }
        Rates {
            to_currency: to_currency.to_owned(),
            by_currency,
        }
    }

    pub fn to_currency(&self) -> &str {
        &self.to_currency
    }

    /// The rate of `currency` in force on `day`: the latest effective on or before it.
    pub fn on(&self, currency: &str, day: Date) -> Option<(Date, Decimal)> {
        self.by_currency
            .get(currency)?
            .range(..=day)
            .next_back()
            .map(|(d, r)| (*d, *r))
    }
}

/// An amount in the program currency and the rate that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Converted {
    pub amount: Decimal,
    /// 1 when the amount was already in the program currency.
    pub rate: Decimal,
    /// The day the rate took effect; `None` when no rate was needed.
    pub rate_date: Option<Date>,
}

/// No rate of `currency` was in force on `on`: the amount cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoRate {
    pub currency: String,
    pub on: Date,
}

/// `amount` of `from` in the program currency of `rates` on `on`: multiplied by the latest
/// rate effective on or before `on`, rounded once (half to even) to the program currency's
/// minor units (at most two, as amounts are stored in hundredths). An amount already in the program currency needs no rate (it is only rounded
/// the same way, which changes nothing for an amount as typed).
pub fn convert(amount: Decimal, from: &str, on: Date, rates: &Rates) -> Result<Converted, NoRate> {
    let decimals = super::minor_units(&rates.to_currency)
        .unwrap_or(super::STORED_DECIMALS)
        .min(super::STORED_DECIMALS);
    if from == rates.to_currency {
        return Ok(Converted {
            amount: amount.round_dp_with_strategy(decimals, ROUNDING),
            rate: Decimal::ONE,
            rate_date: None,
        });
    }
    let no_rate = || NoRate {
        currency: from.to_owned(),
        on,
    };
    let (rate_date, rate) = rates.on(from, on).ok_or_else(no_rate)?;
    let product = amount.checked_mul(rate).ok_or_else(no_rate)?;
    Ok(Converted {
        amount: product.round_dp_with_strategy(decimals, ROUNDING),
        rate,
        rate_date: Some(rate_date),
    })
}

/// A rate as written: digits with an optional decimal point, above zero, at most a million,
/// at most ten decimals.
pub fn rate(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || text.ends_with('.') {
        return Err(format!("'{text}' is not a rate like 0.0067 or 1.0825"));
    }
    if fraction.len() > MAX_RATE_DECIMALS {
        return Err(format!("at most {MAX_RATE_DECIMALS} decimals"));
    }
    let value: Decimal = text
        .parse()
        .map_err(|_| format!("'{text}' is implausibly large"))?;
    if value.is_zero() {
        return Err("must be above zero".into());
    }
    if value > Decimal::from(MAX_RATE) {
        return Err(format!(
            "'{text}' is implausibly large (at most {MAX_RATE})"
        ));
    }
    Ok(value.normalize())
}

/// Reads a rates file into `to_currency` (the program's): every row checked, every problem
/// reported by line and column. Rows for the program currency itself, and a second rate for
/// the same currency and day, are refused.
pub fn parse_csv(text: &str, to_currency: &str) -> (Vec<RateRow>, Vec<RowError>) {
    let mut rows = Vec::new();
    let mut seen: BTreeMap<(String, Date), u64> = BTreeMap::new();
    let errors = read_rows(text, &Columns::new(&COLUMNS, &COLUMNS), |row, errors| {
        let line = row.line;
        let before = errors.len();
        let currency = match super::currency(row.cell("currency")) {
            Ok(code) if code == to_currency => {
                errors.push(row.error(
                    "currency",
                    format!("{code} is the program currency: it needs no rate"),
                ));
                None
            }
            Ok(code) => Some(code),
            Err(message) => {
                errors.push(row.error("currency", message));
                None
            }
        };
        let value = rate(row.cell("rate"))
            .map_err(|message| errors.push(row.error("rate", message)))
            .ok();
        let effective_on = crate::validation::date(row.cell("effective_on"))
            .map_err(|message| errors.push(row.error("effective_on", message)))
            .ok();
        if let (Some(currency), Some(rate), Some(effective_on)) = (currency, value, effective_on) {
            if let Some(first) = seen.insert((currency.clone(), effective_on), line) {
                errors.push(row.error(
                    "effective_on",
                    format!("{currency} already has a rate for {effective_on} on line {first}"),
                ));
            } else if errors.len() == before {
                rows.push(RateRow {
                    line,
                    rate: Rate {
                        currency,
                        effective_on,
                        rate,
                    },
                });
            }
        }
    });
    (rows, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn usd(rates: &[(&str, Date, &str)]) -> Rates {
        Rates::new(
            "USD",
            rates.iter().map(|(c, d, r)| Rate {
                currency: (*c).into(),
                effective_on: *d,
                rate: dec(r),
            }),
        )
    }

    #[test]
    fn converts_at_the_latest_rate_on_or_before_the_day() {
        let rates = usd(&[
            ("JPY", date!(2026 - 01 - 01), "0.0067"),
            ("EUR", date!(2026 - 01 - 01), "1.05"),
            ("EUR", date!(2026 - 07 - 01), "1.10"),
        ]);
        // 10,000,000 × 0.0067 = 67,000.
        assert_eq!(
            convert(dec("10000000"), "JPY", date!(2026 - 11 - 27), &rates),
            Ok(Converted {
                amount: dec("67000.00"),
                rate: dec("0.0067"),
                rate_date: Some(date!(2026 - 01 - 01)),
            })
        );
        // 1,000 × 1.05 the day before the July rate; 1,000 × 1.10 from its day on.
        let eur = |day| convert(dec("1000"), "EUR", day, &rates).unwrap();
        assert_eq!(eur(date!(2026 - 06 - 30)).amount, dec("1050"));
        assert_eq!(eur(date!(2026 - 07 - 01)).amount, dec("1100"));
        assert_eq!(
            eur(date!(2026 - 07 - 01)).rate_date,
            Some(date!(2026 - 07 - 01))
        );
        // Before the first rate there is none.
        assert_eq!(
            convert(dec("1000"), "EUR", date!(2025 - 12 - 31), &rates),
            Err(NoRate {
                currency: "EUR".into(),
                on: date!(2025 - 12 - 31)
            })
        );
        assert!(convert(dec("1000"), "GBP", date!(2026 - 11 - 27), &rates).is_err());
        // The program currency needs no rate.
        assert_eq!(
            convert(dec("490000"), "USD", date!(2020 - 01 - 01), &rates),
            Ok(Converted {
                amount: dec("490000"),
                rate: Decimal::ONE,
                rate_date: None
            })
        );
    }

    #[test]
    fn rounds_once_half_to_even_to_the_program_currencys_minor_units() {
        let rates = usd(&[("EUR", date!(2026 - 01 - 01), "1.5")]);
        let day = date!(2026 - 02 - 01);
        // 10.05 × 1.5 = 15.075: the 7 is odd, so up to 15.08.
        assert_eq!(
            convert(dec("10.05"), "EUR", day, &rates).unwrap().amount,
            dec("15.08")
        );
        // 10.03 × 1.5 = 15.045: the 4 is even, so it stays 15.04.
        assert_eq!(
            convert(dec("10.03"), "EUR", day, &rates).unwrap().amount,
            dec("15.04")
        );
        // 1,234.57 × 1.0825 = 1,336.422025 → 1,336.42 (rounded once, not per step).
        let rates = usd(&[("EUR", date!(2026 - 01 - 01), "1.0825")]);
        assert_eq!(
            convert(dec("1234.57"), "EUR", day, &rates).unwrap().amount,
            dec("1336.42")
        );
        // Into yen: no decimals. 0.50 × 149 = 74.5 → 74; 0.50 × 151 = 75.5 → 76.
        let yen = |rate: &str| {
            let rates = Rates::new(
                "JPY",
                [Rate {
                    currency: "USD".into(),
                    effective_on: date!(2026 - 01 - 01),
                    rate: dec(rate),
                }],
            );
            convert(dec("0.50"), "USD", day, &rates).unwrap().amount
        };
        assert_eq!(yen("149"), dec("74"));
        assert_eq!(yen("151"), dec("76"));
    }

    #[test]
    fn rates_are_positive_decimals_with_a_point() {
        assert_eq!(rate("0.0067"), Ok(dec("0.0067")));
        assert_eq!(rate(" 1.10 "), Ok(dec("1.1")));
        assert_eq!(rate("149"), Ok(dec("149")));
        for bad in ["", "1,5", "-1", "1e3", "abc", ".5", "1.", "1.2.3", "+2"] {
            assert_eq!(
                rate(bad),
                Err(format!(
                    "'{}' is not a rate like 0.0067 or 1.0825",
                    bad.trim()
                )),
                "{bad}"
            );
        }
        assert_eq!(rate("0"), Err("must be above zero".into()));
        assert_eq!(rate("0.000"), Err("must be above zero".into()));
        assert_eq!(rate("0.00000000001"), Err("at most 10 decimals".into()));
        assert_eq!(
            rate("1000001"),
            Err("'1000001' is implausibly large (at most 1000000)".into())
        );
    }

    #[test]
    fn a_rates_file_reports_every_bad_row_by_line_and_column() {
        let (rows, errors) = parse_csv(
            "Currency,rate,effective_on\n\
             JPY,0.0067,2026-01-01\n\
             eur,1.0825,2026-07-01\n\
             XXX,1,2026-01-01\n\
             GBP,0,2026-01-01\n\
             CHF,-1.1,2026-13-01\n\
             USD,1,2026-01-01\n\
             EUR,1.09,2026-07-01\n",
            "USD",
        );
        assert_eq!(
            rows,
            [
                RateRow {
                    line: 2,
                    rate: Rate {
                        currency: "JPY".into(),
                        effective_on: date!(2026 - 01 - 01),
                        rate: dec("0.0067")
                    }
                },
                RateRow {
                    line: 3,
                    rate: Rate {
                        currency: "EUR".into(),
                        effective_on: date!(2026 - 07 - 01),
                        rate: dec("1.0825")
                    }
                }
            ]
        );
        let found: Vec<(u64, &str, &str)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    4,
                    "currency",
                    "'XXX' is not a currency of ISO 4217 like USD, EUR or JPY"
                ),
                (5, "rate", "must be above zero"),
                (6, "rate", "'-1.1' is not a rate like 0.0067 or 1.0825"),
                (
                    6,
                    "effective_on",
                    "'2026-13-01' is not a date like 2027-03-31"
                ),
                (
                    7,
                    "currency",
                    "USD is the program currency: it needs no rate"
                ),
                (
                    8,
                    "effective_on",
                    "EUR already has a rate for 2026-07-01 on line 3"
                ),
            ]
        );
        let (_, errors) = parse_csv("currency,rate\nEUR,1.1\n", "USD");
        assert_eq!(errors[0].message, "the header has no 'effective_on' column");
    }
}
