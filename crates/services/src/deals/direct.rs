//! The direct pipeline and the customer accounts, imported from CSV: conflict checks read them
//! beside the partners' registrations.

use domain::permissions::Action;

use crate::convert::minor;
use crate::{Actor, Result, Services};

impl Services {
    /// Imports the direct pipeline or the customer accounts (CSV, by reference: a known
    /// reference is updated). All or nothing; a dry run checks every row and writes
    /// nothing. Admins, partner managers and sales.
    pub async fn import_direct(
        &self,
        actor: &Actor,
        kind: domain::deals::direct::DirectKind,
        csv: &str,
        dry_run: bool,
    ) -> Result<crate::imports::ImportReport> {
        use domain::deals::direct::DirectKind;
        actor.require(Action::ImportDirectPipeline)?;
        let (_, program) = self.program_in_force().await?;
        let (rows, errors) = domain::deals::direct::parse_csv(csv, kind, &program.currency);
        let mut report = crate::imports::ImportReport {
            rows: rows.len() + errors.iter().filter(|e| e.line > 1).count(),
            errors,
            ..Default::default()
        };
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let now = store::now();
        let mut tx = self.db.write().await?;
        // One change number for the whole file: it commits or not as one, and every
        // server's next conflict check catches up with it from the database.
        let change_no = store::deals::next(&mut tx, "conflict_change").await?;
        for row in &rows {
            let stored = store::deals::DirectRow {
                reference: row.reference.clone(),
                name: row.name.clone(),
                name_key: row.name_key.clone(),
                website: row.website.clone(),
                domain: row.domain.clone(),
                owner: row.owner.clone(),
                stage: row.stage.clone(),
                amount_minor: minor(row.amount),
                currency: row.currency.clone(),
                status: row.status.clone(),
            };
            let created = match kind {
                DirectKind::Opportunities => {
                    store::deals::upsert_opportunity(&mut tx, &stored, change_no, now).await?
                }
                DirectKind::Accounts => {
                    store::deals::upsert_account(&mut tx, &stored, change_no, now).await?
                }
            };
            if created {
                report.created += 1;
            } else {
                report.updated += 1;
            }
        }
        let what = match kind {
            DirectKind::Opportunities => "direct opportunities",
            DirectKind::Accounts => "customer accounts",
        };
        report.record(&mut tx, actor, now, what).await?;
        if dry_run {
            return Ok(report);
        }
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }
}
