//! A report table as an XLSX workbook of one sheet: a bold, frozen header row; amounts,
//! percentages, counts and days as numbers with a number format (so the sheet sums and sorts
//! them), each amount showing its currency code.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::table::{Cell, Table};
use crate::{Error, Result};

/// A sheet name may have at most 31 characters and none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
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
    write(table).map_err(|e| Error::Store(store::Error::Internal(format!("writing XLSX: {e}"))))
}

fn write(table: &Table) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.title))?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let count = Format::new().set_num_format("#,##0");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (col, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, column(col), name, &bold)?;
    }
    for (i, cells) in table.rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (col, cell) in cells.iter().enumerate() {
            let col = column(col);
            match cell {
                Cell::Text(text) => {
                    sheet.write_string(row, col, text)?;
                }
                Cell::Money(amount, currency) => {
                    let decimals = domain::money::minor_units(currency).unwrap_or(2).min(2);
                    let digits = if decimals == 0 {
                        "#,##0".to_owned()
                    } else {
                        format!("#,##0.{}", "0".repeat(decimals as usize))
                    };
                    let money = Format::new().set_num_format(format!("{digits} \"{currency}\""));
                    sheet.write_number_with_format(row, col, number(amount), &money)?;
                }
                Cell::Percent(value) => {
                    let share = value / rust_decimal::Decimal::ONE_HUNDRED;
                    sheet.write_number_with_format(row, col, number(&share), &percent)?;
                }
                Cell::Count(n) => {
                    sheet.write_number_with_format(row, col, *n as f64, &count)?;
                }
                Cell::Day(date) => {
                    let when = ExcelDateTime::from_ymd(
                        u16::try_from(date.year()).unwrap_or(1900),
                        u8::from(date.month()),
                        date.day(),
                    )?;
                    sheet.write_datetime_with_format(row, col, &when, &day)?;
                }
                Cell::Flag(flag) => {
                    sheet.write_string(row, col, if *flag { "yes" } else { "no" })?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    workbook.save_to_buffer()
}

fn column(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn number(value: &rust_decimal::Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}
