//! Deal registrations, their activities, the direct pipeline and customer accounts, and
//! the conflict cases partner managers resolve.

use crate::{Read, Result, Sql, Write, sql};
use time::OffsetDateTime;
use uuid::Uuid;

/// One registration as stored (money in minor units, dates 'YYYY-MM-DD').
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DealRow {
    pub id: Uuid,
    pub number: i64,
    pub reference: String,
    pub partner_id: Uuid,
    pub created_by: String,
    pub status: String,
    pub customer_name: String,
    pub name_key: String,
    pub website: String,
    pub domain: Option<String>,
    pub industry: String,
    pub region: String,
    pub deal_size_minor: i64,
    pub currency: String,
    pub expected_close: String,
    pub use_case: String,
    pub pain_points: String,
    pub stage: String,
    pub probability: i64,
    pub risks: String,
    pub competitor: String,
    pub partner_rep: String,
    pub partner_sourced: i64,
    pub ae_user_id: Option<Uuid>,
    pub se_user_id: Option<Uuid>,
    pub deal_desk_review: i64,
    pub registered_on: String,
    pub submitted_at: Option<OffsetDateTime>,
    pub decision_due: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
    pub decision_note: String,
    pub protected_until: Option<String>,
    pub extensions_used: i64,
    pub extension_reason: String,
    pub last_warning: Option<i64>,
    pub conflict_verdict: String,
    pub conflict_findings: String,
    pub forecast_category: String,
    pub next_action: String,
    pub next_action_on: Option<String>,
    pub next_action_owner: String,
    pub blockers: String,
    pub last_activity_at: Option<OffsetDateTime>,
    pub closed_on: Option<String>,
    pub closed_amount_minor: Option<i64>,
    pub change_no: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const COLUMNS: &str = "id, number, reference, partner_id, created_by, status, customer_name, name_key, website, domain, \
     industry, region, deal_size_minor, currency, expected_close, use_case, pain_points, stage, \
     probability, risks, competitor, partner_rep, partner_sourced, ae_user_id, se_user_id, \
     deal_desk_review, registered_on, submitted_at, decision_due, decided_at, decided_by, \
     decision_note, protected_until, extensions_used, extension_reason, last_warning, \
     conflict_verdict, conflict_findings, forecast_category, next_action, next_action_on, \
     next_action_owner, blockers, last_activity_at, closed_on, closed_amount_minor, change_no, \
     created_at, updated_at";

/// Registrations in one multi-row insert: as many as SQLite's 32,766 bound parameters allow
/// (PostgreSQL allows 65,535), because each statement journals every page it touches
/// before changing it, and a bigger statement touches each page once for more rows.
pub const ROWS_PER_INSERT: usize = 32_766 / column_count(COLUMNS);

const fn column_count(columns: &str) -> usize {
    let bytes = columns.as_bytes();
    let mut count = 1;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b',' {
            count += 1;
        }
        i += 1;
    }
    count
}

/// The next value of a counter (registration numbers, change numbers). Taking it locks the
/// counter's row until the transaction ends, so values commit in order.
pub async fn next(tx: &mut Write, counter: &str) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Value {
        value: i64,
    }
    Ok(tx
        .one::<Value>(sql!(
            "UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value",
            counter
        ))
        .await?
        .value)
}

/// Reserves `count` consecutive values of a counter; returns the first.
pub async fn reserve(tx: &mut Write, counter: &str, count: i64) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Value {
        value: i64,
    }
    let last = tx
        .one::<Value>(sql!(
            "UPDATE counters SET value = value + $2 WHERE name = $1 RETURNING value",
            counter,
            count
        ))
        .await?
        .value;
    Ok(last - count + 1)
}

