//! Exports of registrations, leads, the direct pipeline and customer accounts, in the columns
//! their imports read, as CSV (so every export imports again unchanged) or as an XLSX
//! workbook (amounts, days and counts as numbers a spreadsheet sums and sorts).
//!
//! Both read the list the same way ([`Pages`]): who may read what is decided first, then
//! each keyset page of [`PAGE_ROWS`] rows is read on a pooled connection given back before
//! the rows are written. Memory stays at about one page per export, and no export keeps a
//! connection from other requests for longer than one page's query. Pages are separate
//! reads, not one snapshot: a row changed during an export is written as its page found it.
//!
//! A CSV streams page by page ([`CsvExport`]). A workbook is a zip file that is whole only
//! at its end, so [`XlsxExport`] builds it first, in a temporary file, and then hands it out
//! chunk by chunk; a list longer than a sheet holds is refused before that work starts.

mod csv_file;
mod pages;
mod xlsx_file;

use domain::deals::direct::DirectKind;

use crate::reports::Format;
use crate::{Actor, Result, Services};
use pages::{Pages, direct_list};

pub use csv_file::CsvExport;
pub use pages::PAGE_ROWS;
pub use store::exports::ExportList;
pub use xlsx_file::{XLSX_SHEET_ROWS, XlsxExport};

impl Services {
    /// Registrations as CSV (the columns [`Services::import_deals`] reads): partners get
    /// their own, internal users all.
    pub async fn export_deals(&self, actor: &Actor) -> Result<CsvExport> {
        CsvExport::start(Pages::new(self, actor, ExportList::Deals)?).await
    }

    /// Leads as CSV (the columns [`Services::import_leads`] reads): partners get their own,
    /// internal users all.
    pub async fn export_leads(&self, actor: &Actor) -> Result<CsvExport> {
        CsvExport::start(Pages::new(self, actor, ExportList::Leads)?).await
    }

    /// The direct pipeline or the customer accounts as CSV, in the columns their import
    /// reads (internal users).
    pub async fn export_direct(&self, actor: &Actor, kind: DirectKind) -> Result<CsvExport> {
        CsvExport::start(Pages::new(self, actor, direct_list(kind))?).await
    }

    /// `list` as a file in `format`, in the columns of its import, to the same readers
    /// (partners their own registrations and leads, internal users every list). A workbook
    /// of a list with more rows than a sheet holds under its header
    /// (`Config::xlsx_sheet_rows`) is refused, naming the limit and the CSV, before it is
    /// begun.
    pub async fn export(
        &self,
        actor: &Actor,
        list: ExportList,
        format: Format,
    ) -> Result<ExportFile> {
        let pages = Pages::new(self, actor, list)?;
        Ok(match format {
            Format::Csv => ExportFile::Csv(CsvExport::start(pages).await?),
            Format::Xlsx => {
                ExportFile::Xlsx(XlsxExport::build(pages, self.config.xlsx_sheet_rows).await?)
            }
        })
    }
}

/// An export in either format, read chunk by chunk.
#[derive(Debug)]
pub enum ExportFile {
    Csv(CsvExport),
    Xlsx(XlsxExport),
}

impl ExportFile {
    pub fn format(&self) -> Format {
        match self {
            ExportFile::Csv(_) => Format::Csv,
            ExportFile::Xlsx(_) => Format::Xlsx,
        }
    }

    /// The file's size when it is known before it is sent: a workbook's (a CSV streams).
    pub fn bytes(&self) -> Option<u64> {
        match self {
            ExportFile::Csv(_) => None,
            ExportFile::Xlsx(workbook) => Some(workbook.bytes()),
        }
    }

    /// The next part of the file, or `None` after the last.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        match self {
            ExportFile::Csv(csv) => csv.next_chunk().await,
            ExportFile::Xlsx(workbook) => workbook.next_chunk().await,
        }
    }
}
