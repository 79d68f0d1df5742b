//! Money as people type it, the same in forms, the API and CSV files: amounts with a decimal
//! point, in a currency of the active ISO 4217 list.

use iso_currency::Currency;
use rust_decimal::Decimal;

pub mod rates;

/// The largest amount of money anyone types (a trillion).
const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// Amounts are stored in hundredths (`deal_size_minor` and the like), so no amount may have
/// more than two decimals even where the currency has three minor units (BHD, KWD).
const STORED_DECIMALS: u32 = 2;

/// The currency of an ISO 4217 code if it is one people pay in: funds (BOV, CLF), precious
/// metals (XAU), units of account (XDR, XBA…), the testing and "no currency" codes (XTS,
/// XXX) and superseded currencies (HRK) are refused, so nobody registers a deal in them.
fn active(code: &str) -> Option<Currency> {
    Currency::from_code(code).filter(|c| c.flags().is_empty())
}

/// How many decimals an amount in this currency has (`JPY` 0, `USD` 2, `KWD` 3); `None` for
/// a code that is not an active currency.
pub fn minor_units(code: &str) -> Option<u32> {
    active(code).and_then(|c| c.exponent()).map(u32::from)
}

/// A currency code as typed (any case, spaces around), upper-cased; refused unless it is on
/// the active ISO 4217 list.
pub fn currency(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    match active(&code) {
        Some(_) => Ok(code),
        None => Err(format!(
            "'{}' is not a currency of ISO 4217 like USD, EUR or JPY",
            text.trim()
        )),
    }
}

/// The currency symbols an amount may start with, when they are its currency's (`$` for
/// dollars, `€`, `£`, `¥`).
const SYMBOLS: [char; 4] = ['$', '€', '£', '¥'];