/// Reserves `count` registration numbers and as many change numbers, in one statement;
/// returns the first of each.
pub async fn reserve_numbers_and_changes(tx: &mut Write, count: i64) -> Result<(i64, i64)> {
    #[derive(sqlx::FromRow)]
    struct Counter {
        name: String,
        value: i64,
    }
    let rows: Vec<Counter> = tx
        .all(sql!(
            "UPDATE counters SET value = value + $1 \
             WHERE name IN ('deal_registration', 'conflict_change') RETURNING name, value",
            count
        ))
        .await?;
    let first = |name: &str| {
        rows.iter()
            .find(|c| c.name == name)
            .map(|c| c.value - count + 1)
            .ok_or_else(|| crate::Error::Corrupt(format!("counter '{name}' is missing")))
    };
    Ok((first("deal_registration")?, first("conflict_change")?))
}

pub async fn insert(tx: &mut Write, row: &DealRow) -> Result<()> {
    insert_many(tx, std::slice::from_ref(row)).await
}

/// Inserts many registrations, [`ROWS_PER_INSERT`] per statement (imports, group commits).
pub async fn insert_many(tx: &mut Write, rows: &[DealRow]) -> Result<()> {
    let width = column_count(COLUMNS);
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut query = Sql::new("INSERT INTO deal_registrations (");
        query
            .push(COLUMNS)
            .push(") VALUES ")
            .push_values(tx.backend(), width, chunk.len());
        for row in chunk {
            query = query
                .arg(row.id)
                .arg(row.number)
                .arg(&row.reference)
                .arg(row.partner_id)
                .arg(&row.created_by)
                .arg(&row.status)
                .arg(&row.customer_name)
                .arg(&row.name_key)
                .arg(&row.website)
                .arg(row.domain.as_ref())
                .arg(&row.industry)
                .arg(&row.region)
                .arg(row.deal_size_minor)
                .arg(&row.currency)
                .arg(&row.expected_close)
                .arg(&row.use_case)
                .arg(&row.pain_points)
                .arg(&row.stage)
                .arg(row.probability)
                .arg(&row.risks)
                .arg(&row.competitor)
                .arg(&row.partner_rep)
                .arg(row.partner_sourced)
                .arg(row.ae_user_id)
                .arg(row.se_user_id)
                .arg(row.deal_desk_review)
                .arg(&row.registered_on)
                .arg(row.submitted_at)
                .arg(row.decision_due.as_ref())
                .arg(row.decided_at)
                .arg(row.decided_by.as_ref())
                .arg(&row.decision_note)
                .arg(row.protected_until.as_ref())
                .arg(row.extensions_used)
                .arg(&row.extension_reason)
                .arg(row.last_warning)
                .arg(&row.conflict_verdict)
                .arg(&row.conflict_findings)
                .arg(&row.forecast_category)
                .arg(&row.next_action)
                .arg(row.next_action_on.as_ref())
                .arg(&row.next_action_owner)
                .arg(&row.blockers)
                .arg(row.last_activity_at)
                .arg(row.closed_on.as_ref())
                .arg(row.closed_amount_minor)
                .arg(row.change_no)
                .arg(row.created_at)
                .arg(row.updated_at);
        }
        tx.execute(query).await?;
    }
    Ok(())
}

/// Every registration number in use.
pub async fn numbers(tx: &mut Read) -> Result<Vec<i64>> {
    #[derive(sqlx::FromRow)]
    struct Number {
        number: i64,
    }
    Ok(tx
        .all::<Number>(Sql::new("SELECT number FROM deal_registrations"))
        .await?
        .into_iter()
        .map(|n| n.number)
        .collect())
}

