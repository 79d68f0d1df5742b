//! Escalation cases and their log. Every change of a case row is conditional on the state and
//! version it was read with ([`crate::Error::Changed`] for the loser of a race).

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseRow {
    pub id: Uuid,
    /// Shown as ESC-000123.
    pub number: i64,
    pub partner_id: Uuid,
    pub submitted_by: Uuid,
    pub owner_id: Option<Uuid>,
    pub issue: String,
    pub category: String,
    pub urgency: String,
    pub occurred_on: Date,
    pub state: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// channel_conflict cases opened by a registration's conflict check: that registration.
    pub deal_id: Option<Uuid>,
    /// channel_conflict cases: how the conflict ended (`domain::deals::cases::Outcome`),
    /// recorded when the case is resolved.
    pub conflict_outcome: Option<String>,
}

pub(crate) const CASE_COLUMNS: &str = "SELECT id, number, partner_id, submitted_by, owner_id, issue, category, \
     urgency, occurred_on, state, version, created_at, updated_at, deal_id, conflict_outcome \
     FROM escalation_cases WHERE 1 = 1";

/// Records a new case numbered from the 'escalation_case' counter (taken under its row lock).
pub async fn insert_case(tx: &mut Write, row: &CaseRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO escalation_cases (id, number, partner_id, submitted_by, owner_id, issue, \
         category, urgency, occurred_on, state, version, created_at, updated_at, deal_id, \
         conflict_outcome) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        row.id,
        row.number,
        row.partner_id,
        row.submitted_by,
        row.owner_id,
        &row.issue,
        &row.category,
        &row.urgency,
        row.occurred_on,
        &row.state,
        row.version,
        row.created_at,
        row.updated_at,
        row.deal_id,
        row.conflict_outcome.as_deref(),
    ))
    .await?;
    Ok(())
}

pub async fn case_by_id(tx: &mut Read, id: Uuid) -> Result<Option<CaseRow>> {
    let mut query = Sql::new(CASE_COLUMNS);
    query.push(" AND id = ").push_bind(id);
    tx.optional(query).await
}

/// The case named ESC-{number}.
pub async fn case_by_number(tx: &mut Read, number: i64) -> Result<Option<CaseRow>> {
    let mut query = Sql::new(CASE_COLUMNS);
    query.push(" AND number = ").push_bind(number);
    tx.optional(query).await
}

/// The channel-conflict case a registration's conflict check opened, if any.
pub async fn case_for_deal(tx: &mut Read, deal_id: Uuid) -> Result<Option<CaseRow>> {
    let mut query = Sql::new(CASE_COLUMNS);
    query.push(" AND deal_id = ").push_bind(deal_id);
    tx.optional(query).await
}

/// The channel-conflict cases the conflict checks of `deal_ids` opened (a list of
/// registrations reads its links at once).
pub async fn cases_for_deals(tx: &mut Read, deal_ids: &[Uuid]) -> Result<Vec<CaseRow>> {
    if deal_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(CASE_COLUMNS);
    query
        .push(" AND deal_id IN ")
        .push_bind_list(deal_ids.iter().copied());
    tx.all(query).await
}

/// Moves a case from the state and version in `read` to the state (and conflict outcome) in
/// `row`, bumping its version. When it answered, was resolved or closed is its state-change
/// entries' to say.
pub async fn change_state(tx: &mut Write, row: &CaseRow, read: &CaseRow) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE escalation_cases SET state = $2, updated_at = $3, conflict_outcome = $4, \
             version = version + 1 WHERE id = $1 AND state = $5 AND version = $6",
            row.id,
            &row.state,
            row.updated_at,
            row.conflict_outcome.as_deref(),
            &read.state,
            read.version,
        ))
        .await?;
    crate::changed_one(rows, "escalation case")
}

/// Gives the case to another owner, provided nobody changed it since `version` was read.
pub async fn reassign(
    tx: &mut Write,
    id: Uuid,
    version: i64,
    owner_id: Uuid,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE escalation_cases SET owner_id = $2, updated_at = $3, version = version + 1 \
             WHERE id = $1 AND version = $4",
            id,
            owner_id,
            at,
            version
        ))
        .await?;
    crate::changed_one(rows, "escalation case")
}

