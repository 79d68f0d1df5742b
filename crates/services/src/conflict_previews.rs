//! The hourly allowance of conflict previews per partner organisation
//! (`domain::deals::previews`), counted in the database so it holds across servers.

use domain::deals::previews;
use uuid::Uuid;

use crate::{Actor, Error, Result, Services};

impl Services {
    /// Counts a partner-side preview against its organisation's hour; refuses one over the
    /// allowance with the seconds until the next hour. Internal users are not counted: they
    /// see every finding anyway.
    pub(crate) async fn count_conflict_preview(
        &self,
        actor: &Actor,
        partner_id: Uuid,
    ) -> Result<()> {
        if actor.is_internal() {
            return Ok(());
        }
        let now = store::now();
        let mut tx = self.db.write().await?;
        let count = store::previews::count(&mut tx, partner_id, previews::hour_of(now)).await?;
        tx.commit().await?;
        match previews::refused(count, now) {
            Some(retry_after_secs) => Err(Error::RateLimited { retry_after_secs }),
            None => Ok(()),
        }
    }
}
