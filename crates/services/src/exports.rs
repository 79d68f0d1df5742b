//! CSV exports of registrations, leads, the direct pipeline and customer accounts, in the
//! columns their imports read, so every export imports again unchanged.
//!
//! An export streams: who may read what is decided, and the header and first page are read,
//! before the caller gets a [`CsvExport`]; after that each [`CsvExport::next_chunk`] reads
//! the next keyset page of [`PAGE_ROWS`] rows on a pooled connection it gives back before
//! formatting them. Memory stays at about one page per export, and no export keeps a
//! connection from other requests for longer than one page's query. Pages are separate
//! reads, not one snapshot: a row changed during an export is written as its page found it.
//!
//! Every cell goes through [`CsvPage`], which neutralises formula-like cells
//! ([`domain::csv_cell`]); the imports take the neutralisation off again.

use domain::permissions::Action;
use std::collections::HashMap;

use domain::deals::direct::DirectKind;
use rust_decimal::Decimal;
use store::exports::{DealExportRow, DirectExportRow, LeadExportRow};
use uuid::Uuid;

use crate::{Actor, Error, Result, Services};

/// Rows per query and per chunk: large enough that the queries cost little next to the
/// formatting, small enough that a chunk is a few hundred kilobytes.
pub const PAGE_ROWS: i64 = 1_000;

/// An export its reader may have, read chunk by chunk.
#[derive(Debug)]
pub struct CsvExport {
    db: store::Db,
    table: Table,
    /// The header and the first page, read before the export was handed out so that the
    /// first query's failure is an ordinary error rather than a broken download.
    first: Option<Vec<u8>>,
    done: bool,
    /// How the partners met so far are named in the file (one query per page for new ones).
    partner_names: HashMap<Uuid, String>,
}

/// What is exported and where the next page starts.
#[derive(Debug)]
enum Table {
    Deals {
        partner: Option<Uuid>,
        after: Option<i64>,
    },
    Leads {
        partner: Option<Uuid>,
        before: Option<Uuid>,
    },
    Direct {
        kind: DirectKind,
        after: Option<String>,
    },
}

impl Services {
    /// Registrations as CSV (the columns [`Services::import_deals`] reads): partners get
    /// their own, internal users all.
    pub async fn export_deals(&self, actor: &Actor) -> Result<CsvExport> {
        let table = Table::Deals {
            partner: own_partner(actor)?,
            after: None,
        };
        CsvExport::start(self, table, &domain::deals::csv_io::COLUMNS).await
    }

    /// Leads as CSV (the columns [`Services::import_leads`] reads): partners get their own,
    /// internal users all.
    pub async fn export_leads(&self, actor: &Actor) -> Result<CsvExport> {
        let table = Table::Leads {
            partner: own_partner(actor)?,
            before: None,
        };
        CsvExport::start(self, table, domain::deals::leads::CSV_COLUMNS).await
    }

    /// The direct pipeline or the customer accounts as CSV, in the columns their import
    /// reads (internal users).
    pub async fn export_direct(&self, actor: &Actor, kind: DirectKind) -> Result<CsvExport> {
        actor.require(Action::ReadInternal)?;
        let table = Table::Direct { kind, after: None };
        CsvExport::start(self, table, kind.columns()).await
    }
}

/// The partner whose rows `actor` may export; `None` for internal users, who export all.
fn own_partner(actor: &Actor) -> Result<Option<Uuid>> {
    if actor.is_internal() {
        Ok(None)
    } else {
        actor.partner_id.map(Some).ok_or(Error::NotFound)
    }
}

impl CsvExport {
    async fn start(services: &Services, table: Table, header: &[&str]) -> Result<CsvExport> {
        let mut export = CsvExport {
            db: services.db.clone(),
            table,
            first: None,
            done: false,
            partner_names: HashMap::new(),
        };
        let mut page = CsvPage::new();
        page.row(header.iter().copied())?;
        export.read_page(&mut page).await?;
        export.first = Some(page.finish()?);
        Ok(export)
    }

