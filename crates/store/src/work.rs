//! Work items and their comments. Every change of an item row is conditional on what was
//! read ([`crate::Error::Changed`] for the loser of a race): closing on its being open,
//! taking on its having no assignee, assigning on its version, warning on the warning sent.
//! "My work" also reads, never writes, what other features keep: onboarding items' days,
//! meetings' action items and escalation cases' remediation actions (one source per fact).

use crate::{Read, Result, Sql, Write, sql};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub id: Uuid,
    /// onboarding, deal_registration or lead_handoff
    pub kind: String,
    /// The onboarding item, registration or lead the work is about.
    pub source_id: Uuid,
    pub partner_id: Uuid,
    pub title: String,
    /// The queue: a RACI team key.
    pub team: String,
    pub assignee_id: Option<Uuid>,
    /// The last SLA warning sent: none, due_soon or breached.
    pub warned: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub closed_at: Option<OffsetDateTime>,
    pub closed_by: Option<String>,
}

const ITEM: &str = "SELECT id, kind, source_id, partner_id, title, team, assignee_id, warned, \
     version, created_at, closed_at, closed_by FROM work_items";

pub async fn insert(tx: &mut Write, row: &ItemRow) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO work_items (id, kind, source_id, partner_id, title, team, assignee_id, \
         warned, version, created_at, closed_at, closed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        row.id,
        &row.kind,
        row.source_id,
        row.partner_id,
        &row.title,
        &row.team,
        row.assignee_id,
        &row.warned,
        row.version,
        row.created_at,
        row.closed_at,
        row.closed_by.as_ref(),
    ))
    .await?;
    Ok(())
}

pub async fn get(tx: &mut Read, id: Uuid) -> Result<Option<ItemRow>> {
    let mut query = Sql::new(ITEM);
    query.push(" WHERE id = ").push_bind(id);
    tx.optional(query).await
}

/// Closes the open item about `source_id`; false when there is none (the source was
/// finished before, or began before work items were kept).
pub async fn close_for_source(
    tx: &mut Write,
    kind: &str,
    source_id: Uuid,
    at: OffsetDateTime,
    by: &str,
) -> Result<bool> {
    let rows = tx
        .execute(sql!(
            "UPDATE work_items SET closed_at = $3, closed_by = $4, version = version + 1 \
             WHERE kind = $1 AND source_id = $2 AND closed_at IS NULL",
            kind,
            source_id,
            at,
            by,
        ))
        .await?;
    Ok(rows == 1)
}

/// Gives the open item read at `version` to `assignee`; `unassigned_only` for a member
/// taking it (the loser of two takers finds it taken).
pub async fn assign(
    tx: &mut Write,
    id: Uuid,
    version: i64,
    assignee: Uuid,
    unassigned_only: bool,
) -> Result<()> {
    let rows = if unassigned_only {
        tx.execute(sql!(
            "UPDATE work_items SET assignee_id = $2, version = version + 1 \
             WHERE id = $1 AND version = $3 AND closed_at IS NULL AND assignee_id IS NULL",
            id,
            assignee,
            version,
        ))
        .await?
    } else {
        tx.execute(sql!(
            "UPDATE work_items SET assignee_id = $2, version = version + 1 \
             WHERE id = $1 AND version = $3 AND closed_at IS NULL",
            id,
            assignee,
            version,
        ))
        .await?
    };
    crate::changed_one(rows, "work item")
}

/// Records that the warning `to` was sent, provided the last one was `from`; false when a
/// sweep running beside this one recorded it first (it sends, this one does not).
pub async fn set_warned(tx: &mut Write, id: Uuid, from: &str, to: &str) -> Result<bool> {
    let rows = tx
        .execute(sql!(
            "UPDATE work_items SET warned = $3 \
             WHERE id = $1 AND warned = $2 AND closed_at IS NULL",
            id,
            from,
            to,
        ))
        .await?;
    Ok(rows == 1)
}

/// Every open item in one of `teams` or assigned to `user` ("My work"); sorted by the
/// caller, whose order (the SLA's due instant) SQL does not know.
pub async fn open_for(tx: &mut Read, user: Uuid, teams: &[String]) -> Result<Vec<ItemRow>> {
    tx.all(open_for_query(user, teams)).await
}