/// Writes every changeable column of a registration, provided it still carries the change
/// number it was read with (every write takes a new one): otherwise [`crate::Error::Changed`].
pub async fn update(tx: &mut Write, row: &DealRow, read_change_no: i64) -> Result<()> {
    let rows = tx.execute(sql!(
        "UPDATE deal_registrations SET status = $2, customer_name = $3, name_key = $4, website = $5, domain = $6, industry = $7, \
         region = $8, deal_size_minor = $9, currency = $10, expected_close = $11, use_case = $12, \
         pain_points = $13, stage = $14, probability = $15, risks = $16, competitor = $17, \
         partner_rep = $18, partner_sourced = $19, ae_user_id = $20, se_user_id = $21, \
         deal_desk_review = $22, registered_on = $23, submitted_at = $24, decision_due = $25, \
         decided_at = $26, decided_by = $27, decision_note = $28, protected_until = $29, \
         extensions_used = $30, extension_reason = $31, last_warning = $32, conflict_verdict = $33, \
         conflict_findings = $34, forecast_category = $35, next_action = $36, next_action_on = $37, \
         next_action_owner = $38, blockers = $39, last_activity_at = $40, closed_on = $41, \
         closed_amount_minor = $42, change_no = $43, updated_at = $44 WHERE id = $1 AND change_no = $45",
        row.id,
        &row.status,
        &row.customer_name,
        &row.name_key,
        &row.website,
        row.domain.as_ref(),
        &row.industry,
        &row.region,
        row.deal_size_minor,
        &row.currency,
        &row.expected_close,
        &row.use_case,
        &row.pain_points,
        &row.stage,
        row.probability,
        &row.risks,
        &row.competitor,
        &row.partner_rep,
        row.partner_sourced,
        row.ae_user_id,
        row.se_user_id,
        row.deal_desk_review,
        &row.registered_on,
        row.submitted_at,
        row.decision_due.as_ref(),
        row.decided_at,
        row.decided_by.as_ref(),
        &row.decision_note,
        row.protected_until.as_ref(),
        row.extensions_used,
        &row.extension_reason,
        row.last_warning,
        &row.conflict_verdict,
        &row.conflict_findings,
        &row.forecast_category,
        &row.next_action,
        row.next_action_on.as_ref(),
        &row.next_action_owner,
        &row.blockers,
        row.last_activity_at,
        row.closed_on.as_ref(),
        row.closed_amount_minor,
        row.change_no,
        row.updated_at,
        read_change_no,
    ))
    .await?;
    crate::changed_one(rows, "registration")
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<DealRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(COLUMNS)
        .push(" FROM deal_registrations WHERE id = ")
        .push_bind(id);
    tx.optional(query).await
}

pub async fn get_by_number(tx: &mut Read, number: i64) -> Result<Option<DealRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(COLUMNS)
        .push(" FROM deal_registrations WHERE number = ")
        .push_bind(number);
    tx.optional(query).await
}

/// A per-installation secret, created with `value` unless it exists already.
pub async fn setting_or_create(tx: &mut Write, name: &str, value: &str) -> Result<String> {
    tx.execute(sql!(
        "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        name,
        value
    ))
    .await?;
    #[derive(sqlx::FromRow)]
    struct Value {
        value: String,
    }
    Ok(tx
        .one::<Value>(sql!("SELECT value FROM settings WHERE name = $1", name))
        .await?
        .value)
}

/// Which registrations to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct DealFilter {
    pub partner_id: Option<Uuid>,
    pub statuses: Vec<String>,
    /// Customer name or reference contains this (case-insensitive).
    pub search: Option<String>,
    /// Registrations created before this one (the keyset cursor: ids are time-ordered).
    pub before_id: Option<Uuid>,
    /// Only registrations whose conflict case is open.
    pub open_conflicts: bool,
    pub limit: i64,
}

pub async fn list(tx: &mut Read, filter: &DealFilter) -> Result<Vec<DealRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(COLUMNS)
        .push(" FROM deal_registrations WHERE 1 = 1");
    if let Some(partner) = filter.partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    if !filter.statuses.is_empty() {
        query
            .push(" AND status IN ")
            .push_bind_list(filter.statuses.iter());
    }
    if let Some(search) = &filter.search {
        let pattern = format!("%{}%", search.to_lowercase());
        query
            .push(" AND (LOWER(customer_name) LIKE ")
            .push_bind(pattern.clone())
            .push(" OR name_key LIKE ")
            .push_bind(pattern)
            .push(")");
    }
    if let Some(before) = filter.before_id {
        query.push(" AND id < ").push_bind(before);
    }
    if filter.open_conflicts {
        query.push(" AND id IN (SELECT deal_id FROM conflict_cases WHERE status <> 'resolved')");
    }
    query
        .push(" ORDER BY id DESC LIMIT ")
        .push_bind(filter.limit);
    tx.all(query).await
}

