//! What partners' scorecards and health scores read, for one partner or a chunk of them
//! through the partner indexes (registrations, their activities, leads, people, 3C/4C
//! commitments, onboarding items), and the health history (`partner_health`).

use crate::{Arg, Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One registration as the scorecard reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DealFactsRow {
    pub partner_id: Uuid,
    pub status: String,
    pub registered_on: Date,
    pub deal_size_minor: i64,
    pub currency: String,
    pub decided_at: Option<OffsetDateTime>,
    pub closed_on: Option<Date>,
    pub closed_amount_minor: Option<i64>,
    pub protected_until: Option<Date>,
    /// One of ours confirmed the win.
    pub win_confirmed: bool,
    /// It has the activity the co-sell policy asks before a win earns credit.
    pub credited: bool,
}

/// Partners read per query by the readers below (bound parameters stay far below both
/// backends' limits).
pub const PARTNERS_PER_READ: usize = 500;

/// `head` for the partners `ids` (at most [`PARTNERS_PER_READ`]): `head` ends with the
/// partner column to compare.
fn of_partners(head: &'static str, ids: &[Uuid]) -> Sql {
    let mut query = Sql::new(head);
    query.push(" IN ").push_bind_list(ids.iter().copied());
    query
}

/// The registrations of the partners `ids` (through `deal_registrations_partner`).
pub async fn deals(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<DealFactsRow>> {
    tx.all(deals_query(ids)).await
}

/// The statement of [`deals`] (its plan is checked in `crate::plans`).
pub(crate) fn deals_query(ids: &[Uuid]) -> Sql {
    let mut query = Sql::new(
        "SELECT d.partner_id, d.status, d.registered_on, d.deal_size_minor, d.currency, \
         d.decided_at, d.closed_on, d.closed_amount_minor, d.protected_until, \
         EXISTS (SELECT 1 FROM win_confirmations w WHERE w.deal_id = d.id) AS win_confirmed, ",
    );
    query
        .push(crate::deals::CREDITED_ACTIVITY)
        .push(" AS credited FROM deal_registrations d WHERE d.partner_id IN ")
        .push_bind_list(ids.iter().copied());
    query
}

/// An activity logged on one of a partner's registrations.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityFactsRow {
    pub partner_id: Uuid,
    pub occurred_on: Date,
    pub kind: String,
    pub joint: bool,
    pub by_partner: bool,
    pub confirmed: bool,
}

pub async fn activities(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<ActivityFactsRow>> {
    tx.all(activities_query(ids)).await
}

/// The statement of [`activities`] (its plan is checked in `crate::plans`).
pub(crate) fn activities_query(ids: &[Uuid]) -> Sql {
    of_partners(
        "SELECT d.partner_id, a.occurred_on, a.kind, a.joint, a.by_partner, \
         a.confirmed_by IS NOT NULL AS confirmed \
         FROM deal_activities a JOIN deal_registrations d ON d.id = a.deal_id WHERE d.partner_id",
        ids,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeadFactsRow {
    pub partner_id: Uuid,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
}

pub async fn leads(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<LeadFactsRow>> {
    tx.all(leads_query(ids)).await
}

/// The statement of [`leads`] (its plan is checked in `crate::plans`).
pub(crate) fn leads_query(ids: &[Uuid]) -> Sql {
    of_partners(
        "SELECT partner_id, status, created_at, decided_at FROM leads WHERE partner_id",
        ids,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRow {
    pub partner_id: Uuid,
    pub archived_at: Option<OffsetDateTime>,
}

/// The partners' people (contacts), with the moment each left.
pub async fn people(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<PersonRow>> {
    tx.all(of_partners(
        "SELECT partner_id, archived_at FROM contacts WHERE partner_id",
        ids,
    ))
    .await
}

/// A 3C/4C evaluation's commitment, as the scorecard reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommitmentRow {
    pub partner_id: Uuid,
    pub commitment: i64,
    pub band: String,
    pub created_at: OffsetDateTime,
}

/// The partners' 3C/4C evaluations, newest first; only the shared ones when `shared_only`.
pub async fn commitments(
    tx: &mut Read,
    ids: &[Uuid],
    shared_only: bool,
) -> Result<Vec<CommitmentRow>> {
    let mut query = of_partners(
        "SELECT partner_id, commitment, band, created_at FROM evaluations_3c4c WHERE partner_id",
        ids,
    );
    if shared_only {
        query.push(" AND shared = ").push_bind(true);
    }
    query.push(" ORDER BY created_at DESC, id DESC");
    tx.all(query).await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OnboardingFactsRow {
    pub partner_id: Uuid,
    pub title: String,
    pub due_on: Date,
    pub done_at: Option<OffsetDateTime>,
}

/// The partners' onboarding items, by day due.
pub async fn onboarding(tx: &mut Read, ids: &[Uuid]) -> Result<Vec<OnboardingFactsRow>> {
    let mut query = of_partners(
        "SELECT partner_id, title, due_on, done_at FROM onboarding_items WHERE partner_id",
        ids,
    );
    query.push(" ORDER BY due_on, key");
    tx.all(query).await
}

/// A partner's health on one day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HealthRow {
    pub partner_id: Uuid,
    pub computed_on: Date,
    pub score: Option<i64>,
    pub band: Option<String>,
    /// JSON.
    pub components: String,
    /// JSON.
    pub flags: String,
    pub program_version: i64,
    pub created_at: OffsetDateTime,
}

const HEALTH_COLUMNS: &str = "h.partner_id, h.computed_on, h.score, h.band, h.components, h.flags, h.program_version, h.created_at";

/// Records a day's health unless that partner has one for that day; whether it did.
pub async fn insert_health(tx: &mut Write, row: &HealthRow) -> Result<bool> {
    let inserted = tx
        .execute(sql!(
            "INSERT INTO partner_health (partner_id, computed_on, score, band, components, flags, \
             program_version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (partner_id, computed_on) DO NOTHING",
            row.partner_id,
            row.computed_on,
            row.score,
            row.band.as_ref(),
            &row.components,
            &row.flags,
            row.program_version,
            row.created_at,
        ))
        .await?;
    Ok(inserted == 1)
}

/// A partner's health history, newest first, before the day `before`.
pub async fn history(
    tx: &mut Read,
    partner_id: Uuid,
    before: Option<Date>,
    limit: i64,
) -> Result<Vec<HealthRow>> {
    let mut query = Sql::new("SELECT ");
    query
        .push(HEALTH_COLUMNS)
        .push(" FROM partner_health h WHERE h.partner_id = ")
        .push_bind(partner_id);
    if let Some(day) = before {
        query.push(" AND h.computed_on < ").push_bind(day);
    }
    query
        .push(" ORDER BY h.computed_on DESC LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// The day of the latest run, if any.
pub async fn latest_day(tx: &mut Read) -> Result<Option<Date>> {
    #[derive(sqlx::FromRow)]
    struct Day {
        day: Option<Date>,
    }
    let row: Day = tx
        .one(Sql::new(
            "SELECT MAX(computed_on) AS day FROM partner_health",
        ))
        .await?;
    Ok(row.day)
}

/// A partner's health in a run, with its name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LatestRow {
    #[sqlx(flatten)]
    pub health: HealthRow,
    pub display_name: String,
    pub tier: String,
}

/// The scored partners of the run on `day`, with their names.
fn scored(day: Date) -> Sql {
    let mut query = Sql::new("SELECT ");
    query
        .push(HEALTH_COLUMNS)
        .push(
            ", p.display_name, p.tier FROM partner_health h JOIN partners p ON p.id = h.partner_id \
             WHERE h.score IS NOT NULL AND h.computed_on = ",
        )
        .push_bind(day);
    query
}

/// The scored partners of the run on `day`, lowest score first (then by id), after
/// (score, id); only those in `band` when given.
pub async fn scored_on(
    tx: &mut Read,
    day: Date,
    band: Option<&str>,
    after: Option<(i64, Uuid)>,
    limit: i64,
) -> Result<Vec<LatestRow>> {
    let mut query = scored(day);
    if let Some(band) = band {
        query.push(" AND h.band = ").push_bind(band.to_owned());
    }
    if let Some((score, id)) = after {
        query
            .push(" AND (h.score, h.partner_id) > ")
            .push_bind_list::<Arg>([score.into(), id.into()]);
    }
    query
        .push(" ORDER BY h.score, h.partner_id LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

/// The partners of the run on `day` in `bands`, worst first (by score, then id), at most
/// `limit`; only those `owner` owns when given (through `partner_health_day`).
pub async fn worst_on(
    tx: &mut Read,
    day: Date,
    bands: &[&str],
    owner: Option<Uuid>,
    limit: i64,
) -> Result<Vec<LatestRow>> {
    let mut query = scored(day);
    query
        .push(" AND h.band IN ")
        .push_bind_list(bands.iter().copied());
    if let Some(owner) = owner {
        query.push(" AND p.owner_id = ").push_bind(owner);
    }
    query
        .push(" ORDER BY h.score, h.partner_id LIMIT ")
        .push_bind(limit);
    tx.all(query).await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BandCount {
    /// None: partners no component had data for.
    pub band: Option<String>,
    pub partners: i64,
}

/// How many partners each band held in the run on `day`.
pub async fn band_counts(tx: &mut Read, day: Date) -> Result<Vec<BandCount>> {
    tx.all(sql!(
        "SELECT band, COUNT(*) AS partners FROM partner_health WHERE computed_on = $1 GROUP BY band ORDER BY band",
        day
    ))
    .await
}
