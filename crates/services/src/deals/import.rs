//! Importing registrations with their history from CSV (a migration from another PRM, or an
//! export of this one), checked row by row and written all or nothing.

use domain::permissions::Action;
use std::collections::{HashMap, HashSet};

use domain::deals::csv_io;
use domain::deals::registration::{self, Status};
use domain::program::history::RowError;
use domain::validation::Choice;
use store::deals::DealRow;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::convert::minor;
use crate::deals::writer::draft_row;
use crate::imports::{ImportReport, PartnerDirectory};
use crate::{Actor, Error, Result, Services};

/// Problems listed in one import report at most; the count says how many there were.
const MAX_REPORTED_ERRORS: usize = 1_000;

impl Services {
    /// Imports registrations with their history: every row is checked — fields, partner,
    /// status, dates, repeated references — and if any is wrong nothing is written. A
    /// reference already in use updates that registration; a row without one gets a new
    /// reference. Imported rows are not conflict-checked (they happened already) but
    /// conflict with what comes after. `progress` is called with the rows read so far.
    pub async fn import_deals(
        &self,
        actor: &Actor,
        csv_text: &str,
        dry_run: bool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ImportReport> {
        actor.require(Action::ManageDeals)?;
        let (_, program) = self.program_in_force().await?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
        let columns = match reader.headers() {
            Ok(h) => match csv_io::header(h) {
                Ok(columns) => columns,
                Err(errors) => return Ok(refused(errors)),
            },
            Err(e) => {
                return Ok(refused(vec![RowError {
                    line: 1,
                    field: "header".into(),
                    message: e.to_string(),
                }]));
            }
        };
        let mut read_tx = self.db.read().await?;
        let directory = PartnerDirectory::load(&mut read_tx).await?;
        let known: HashSet<i64> = store::deals::numbers(&mut read_tx)
            .await?
            .into_iter()
            .collect();
        drop(read_tx);
        let key = self.reference_key().await?;
        // One pass: each row is checked and, while every row so far was good, stored in the
        // import's transaction; the next batch is checked while the previous one is written.
        // The first problem stops the writing, and a transaction dropped unfinished keeps
        // nothing. A dry run opens none.
        let mut tx = match dry_run {
            true => None,
            false => {
                let mut tx = self.db.write().await?;
                tx.bulk_cache(true).await?;
                // One transaction to the end: the rollups are written once, at its commit.
                tx.defer_rollups();
                Some(tx)
            }
        };
        let lines = csv_text.bytes().filter(|&b| b == b'\n').count();
        let bulk = loads_in_bulk(lines, known.len());
        let indexes_aside = match tx.as_mut() {
            Some(tx) if bulk => tx.set_indexes_aside("deal_registrations").await?,
            _ => Vec::new(),
        };
        let (change_no, first_number) = match tx.as_mut() {
            Some(tx) => (
                store::deals::next(tx, "conflict_change").await?,
                // Holds the counter until commit; it moves past the rows created at the end.
                store::deals::reserve(tx, "deal_registration", 0).await?,
            ),
            None => (0, 0),
        };
        let mut pass = DealImport {
            columns,
            today: actor.today(),
            currency: &program.currency,
            directory: &directory,
            known,
            key: &key,
            created_by: &actor.label,
            now: store::now(),
            change_no,
            next_number: first_number,
            writes: tx.is_some(),
            problems: 0,
            partners: HashSet::new(),
            references: HashMap::new(),
            report: ImportReport::default(),
        };
        let mut checking = Batch::default();
        let mut writing = Batch::default();
        loop {
            let write = async {
                match tx.as_mut() {
                    Some(tx) => writing.store(tx, &actor.label).await,
                    None => Ok(()),
                }
            };
            let check = async { pass.fill(&mut reader, &mut checking) };
            let (written, more) = tokio::join!(write, check);
            written?;
            progress(pass.report.rows as u64);
            std::mem::swap(&mut checking, &mut writing);
            if !more && writing.is_empty() {
                break;
            }
        }
        let mut report = pass.finish();
        let Some(mut tx) = tx else {
            return Ok(report);
        };
        if !report.errors.is_empty() {
            // Dropped unfinished: rolled back, indexes and all; the connection gets its
            // usual cache back first.
            tx.bulk_cache(false).await?;
            return Ok(report);
        }
        tx.build_indexes(indexes_aside).await?;
        store::deals::reserve(&mut tx, "deal_registration", report.created as i64).await?;
        report
            .record(&mut tx, actor, store::now(), "registrations")
            .await?;
        tx.bulk_cache(false).await?;
        tx.commit().await?;
        report.applied = true;
        if bulk {
            self.db
                .refresh_statistics(
                    "deal_registrations, pipeline_open, pipeline_open_partner, \
                     pipeline_open_program, pipeline_won, pipeline_won_program",
                )
                .await?;
        }
        Ok(report)
    }
}

/// Files of this many lines or more load with the table's secondary indexes set aside.
pub const BULK_LINES: usize = 50_000;

/// Whether a file loads with the table's secondary indexes set aside: they are built again
/// over the whole table afterwards, which pays for itself once the file is big and at least
/// as long as the table (its line count may overstate its rows; never its size).
fn loads_in_bulk(lines: usize, registrations: usize) -> bool {
    lines >= BULK_LINES && lines >= registrations
}

fn refused(errors: Vec<RowError>) -> ImportReport {
    ImportReport {
        errors,
        ..ImportReport::default()
    }
}

/// Rows checked and ready to store: new registrations go in one multi-row insert.
#[derive(Default)]
struct Batch {
    new: Vec<DealRow>,
    /// Rows for registrations that exist, carrying their number.
    updates: Vec<DealRow>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.new.is_empty() && self.updates.is_empty()
    }

