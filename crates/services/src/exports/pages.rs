//! The rows of one list its reader may have, a keyset page at a time, as typed cells in the
//! columns of the list's import: what the CSV and the XLSX writers both write.

use std::collections::HashMap;

use domain::deals::direct::DirectKind;
use domain::permissions::Action;
use rust_decimal::Decimal;
use store::exports::{DealExportRow, DirectExportRow, ExportList, LeadExportRow};
use uuid::Uuid;

use crate::reports::Cell;
use crate::{Actor, Error, Result, Services};

/// Rows per query and per chunk: large enough that the queries cost little next to the
/// formatting, small enough that a chunk is a few hundred kilobytes.
pub const PAGE_ROWS: i64 = 1_000;

pub(super) fn direct_list(kind: DirectKind) -> ExportList {
    match kind {
        DirectKind::Opportunities => ExportList::Opportunities,
        DirectKind::Accounts => ExportList::Accounts,
    }
}

/// The columns of `list`'s file, as its import reads them.
pub(super) fn columns(list: ExportList) -> &'static [&'static str] {
    match list {
        ExportList::Deals => &domain::deals::csv_io::COLUMNS,
        ExportList::Leads => domain::deals::leads::CSV_COLUMNS,
        ExportList::Opportunities => DirectKind::Opportunities.columns(),
        ExportList::Accounts => DirectKind::Accounts.columns(),
    }
}

/// The rows of one list its reader may have, read a keyset page at a time and handed out
/// as typed cells in the list's [`columns`].
#[derive(Debug)]
pub(super) struct Pages {
    db: store::Db,
    table: Table,
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

impl Pages {
    /// Decides who may read what: partners their own registrations and leads, internal
    /// users every list.
    pub(super) fn new(services: &Services, actor: &Actor, list: ExportList) -> Result<Pages> {
        let table = match list {
            ExportList::Deals => Table::Deals {
                partner: own_partner(actor)?,
                after: None,
            },
            ExportList::Leads => Table::Leads {
                partner: own_partner(actor)?,
                before: None,
            },
            ExportList::Opportunities | ExportList::Accounts => {
                actor.require(Action::ReadInternal)?;
                let kind = if list == ExportList::Opportunities {
                    DirectKind::Opportunities
                } else {
                    DirectKind::Accounts
                };
                Table::Direct { kind, after: None }
            }
        };
        Ok(Pages {
            db: services.db.clone(),
            table,
            done: false,
            partner_names: HashMap::new(),
        })
    }

    pub(super) fn list(&self) -> ExportList {
        match &self.table {
            Table::Deals { .. } => ExportList::Deals,
            Table::Leads { .. } => ExportList::Leads,
            Table::Direct { kind, .. } => direct_list(*kind),
        }
    }

    /// How many rows the export writes, counted no further than `cap`.
    pub(super) async fn rows_up_to(&self, cap: i64) -> Result<i64> {
        let partner = match &self.table {
            Table::Deals { partner, .. } | Table::Leads { partner, .. } => *partner,
            Table::Direct { .. } => None,
        };
        let mut tx = self.db.read().await?;
        Ok(store::exports::rows_up_to(&mut tx, self.list(), partner, cap).await?)
    }