/// What the pipeline sums of one registration.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PipelineRow {
    pub partner_id: Uuid,
    pub status: String,
    pub deal_size_minor: i64,
    /// Of the deal size and the closed amount.
    pub currency: String,
    pub probability: i64,
    pub expected_close: String,
    pub registered_on: String,
    pub closed_on: Option<String>,
    pub closed_amount_minor: Option<i64>,
    pub last_activity_at: Option<OffsetDateTime>,
    pub forecast_category: String,
    /// 1 when one of ours confirmed the win (a won registration only).
    pub win_confirmed: i64,
}

/// The registrations in `statuses` of a partner (or all), with only what the pipeline sums:
/// a program of a million registrations reads a tenth of their bytes.
pub async fn pipeline_rows(
    tx: &mut Read,
    partner_id: Option<Uuid>,
    statuses: &[&str],
) -> Result<Vec<PipelineRow>> {
    let mut query = Sql::new(
        "SELECT d.partner_id, d.status, d.deal_size_minor, d.currency, d.probability, d.expected_close, \
         d.registered_on, d.closed_on, d.closed_amount_minor, d.last_activity_at, d.forecast_category, \
         CAST(CASE WHEN w.deal_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS win_confirmed \
         FROM deal_registrations d LEFT JOIN win_confirmations w ON w.deal_id = d.id \
         WHERE d.status IN ",
    );
    query.push_bind_list(statuses.iter().copied());
    if let Some(partner) = partner_id {
        query.push(" AND d.partner_id = ").push_bind(partner);
    }
    tx.all(query).await
}

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
    pub registered_on: Option<String>,
    pub protected_until: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: Uuid,
    pub deal_id: Uuid,
    /// call, meeting, demo, email or note
    pub kind: String,
    /// A call or meeting with both sides on it.
    pub joint: i64,
    pub note: String,
    pub occurred_on: String,
    pub by_label: String,
    pub by_partner: i64,
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
        &row.occurred_on,
        &row.by_label,
        row.by_partner,
        row.created_at,
    ))
    .await?;
    Ok(())
}

/// A registration's activities, newest first.
pub async fn activities(tx: &mut Read, deal_id: Uuid) -> Result<Vec<ActivityRow>> {
    tx.all(sql!(
        "SELECT id, deal_id, kind, joint, note, occurred_on, by_label, by_partner, created_at, \
         confirmed_by FROM deal_activities WHERE deal_id = $1 ORDER BY occurred_on DESC, id DESC",
        deal_id
    ))
    .await
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
    crate::changed_one(rows, "won registration")
}

/// Confirms the wins of many registrations at once (a CRM import is our record of them);
/// wins confirmed before stay as they were.
pub async fn confirm_wins(
    tx: &mut Write,
    deal_ids: &[Uuid],
    by: &str,
    at: OffsetDateTime,
) -> Result<()> {
    // Three parameters a row: well within SQLite's 32,766 per statement.
    for chunk in deal_ids.chunks(5_000) {
        let mut query =
            Sql::new("INSERT INTO win_confirmations (deal_id, confirmed_by, confirmed_at) VALUES ");
        query
            .push_values(tx.backend(), 3, chunk.len())
            .push(" ON CONFLICT (deal_id) DO NOTHING");
        for id in chunk {
            query = query.arg(*id).arg(by).arg(at);
        }
        tx.execute(query).await?;
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

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseRow {
    pub id: Uuid,
    pub deal_id: Uuid,
    /// open, investigating or resolved
    pub status: String,
    pub outcome: String,
    pub note: String,
    pub investigating_at: Option<OffsetDateTime>,
    pub investigated_by: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<OffsetDateTime>,
    /// The escalation level already announced (0 partner manager, 1 VP, 2 executives).
    pub escalation_level: i64,
    pub created_at: OffsetDateTime,
}

const CASE_COLUMNS: &str = "id, deal_id, status, outcome, note, investigating_at, investigated_by, \
     resolved_by, resolved_at, escalation_level, created_at";

/// Records how a conflict case is worked, resolved or escalated — provided it still has the
/// stage and escalation level it was read with, else [`crate::Error::Changed`].
pub async fn update_case(tx: &mut Write, row: &CaseRow, read: &CaseRow) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE conflict_cases SET status = $2, outcome = $3, note = $4, investigating_at = $5, \
             investigated_by = $6, resolved_by = $7, resolved_at = $8, escalation_level = $9 \
             WHERE id = $1 AND status = $10 AND escalation_level = $11",
            row.id,
            &row.status,
            &row.outcome,
            &row.note,
            row.investigating_at,
            row.investigated_by.as_ref(),
            row.resolved_by.as_ref(),
            row.resolved_at,
            row.escalation_level,
            &read.status,
            read.escalation_level,
        ))
        .await?;
    crate::changed_one(rows, "conflict case")
}