    /// A row for an existing registration learns its reference when it is stored.
    fn push(&mut self, row: DealRow) {
        match row.reference.is_empty() {
            true => self.updates.push(row),
            false => self.new.push(row),
        }
    }

    fn is_full(&self) -> bool {
        self.new.len() + self.updates.len() >= store::deals::ROWS_PER_INSERT
    }

    /// Writes the batch and empties it. An import is our own record (the CRM's), so the wins
    /// it brings are confirmed by the importer.
    async fn store(&mut self, tx: &mut store::Write, importer: &str) -> Result<()> {
        let mut updated = Vec::with_capacity(self.updates.len());
        for mut row in self.updates.drain(..) {
            let current = store::deals::get_by_number(tx, row.number)
                .await?
                .ok_or(Error::NotFound)?;
            row.id = current.id;
            row.reference = current.reference;
            row.created_at = current.created_at;
            store::deals::update(tx, &row, current.change_no).await?;
            updated.push(row);
        }
        store::deals::insert_many(tx, &self.new).await?;
        let won: Vec<&DealRow> = updated
            .iter()
            .chain(&self.new)
            .filter(|row| row.status == Status::Won.as_str())
            .collect();
        store::deals::confirm_wins(tx, &won, importer, store::now()).await?;
        self.new.clear();
        Ok(())
    }
}

/// One pass over a registrations file: what it found so far.
struct DealImport<'a> {
    columns: Vec<Option<usize>>,
    today: Date,
    currency: &'a str,
    directory: &'a PartnerDirectory,
    /// Registration numbers in use.
    known: HashSet<i64>,
    key: &'a [u8],
    created_by: &'a str,
    now: OffsetDateTime,
    change_no: i64,
    next_number: i64,
    /// Whether rows are built for storing (not in a dry run); none after the first problem.
    writes: bool,
    problems: usize,
    partners: HashSet<Uuid>,
    /// Where each reference was seen first.
    references: HashMap<String, u64>,
    report: ImportReport,
}

