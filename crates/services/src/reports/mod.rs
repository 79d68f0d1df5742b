//! Report tables as people download them: one [`Table`] (typed cells, money with its
//! currency) written as CSV or as an XLSX workbook, the same from the portal, the API and
//! `partneros report`. Numbers stay numbers in the workbook, with a format that shows them as
//! the page does.

mod csv_file;
mod table;
pub(crate) mod xlsx_file;

pub use csv_file::to_csv;
pub use table::{Cell, Table};
pub use xlsx_file::to_xlsx;

/// How a table is downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx`, as a URL or the command line names it.
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The table's bytes in this format.
    pub fn write(self, table: &Table) -> crate::Result<Vec<u8>> {
        match self {
            Format::Csv => to_csv(table),
            Format::Xlsx => to_xlsx(table),
        }
    }
}

#[cfg(test)]
mod tests;
