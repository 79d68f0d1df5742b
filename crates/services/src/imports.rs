//! What imports share: the report every CSV import gives, and the directory that finds the
//! partner a row names. A shared room: it imports no feature.

use std::collections::HashMap;

use domain::program::history::RowError;
use uuid::Uuid;

use crate::{Actor, Change, Result, record};

/// What an import did, or would do on a dry run.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    pub partners: usize,
    /// Partner-quarters that had no facts before.
    pub created: usize,
    pub updated: usize,
    /// Every problem, by line; when there is any, nothing was written.
    pub errors: Vec<RowError>,
    /// True when the rows were stored (not a dry run, no errors).
    pub applied: bool,
}

impl ImportReport {
    /// The audit event of an import of `what` (e.g. "leads"), in its transaction.
    pub(crate) async fn record(
        &self,
        tx: &mut store::Write,
        actor: &Actor,
        at: time::OffsetDateTime,
        what: &str,
    ) -> Result<()> {
        let summary = format!(
            "{} {what} imported ({} new, {} updated)",
            self.rows, self.created, self.updated
        );
        record(
            tx,
            actor,
            at,
            Change {
                partner_id: None,
                entity_type: "import",
                entity_id: Uuid::now_v7(),
                action: "imported",
                summary,
                before: None,
                after: None,
            },
        )
        .await
    }
}

/// Finds partners by id, website domain or exact name (case-insensitive).
pub(crate) struct PartnerDirectory {
    by_key: HashMap<String, (Uuid, bool)>,
    /// Partners out of the program (exited; archived ones are refused outright), with
    /// what to say about them: "Northwind is exited".
    out_of_program: HashMap<Uuid, String>,
}

impl PartnerDirectory {
    /// Every partner, archived ones included (so a row naming one says it is archived).
    pub(crate) async fn load(tx: &mut store::Read) -> Result<Self> {
        let partners = store::partners::list(
            tx,
            &store::partners::PartnerFilter {
                include_archived: true,
                limit: i64::MAX,
                ..Default::default()
            },
        )
        .await?;
        Ok(Self::new(&partners))
    }

    fn new(partners: &[domain::partners::Partner]) -> Self {
        let mut by_key = HashMap::new();
        let mut out_of_program = HashMap::new();
        for p in partners {
            if let Some(why) = p.out_of_program() {
                out_of_program.insert(p.id, format!("{} is {why}", p.display_name));
            }
            let entry = (p.id, p.archived_at.is_some());
            by_key.insert(p.id.to_string(), entry);
            for domain in &p.domains {
                by_key.insert(domain.to_lowercase(), entry);
            }
            by_key.entry(p.display_name.to_lowercase()).or_insert(entry);
            by_key.entry(p.legal_name.to_lowercase()).or_insert(entry);
        }
        Self {
            by_key,
            out_of_program,
        }
    }

    /// Why the partner takes no part in the program, if so ("Northwind is exited"): imports
    /// bring it history, never new open work.
    pub(crate) fn out_of_program(&self, id: Uuid) -> Option<&str> {
        self.out_of_program.get(&id).map(String::as_str)
    }

    pub(crate) fn find(&self, reference: &str) -> std::result::Result<Uuid, String> {
        let key = reference.trim().to_lowercase();
        let found = self
            .by_key
            .get(&key)
            .or_else(|| self.by_key.get(&domain::partners::normalize_domain(&key)));
        match found {
            Some((_, true)) => Err(format!(
                "partner '{reference}' is archived; restore it first"
            )),
            Some((id, false)) => Ok(*id),
            None => Err(format!(
                "no partner with the id, website domain or name '{reference}'"
            )),
        }
    }
}
