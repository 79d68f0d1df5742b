//! Deal registrations: their rows, numbers and change numbers, reading and writing them.

use crate::rollups::CountedRow;
use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One registration as stored (money in minor units with its currency).
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
    pub expected_close: Date,
    pub use_case: String,
    pub pain_points: String,
    pub stage: String,
    pub probability: i64,
    pub risks: String,
    pub competitor: String,
    pub partner_rep: String,
    pub partner_sourced: bool,
    pub ae_user_id: Option<Uuid>,
    pub se_user_id: Option<Uuid>,
    pub deal_desk_review: bool,
    pub registered_on: Date,
    pub submitted_at: Option<OffsetDateTime>,
    pub decision_due: Option<Date>,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
    pub decision_note: String,
    pub protected_until: Option<Date>,
    pub extensions_used: i64,
    pub extension_reason: String,
    pub last_warning: Option<i64>,
    pub conflict_verdict: String,
    pub conflict_findings: String,
    pub forecast_category: String,
    pub next_action: String,
    pub next_action_on: Option<Date>,
    pub next_action_owner: String,
    pub blockers: String,
    pub last_activity_at: Option<OffsetDateTime>,
    pub closed_on: Option<Date>,
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
                .arg(row.expected_close)
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
                .arg(row.registered_on)
                .arg(row.submitted_at)
                .arg(row.decision_due)
                .arg(row.decided_at)
                .arg(row.decided_by.as_ref())
                .arg(&row.decision_note)
                .arg(row.protected_until)
                .arg(row.extensions_used)
                .arg(&row.extension_reason)
                .arg(row.last_warning)
                .arg(&row.conflict_verdict)
                .arg(&row.conflict_findings)
                .arg(&row.forecast_category)
                .arg(&row.next_action)
                .arg(row.next_action_on)
                .arg(&row.next_action_owner)
                .arg(&row.blockers)
                .arg(row.last_activity_at)
                .arg(row.closed_on)
                .arg(row.closed_amount_minor)
                .arg(row.change_no)
                .arg(row.created_at)
                .arg(row.updated_at);
        }
        tx.execute(query).await?;
    }
    let added: Vec<_> = rows
        .iter()
        .map(|row| (None, Some(counted(row, false))))
        .collect();
    crate::rollups::registrations_changed(tx, &added).await
}

/// What the pipeline's rollups read of a registration, its win confirmed or not.
pub(crate) fn counted(row: &DealRow, win_confirmed: bool) -> CountedRow {
    CountedRow {
        id: row.id,
        partner_id: row.partner_id,
        status: row.status.clone(),
        deal_size_minor: row.deal_size_minor,
        currency: row.currency.clone(),
        probability: row.probability,
        expected_close: row.expected_close,
        registered_on: row.registered_on,
        closed_on: row.closed_on,
        closed_amount_minor: row.closed_amount_minor,
        last_activity_at: row.last_activity_at,
        forecast_category: row.forecast_category.clone(),
        win_confirmed,
    }
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
/// The pipeline's rollups move from what the stored row added to what the new one adds.
pub async fn update(tx: &mut Write, row: &DealRow, read_change_no: i64) -> Result<()> {
    let Some(before) = get(tx, row.id)
        .await?
        .filter(|before| before.change_no == read_change_no)
    else {
        return Err(crate::Error::Changed("registration"));
    };
    #[derive(sqlx::FromRow)]
    struct Confirmed {
        n: i64,
    }
    let confirmed =
        tx.one::<Confirmed>(sql!(
            "SELECT COUNT(*) AS n FROM win_confirmations WHERE deal_id = $1",
            row.id
        ))
        .await?
        .n > 0;
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
        row.expected_close,
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
        row.registered_on,
        row.submitted_at,
        row.decision_due,
        row.decided_at,
        row.decided_by.as_ref(),
        &row.decision_note,
        row.protected_until,
        row.extensions_used,
        &row.extension_reason,
        row.last_warning,
        &row.conflict_verdict,
        &row.conflict_findings,
        &row.forecast_category,
        &row.next_action,
        row.next_action_on,
        &row.next_action_owner,
        &row.blockers,
        row.last_activity_at,
        row.closed_on,
        row.closed_amount_minor,
        row.change_no,
        row.updated_at,
        read_change_no,
    ))
    .await?;
    crate::changed_one(rows, "registration")?;
    crate::rollups::registrations_changed(
        tx,
        &[(
            Some(counted(&before, confirmed)),
            Some(counted(row, confirmed)),
        )],
    )
    .await
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
    /// Only registrations of partners like these.
    pub partners: DealPartners,
    /// Expected to close from the first day to the last (both inclusive).
    pub closing_between: Option<(Date, Date)>,
    /// A forecast category key.
    pub forecast_category: Option<String>,
    pub limit: i64,
}

/// Which partners' registrations to list: of this tier, this type, covering this region,
/// managed by this user, and only those in the program (neither archived nor exited) when
/// `in_program`, as the pipeline's open figures count them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DealPartners {
    pub tier: Option<String>,
    pub partner_type: Option<String>,
    pub region: Option<domain::partners::RegionFilter>,
    pub owner_id: Option<Uuid>,
    pub in_program: bool,
}

impl DealPartners {
    fn is_empty(&self) -> bool {
        *self == DealPartners::default()
    }

    /// ` AND partner_id IN (…)` of the partners these attributes pick.
    fn push(&self, query: &mut Sql) {
        if self.is_empty() {
            return;
        }
        query.push(" AND partner_id IN (SELECT p.id FROM partners p WHERE 1 = 1");
        if let Some(tier) = &self.tier {
            query.push(" AND p.tier = ").push_bind(tier.clone());
        }
        if let Some(partner_type) = &self.partner_type {
            query
                .push(" AND p.partner_type = ")
                .push_bind(partner_type.clone());
        }
        if let Some(regions) = &self.region {
            crate::partners::push_regions(query, regions);
        }
        if let Some(owner) = self.owner_id {
            query.push(" AND p.owner_id = ").push_bind(owner);
        }
        if self.in_program {
            query
                .push(" AND p.archived_at IS NULL AND p.stage <> ")
                .push_bind(domain::partners::LifecycleStage::Exited.to_string());
        }
        query.push(")");
    }
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
        query.push(
            " AND id IN (SELECT deal_id FROM escalation_cases WHERE deal_id IS NOT NULL \
             AND state NOT IN ('resolved', 'closed'))",
        );
    }
    filter.partners.push(&mut query);
    if let Some((first, last)) = filter.closing_between {
        query
            .push(" AND expected_close >= ")
            .push_bind(first)
            .push(" AND expected_close <= ")
            .push_bind(last);
    }
    if let Some(category) = &filter.forecast_category {
        query
            .push(" AND forecast_category = ")
            .push_bind(category.clone());
    }
    query
        .push(" ORDER BY id DESC LIMIT ")
        .push_bind(filter.limit);
    tx.all(query).await
}