    /// The next part of the file (CSV rows, the header first), or `None` after the last.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        if self.done {
            return Ok(None);
        }
        let mut page = CsvPage::new();
        if self.read_page(&mut page).await? == 0 {
            return Ok(None);
        }
        page.finish().map(Some)
    }

    /// Reads the next page into `out`; how many rows it had. The connection goes back to
    /// the pool before the rows are formatted.
    async fn read_page(&mut self, out: &mut CsvPage) -> Result<usize> {
        let mut tx = self.db.read().await?;
        let names = &mut self.partner_names;
        let read = match &mut self.table {
            Table::Deals { partner, after } => {
                let rows = store::exports::deals_page(&mut tx, *partner, *after, PAGE_ROWS).await?;
                learn_names(&mut tx, names, rows.iter().map(|r| r.partner_id)).await?;
                drop(tx);
                for row in &rows {
                    deal_row(out, row, &names[&row.partner_id])?;
                }
                *after = rows.last().map(|r| r.number).or(*after);
                rows.len()
            }
            Table::Leads { partner, before } => {
                let rows =
                    store::exports::leads_page(&mut tx, *partner, *before, PAGE_ROWS).await?;
                learn_names(&mut tx, names, rows.iter().map(|r| r.partner_id)).await?;
                drop(tx);
                for row in &rows {
                    lead_row(out, row, &names[&row.partner_id])?;
                }
                *before = rows.last().map(|r| r.id).or(*before);
                rows.len()
            }
            Table::Direct { kind, after } => {
                let rows = match kind {
                    DirectKind::Opportunities => {
                        store::exports::opportunities_page(&mut tx, after.as_deref(), PAGE_ROWS)
                            .await?
                    }
                    DirectKind::Accounts => {
                        store::exports::accounts_page(&mut tx, after.as_deref(), PAGE_ROWS).await?
                    }
                };
                drop(tx);
                for row in &rows {
                    direct_row(out, row, *kind)?;
                }
                if let Some(last) = rows.last() {
                    *after = Some(last.reference.clone());
                }
                rows.len()
            }
        };
        self.done = read < PAGE_ROWS as usize;
        Ok(read)
    }
}

/// Adds the file names of the partners among `ids` not met before: the first website
/// domain, so imports find them again (the id when a partner has none, or is gone).
async fn learn_names(
    tx: &mut store::Read,
    names: &mut HashMap<Uuid, String>,
    ids: impl Iterator<Item = Uuid>,
) -> Result<()> {
    let mut new: Vec<Uuid> = ids.filter(|id| !names.contains_key(id)).collect();
    new.sort_unstable();
    new.dedup();
    if new.is_empty() {
        return Ok(());
    }
    for partner in store::partners::get_many(tx, &new).await? {
        if let Some(domain) = partner.domains.first() {
            names.insert(partner.id, domain.clone());
        }
    }
    for id in new {
        names.entry(id).or_insert_with(|| id.to_string());
    }
    Ok(())
}

/// Rows of CSV, written the one way every export writes them: each cell neutralised so a
/// spreadsheet never runs it as a formula.
struct CsvPage(csv::Writer<Vec<u8>>);

impl CsvPage {
    fn new() -> CsvPage {
        CsvPage(csv::Writer::from_writer(Vec::with_capacity(256 * 1024)))
    }

    fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<()> {
        for cell in cells {
            self.0
                .write_field(domain::csv_cell::neutralise(cell).as_bytes())
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

/// An amount in minor units as the imports read it.
fn money(minor: i64) -> String {
    Decimal::new(minor, 2).to_string()
}

fn deal_row(out: &mut CsvPage, row: &DealExportRow, partner: &str) -> Result<()> {
    let size = money(row.deal_size_minor);
    let probability = row.probability.to_string();
    let closed_amount = row.closed_amount_minor.map(money).unwrap_or_default();
    let day = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let expected_close = row.expected_close.to_string();
    let registered_on = row.registered_on.to_string();
    out.row([
        row.reference.as_str(),
        partner,
        &row.customer_name,
        &row.website,
        &row.industry,
        &row.region,
        &size,
        &row.currency,
        &expected_close,
        &row.use_case,
        &row.pain_points,
        &row.stage,
        &probability,
        &row.risks,
        &row.competitor,
        &row.partner_rep,
        &row.status,
        &registered_on,
        &day(row.protected_until),
        &day(row.closed_on),
        &closed_amount,
    ])
}

fn lead_row(out: &mut CsvPage, row: &LeadExportRow, partner: &str) -> Result<()> {
    let value = money(row.estimated_value_minor);
    let accept_by = row.accept_by.date().to_string();
    let quota = row.counts_against_quota.to_string();
    out.row([
        row.reference.as_str(),
        partner,
        &row.company,
        &row.website,
        &row.contact_name,
        &row.contact_email,
        &row.need,
        &value,
        &row.currency,
        &row.status,
        &accept_by,
        &row.rejection_reason,
        &quota,
    ])
}

fn direct_row(out: &mut CsvPage, row: &DirectExportRow, kind: DirectKind) -> Result<()> {
    match kind {
        DirectKind::Opportunities => {
            let amount = money(row.amount_minor);
            out.row([
                row.reference.as_str(),
                &row.name,
                &row.website,
                &row.owner,
                &row.stage,
                &amount,
                &row.currency,
                &row.status,
            ])
        }
        DirectKind::Accounts => {
            out.row([row.reference.as_str(), &row.name, &row.website, &row.owner])
        }
    }
}
