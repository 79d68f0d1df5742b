//! Meetings of the communication rhythm, their decisions and action items, and the read-only
//! queries their packs are made of (over registrations, leads, partners, onboarding items,
//! escalation cases and tier proposals; nothing here writes those). An action item is done
//! once: the UPDATE is conditional on it being open ([`crate::Error::Changed`] for the loser).

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The first instant after `day` (UTC): timestamps before it fall on or before `day`.
fn after(day: Date) -> OffsetDateTime {
    (day + time::Duration::DAY).midnight().assume_utc()
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: Uuid,
    /// weekly_standup, monthly_sync or quarterly_review
    pub kind: String,
    pub held_on: Date,
    pub created_by: Uuid,
    pub created_at: OffsetDateTime,
}

const MEETING_COLUMNS: &str =
    "SELECT id, kind, held_on, created_by, created_at FROM meetings WHERE 1 = 1";

/// Records the meeting unless one of its kind is held within its period (`first` to `last`,
/// both included): `false` then, and nothing written. The unique index on the kind and the
/// period (migration 0040) refuses the insert that raced past the check
/// ([`crate::Error::Duplicate`]).
pub async fn insert_meeting(
    tx: &mut Write,
    row: &MeetingRow,
    (first, last): (Date, Date),
    attendees: &[Uuid],
) -> Result<bool> {
    let inserted = tx
        .execute(sql!(
            "INSERT INTO meetings (id, kind, held_on, created_by, created_at) \
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM meetings \
             WHERE kind = $2 AND held_on >= $6 AND held_on <= $7)",
            row.id,
            &row.kind,
            row.held_on,
            row.created_by,
            row.created_at,
            first,
            last,
        ))
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    for user_id in attendees {
        tx.execute(sql!(
            "INSERT INTO meeting_attendees (meeting_id, user_id) VALUES ($1, $2)",
            row.id,
            *user_id
        ))
        .await?;
    }
    Ok(true)
}

pub async fn meeting(tx: &mut Read, id: Uuid) -> Result<Option<MeetingRow>> {
    let mut query = Sql::new(MEETING_COLUMNS);
    query.push(" AND id = ").push_bind(id);
    tx.optional(query).await
}

/// The meeting of `kind` held within `first` to `last` (a period), if one is.
pub async fn meeting_within(
    tx: &mut Read,
    kind: &str,
    first: Date,
    last: Date,
) -> Result<Option<MeetingRow>> {
    let mut query = Sql::new(MEETING_COLUMNS);
    query
        .push(" AND kind = ")
        .push_bind(kind.to_owned())
        .push(" AND held_on >= ")
        .push_bind(first)
        .push(" AND held_on <= ")
        .push_bind(last)
        .push(" ORDER BY id LIMIT 1");
    tx.optional(query).await
}

/// The meetings list's query: at most `limit` meetings (of `kind` if given), newest first
/// (by id: UUID v7), before `before`.
pub fn meetings_query(kind: Option<&str>, before: Option<Uuid>, limit: i64) -> Sql {
    let mut query = Sql::new(MEETING_COLUMNS);
    if let Some(kind) = kind {
        query.push(" AND kind = ").push_bind(kind.to_owned());
    }
    if let Some(before) = before {
        query.push(" AND id < ").push_bind(before);
    }
    query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
    query
}

pub async fn meetings(
    tx: &mut Read,
    kind: Option<&str>,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<MeetingRow>> {
    tx.all(meetings_query(kind, before, limit)).await
}

/// A person named on a meeting: an attendee, an owner.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
}

/// A meeting's attendees, by name.
pub async fn attendees(tx: &mut Read, meeting_id: Uuid) -> Result<Vec<PersonRow>> {
    tx.all(sql!(
        "SELECT u.id, u.name FROM meeting_attendees a JOIN users u ON u.id = a.user_id \
         WHERE a.meeting_id = $1 ORDER BY u.name, u.id",
        meeting_id
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub body: String,
    pub recorded_by: Uuid,
    pub recorded_at: OffsetDateTime,
}

pub async fn insert_decision(tx: &mut Write, row: &DecisionRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO meeting_decisions (id, meeting_id, body, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5)",
        row.id,
        row.meeting_id,
        &row.body,
        row.recorded_by,
        row.recorded_at,
    ))
    .await?;
    Ok(())
}