pub(crate) fn open_for_query(user: Uuid, teams: &[String]) -> Sql {
    // Two reads joined, each through its own partial index (SQLite plans an OR of the two
    // as a scan); UNION drops the items both find.
    let mut query = Sql::new(ITEM);
    query
        .push(" WHERE closed_at IS NULL AND assignee_id = ")
        .push_bind(user);
    if !teams.is_empty() {
        query
            .push(" UNION ")
            .push(ITEM)
            .push(" WHERE closed_at IS NULL AND team IN ")
            .push_bind_list(teams.iter().map(String::as_str));
    }
    query
}

/// Open items a sweep may still warn about (every one but those warned of their breach),
/// after `after` in id order, at most `limit`.
pub async fn to_warn_batch(tx: &mut Read, after: Option<Uuid>, limit: i64) -> Result<Vec<ItemRow>> {
    tx.all(to_warn_batch_query(after, limit)).await
}

pub(crate) fn to_warn_batch_query(after: Option<Uuid>, limit: i64) -> Sql {
    let mut query = Sql::new(ITEM);
    query.push(" WHERE closed_at IS NULL AND warned <> 'breached'");
    if let Some(after) = after {
        query.push(" AND id > ").push_bind(after);
    }
    query.push(" ORDER BY id LIMIT ").push_bind(limit);
    query
}

/// How many open items each team's queue holds (only `team`'s when given), per team; a
/// team with none is left out. The team pages and the stakeholder map both count this way.
pub async fn open_counts(
    tx: &mut Read,
    team: Option<&str>,
) -> Result<Vec<crate::teams::TeamCount>> {
    let mut query = Sql::new(
        "SELECT team, CAST(COUNT(*) AS BIGINT) AS open FROM work_items WHERE closed_at IS NULL",
    );
    if let Some(team) = team {
        query.push(" AND team = ").push_bind(team.to_owned());
    }
    query.push(" GROUP BY team ORDER BY team");
    tx.all(query).await
}

/// The due days of onboarding items (the sources of onboarding work), by item id; read a
/// thousand ids at a time, as a queue of any size stays under both backends' bind limits.
pub async fn onboarding_days(tx: &mut Read, item_ids: &[Uuid]) -> Result<Vec<(Uuid, Date)>> {
    let mut days = Vec::with_capacity(item_ids.len());
    for chunk in item_ids.chunks(1_000) {
        let mut query = Sql::new("SELECT id, due_on FROM onboarding_items WHERE id IN ");
        query.push_bind_list(chunk.iter().copied());
        days.extend(tx.all::<(Uuid, Date)>(query).await?);
    }
    Ok(days)
}

/// A meeting's action item not yet done, with the meeting it was recorded at.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenActionRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// weekly_standup, monthly_sync or quarterly_review
    pub meeting_kind: String,
    pub held_on: Date,
    pub body: String,
    pub due_on: Date,
    pub recorded_at: OffsetDateTime,
}

/// The action items `owner` has not done, of every meeting.
pub async fn open_actions_of(tx: &mut Read, owner: Uuid) -> Result<Vec<OpenActionRow>> {
    tx.all(open_actions_of_query(owner)).await
}

pub(crate) fn open_actions_of_query(owner: Uuid) -> Sql {
    sql!(
        "SELECT a.id, a.meeting_id, m.kind AS meeting_kind, m.held_on, a.body, a.due_on, \
         a.recorded_at FROM meeting_actions a JOIN meetings m ON m.id = a.meeting_id \
         WHERE a.owner_id = $1 AND a.done_at IS NULL",
        owner
    )
}

/// A remediation action not yet done of an escalation case that is not closed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenRemediationRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub number: i64,
    pub partner_id: Uuid,
    pub body: String,
    pub due_on: Option<Date>,
    pub at: OffsetDateTime,
}

/// The open remediation actions of the open cases `owner` owns: the case's owner sees its
/// actions through.
pub async fn open_remediation_of(tx: &mut Read, owner: Uuid) -> Result<Vec<OpenRemediationRow>> {
    tx.all(open_remediation_of_query(owner)).await
}

