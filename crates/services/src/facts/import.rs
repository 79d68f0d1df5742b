//! Importing typed quarters from CSV, all or nothing.

use std::collections::HashMap;

use domain::permissions::Action;
use domain::program::history::{self, QuarterFacts, RowError};
use domain::quarter::Quarter;
use uuid::Uuid;

use crate::facts::rows::{from_row, to_row};
use crate::imports::{ImportReport, PartnerDirectory};
use crate::{Actor, Change, Result, Services, record};

impl Services {
    /// Imports facts from CSV (see `history::parse_facts_csv` for the columns). All or
    /// nothing: any bad row means nothing is written, and every problem is reported by line.
    /// A dry run reads and checks everything against the stored data and writes nothing.
    pub async fn import_facts(
        &self,
        actor: &Actor,
        csv: &str,
        dry_run: bool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<ImportReport> {
        actor.require(Action::RunTierProgram)?;
        let (_, program) = self.program_in_force().await?;
        let catalog = program.certification_keys();
        let (rows, mut errors) = history::parse_facts_csv(csv, &catalog, &program.currency);
        let mut report = ImportReport {
            rows: rows.len() + errors.iter().filter(|e| e.line > 1).count(),
            ..ImportReport::default()
        };
        let mut tx = self.db.write().await?;
        let directory = PartnerDirectory::load(&mut tx).await?;
        let earliest = rows.iter().map(|r| r.quarter).min();
        let mut stored: HashMap<(Uuid, Quarter), QuarterFacts> = HashMap::new();
        if let Some(earliest) = earliest {
            for row in store::facts::all_since(&mut tx, &earliest.to_string()).await? {
                let facts = from_row(&row.row)?;
                stored.insert((row.partner_id, facts.quarter), facts);
            }
        }
        let mut resolved = Vec::with_capacity(rows.len());
        for row in &rows {
            match directory.find(&row.partner) {
                Ok(id) => resolved.push((id, row)),
                Err(message) => errors.push(RowError {
                    line: row.line,
                    field: "partner".into(),
                    message,
                }),
            }
        }
        let mut merged = Vec::with_capacity(resolved.len());
        let mut seen = HashMap::new();
        for (id, row) in resolved {
            if let Some(first) = seen.insert((id, row.quarter), row.line) {
                errors.push(RowError {
                    line: row.line,
                    field: "partner".into(),
                    message: format!(
                        "names the same partner and quarter as line {first} (by another id, domain or name)"
                    ),
                });
                continue;
            }
            let before = stored.get(&(id, row.quarter));
            match row.apply(before, &program.currency) {
                Ok(facts) => merged.push((id, before.cloned(), facts)),
                Err(problems) => errors.extend(problems),
            }
        }
        errors.sort_by_key(|e| e.line);
        report.errors = errors;
        report.partners = merged
            .iter()
            .map(|(id, _, _)| id)
            .collect::<std::collections::HashSet<_>>()
            .len();
        report.created = merged.iter().filter(|(_, b, _)| b.is_none()).count();
        report.updated = merged.len() - report.created;
        if !report.errors.is_empty() || dry_run {
            return Ok(report);
        }
        let at = store::now();
        let total = merged.len();
        let mut quarters_by_partner: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (done, (id, _, facts)) in merged.iter().enumerate() {
            store::facts::upsert(&mut tx, *id, &to_row(facts), at).await?;
            quarters_by_partner
                .entry(*id)
                .or_default()
                .push(facts.quarter.to_string());
            if done % 500 == 0 {
                progress(done, total);
            }
        }
        for (id, quarters) in quarters_by_partner {
            let change = Change {
                partner_id: Some(id),
                entity_type: "partner_facts",
                entity_id: id,
                action: "imported",
                summary: format!("Tier facts imported for {}", quarters.join(", ")),
                before: None,
                after: None,
            };
            record(&mut tx, actor, at, change).await?;
        }
        progress(total, total);
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }
}