/// An amount of money as people type it; `None` when empty. One way to write it: digits
/// with a decimal point (`380000.50`), optionally one leading symbol of its own currency
/// (`$` for USD, `€` for EUR; never `€` on a USD amount), and commas only
/// as thousands separators between groups of exactly three digits (`1,234.50`). A comma can
/// therefore never be a decimal comma: "12,34" is refused rather than read as 1234. With a
/// known `currency`, the decimals may not exceed its minor units (none for JPY).
pub fn amount(text: &str, currency: Option<&str>) -> Result<Option<Decimal>, String> {
    let typed = text.trim();
    let (symbol, bare) = match typed.chars().next() {
        Some(c) if SYMBOLS.contains(&c) => (Some(c), typed[c.len_utf8()..].trim_start()),
        _ => (None, typed),
    };
    if bare.is_empty() {
        return Ok(None);
    }
    if let (Some(symbol), Some(code)) = (symbol, currency) {
        let its_own =
            Currency::from_code(code).is_some_and(|c| c.symbol().symbol == symbol.to_string());
        if !its_own {
            return Err(format!(
                "'{typed}' is written with {symbol}, but the amount is in {code}: write the number alone, as in 380000.50"
            ));
        }
    }
    if bare.starts_with('-') {
        return Err("cannot be negative".into());
    }
    let (whole, fraction) = match bare.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (bare, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let grouped = digits(first)
        && (!whole.contains(',') || first.len() <= 3)
        && groups.all(|g| g.len() == 3 && digits(g));
    if !grouped || fraction.is_some_and(|f| !digits(f)) {
        return Err(if typed.contains(',') {
            format!(
                "'{typed}' is not an amount: write decimals after a point (12.34); a comma only separates thousands, as in 1,234.50"
            )
        } else {
            format!("'{typed}' is not an amount like 380000 or 380000.50")
        });
    }
    let value: Decimal = format!(
        "{}{}",
        whole.replace(',', ""),
        fraction.map_or(String::new(), |f| format!(".{f}"))
    )
    .parse()
    .map_err(|_| "is implausibly large".to_owned())?;
    let allowed = currency
        .and_then(minor_units)
        .map_or(STORED_DECIMALS, |units| units.min(STORED_DECIMALS));
    let decimals = fraction.map_or(0, str::len);
    if decimals > allowed as usize {
        return Err(match (allowed, currency) {
            (0, Some(code)) => format!("{code} amounts have no decimals"),
            (_, Some(code)) if minor_units(code).is_some_and(|units| units > STORED_DECIMALS) => {
                format!(
                    "{code} amounts have at most {allowed} decimals here (amounts are kept in hundredths)"
                )
            }
            (_, Some(code)) => format!("{code} amounts have at most {allowed} decimals"),
            (_, None) => format!("at most {allowed} decimals"),
        });
    }
    if value > Decimal::from(MAX_AMOUNT) {
        return Err("is implausibly large".into());
    }
    Ok(Some(value))
}

/// An amount of `currency` as people read it: its decimals (as stored: at most two) and
/// commas between thousands, `JPY 10,000,000`, `USD 1,234.50`.
pub fn grouped(amount: Decimal, currency: &str) -> String {
    let mut amount = amount;
    amount.rescale(minor_units(currency).map_or(STORED_DECIMALS, |u| u.min(STORED_DECIMALS)));
    let text = amount.to_string();
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, format!(".{fraction}")),
        None => (text, String::new()),
    };
    let mut out = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    format!("{sign}{out}{fraction}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn amounts_have_a_decimal_point_and_commas_only_between_thousands() {
        let ok = |text: &str| amount(text, None).unwrap().unwrap();
        assert_eq!(ok("380000"), dec("380000"));
        assert_eq!(ok("380000.50"), dec("380000.50"));
        assert_eq!(ok("$380,000.50"), dec("380000.50"));
        assert_eq!(ok("120,000"), dec("120000"));
        assert_eq!(ok("1,234,567.8"), dec("1234567.8"));
        assert_eq!(ok(" € 12 "), dec("12"));
        assert_eq!(ok("0.5"), dec("0.5"));
        assert_eq!(amount("  ", None).unwrap(), None);
        assert_eq!(
            amount("12,34", None).unwrap_err(),
            "'12,34' is not an amount: write decimals after a point (12.34); a comma only separates thousands, as in 1,234.50"
        );
        for bad in [
            "1,2345", "1234,567", ",123", "1,234,56", "12,34.5", "1.234,50",
        ] {
            assert!(
                amount(bad, None)
                    .unwrap_err()
                    .contains("a comma only separates thousands"),
                "{bad}"
            );
        }
        for bad in ["12.", ".5", "1 234", "1_234", "1e5", "12.3.4", "abc", "+5"] {
            assert_eq!(
                amount(bad, None).unwrap_err(),
                format!("'{bad}' is not an amount like 380000 or 380000.50"),
            );
        }
        assert_eq!(amount("-5", None).unwrap_err(), "cannot be negative");
        assert_eq!(amount("12.345", None).unwrap_err(), "at most 2 decimals");
        assert_eq!(
            amount("1000000000001", None).unwrap_err(),
            "is implausibly large"
        );
    }

    #[test]
    fn amounts_read_with_their_currencys_decimals_and_commas_between_thousands() {
        assert_eq!(grouped(dec("10000000.00"), "JPY"), "10,000,000");
        assert_eq!(grouped(dec("490000"), "USD"), "490,000.00");
        assert_eq!(grouped(dec("1234.5"), "EUR"), "1,234.50");
        assert_eq!(grouped(dec("999"), "JPY"), "999");
        assert_eq!(grouped(dec("-1000"), "JPY"), "-1,000");
    }

    #[test]
    fn decimals_fit_the_currency() {
        assert_eq!(amount("1500", Some("JPY")).unwrap(), Some(dec("1500")));
        assert_eq!(
            amount("1500.50", Some("JPY")).unwrap_err(),
            "JPY amounts have no decimals"
        );
        assert_eq!(amount("12.34", Some("USD")).unwrap(), Some(dec("12.34")));
        assert_eq!(amount("$12.34", Some("USD")).unwrap(), Some(dec("12.34")));
        assert_eq!(amount("¥1,000", Some("JPY")).unwrap(), Some(dec("1000")));
        assert_eq!(amount("€ 100", Some("EUR")).unwrap(), Some(dec("100")));
        assert_eq!(
            amount("€100", Some("USD")).unwrap_err(),
            "'€100' is written with €, but the amount is in USD: write the number alone, as in 380000.50"
        );
        assert!(amount("$100", Some("EUR")).is_err());
        assert!(amount("£5", Some("JPY")).is_err());
        assert_eq!(
            amount("$$100", Some("USD")).unwrap_err(),
            "'$$100' is not an amount like 380000 or 380000.50"
        );
        assert_eq!(
            amount("12.345", Some("USD")).unwrap_err(),
            "USD amounts have at most 2 decimals"
        );
        // Three minor units, but amounts are stored in hundredths.
        assert_eq!(
            amount("1.125", Some("KWD")).unwrap_err(),
            "KWD amounts have at most 2 decimals here (amounts are kept in hundredths)"
        );
    }

    #[test]
    fn currencies_are_the_active_iso_4217_ones() {
        assert_eq!(currency(" usd ").unwrap(), "USD");
        assert_eq!(currency("JPY").unwrap(), "JPY");
        assert_eq!(minor_units("USD"), Some(2));
        assert_eq!(minor_units("JPY"), Some(0));
        assert_eq!(minor_units("KWD"), Some(3));
        for bad in [
            "XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC",
            "XBD", "BOV", "CLF", "HRK", "BTC", "ZZZ", "US", "dollars", "",
        ] {
            assert_eq!(minor_units(bad), None, "{bad}");
            assert_eq!(
                currency(bad).unwrap_err(),
                format!("'{bad}' is not a currency of ISO 4217 like USD, EUR or JPY"),
            );
        }
    }
}