/// Opens the registration's conflict case, or records how it is worked and resolved.
pub async fn upsert_case(tx: &mut Write, row: &CaseRow) -> Result<()> {
    let mut query = Sql::new("INSERT INTO conflict_cases (");
    query.push(CASE_COLUMNS).push(
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (deal_id) DO UPDATE SET status = excluded.status, outcome = excluded.outcome, \
         note = excluded.note, investigating_at = excluded.investigating_at, \
         investigated_by = excluded.investigated_by, resolved_by = excluded.resolved_by, \
         resolved_at = excluded.resolved_at, escalation_level = excluded.escalation_level",
    );
    let query = query
        .arg(row.id)
        .arg(row.deal_id)
        .arg(&row.status)
        .arg(&row.outcome)
        .arg(&row.note)
        .arg(row.investigating_at)
        .arg(row.investigated_by.as_ref())
        .arg(row.resolved_by.as_ref())
        .arg(row.resolved_at)
        .arg(row.escalation_level)
        .arg(row.created_at);
    tx.execute(query).await?;
    Ok(())
}

pub async fn case_for_deal(tx: &mut Read, deal_id: Uuid) -> Result<Option<CaseRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(CASE_COLUMNS)
        .push(" FROM conflict_cases WHERE deal_id = ")
        .push_bind(deal_id);
    tx.optional(query).await
}

/// Every case not resolved yet, oldest first.
pub async fn unresolved_cases(tx: &mut Read) -> Result<Vec<CaseRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(CASE_COLUMNS)
        .push(" FROM conflict_cases WHERE status <> 'resolved' ORDER BY created_at");
    tx.all(query).await
}

/// A direct opportunity or customer account as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectRow {
    pub reference: String,
    pub name: String,
    pub name_key: String,
    pub website: String,
    pub domain: Option<String>,
    pub owner: String,
    /// Opportunities only.
    pub stage: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Opportunities: open, won or lost.
    pub status: String,
}

/// Adds or updates a direct opportunity by its reference; returns whether it was new.
pub async fn upsert_opportunity(
    tx: &mut Write,
    row: &DirectRow,
    change_no: i64,
    at: OffsetDateTime,
) -> Result<bool> {
    let existing = tx
        .optional::<IdOnly>(sql!(
            "SELECT id FROM direct_opportunities WHERE reference = $1",
            &row.reference
        ))
        .await?;
    match existing {
        Some(IdOnly { id }) => {
            tx.execute(sql!(
                "UPDATE direct_opportunities SET customer_name = $2, name_key = $3, website = $4, domain = $5, \
                 owner = $6, stage = $7, amount_minor = $8, currency = $9, status = $10, change_no = $11, \
                 updated_at = $12 WHERE id = $1",
                id,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                &row.stage,
                row.amount_minor,
                &row.currency,
                &row.status,
                change_no,
                at,
            ))
            .await?;
            Ok(false)
        }
        None => {
            tx.execute(sql!(
                "INSERT INTO direct_opportunities (id, reference, customer_name, name_key, website, domain, owner, stage, \
                 amount_minor, currency, status, change_no, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
                Uuid::now_v7(),
                &row.reference,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                &row.stage,
                row.amount_minor,
                &row.currency,
                &row.status,
                change_no,
                at,
            ))
            .await?;
            Ok(true)
        }
    }
}