impl DealImport<'_> {
    /// Reads rows into `batch` until it is full or the file ends; false once it has ended.
    fn fill(&mut self, reader: &mut csv::Reader<&[u8]>, batch: &mut Batch) -> bool {
        let mut record = csv::StringRecord::new();
        while !batch.is_full() {
            match reader.read_record(&mut record) {
                Ok(false) => return false,
                Ok(true) => {
                    if let Some(row) = self.row(&record) {
                        batch.push(row);
                    }
                }
                Err(e) => self.note(RowError {
                    line: e.position().map_or(0, |p| p.line()),
                    field: "row".into(),
                    message: e.to_string(),
                }),
            }
            if self.problems > 0 {
                *batch = Batch::default();
            }
        }
        true
    }

    fn note(&mut self, error: RowError) {
        self.problems += 1;
        if self.report.errors.len() < MAX_REPORTED_ERRORS {
            self.report.errors.push(error);
        }
    }

    /// Checks one data row; the row to store while the import writes and all is well.
    fn row(&mut self, record: &csv::StringRecord) -> Option<DealRow> {
        if record.iter().all(str::is_empty) {
            return None;
        }
        self.report.rows += 1;
        let line = record.position().map_or(0, |p| p.line());
        let deal = match csv_io::row(record, &self.columns, self.today, self.currency) {
            Ok(deal) => Some(deal),
            Err(errors) => {
                for e in errors {
                    self.note(e);
                }
                None
            }
        };
        let existing = deal.as_ref().and_then(|deal| self.existing(deal));
        let partner_id = self.partner(record, line);
        if let (Some(id), Some(deal)) = (partner_id, &deal)
            && (deal.status.is_open() || deal.status == Status::Draft)
            && let Some(why) = self.directory.out_of_program(id)
        {
            let message = format!(
                "{why}: it registers no deals; only its closed registrations (won, lost, rejected, expired) can be imported"
            );
            self.note(RowError {
                line,
                field: "status".into(),
                message,
            });
        }
        let deal = deal?;
        match existing {
            Some(_) => self.report.updated += 1,
            None => self.report.created += 1,
        }
        let partner_id = partner_id.filter(|_| self.writes && self.problems == 0)?;
        let mut row = draft_row(
            partner_id,
            &deal.fields,
            self.created_by,
            deal.registered_on,
            self.now,
        );
        row.status = deal.status.as_str().into();
        row.protected_until = deal.protected_until;
        row.closed_on = deal.closed_on;
        row.closed_amount_minor = deal
            .closed_amount
            .map(minor)
            .or((deal.status == Status::Won).then_some(row.deal_size_minor));
        row.submitted_at = (deal.status != Status::Draft).then_some(self.now);
        // History carries its close as its last touch: imported wins keep their credit.
        row.last_activity_at = deal.closed_on.map(|d| d.midnight().assume_utc());
        row.change_no = self.change_no;
        match existing {
            Some(number) => row.number = number,
            None => {
                row.number = self.next_number;
                row.reference = registration::reference(self.next_number, self.key);
                self.next_number += 1;
            }
        }
        Some(row)
    }

    /// The number of the registration a row's reference names, if it names one; a
    /// reference that names none, or one named on an earlier line too, is a problem.
    fn existing(&mut self, deal: &csv_io::CsvDeal) -> Option<i64> {
        let reference = deal.reference.as_ref()?;
        let number =
            registration::number_of(reference, self.key).filter(|n| self.known.contains(n));
        let message = match (number, self.references.get(reference)) {
            (None, _) => format!(
                "there is no registration {reference}; leave the reference empty to add a new one"
            ),
            (Some(_), Some(first)) => format!("{reference} is also on line {first}"),
            (Some(_), None) => {
                self.references.insert(reference.clone(), deal.line);
                return number;
            }
        };
        self.note(RowError {
            line: deal.line,
            field: "reference".into(),
            message,
        });
        None
    }

    /// The partner a row names (by id, domain or name); an unknown one is a problem.
    fn partner(&mut self, record: &csv::StringRecord, line: u64) -> Option<Uuid> {
        let partner = csv_io::cell(record, &self.columns, "partner");
        if partner.is_empty() {
            return None; // the row's check reports it
        }
        match self.directory.find(partner) {
            Ok(id) => {
                self.partners.insert(id);
                Some(id)
            }
            Err(message) => {
                self.note(RowError {
                    line,
                    field: "partner".into(),
                    message,
                });
                None
            }
        }
    }

    fn finish(mut self) -> ImportReport {
        self.report.partners = self.partners.len();
        if self.problems > 0 {
            // Nothing is created or updated by a file with problems.
            (self.report.created, self.report.updated) = (0, 0);
        }
        if self.problems > MAX_REPORTED_ERRORS {
            self.report.errors.push(RowError {
                line: 0,
                field: "file".into(),
                message: format!(
                    "{} problems in all; the first {MAX_REPORTED_ERRORS} are listed",
                    self.problems
                ),
            });
        }
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_files_load_with_indexes_aside_unless_the_table_is_bigger() {
        assert!(!loads_in_bulk(BULK_LINES - 1, 0), "a small file");
        assert!(loads_in_bulk(BULK_LINES, 0));
        assert!(loads_in_bulk(1_000_000, 1_000_000));
        assert!(!loads_in_bulk(1_000_000, 1_000_001), "the table is bigger");
    }
}