/// Which cases a list shows; empty lists and None mean any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub partner_id: Option<Uuid>,
    pub states: Vec<String>,
    pub categories: Vec<String>,
    pub urgencies: Vec<String>,
    /// Submitted at or after / before (a quarter of the trends).
    pub submitted_from: Option<OffsetDateTime>,
    pub submitted_before: Option<OffsetDateTime>,
    /// Resolved or closed without a post-resolution review.
    pub unreviewed: bool,
}

/// At most `limit` cases matching `filter`, newest first (by id: UUID v7), before `before`.
pub async fn cases(
    tx: &mut Read,
    filter: &CaseFilter,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<CaseRow>> {
    let mut query = Sql::new(CASE_COLUMNS);
    if let Some(partner_id) = filter.partner_id {
        query.push(" AND partner_id = ").push_bind(partner_id);
    }
    if !filter.states.is_empty() {
        query
            .push(" AND state IN ")
            .push_bind_list(filter.states.iter().map(String::as_str));
    }
    if !filter.categories.is_empty() {
        query
            .push(" AND category IN ")
            .push_bind_list(filter.categories.iter().map(String::as_str));
    }
    if !filter.urgencies.is_empty() {
        query
            .push(" AND urgency IN ")
            .push_bind_list(filter.urgencies.iter().map(String::as_str));
    }
    if let Some(from) = filter.submitted_from {
        query.push(" AND created_at >= ").push_bind(from);
    }
    if let Some(until) = filter.submitted_before {
        query.push(" AND created_at < ").push_bind(until);
    }
    if filter.unreviewed {
        query.push(
            " AND state IN ('resolved', 'closed') AND NOT EXISTS (SELECT 1 FROM \
             escalation_reviews r WHERE r.case_id = escalation_cases.id)",
        );
    }
    if let Some(before) = before {
        query.push(" AND id < ").push_bind(before);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    tx.all(query).await
}

/// At most `limit` cases not closed, newest first, before `before`: what the sweep reads
/// (through the partial index `escalation_cases_open`).
pub async fn open_cases(tx: &mut Read, before: Option<Uuid>, limit: i64) -> Result<Vec<CaseRow>> {
    tx.all(open_cases_query(before, limit)).await
}

pub(crate) fn open_cases_query(before: Option<Uuid>, limit: i64) -> Sql {
    let mut query = Sql::new(CASE_COLUMNS);
    query.push(" AND state <> 'closed'");
    if let Some(before) = before {
        query.push(" AND id < ").push_bind(before);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    query
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntryRow {
    pub id: Uuid,
    pub case_id: Uuid,
    /// update, internal_note, remediation or state_change
    pub kind: String,
    pub body: String,
    /// state_change: the state the case entered.
    pub state: Option<String>,
    /// remediation: the day the action is due, if any.
    pub due_on: Option<Date>,
    /// remediation: when it was done.
    pub done_at: Option<OffsetDateTime>,
    /// None for the system's own entries.
    pub author_id: Option<Uuid>,
    pub visible_to_partner: bool,
    pub at: OffsetDateTime,
    /// What the sweep recorded with the entry, once per case ('step:2',
    /// 'due_soon:response'); None for everything people write.
    pub sweep_mark: Option<String>,
}

const ENTRY_COLUMNS: &str = "SELECT id, case_id, kind, body, state, due_on, done_at, author_id, \
     visible_to_partner, at, sweep_mark FROM escalation_entries WHERE 1 = 1";

pub async fn insert_entry(tx: &mut Write, row: &EntryRow) -> Result<()> {
    insert_marked_entry(tx, row).await?;
    Ok(())
}

/// Writes the entry unless the case already has one with its `sweep_mark`; whether it was
/// written (false: another sweep recorded that mark first, and it alone acts on it).
pub async fn insert_marked_entry(tx: &mut Write, row: &EntryRow) -> Result<bool> {
    let rows = tx
        .execute(sql!(
            "INSERT INTO escalation_entries (id, case_id, kind, body, state, due_on, done_at, \
         author_id, visible_to_partner, at, sweep_mark) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
            row.id,
            row.case_id,
            &row.kind,
            &row.body,
            row.state.as_deref(),
            row.due_on,
            row.done_at,
            row.author_id,
            row.visible_to_partner,
            row.at,
            row.sweep_mark.as_deref(),
        ))
        .await?;
    Ok(rows == 1)
}

/// Records whom the ladder step logged as `entry_id` reached: one row a person, in the
/// step's transaction (the step entry is written first, conditionally, so only the sweep that
/// took the step records it).
pub async fn insert_reached(tx: &mut Write, entry_id: Uuid, users: &[Uuid]) -> Result<()> {
    for user in users {
        tx.execute(sql!(
            "INSERT INTO escalation_step_reached (entry_id, user_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
            entry_id,
            *user,
        ))
        .await?;
    }
    Ok(())
}

/// A case's log in the order it was written; only what the partner sees when
/// `partner_visible_only`, so internal notes never leave the database for a partner.
pub async fn entries(
    tx: &mut Read,
    case_id: Uuid,
    partner_visible_only: bool,
) -> Result<Vec<EntryRow>> {
    let mut query = Sql::new(ENTRY_COLUMNS);
    query.push(" AND case_id = ").push_bind(case_id);
    if partner_visible_only {
        query.push(" AND visible_to_partner = ").push_bind(true);
    }
    query.push(" ORDER BY at, id");
    tx.all(query).await
}

/// The state changes and escalation steps of several cases (the SLA clocks and ladder steps
/// of a list page), per case in order.
pub async fn state_changes(tx: &mut Read, case_ids: &[Uuid]) -> Result<Vec<EntryRow>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(ENTRY_COLUMNS);
    query
        .push(" AND kind IN ('state_change', 'escalated') AND case_id IN ")
        .push_bind_list(case_ids.iter().copied());
    query.push(" ORDER BY case_id, at, id");
    tx.all(query).await
}

/// Marks a remediation action of the case done, once: [`crate::Error::Changed`] when it
/// already was (or is no action of that case).
pub async fn mark_action_done(
    tx: &mut Write,
    case_id: Uuid,
    entry_id: Uuid,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE escalation_entries SET done_at = $3 \
             WHERE id = $1 AND case_id = $2 AND kind = 'remediation' AND done_at IS NULL",
            entry_id,
            case_id,
            at
        ))
        .await?;
    crate::changed_one(rows, "remediation action")
}

/// What the sweep reads of a case's log: its state changes, the sweep's own marked entries
/// and the updates, each with the partner of the person who wrote it (None: one of ours, or
/// the system).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SweepEntryRow {
    pub case_id: Uuid,
    pub kind: String,
    pub state: Option<String>,
    pub sweep_mark: Option<String>,
    pub author_partner_id: Option<Uuid>,
    pub at: OffsetDateTime,
}