    /// The next page's rows; none after the last. The connection goes back to the pool
    /// before the rows are turned into cells.
    pub(super) async fn next(&mut self) -> Result<Vec<Vec<Cell>>> {
        if self.done {
            return Ok(Vec::new());
        }
        let mut tx = self.db.read().await?;
        let names = &mut self.partner_names;
        let rows: Vec<Vec<Cell>> = match &mut self.table {
            Table::Deals { partner, after } => {
                let rows = store::exports::deals_page(&mut tx, *partner, *after, PAGE_ROWS).await?;
                learn_names(&mut tx, names, rows.iter().map(|r| r.partner_id)).await?;
                drop(tx);
                *after = rows.last().map(|r| r.number).or(*after);
                named(rows, names, |r| r.partner_id, deal_cells)
            }
            Table::Leads { partner, before } => {
                let rows =
                    store::exports::leads_page(&mut tx, *partner, *before, PAGE_ROWS).await?;
                learn_names(&mut tx, names, rows.iter().map(|r| r.partner_id)).await?;
                drop(tx);
                *before = rows.last().map(|r| r.id).or(*before);
                named(rows, names, |r| r.partner_id, lead_cells)
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
                if let Some(last) = rows.last() {
                    *after = Some(last.reference.clone());
                }
                let kind = *kind;
                rows.into_iter()
                    .map(|row| direct_cells(row, kind))
                    .collect()
            }
        };
        self.done = rows.len() < PAGE_ROWS as usize;
        Ok(rows)
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

/// Each row's cells, given its partner's name (learnt by [`learn_names`]).
fn named<R>(
    rows: Vec<R>,
    names: &HashMap<Uuid, String>,
    partner_of: impl Fn(&R) -> Uuid,
    cells: impl Fn(R, String) -> Vec<Cell>,
) -> Vec<Vec<Cell>> {
    rows.into_iter()
        .map(|row| {
            let partner = names[&partner_of(&row)].clone();
            cells(row, partner)
        })
        .collect()
}

/// An amount in minor units, with the two decimals the imports read.
fn money(minor: i64, currency: &str) -> Cell {
    Cell::Money(Decimal::new(minor, 2), currency.to_owned())
}

fn day(date: Option<time::Date>) -> Cell {
    date.map_or(Cell::Empty, Cell::Day)
}

fn deal_cells(row: DealExportRow, partner: String) -> Vec<Cell> {
    let size = money(row.deal_size_minor, &row.currency);
    let closed_amount = row
        .closed_amount_minor
        .map_or(Cell::Empty, |minor| money(minor, &row.currency));
    vec![
        Cell::Text(row.reference),
        Cell::Text(partner),
        Cell::Text(row.customer_name),
        Cell::Text(row.website),
        Cell::Text(row.industry),
        Cell::Text(row.region),
        size,
        Cell::Text(row.currency),
        Cell::Day(row.expected_close),
        Cell::Text(row.use_case),
        Cell::Text(row.pain_points),
        Cell::Text(row.stage),
        Cell::Count(row.probability),
        Cell::Text(row.risks),
        Cell::Text(row.competitor),
        Cell::Text(row.partner_rep),
        Cell::Text(row.status),
        Cell::Day(row.registered_on),
        day(row.protected_until),
        day(row.closed_on),
        closed_amount,
    ]
}

fn lead_cells(row: LeadExportRow, partner: String) -> Vec<Cell> {
    let value = money(row.estimated_value_minor, &row.currency);
    vec![
        Cell::Text(row.reference),
        Cell::Text(partner),
        Cell::Text(row.company),
        Cell::Text(row.website),
        Cell::Text(row.contact_name),
        Cell::Text(row.contact_email),
        Cell::Text(row.need),
        value,
        Cell::Text(row.currency),
        Cell::Text(row.status),
        Cell::Day(row.accept_by.date()),
        Cell::Text(row.rejection_reason),
        Cell::Flag(row.counts_against_quota),
    ]
}

fn direct_cells(row: DirectExportRow, kind: DirectKind) -> Vec<Cell> {
    if kind == DirectKind::Accounts {
        return vec![
            Cell::Text(row.reference),
            Cell::Text(row.name),
            Cell::Text(row.website),
            Cell::Text(row.owner),
        ];
    }
    let amount = money(row.amount_minor, &row.currency);
    vec![
        Cell::Text(row.reference),
        Cell::Text(row.name),
        Cell::Text(row.website),
        Cell::Text(row.owner),
        Cell::Text(row.stage),
        amount,
        Cell::Text(row.currency),
        Cell::Text(row.status),
    ]
}