/// A decision with the name of who recorded it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionWithAuthor {
    pub id: Uuid,
    pub body: String,
    pub recorded_by: Uuid,
    pub recorded_by_name: String,
    pub recorded_at: OffsetDateTime,
}

pub async fn decisions(tx: &mut Read, meeting_id: Uuid) -> Result<Vec<DecisionWithAuthor>> {
    tx.all(sql!(
        "SELECT d.id, d.body, d.recorded_by, u.name AS recorded_by_name, d.recorded_at \
         FROM meeting_decisions d JOIN users u ON u.id = d.recorded_by \
         WHERE d.meeting_id = $1 ORDER BY d.recorded_at, d.id",
        meeting_id
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActionRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub body: String,
    pub owner_id: Uuid,
    pub due_on: Date,
    pub done_at: Option<OffsetDateTime>,
    pub done_by: Option<Uuid>,
    pub recorded_by: Uuid,
    pub recorded_at: OffsetDateTime,
}

pub async fn insert_action(tx: &mut Write, row: &ActionRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO meeting_actions (id, meeting_id, body, owner_id, due_on, done_at, done_by, \
         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        row.id,
        row.meeting_id,
        &row.body,
        row.owner_id,
        row.due_on,
        row.done_at,
        row.done_by,
        row.recorded_by,
        row.recorded_at,
    ))
    .await?;
    Ok(())
}

/// An action item with its owner's name and the meeting that recorded it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActionWithOwner {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub meeting_kind: String,
    pub meeting_held_on: Date,
    pub body: String,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub due_on: Date,
    pub done_at: Option<OffsetDateTime>,
}

const ACTION_COLUMNS: &str = "SELECT a.id, a.meeting_id, m.kind AS meeting_kind, \
     m.held_on AS meeting_held_on, a.body, a.owner_id, u.name AS owner_name, a.due_on, a.done_at \
     FROM meeting_actions a JOIN meetings m ON m.id = a.meeting_id \
     JOIN users u ON u.id = a.owner_id WHERE 1 = 1";

pub async fn actions(tx: &mut Read, meeting_id: Uuid) -> Result<Vec<ActionWithOwner>> {
    let mut query = Sql::new(ACTION_COLUMNS);
    query.push(" AND a.meeting_id = ").push_bind(meeting_id);
    query.push(" ORDER BY a.recorded_at, a.id");
    tx.all(query).await
}

pub async fn action(tx: &mut Read, id: Uuid) -> Result<Option<ActionWithOwner>> {
    let mut query = Sql::new(ACTION_COLUMNS);
    query.push(" AND a.id = ").push_bind(id);
    tx.optional(query).await
}

/// The action items that may come up again at a meeting of `kind` whose period begins on
/// `period_first`: those of earlier meetings of the kind, still open or done on or after
/// `period_first` (the carry-over rule, `domain::rhythm::carried_over`, settles which).
pub async fn carry_over_candidates(
    tx: &mut Read,
    kind: &str,
    period_first: Date,
) -> Result<Vec<ActionWithOwner>> {
    let mut query = Sql::new(ACTION_COLUMNS);
    query
        .push(" AND m.kind = ")
        .push_bind(kind.to_owned())
        .push(" AND m.held_on < ")
        .push_bind(period_first)
        .push(" AND (a.done_at IS NULL OR a.done_at >= ")
        .push_bind(period_first.midnight().assume_utc())
        .push(") ORDER BY a.due_on, a.id");
    tx.all(query).await
}

