//! Exports as an XLSX workbook of one sheet, built in constant memory: the sheet's rows go
//! to a temporary file as they are written (rust_xlsxwriter's constant-memory worksheet),
//! and the finished workbook to another, so a long list costs disk, not memory. The work is
//! done on a blocking thread, reading the same keyset pages as the CSV.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use rust_xlsxwriter::Workbook;
use tokio::runtime::Handle;

use super::pages::{Pages, columns};
use crate::reports::Cell;
use crate::reports::xlsx_file::{CellWriter, column, xlsx_failed};
use crate::{Error, Result};
use store::exports::ExportList;

/// The rows of a sheet in Excel (and in every spreadsheet that opens XLSX): the header and
/// 1,048,575 records.
pub const XLSX_SHEET_ROWS: u32 = 1_048_576;

/// How much of the finished file one chunk of the download carries.
const CHUNK_BYTES: usize = 256 * 1024;

/// A finished workbook, read chunk by chunk from its temporary file (which disappears when
/// the export is dropped).
#[derive(Debug)]
pub struct XlsxExport {
    file: Option<File>,
    bytes: u64,
}

impl XlsxExport {
    /// Refuses a list longer than `sheet_rows` holds under the header before any other
    /// work, then writes the workbook.
    pub(super) async fn build(pages: Pages, sheet_rows: u32) -> Result<XlsxExport> {
        let records = i64::from(sheet_rows) - 1;
        if pages.rows_up_to(records + 1).await? > records {
            return Err(too_long(sheet_rows));
        }
        let runtime = Handle::current();
        let file = tokio::task::spawn_blocking(move || write(&runtime, pages, sheet_rows))
            .await
            .map_err(|e| internal(format!("the workbook's writer stopped: {e}")))??;
        let bytes = file.metadata().map_err(internal)?.len();
        Ok(XlsxExport {
            file: Some(file),
            bytes,
        })
    }

    /// The workbook's size in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The next part of the file, or `None` after the last.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let Some(mut file) = self.file.take() else {
            return Ok(None);
        };
        let (file, chunk) = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::with_capacity(CHUNK_BYTES);
            (&mut file)
                .take(CHUNK_BYTES as u64)
                .read_to_end(&mut chunk)
                .map(|_| (file, chunk))
        })
        .await
        .map_err(internal)?
        .map_err(internal)?;
        if chunk.is_empty() {
            return Ok(None);
        }
        self.file = Some(file);
        Ok(Some(chunk))
    }
}

/// The refusal of a list longer than a sheet: names the limit and the download that has none.
fn too_long(sheet_rows: u32) -> Error {
    Error::field(
        "format",
        format!(
            "a spreadsheet sheet holds at most {} rows (the header and {} records) and this \
             list has more; download it as CSV instead, which has no such limit",
            domain::display::number(i64::from(sheet_rows)),
            domain::display::number(i64::from(sheet_rows) - 1),
        ),
    )
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Store(store::Error::Internal(format!("writing XLSX: {e}")))
}

/// Writes the list's workbook into a temporary file, read from its start. Runs on a
/// blocking thread; each page is read on `runtime`.
fn write(runtime: &Handle, mut pages: Pages, sheet_rows: u32) -> Result<File> {
    let list = pages.list();
    let header = columns(list);
    let mut workbook = Workbook::new();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_failed)?;
    sheet.set_name(sheet_name(list)).map_err(xlsx_failed)?;
    sheet.set_freeze_panes(1, 0).map_err(xlsx_failed)?;
    let mut cells = CellWriter::new();
    cells.header(sheet, header).map_err(xlsx_failed)?;
    let mut row = 0;
    loop {
        let rows = runtime.block_on(pages.next())?;
        if row == 0 {
            // A constant-memory sheet cannot measure its rows after writing them; the first
            // page is a fair sample of how wide each column's values are.
            for (col, width) in column_widths(header, &rows).into_iter().enumerate() {
                sheet
                    .set_column_width(column(col), width)
                    .map_err(xlsx_failed)?;
            }
        }
        if rows.is_empty() {
            break;
        }
        for cells_of_row in &rows {
            row += 1;
            if row >= sheet_rows {
                // The list grew past the limit after it was counted.
                return Err(too_long(sheet_rows));
            }
            cells.row(sheet, row, cells_of_row).map_err(xlsx_failed)?;
        }
    }
    let mut file = tempfile::tempfile().map_err(internal)?;
    workbook.save_to_writer(&mut file).map_err(xlsx_failed)?;
    file.seek(SeekFrom::Start(0)).map_err(internal)?;
    Ok(file)
}

fn sheet_name(list: ExportList) -> &'static str {
    match list {
        ExportList::Deals => "Registrations",
        ExportList::Leads => "Leads",
        ExportList::Opportunities => "Direct opportunities",
        ExportList::Accounts => "Customer accounts",
    }
}

/// Each column as wide as its header or its widest value in `sample`, within bounds that
/// keep long free text (pain points, needs) from pushing the other columns off the screen.
fn column_widths(header: &[&str], sample: &[Vec<Cell>]) -> Vec<f64> {
    header
        .iter()
        .enumerate()
        .map(|(col, name)| {
            let widest = sample
                .iter()
                .filter_map(|row| row.get(col))
                .map(shown_width)
                .max()
                .unwrap_or(0);
            // Two characters of margin, as a spreadsheet's own fitting leaves.
            (widest.max(name.chars().count()) + 2).clamp(8, 50) as f64
        })
        .collect()
}

/// About how many characters a cell shows in its number format.
fn shown_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(text) => text.chars().count(),
        // Digits, separators, decimals and the currency code.
        Cell::Money(amount, currency) => {
            domain::display::number(amount.trunc().try_into().unwrap_or(i64::MAX)).len()
                + 4
                + currency.len()
        }
        Cell::Percent(_) => 6,
        Cell::Count(n) => domain::display::number(*n).len(),
        Cell::Day(_) => 10,
        Cell::Flag(_) => 3,
        Cell::Empty => 0,
    }
}
