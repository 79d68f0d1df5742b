//! What the conflict index reads. A registration's conflict case is an escalation case
//! (`crate::escalations`, its `deal_id`).

use crate::{Read, Result, sql};
use time::Date;
use uuid::Uuid;

/// What the conflict index holds of a registration, a direct opportunity or an account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConflictRow {
    pub id: Uuid,
    /// registration, opportunity or account
    pub kind: String,
    pub reference: String,
    pub name: String,
    pub website: String,
    /// registrations: its partner
    pub partner_id: Option<Uuid>,
    /// registrations: open or closed; opportunities: open, won or lost; accounts: active
    pub status: String,
    pub registered_on: Option<Date>,
    pub protected_until: Option<Date>,
    pub owner: String,
    pub change_no: i64,
}

/// Every registration, opportunity and account changed after `change_no` (all with 0).
pub async fn conflict_changes(tx: &mut Read, after: i64) -> Result<Vec<ConflictRow>> {
    // One statement: it runs inside every submission's write transaction.
    tx.all(sql!(
        "SELECT id, 'registration' AS kind, reference, customer_name AS name, website, \
         partner_id, status, registered_on, protected_until, '' AS owner, change_no \
         FROM deal_registrations WHERE change_no > $1 \
         UNION ALL SELECT id, 'opportunity', reference, customer_name, website, NULL, status, NULL, NULL, owner, \
         change_no FROM direct_opportunities WHERE change_no > $1 \
         UNION ALL SELECT id, 'account', account, name, website, NULL, 'active', NULL, NULL, owner, change_no \
         FROM customer_accounts WHERE change_no > $1 ORDER BY change_no",
        after
    ))
    .await
}
