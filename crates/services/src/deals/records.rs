//! Finding, listing and saving registrations: what the actor may see, newest first, and every
//! change written with its change number so this process's conflict index follows it.

use store::deals::DealRow;
use uuid::Uuid;

use crate::deals::cache::{conflict_row, known};
use crate::deals::view::{DealView, ViewFacts, deal_view};
use crate::{Actor, Change, Error, Result, Services, record};

impl Services {
    /// The installation's secret for human references, created on first use.
    pub(crate) async fn reference_key(&self) -> Result<Vec<u8>> {
        if let Some(key) = self.reference_key.get() {
            return Ok(key.clone());
        }
        let mut fresh = [0u8; 32];
        rand::Rng::fill_bytes(&mut rand::rng(), &mut fresh);
        let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
        let mut tx = self.db.write().await?;
        let stored = store::deals::setting_or_create(&mut tx, "reference_key", &fresh).await?;
        tx.commit().await?;
        let key = stored.into_bytes();
        Ok(self.reference_key.get_or_init(|| key).clone())
    }

    /// A registration the actor may see (another organisation's: not found).
    pub(crate) async fn visible_deal(
        &self,
        tx: &mut store::Read,
        actor: &Actor,
        id: Uuid,
    ) -> Result<DealRow> {
        store::deals::get(tx, id)
            .await?
            .filter(|row| actor.sees_partner(row.partner_id))
            .ok_or(Error::NotFound)
    }

    pub async fn deal(&self, actor: &Actor, id: Uuid) -> Result<DealView> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let row = self.visible_deal(&mut tx, actor, id).await?;
        let facts = ViewFacts::load(&mut tx, &program, &[&row]).await?;
        drop(tx);
        deal_view(actor, &program, &facts, &row)
    }

    /// Registrations, newest first: a partner's people see their organisation's only.
    pub async fn deals(
        &self,
        actor: &Actor,
        query: &crate::deals::DealQuery,
    ) -> Result<crate::Page<DealView>> {
        let (_, program) = self.program_in_force().await?;
        let filter = query.to_filter(actor, &program.tier_keys())?;
        let page = crate::paging::PageRequest::<Uuid> {
            after: filter.before_id,
            limit: filter.limit,
        };
        let mut tx = self.db.read().await?;
        let rows = store::deals::list(&mut tx, &filter).await?;
        let facts = ViewFacts::load(&mut tx, &program, &rows.iter().collect::<Vec<_>>()).await?;
        drop(tx);
        let views = rows
            .iter()
            .map(|row| deal_view(actor, &program, &facts, row))
            .collect::<Result<_>>()?;
        Ok(page.page(views, |view: &DealView| view.id))
    }

    /// Writes a changed registration with a new change number, audits it and brings this
    /// process's conflict index up to date.
    pub(crate) async fn save_deal(
        &self,
        mut tx: store::Write,
        actor: &Actor,
        before: &DealRow,
        mut row: DealRow,
        action: &str,
        summary: String,
    ) -> Result<DealRow> {
        let now = store::now();
        row.change_no = store::deals::next(&mut tx, "conflict_change").await?;
        row.updated_at = now;
        store::deals::update(&mut tx, &row, before.change_no).await?;
        let brief = |r: &DealRow| {
            serde_json::json!({
                "status": r.status,
                "stage": r.stage,
                "probability": r.probability,
                "protected_until": r.protected_until,
                "decision_note": r.decision_note,
            })
        };
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(row.partner_id),
                entity_type: "deal_registration",
                entity_id: row.id,
                action,
                summary,
                before: Some(brief(before)),
                after: Some(brief(&row)),
            },
        )
        .await?;
        tx.commit().await?;
        let mut state = self.conflicts.state.lock().await;
        match known(&conflict_row(&row)) {
            Some(k) => state.index.insert(k),
            None => state.index.remove(row.id),
        }
        Ok(row)
    }
}