pub(crate) fn open_remediation_of_query(owner: Uuid) -> Sql {
    sql!(
        "SELECT e.id, e.case_id, c.number, c.partner_id, e.body, e.due_on, e.at \
         FROM escalation_cases c JOIN escalation_entries e ON e.case_id = c.id \
         WHERE c.owner_id = $1 AND c.state <> 'closed' \
         AND e.kind = 'remediation' AND e.done_at IS NULL",
        owner
    )
}

/// The cases neither resolved nor closed that `owner` owns (through the partial index
/// `escalation_cases_open_owner`, whose `state <> 'closed'` the query repeats literally).
pub async fn open_cases_of(tx: &mut Read, owner: Uuid) -> Result<Vec<crate::escalations::CaseRow>> {
    tx.all(open_cases_of_query(owner)).await
}

pub(crate) fn open_cases_of_query(owner: Uuid) -> Sql {
    let mut query = Sql::new(crate::escalations::CASE_COLUMNS);
    query
        .push(" AND state <> 'closed' AND state <> 'resolved' AND owner_id = ")
        .push_bind(owner);
    query
}

/// The cases not yet resolved or closed that the escalation ladder brought to `user`: those
/// with a step that reached them (`escalation_step_reached`, written with the step), oldest
/// first.
pub async fn escalated_to(tx: &mut Read, user: Uuid) -> Result<Vec<crate::escalations::CaseRow>> {
    tx.all(escalated_to_query(user)).await
}