#[derive(sqlx::FromRow)]
struct IdOnly {
    id: Uuid,
}

/// Adds or updates a customer account by its account reference; returns whether it was new.
pub async fn upsert_account(
    tx: &mut Write,
    row: &DirectRow,
    change_no: i64,
    at: OffsetDateTime,
) -> Result<bool> {
    let existing = tx
        .optional::<IdOnly>(sql!(
            "SELECT id FROM customer_accounts WHERE account = $1",
            &row.reference
        ))
        .await?;
    match existing {
        Some(IdOnly { id }) => {
            tx.execute(sql!(
                "UPDATE customer_accounts SET name = $2, name_key = $3, website = $4, domain = $5, owner = $6, \
                 change_no = $7, updated_at = $8 WHERE id = $1",
                id,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                change_no,
                at,
            ))
            .await?;
            Ok(false)
        }
        None => {
            tx.execute(sql!(
                "INSERT INTO customer_accounts (id, account, name, name_key, website, domain, owner, change_no, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                Uuid::now_v7(),
                &row.reference,
                &row.name,
                &row.name_key,
                &row.website,
                row.domain.as_ref(),
                &row.owner,
                change_no,
                at,
            ))
            .await?;
            Ok(true)
        }
    }
}

/// A won registration's revenue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WonRow {
    pub partner_id: Uuid,
    pub closed_on: String,
    pub closed_amount_minor: i64,
    pub currency: String,
}