/// Ticks an action item of the meeting done, once: [`crate::Error::Changed`] when it already
/// was (or is no item of that meeting).
pub async fn mark_action_done(
    tx: &mut Write,
    meeting_id: Uuid,
    id: Uuid,
    by: Uuid,
    at: OffsetDateTime,
) -> Result<()> {
    let rows = tx
        .execute(sql!(
            "UPDATE meeting_actions SET done_at = $3, done_by = $4 \
             WHERE id = $1 AND meeting_id = $2 AND done_at IS NULL",
            id,
            meeting_id,
            at,
            by
        ))
        .await?;
    crate::changed_one(rows, "action item")
}

/// A deal in flight: submitted or approved, not closed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FlightRow {
    pub id: Uuid,
    pub reference: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub customer_name: String,
    pub status: String,
    pub registered_on: Date,
    pub last_activity_at: Option<OffsetDateTime>,
}

/// Registrations in `statuses` registered on or before `as_of`, oldest first.
pub async fn deals_in_flight(
    tx: &mut Read,
    statuses: &[&str],
    as_of: Date,
) -> Result<Vec<FlightRow>> {
    let mut query = sql!(
        "SELECT d.id, d.reference, d.partner_id, p.display_name AS partner_name, \
         d.customer_name, d.status, d.registered_on, d.last_activity_at \
         FROM deal_registrations d JOIN partners p ON p.id = d.partner_id \
         WHERE d.registered_on <= $1 AND d.status IN ",
        as_of
    );
    query.push_bind_list(statuses.iter().copied());
    query.push(" ORDER BY d.registered_on, d.number");
    tx.all(query).await
}

/// Something overdue on the standup's agenda: an onboarding item or a remediation action.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OverdueRow {
    pub id: Uuid,
    /// The record the line links to: the partner (onboarding) or the escalation case.
    pub record_id: Uuid,
    /// The escalation case's number; 0 for onboarding items.
    pub number: i64,
    pub partner_name: String,
    pub title: String,
    pub due_on: Date,
}

/// Onboarding items created by the end of `as_of`, due before it and not done by its end, of
/// partners not archived: a past period's pack lists nothing created after it.
pub async fn overdue_onboarding(tx: &mut Read, as_of: Date) -> Result<Vec<OverdueRow>> {
    tx.all(sql!(
        "SELECT i.id, i.partner_id AS record_id, CAST(0 AS BIGINT) AS number, \
         p.display_name AS partner_name, i.title, i.due_on \
         FROM onboarding_items i JOIN partners p ON p.id = i.partner_id \
         WHERE p.archived_at IS NULL AND i.due_on < $1 AND i.created_at < $2 \
         AND (i.done_at IS NULL OR i.done_at >= $2) ORDER BY i.due_on, i.id",
        as_of,
        after(as_of)
    ))
    .await
}

/// Escalation cases' remediation actions recorded by the end of `as_of`, due before it and
/// not done by its end.
pub async fn overdue_remediation(tx: &mut Read, as_of: Date) -> Result<Vec<OverdueRow>> {
    tx.all(sql!(
        "SELECT e.id, e.case_id AS record_id, c.number, p.display_name AS partner_name, \
         e.body AS title, e.due_on \
         FROM escalation_entries e JOIN escalation_cases c ON c.id = e.case_id \
         JOIN partners p ON p.id = c.partner_id \
         WHERE e.kind = 'remediation' AND e.due_on < $1 AND e.at < $2 \
         AND (e.done_at IS NULL OR e.done_at >= $2) ORDER BY e.due_on, e.id",
        as_of,
        after(as_of)
    ))
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct LeadCounts {
    pub submitted: i64,
    pub accepted: i64,
}

/// Leads partners submitted from `first` to `last`, and how many of them were accepted.
pub async fn lead_counts(tx: &mut Read, first: Date, last: Date) -> Result<LeadCounts> {
    tx.one(sql!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS submitted, \
         CAST(COALESCE(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         AS accepted FROM leads WHERE created_at >= $1 AND created_at < $2",
        first.midnight().assume_utc(),
        after(last)
    ))
    .await
}

/// A registration won in a period, for its velocity.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WonRow {
    pub id: Uuid,
    pub reference: String,
    pub partner_name: String,
    pub customer_name: String,
    pub registered_on: Date,
    pub closed_on: Date,
}

pub async fn won_between(tx: &mut Read, first: Date, last: Date) -> Result<Vec<WonRow>> {
    tx.all(sql!(
        "SELECT d.id, d.reference, p.display_name AS partner_name, d.customer_name, \
         d.registered_on, d.closed_on FROM deal_registrations d \
         JOIN partners p ON p.id = d.partner_id \
         WHERE d.status = 'won' AND d.closed_on >= $1 AND d.closed_on <= $2 \
         ORDER BY d.closed_on, d.number",
        first,
        last
    ))
    .await
}

/// A partner archived in a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChurnRow {
    pub id: Uuid,
    pub display_name: String,
    pub archived_at: OffsetDateTime,
}

