//! A report table as CSV, for spreadsheets and accounting tools.

use super::table::{Cell, Table};
use crate::{Error, Result};

/// The table as CSV. Every money column is followed by a currency column (`Won`, `Won
/// currency`), so the amounts stay numbers a spreadsheet sums and never lose their currency.
/// Text a spreadsheet would run as a formula is quoted (`domain::csv_cell`).
pub fn to_csv(table: &Table) -> Result<Vec<u8>> {
    let money_columns: Vec<bool> = (0..table.columns.len())
        .map(|i| {
            table
                .rows
                .iter()
                .any(|row| matches!(row.get(i), Some(Cell::Money(..))))
        })
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = Vec::new();
    for (name, money) in table.columns.iter().zip(&money_columns) {
        header.push(name.clone());
        if *money {
            header.push(format!("{name} currency"));
        }
    }
    writer.write_record(&header).map_err(internal)?;
    for row in &table.rows {
        let mut record = Vec::new();
        for (cell, money) in row.iter().zip(&money_columns) {
            match cell {
                Cell::Money(amount, currency) => {
                    // As many decimals as the currency has (as stored: at most two).
                    let mut amount = *amount;
                    amount.rescale(domain::money::minor_units(currency).unwrap_or(2).min(2));
                    record.push(amount.to_string());
                    record.push(currency.clone());
                }
                other => {
                    record.push(text(other));
                    if *money {
                        record.push(String::new());
                    }
                }
            }
        }
        writer.write_record(&record).map_err(internal)?;
    }
    writer.into_inner().map_err(|e| internal(e.error()))
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => domain::csv_cell::neutralise(text).into_owned(),
        Cell::Money(amount, _) | Cell::Percent(amount) => amount.to_string(),
        Cell::Count(n) => n.to_string(),
        Cell::Day(day) => day.to_string(),
        Cell::Flag(flag) => if *flag { "yes" } else { "no" }.into(),
        Cell::Empty => String::new(),
    }
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Store(store::Error::Internal(format!("writing CSV: {e}")))
}