/// Won registrations in every currency (of one partner, or all), for the tier engine, which
/// converts them to the program currency. With `logged_activity_only`, only deals with an
/// activity logged on them count (the co-sell policy's "no credit without logged activity").
pub async fn won(
    tx: &mut Read,
    partner_id: Option<Uuid>,
    logged_activity_only: bool,
) -> Result<Vec<WonRow>> {
    // Only wins an internal user confirmed, and (co-sell policy) only deals with activity an
    // internal user logged or confirmed: a partner's own word feeds no tier.
    let mut query = Sql::new(
        "SELECT partner_id, closed_on, closed_amount_minor, currency FROM deal_registrations d \
         WHERE status = 'won' AND closed_on IS NOT NULL AND closed_amount_minor IS NOT NULL \
         AND EXISTS (SELECT 1 FROM win_confirmations c WHERE c.deal_id = d.id)",
    );
    if logged_activity_only {
        // An imported deal carries its last activity from our CRM and none logged here.
        query.push(
            " AND (EXISTS (SELECT 1 FROM deal_activities a WHERE a.deal_id = d.id \
             AND (a.by_partner = 0 OR a.confirmed_by IS NOT NULL)) \
             OR (last_activity_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM deal_activities a WHERE a.deal_id = d.id)))",
        );
    }
    if let Some(partner) = partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    tx.all(query).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DealCounts {
    pub registered: i64,
    pub won: i64,
}

/// How many registrations a partner has submitted (anything but drafts) and won.
pub async fn counts(tx: &mut Read, partner_id: Uuid) -> Result<DealCounts> {
    tx.one(sql!(
        "SELECT COUNT(*) AS registered, COALESCE(SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END), 0) AS won \
         FROM deal_registrations WHERE partner_id = $1 AND status <> 'draft'",
        partner_id
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SnapshotRow {
    pub id: Uuid,
    pub quarter: String,
    pub taken_on: String,
    pub taken_by: String,
    /// The pipeline summary as JSON.
    pub summary: String,
    pub created_at: OffsetDateTime,
}

pub async fn insert_snapshot(tx: &mut Write, row: &SnapshotRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO forecast_snapshots (id, quarter, taken_on, taken_by, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        row.id,
        &row.quarter,
        &row.taken_on,
        &row.taken_by,
        &row.summary,
        row.created_at,
    ))
    .await?;
    Ok(())
}

/// Snapshots, newest first.
pub async fn snapshots(tx: &mut Read) -> Result<Vec<SnapshotRow>> {
    tx.all(Sql::new(
        "SELECT id, quarter, taken_on, taken_by, summary, created_at FROM forecast_snapshots \
         ORDER BY taken_on DESC, created_at DESC",
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeadRow {
    pub id: Uuid,
    pub number: i64,
    pub reference: String,
    pub partner_id: Uuid,
    pub submitted_by: String,
    pub company: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub need: String,
    pub estimated_value_minor: i64,
    pub currency: String,
    /// submitted, accepted or rejected
    pub status: String,
    pub accept_by: OffsetDateTime,
    pub overdue_flagged: i64,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
    pub rejection_reason: String,
    pub deal_id: Option<Uuid>,
    pub counts_against_quota: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const LEAD_COLUMNS: &str = "id, number, reference, partner_id, submitted_by, company, website, contact_name, contact_email, need, \
     estimated_value_minor, currency, status, accept_by, overdue_flagged, decided_at, decided_by, rejection_reason, \
     deal_id, counts_against_quota, created_at, updated_at";

pub async fn insert_lead(tx: &mut Write, row: &LeadRow) -> Result<()> {
    let mut query = Sql::new("INSERT INTO leads (");
    query.push(LEAD_COLUMNS).push(
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
    );
    let query = query
        .arg(row.id)
        .arg(row.number)
        .arg(&row.reference)
        .arg(row.partner_id)
        .arg(&row.submitted_by)
        .arg(&row.company)
        .arg(&row.website)
        .arg(&row.contact_name)
        .arg(&row.contact_email)
        .arg(&row.need)
        .arg(row.estimated_value_minor)
        .arg(&row.currency)
        .arg(&row.status)
        .arg(row.accept_by)
        .arg(row.overdue_flagged)
        .arg(row.decided_at)
        .arg(row.decided_by.as_ref())
        .arg(&row.rejection_reason)
        .arg(row.deal_id)
        .arg(row.counts_against_quota)
        .arg(row.created_at)
        .arg(row.updated_at);
    tx.execute(query).await?;
    Ok(())
}

/// Writes a lead: its details (imports edit them), decision and flags — provided nobody
/// wrote it since it was read (`read_updated_at`), else [`crate::Error::Changed`].
pub async fn update_lead(
    tx: &mut Write,
    row: &LeadRow,
    read_updated_at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE leads SET status = $2, overdue_flagged = $3, decided_at = $4, decided_by = $5, \
         rejection_reason = $6, deal_id = $7, updated_at = $8, company = $9, website = $10, \
         contact_name = $11, contact_email = $12, need = $13, estimated_value_minor = $14, \
         currency = $15, accept_by = $16 WHERE id = $1 AND updated_at = $17",
            row.id,
            &row.status,
            row.overdue_flagged,
            row.decided_at,
            row.decided_by.as_ref(),
            &row.rejection_reason,
            row.deal_id,
            row.updated_at,
            &row.company,
            &row.website,
            &row.contact_name,
            &row.contact_email,
            &row.need,
            row.estimated_value_minor,
            &row.currency,
            row.accept_by,
            read_updated_at,
        ))
        .await?;
    crate::changed_one(rows, "lead")
}

pub async fn lead(tx: &mut Read, id: Uuid) -> Result<Option<LeadRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(LEAD_COLUMNS)
        .push(" FROM leads WHERE id = ")
        .push_bind(id);
    tx.optional(query).await
}

/// Leads of one partner (or all), newest first, optionally only one status.
pub async fn leads(
    tx: &mut Read,
    partner_id: Option<Uuid>,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<LeadRow>> {
    let mut query = Sql::new("SELECT ");
    query.push(LEAD_COLUMNS).push(" FROM leads WHERE 1 = 1");
    if let Some(partner) = partner_id {
        query.push(" AND partner_id = ").push_bind(partner);
    }
    if let Some(status) = status {
        query.push(" AND status = ").push_bind(status);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    tx.all(query).await
}