pub async fn archived_between(tx: &mut Read, first: Date, last: Date) -> Result<Vec<ChurnRow>> {
    tx.all(sql!(
        "SELECT id, display_name, archived_at FROM partners \
         WHERE archived_at >= $1 AND archived_at < $2 ORDER BY archived_at, id",
        first.midnight().assume_utc(),
        after(last)
    ))
    .await
}

/// A tier move decided in a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TierMoveRow {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub from_tier: String,
    pub to_tier: String,
    pub decided_at: OffsetDateTime,
}

/// Tier proposals approved or overridden from `first` to `last` that changed the tier.
pub async fn tier_moves_between(
    tx: &mut Read,
    first: Date,
    last: Date,
) -> Result<Vec<TierMoveRow>> {
    tx.all(sql!(
        "SELECT t.partner_id, p.display_name AS partner_name, t.from_tier, \
         COALESCE(t.final_tier, t.to_tier) AS to_tier, t.decided_at \
         FROM tier_proposals t JOIN partners p ON p.id = t.partner_id \
         WHERE t.status IN ('approved', 'overridden') AND t.decided_at >= $1 \
         AND t.decided_at < $2 AND COALESCE(t.final_tier, t.to_tier) <> t.from_tier \
         ORDER BY t.decided_at, t.id",
        first.midnight().assume_utc(),
        after(last)
    ))
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyCount {
    pub key: String,
    pub n: i64,
}

/// Escalation cases submitted from `from` up to (not including) `until`, per category: the
/// bounds the escalation list's quarter filter uses, so a count and its list agree.
pub async fn escalations_raised_by_category(
    tx: &mut Read,
    from: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Vec<KeyCount>> {
    tx.all(sql!(
        "SELECT category AS key, CAST(COUNT(*) AS BIGINT) AS n FROM escalation_cases \
         WHERE created_at >= $1 AND created_at < $2 GROUP BY category ORDER BY category",
        from,
        until
    ))
    .await
}

/// An escalation case opened before a period's end, with the state its log last entered
/// before that end (None: none yet, the case was still as opened).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseAtEnd {
    pub urgency: String,
    pub state_at_end: Option<String>,
}

/// Every escalation case opened before the end of `last` (UTC), with its state then, read
/// from its log of state changes (the state a case holds now may be later than the period).
pub async fn cases_at_end(tx: &mut Read, last: Date) -> Result<Vec<CaseAtEnd>> {
    tx.all(sql!(
        "SELECT c.urgency, (SELECT e.state FROM escalation_entries e \
         WHERE e.case_id = c.id AND e.kind = 'state_change' AND e.at < $1 \
         ORDER BY e.at DESC, e.id DESC LIMIT 1) AS state_at_end \
         FROM escalation_cases c WHERE c.created_at < $1 ORDER BY c.id",
        after(last)
    ))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{BACKENDS, TestDb};
    use crate::users;
    use time::macros::{date, datetime};

    /// Migration 0040 folds meetings recorded twice for a period into the first (attendees,
    /// decisions and action items move to it), then refuses a second one of a period even
    /// from an insert that skips the check.
    #[tokio::test]
    async fn meetings_of_one_period_fold_into_the_first_on_both_backends() {
        for backend in BACKENDS {
            let test = TestDb::before_migration(backend, 40).await;
            let mut write = test.db.write().await.unwrap();
            let (ana, bo) = (Uuid::now_v7(), Uuid::now_v7());
            for (id, email) in [(ana, "ana@test.example"), (bo, "bo@test.example")] {
                let user = users::NewUserRow {
                    id,
                    email,
                    name: email,
                    role: domain::roles::Role::Admin,
                    partner_id: None,
                    password_hash: "-",
                };
                users::insert(&mut write, &user, crate::now())
                    .await
                    .unwrap();
            }
            let at = datetime!(2026-12-01 09:00 UTC);
            // 2026-11-30 is a Monday: the first two are one week; 2026-12-07 the next.
            let held = [
                ("weekly_standup", date!(2026 - 11 - 30)),
                ("weekly_standup", date!(2026 - 12 - 06)),
                ("weekly_standup", date!(2026 - 12 - 07)),
                ("monthly_sync", date!(2026 - 11 - 03)),
                ("quarterly_review", date!(2026 - 10 - 01)),
                ("quarterly_review", date!(2026 - 12 - 31)),
            ];
            let mut ids = Vec::new();
            for (kind, day) in held {
                let row = MeetingRow {
                    id: Uuid::now_v7(),
                    kind: kind.into(),
                    held_on: day,
                    created_by: ana,
                    created_at: at,
                };
                let attendees = if ids.len() == 1 {
                    vec![ana, bo]
                } else {
                    vec![ana]
                };
                assert!(
                    insert_meeting(&mut write, &row, (day, day), &attendees)
                        .await
                        .unwrap()
                );
                ids.push(row.id);
            }
            let decision = DecisionRow {
                id: Uuid::now_v7(),
                meeting_id: ids[1],
                body: "Bravo joins the pilot".into(),
                recorded_by: bo,
                recorded_at: at,
            };
            insert_decision(&mut write, &decision).await.unwrap();
            let action = ActionRow {
                id: Uuid::now_v7(),
                meeting_id: ids[5],
                body: "Send the review".into(),
                owner_id: ana,
                due_on: date!(2027 - 01 - 08),
                done_at: None,
                done_by: None,
                recorded_by: ana,
                recorded_at: at,
            };
            insert_action(&mut write, &action).await.unwrap();
            write.commit().await.unwrap();

            test.db.migrate().await.unwrap();

            let mut read = test.db.read().await.unwrap();
            let mut left: Vec<Uuid> = meetings(&mut read, None, None, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.id)
                .collect();
            left.sort();
            assert_eq!(left, [ids[0], ids[2], ids[3], ids[4]], "{backend:?}");
            let people: Vec<Uuid> = attendees(&mut read, ids[0])
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect();
            assert_eq!(people, [ana, bo], "{backend:?}");
            let moved = decisions(&mut read, ids[0]).await.unwrap();
            assert_eq!(moved.len(), 1, "{backend:?}");
            assert_eq!(moved[0].body, "Bravo joins the pilot");
            let moved = actions(&mut read, ids[4]).await.unwrap();
            assert_eq!(moved.len(), 1, "{backend:?}");
            drop(read);

            // The index refuses what a check would have caught: Wednesday of the first week.
            let mut write = test.db.write().await.unwrap();
            let day = date!(2026 - 12 - 02);
            let again = MeetingRow {
                id: Uuid::now_v7(),
                kind: "weekly_standup".into(),
                held_on: day,
                created_by: ana,
                created_at: at,
            };
            let err = insert_meeting(&mut write, &again, (day, day), &[ana])
                .await
                .unwrap_err();
            assert!(
                matches!(err, crate::Error::Duplicate(_)),
                "{backend:?} {err:?}"
            );
        }
    }
}
