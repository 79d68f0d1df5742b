//! Conflict previews: the conflict check of a customer on the registration form, before
//! anything is submitted, and the hourly allowance of them per partner organisation
//! (`domain::deals::previews`), counted in the database so it holds across servers.

use domain::deals::conflicts::{self, Verdict};
use domain::deals::matching::CustomerKey;
use domain::deals::previews;
use uuid::Uuid;

use crate::deals::cache::catch_up;
use crate::{Actor, Error, Result, Services};

impl Services {
    /// The conflict check of a customer for a partner, as a preview on the form: what the
    /// partner would be told, and (for internal users) why. Nothing is stored but the
    /// partner's count of previews this hour, which is limited.
    pub async fn preview_conflicts(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        customer_name: &str,
        website: &str,
    ) -> Result<conflicts::ConflictCheck> {
        self.get_partner(actor, partner_id).await?;
        self.count_conflict_preview(actor, partner_id).await?;
        let (_, program) = self.program_in_force().await?;
        let key = CustomerKey::new(customer_name, website);
        if key.name.is_empty() && key.domain.is_none() {
            return Ok(conflicts::ConflictCheck {
                verdict: Verdict::Clear,
                findings: Vec::new(),
            });
        }
        let mut state = self.conflicts.state.lock().await;
        let mut tx = self.db.read().await?;
        catch_up(&mut tx, &mut state).await?;
        drop(tx);
        let result = conflicts::check(
            &program.policies.deal_registration,
            &state.index,
            partner_id,
            None,
            &key,
            actor.today(),
        );
        Ok(if actor.is_internal() {
            result
        } else {
            result.for_partner()
        })
    }

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
