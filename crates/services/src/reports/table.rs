//! What a report holds: typed cells under named columns.

use rust_decimal::Decimal;
use time::Date;

/// A report's rows under named columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet's name, e.g. "Performance tracker" (at most 31 characters in a workbook).
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One value of a report, typed so that a spreadsheet can sum it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// An amount and its currency code.
    Money(Decimal, String),
    /// A percentage as written (12.5 means 12.5 %).
    Percent(Decimal),
    Count(i64),
    Day(Date),
    Flag(bool),
    /// No figure: nothing recorded to compute it from.
    Empty,
}