pub(crate) fn escalated_to_query(user: Uuid) -> Sql {
    let mut query = Sql::new(crate::escalations::CASE_COLUMNS);
    query
        .push(
            " AND state NOT IN ('resolved', 'closed') AND id IN (SELECT e.case_id \
             FROM escalation_step_reached r JOIN escalation_entries e ON e.id = r.entry_id \
             WHERE r.user_id = ",
        )
        .push_bind(user)
        .push(") ORDER BY id");
    query
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentRow {
    pub id: Uuid,
    pub item_id: Uuid,
    pub author_id: Uuid,
    pub author: String,
    pub body: String,
    pub at: OffsetDateTime,
}

pub async fn insert_comment(
    tx: &mut Write,
    item_id: Uuid,
    author_id: Uuid,
    body: &str,
    at: OffsetDateTime,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    tx.execute(sql!(
        "INSERT INTO work_item_comments (id, item_id, author_id, body, at) \
         VALUES ($1, $2, $3, $4, $5)",
        id,
        item_id,
        author_id,
        body,
        at,
    ))
    .await?;
    Ok(id)
}

/// An item's comments, oldest first, with their authors' names.
pub async fn comments(tx: &mut Read, item_id: Uuid) -> Result<Vec<CommentRow>> {
    let mut query = Sql::new(
        "SELECT c.id, c.item_id, c.author_id, u.name AS author, c.body, c.at \
         FROM work_item_comments c JOIN users u ON u.id = c.author_id WHERE c.item_id = ",
    );
    query.push_bind(item_id).push(" ORDER BY c.id");
    tx.all(query).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escalations::{self, CaseRow, EntryRow};
    use crate::testing::{BACKENDS, TestDb};
    use crate::{Db, rollups, users};
    use time::macros::{date, datetime};

    /// Our people `names` (administrators) and a partner: (partner, people).
    async fn people(db: &Db, names: &[&str]) -> (Uuid, Vec<Uuid>) {
        let partner = rollups::tests::partner(db, "Northwind").await;
        let mut write = db.write().await.unwrap();
        let mut ids = Vec::new();
        for name in names {
            let id = Uuid::now_v7();
            let email = format!("{name}@vendor.test");
            let user = users::NewUserRow {
                id,
                email: &email,
                name,
                role: domain::roles::Role::Admin,
                partner_id: None,
                password_hash: "-",
            };
            users::insert(&mut write, &user, crate::now())
                .await
                .unwrap();
            ids.push(id);
        }
        write.commit().await.unwrap();
        (partner, ids)
    }

    /// Case number `number` of `partner`, in `state`, owned by `owner`.
    async fn case(tx: &mut Write, partner: Uuid, owner: Uuid, number: i64, state: &str) -> Uuid {
        let at = datetime!(2026-10-01 09:00 UTC);
        let row = CaseRow {
            id: Uuid::now_v7(),
            number,
            partner_id: partner,
            submitted_by: owner,
            owner_id: Some(owner),
            issue: "Sync fails".into(),
            category: "technical".into(),
            urgency: "p3".into(),
            occurred_on: date!(2026 - 10 - 01),
            state: state.into(),
            version: 1,
            created_at: at,
            updated_at: at,
            deal_id: None,
            conflict_outcome: None,
        };
        escalations::insert_case(tx, &row).await.unwrap();
        row.id
    }

    /// A log entry of `case`, written by the system at `at`.
    fn entry(case_id: Uuid, kind: &str, body: &str, at: OffsetDateTime) -> EntryRow {
        EntryRow {
            id: Uuid::now_v7(),
            case_id,
            kind: kind.into(),
            body: body.into(),
            state: None,
            due_on: None,
            done_at: None,
            author_id: None,
            visible_to_partner: true,
            at,
            sweep_mark: None,
        }
    }

    async fn notice(tx: &mut Write, to: Uuid, message: &str, case: Uuid, at: OffsetDateTime) {
        let link = format!("/escalations/{case}");
        let notification = crate::notifications::NewNotification {
            partner_id: None,
            kind: "escalation",
            message,
            link: &link,
        };
        crate::notifications::insert_many(tx, &[(to, &notification)], at)
            .await
            .unwrap();
    }

    fn ids(cases: &[CaseRow]) -> Vec<Uuid> {
        cases.iter().map(|c| c.id).collect()
    }

    /// Migration 0043 reads whom the steps taken so far reached from the notices the sweep
    /// sent with them (its wording, linked to the case, at the step's instant); from then on
    /// "escalated to me" reads that record, whatever becomes of the notices.
    #[tokio::test]
    async fn the_steps_taken_so_far_keep_whom_they_reached_on_both_backends() {
        for backend in BACKENDS {
            let test = TestDb::before_migration(backend, 43).await;
            let (partner, who) = people(&test.db, &["owner", "una", "vic", "wes"]).await;
            let (owner, una, vic, wes) = (who[0], who[1], who[2], who[3]);
            let step = datetime!(2026-10-05 10:00:01 UTC);
            let mut write = test.db.write().await.unwrap();
            let open = case(&mut write, partner, owner, 1, "in_progress").await;
            let resolved = case(&mut write, partner, owner, 2, "resolved").await;
            for id in [open, resolved] {
                let escalated = entry(id, "escalated", "Escalated to Administrators", step);
                escalations::insert_entry(&mut write, &escalated)
                    .await
                    .unwrap();
            }
            notice(
                &mut write,
                una,
                "ESC-000001 escalated to you (step 1 of 3)",
                open,
                step,
            )
            .await;
            notice(
                &mut write,
                una,
                "ESC-000002 escalated to you (step 1 of 3)",
                resolved,
                step,
            )
            .await;
            // Vic's notice is of another instant, Wes's of another wording: no step's.
            let later = step + time::Duration::SECOND;
            notice(
                &mut write,
                vic,
                "ESC-000001 escalated to you (step 1 of 3)",
                open,
                later,
            )
            .await;
            notice(&mut write, wes, "ESC-000001: response due soon", open, step).await;
            write.commit().await.unwrap();

            test.db.migrate().await.unwrap();

            let mut read = test.db.read().await.unwrap();
            let reached: (i64,) = read
                .one(sql!(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM escalation_step_reached"
                ))
                .await
                .unwrap();
            assert_eq!(reached.0, 2, "{backend:?}");
            assert_eq!(ids(&escalated_to(&mut read, una).await.unwrap()), [open]);
            for nobody in [owner, vic, wes] {
                assert!(escalated_to(&mut read, nobody).await.unwrap().is_empty());
            }
            drop(read);
            // The notices go; what the step reached stays.
            let mut write = test.db.write().await.unwrap();
            write
                .execute(sql!("DELETE FROM notifications WHERE user_id = $1", una))
                .await
                .unwrap();
            write.commit().await.unwrap();
            let mut read = test.db.read().await.unwrap();
            assert_eq!(
                ids(&escalated_to(&mut read, una).await.unwrap()),
                [open],
                "{backend:?}"
            );
        }
    }

    /// Migration 0044 closes the remediation actions left open on cases resolved or closed
    /// before resolving required them done, as of the case's last resolution, each with an
    /// internal note saying PartnerOS closed it; an open case's actions stay open.
    #[tokio::test]
    async fn actions_left_open_on_resolved_cases_close_with_a_note_on_both_backends() {
        for backend in BACKENDS {
            let test = TestDb::before_migration(backend, 44).await;
            let (partner, who) = people(&test.db, &["owner"]).await;
            let owner = who[0];
            let recorded = datetime!(2026-10-20 09:00 UTC);
            let resolved_at = datetime!(2026-11-10 15:00 UTC);
            let closed_at = datetime!(2026-11-20 15:00 UTC);
            let done_at = datetime!(2026-10-25 12:00 UTC);
            let mut write = test.db.write().await.unwrap();
            let resolved = case(&mut write, partner, owner, 1, "resolved").await;
            let closed = case(&mut write, partner, owner, 2, "closed").await;
            let open = case(&mut write, partner, owner, 3, "in_progress").await;
            let mut actions = Vec::new();
            for (id, body) in [
                (resolved, "Recalculate Q3"),
                (closed, "Explain the rule"),
                (open, "Pay the difference"),
            ] {
                let action = EntryRow {
                    due_on: Some(date!(2026 - 10 - 30)),
                    ..entry(id, "remediation", body, recorded)
                };
                escalations::insert_entry(&mut write, &action)
                    .await
                    .unwrap();
                actions.push(action.id);
            }
            let done = EntryRow {
                done_at: Some(done_at),
                ..entry(resolved, "remediation", "Call the partner", recorded)
            };
            escalations::insert_entry(&mut write, &done).await.unwrap();
            for (id, state, at) in [
                (resolved, "resolved", resolved_at),
                (closed, "resolved", resolved_at),
                (closed, "closed", closed_at),
            ] {
                let change = EntryRow {
                    state: Some(state.into()),
                    ..entry(id, "state_change", "", at)
                };
                escalations::insert_entry(&mut write, &change)
                    .await
                    .unwrap();
            }
            write.commit().await.unwrap();

            test.db.migrate().await.unwrap();

            let mut read = test.db.read().await.unwrap();
            for (id, action, body) in [
                (resolved, actions[0], "Recalculate Q3"),
                (closed, actions[1], "Explain the rule"),
            ] {
                let log = escalations::entries(&mut read, id, false).await.unwrap();
                let closed_action = log.iter().find(|e| e.id == action).unwrap();
                assert_eq!(closed_action.done_at, Some(resolved_at), "{backend:?}");
                let notes: Vec<(&str, bool, OffsetDateTime, Option<Uuid>)> = log
                    .iter()
                    .filter(|e| e.kind == "internal_note")
                    .map(|e| (e.body.as_str(), e.visible_to_partner, e.at, e.author_id))
                    .collect();
                let said = format!(
                    "Closed by PartnerOS on upgrading, not by a person: the remediation action \
                     “{body}” was still open when the case was resolved (before resolving \
                     required every action done). Check that it was carried out."
                );
                assert_eq!(
                    notes,
                    [(said.as_str(), false, resolved_at, None)],
                    "{backend:?}"
                );
            }
            let log = escalations::entries(&mut read, resolved, false)
                .await
                .unwrap();
            let kept = log.iter().find(|e| e.id == done.id).unwrap();
            assert_eq!(kept.done_at, Some(done_at));
            let log = escalations::entries(&mut read, open, false).await.unwrap();
            assert!(log.iter().all(|e| e.kind != "internal_note"));
            let still: Vec<Uuid> = open_remediation_of(&mut read, owner)
                .await
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect();
            assert_eq!(still, [actions[2]], "{backend:?}");
            // The standup of a day after the resolution counts only the open case's action;
            // one of a day before it still counts all three, as they were open then.
            let overdue = |rows: Vec<crate::rhythm::OverdueRow>| -> Vec<Uuid> {
                rows.iter().map(|r| r.id).collect()
            };
            let after = crate::rhythm::overdue_remediation(&mut read, date!(2026 - 11 - 30))
                .await
                .unwrap();
            assert_eq!(overdue(after), [actions[2]], "{backend:?}");
            let before = crate::rhythm::overdue_remediation(&mut read, date!(2026 - 11 - 05))
                .await
                .unwrap();
            assert_eq!(overdue(before).len(), 3, "{backend:?}");
        }
    }
}
