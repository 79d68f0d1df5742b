//! A report table as an XLSX workbook of one sheet: a bold, frozen header row; amounts,
//! percentages, counts and days as numbers with a number format (so the sheet sums and sorts
//! them), each amount showing its currency code.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::table::{Cell, Table};
use crate::{Error, Result};

/// A sheet name may have at most 31 characters and none of `[]:*?/\`.
pub(crate) fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if name.trim().is_empty() {
        "Report".into()
    } else {
        name
    }
}

pub fn to_xlsx(table: &Table) -> Result<Vec<u8>> {
    write(table).map_err(xlsx_failed)
}

/// Writing a workbook failed: our failure, not bad stored data.
pub(crate) fn xlsx_failed(e: XlsxError) -> Error {
    Error::Store(store::Error::Internal(format!("writing XLSX: {e}")))
}

fn write(table: &Table) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.title))?;
    let mut cells = CellWriter::new();
    cells.header(sheet, &table.columns)?;
    for (i, row) in table.rows.iter().enumerate() {
        cells.row(sheet, u32::try_from(i + 1).unwrap_or(u32::MAX), row)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    workbook.save_to_buffer()
}

/// Writes cells the one way every workbook shows them, keeping one format per currency.
pub(crate) struct CellWriter {
    bold: Format,
    percent: Format,
    count: Format,
    day: Format,
    money: HashMap<String, Format>,
}

impl CellWriter {
    pub(crate) fn new() -> CellWriter {
        CellWriter {
            bold: Format::new().set_bold(),
            percent: Format::new().set_num_format("0.0%"),
            count: Format::new().set_num_format("#,##0"),
            day: Format::new().set_num_format("yyyy-mm-dd"),
            money: HashMap::new(),
        }
    }

    /// The column names in bold on the first row.
    pub(crate) fn header<S: AsRef<str>>(
        &self,
        sheet: &mut Worksheet,
        columns: &[S],
    ) -> std::result::Result<(), XlsxError> {
        for (col, name) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, column(col), name.as_ref(), &self.bold)?;
        }
        Ok(())
    }

    pub(crate) fn row(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        cells: &[Cell],
    ) -> std::result::Result<(), XlsxError> {
        for (col, cell) in cells.iter().enumerate() {
            self.cell(sheet, row, column(col), cell)?;
        }
        Ok(())
    }

    fn cell(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        col: u16,
        cell: &Cell,
    ) -> std::result::Result<(), XlsxError> {
        match cell {
            Cell::Text(text) => {
                sheet.write_string(row, col, text)?;
            }
            Cell::Money(amount, currency) => {
                let money = self
                    .money
                    .entry(currency.clone())
                    .or_insert_with(|| money_format(currency));
                sheet.write_number_with_format(row, col, number(amount), money)?;
            }
            Cell::Percent(value) => {
                let share = value / rust_decimal::Decimal::ONE_HUNDRED;
                sheet.write_number_with_format(row, col, number(&share), &self.percent)?;
            }
            Cell::Count(n) => {
                sheet.write_number_with_format(row, col, *n as f64, &self.count)?;
            }
            Cell::Day(date) => {
                let when = ExcelDateTime::from_ymd(
                    u16::try_from(date.year()).unwrap_or(1900),
                    u8::from(date.month()),
                    date.day(),
                )?;
                sheet.write_datetime_with_format(row, col, &when, &self.day)?;
            }
            Cell::Flag(flag) => {
                sheet.write_string(row, col, if *flag { "yes" } else { "no" })?;
            }
            Cell::Empty => {}
        }
        Ok(())
    }
}

/// Digits with separators, as many decimals as the currency has (as stored: at most two),
/// and the currency's code.
fn money_format(currency: &str) -> Format {
    let decimals = domain::money::minor_units(currency).unwrap_or(2).min(2);
    let digits = if decimals == 0 {
        "#,##0".to_owned()
    } else {
        format!("#,##0.{}", "0".repeat(decimals as usize))
    };
    Format::new().set_num_format(format!("{digits} \"{currency}\""))
}

pub(crate) fn column(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn number(value: &rust_decimal::Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}
