//! Activities logged on registrations, and the wins and joint calls our people confirm.

use crate::{Arg, Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: Uuid,
    pub deal_id: Uuid,
    /// call, meeting, demo, email or note
    pub kind: String,
    /// A call or meeting with both sides on it.
    pub joint: bool,
    pub note: String,
    pub occurred_on: Date,
    pub by_label: String,
    pub by_partner: bool,
    pub created_at: OffsetDateTime,
    /// The internal user who confirmed a partner's joint activity.
    pub confirmed_by: Option<String>,
}

pub async fn insert_activity(tx: &mut Write, row: &ActivityRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO deal_activities (id, deal_id, kind, joint, note, occurred_on, by_label, by_partner, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        row.id,
        row.deal_id,
        &row.kind,
        row.joint,
        &row.note,
        row.occurred_on,
        &row.by_label,
        row.by_partner,
        row.created_at,
    ))
    .await?;
    Ok(())
}

/// A registration's activities, newest first.
pub async fn activities(tx: &mut Read, deal_id: Uuid) -> Result<Vec<ActivityRow>> {
    activities_before(tx, deal_id, false, None, i64::MAX).await
}

/// At most `limit` of a registration's activities, newest first (by day, then id), before
/// `before` (occurred_on, id); `partner_side` keeps only those the partner's people logged
/// or were on.
pub async fn activities_before(
    tx: &mut Read,
    deal_id: Uuid,
    partner_side: bool,
    before: Option<(Date, Uuid)>,
    limit: i64,
) -> Result<Vec<ActivityRow>> {
    let mut query = Sql::new(
        "SELECT id, deal_id, kind, joint, note, occurred_on, by_label, by_partner, created_at, \
         confirmed_by FROM deal_activities WHERE deal_id = ",
    );
    query.push_bind(deal_id);
    if partner_side {
        query.push(" AND (by_partner OR joint)");
    }
    if let Some((occurred_on, id)) = before {
        query
            .push(" AND (occurred_on, id) < ")
            .push_bind_list::<Arg>([occurred_on.into(), id.into()]);
    }
    query
        .push(" ORDER BY occurred_on DESC, id DESC LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// An internal user confirms a partner's joint activity; [`crate::Error::Changed`] when it was
/// confirmed already (or is not that deal's).
pub async fn confirm_activity(tx: &mut Write, deal_id: Uuid, id: Uuid, by: &str) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE deal_activities SET confirmed_by = $3 \
             WHERE id = $1 AND deal_id = $2 AND confirmed_by IS NULL",
            id,
            deal_id,
            by
        ))
        .await?;
    crate::changed_one(rows, "activity")
}

/// Records who confirmed a won registration; a second confirmation is
/// [`crate::Error::Changed`].
pub async fn confirm_win(
    tx: &mut Write,
    deal_id: Uuid,
    by: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "INSERT INTO win_confirmations (deal_id, confirmed_by, confirmed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (deal_id) DO NOTHING",
            deal_id,
            by,
            at
        ))
        .await?;
    crate::changed_one(rows, "won registration")?;
    let row = super::registrations::get(tx, deal_id)
        .await?
        .ok_or(crate::Error::Changed("won registration"))?;
    crate::rollups::registrations_changed(
        tx,
        &[(
            Some(super::registrations::counted(&row, false)),
            Some(super::registrations::counted(&row, true)),
        )],
    )
    .await
}

/// Confirms the wins of these registrations at once (a CRM import is our record of them);
/// wins confirmed before stay as they were. `rows` are the registrations as stored.
pub async fn confirm_wins(
    tx: &mut Write,
    rows: &[&super::registrations::DealRow],
    by: &str,
    at: OffsetDateTime,
) -> Result<()> {
    #[derive(sqlx::FromRow)]
    struct Confirmed {
        deal_id: Uuid,
    }
    // Three parameters a row: well within SQLite's 32,766 per statement.
    for chunk in rows.chunks(5_000) {
        let mut query =
            Sql::new("INSERT INTO win_confirmations (deal_id, confirmed_by, confirmed_at) VALUES ");
        query
            .push_values(tx.backend(), 3, chunk.len())
            .push(" ON CONFLICT (deal_id) DO NOTHING RETURNING deal_id");
        for row in chunk {
            query = query.arg(row.id).arg(by).arg(at);
        }
        let confirmed: std::collections::HashSet<Uuid> = tx
            .all::<Confirmed>(query)
            .await?
            .into_iter()
            .map(|c| c.deal_id)
            .collect();
        let changes: Vec<_> = chunk
            .iter()
            .filter(|row| confirmed.contains(&row.id))
            .map(|row| {
                (
                    Some(super::registrations::counted(row, false)),
                    Some(super::registrations::counted(row, true)),
                )
            })
            .collect();
        crate::rollups::registrations_changed(tx, &changes).await?;
    }
    Ok(())
}

/// Which of these registrations have a confirmed win (one query).
pub async fn confirmed_wins(
    tx: &mut Read,
    deal_ids: &[Uuid],
) -> Result<std::collections::HashSet<Uuid>> {
    if deal_ids.is_empty() {
        return Ok(Default::default());
    }
    #[derive(sqlx::FromRow)]
    struct Confirmed {
        deal_id: Uuid,
    }
    let mut query = Sql::new("SELECT deal_id FROM win_confirmations WHERE deal_id IN ");
    query.push_bind_list(deal_ids.iter().copied());
    Ok(tx
        .all::<Confirmed>(query)
        .await?
        .into_iter()
        .map(|c| c.deal_id)
        .collect())
}

/// Who confirmed a registration's win, if anyone has.
pub async fn win_confirmation(tx: &mut Read, deal_id: Uuid) -> Result<Option<WinConfirmation>> {
    tx.optional(sql!(
        "SELECT confirmed_by, confirmed_at FROM win_confirmations WHERE deal_id = $1",
        deal_id
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WinConfirmation {
    pub confirmed_by: String,
    pub confirmed_at: OffsetDateTime,
}