/// The entries the sweep decides by, for several cases, per case in the order written.
pub async fn sweep_entries(tx: &mut Read, case_ids: &[Uuid]) -> Result<Vec<SweepEntryRow>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(
        "SELECT e.case_id, e.kind, e.state, e.sweep_mark, u.partner_id AS author_partner_id, \
         e.at FROM escalation_entries e LEFT JOIN users u ON u.id = e.author_id \
         WHERE (e.kind = 'state_change' OR e.kind = 'update' OR e.sweep_mark IS NOT NULL) \
         AND e.case_id IN ",
    );
    query.push_bind_list(case_ids.iter().copied());
    query.push(" ORDER BY e.case_id, e.at, e.id");
    tx.all(query).await
}

/// Whether a step of the escalation ladder on `case_id` reached `user_id`.
pub async fn reached_on(tx: &mut Read, case_id: Uuid, user_id: Uuid) -> Result<bool> {
    let mut query = Sql::new(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM escalation_step_reached r \
         JOIN escalation_entries e ON e.id = r.entry_id WHERE e.case_id = ",
    );
    query
        .push_bind(case_id)
        .push(" AND r.user_id = ")
        .push_bind(user_id);
    Ok(tx.one::<(i64,)>(query).await?.0 > 0)
}

/// One entry of the case's log (None for an id of another case's log, or none at all).
pub async fn entry(tx: &mut Read, case_id: Uuid, entry_id: Uuid) -> Result<Option<EntryRow>> {
    let mut query = Sql::new(ENTRY_COLUMNS);
    query
        .push(" AND case_id = ")
        .push_bind(case_id)
        .push(" AND id = ")
        .push_bind(entry_id);
    tx.optional(query).await
}
