//! Exports as CSV, streamed a page at a time. Every cell goes through [`CsvPage`], which
//! neutralises formula-like cells ([`domain::csv_cell`]); the imports take the
//! neutralisation off again.

use std::borrow::Cow;

use super::pages::{Pages, columns};
use crate::reports::Cell;
use crate::{Error, Result};

/// An export its reader may have, read chunk by chunk.
#[derive(Debug)]
pub struct CsvExport {
    pages: Pages,
    /// The header and the first page, read before the export was handed out so that the
    /// first query's failure is an ordinary error rather than a broken download.
    first: Option<Vec<u8>>,
}

impl CsvExport {
    pub(super) async fn start(mut pages: Pages) -> Result<CsvExport> {
        let mut page = CsvPage::new();
        page.row(columns(pages.list()).iter().map(|c| Cow::Borrowed(*c)))?;
        for row in pages.next().await? {
            page.cells(&row)?;
        }
        Ok(CsvExport {
            pages,
            first: Some(page.finish()?),
        })
    }

    /// The next part of the file (CSV rows, the header first), or `None` after the last.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        let rows = self.pages.next().await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut page = CsvPage::new();
        for row in &rows {
            page.cells(row)?;
        }
        page.finish().map(Some)
    }
}

/// Rows of CSV, written the one way every export writes them: each cell neutralised so a
/// spreadsheet never runs it as a formula.
struct CsvPage(csv::Writer<Vec<u8>>);

impl CsvPage {
    fn new() -> CsvPage {
        CsvPage(csv::Writer::from_writer(Vec::with_capacity(256 * 1024)))
    }

    /// A row of typed cells as the imports read them: amounts with two decimals and no
    /// currency (it has its own column), days as `2026-10-01`, flags as `true`/`false`.
    fn cells(&mut self, cells: &[Cell]) -> Result<()> {
        self.row(cells.iter().map(|cell| match cell {
            Cell::Text(text) => Cow::Borrowed(text.as_str()),
            Cell::Money(amount, _) | Cell::Percent(amount) => Cow::Owned(amount.to_string()),
            Cell::Count(n) => Cow::Owned(n.to_string()),
            Cell::Day(day) => Cow::Owned(day.to_string()),
            Cell::Flag(flag) => Cow::Owned(flag.to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }))
    }

    fn row<'a>(&mut self, cells: impl IntoIterator<Item = Cow<'a, str>>) -> Result<()> {
        for cell in cells {
            self.0
                .write_field(domain::csv_cell::neutralise(&cell).as_bytes())
                .map_err(csv_failed)?;
        }
        self.0.write_record(None::<&[u8]>).map_err(csv_failed)
    }

    fn finish(self) -> Result<Vec<u8>> {
        self.0.into_inner().map_err(|e| csv_failed(e.into_error()))
    }
}

/// Writing CSV into memory failed: our failure, not bad stored data.
fn csv_failed(e: impl std::fmt::Display) -> Error {
    Error::Store(store::Error::Internal(format!("CSV: {e}")))
}
