//! The store's own rules, on both backends.

use super::*;
use crate::testing::{BACKENDS, TestDb};
use uuid::Uuid;

#[tokio::test]
async fn an_empty_in_list_matches_no_row_on_either_backend() {
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let mut read = test.db.read().await.unwrap();
        let ones = |values: Vec<i64>| {
            let mut query =
                Sql::new("SELECT n FROM (SELECT CAST(1 AS BIGINT) AS n) AS t WHERE n IN ");
            query.push_bind_list(values);
            query
        };
        let found: Vec<(i64,)> = read.all(ones(vec![1, 2])).await.unwrap();
        assert_eq!(found, [(1,)], "{backend:?}");
        let found: Vec<(i64,)> = read.all(ones(Vec::new())).await.unwrap();
        assert!(found.is_empty(), "{backend:?}");
        // A uuid column takes the NULL of an empty list too (PostgreSQL types it).
        let mut query = Sql::new("SELECT id FROM users WHERE id IN ");
        query.push_bind_list(Vec::<uuid::Uuid>::new());
        let found: Vec<(uuid::Uuid,)> = read.all(query).await.unwrap();
        assert!(found.is_empty(), "{backend:?}");
        // The two callers that do not check for an empty list themselves.
        let rows = rollups::counted_page(&mut read, &[], None, 10)
            .await
            .unwrap();
        assert!(rows.is_empty(), "{backend:?}");
        let rows = proposals::with_status(&mut read, &[], None, 10)
            .await
            .unwrap();
        assert!(rows.is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn a_unique_violation_names_its_columns_alike_on_both_backends() {
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let mut write = test.db.write().await.unwrap();
        let user = |id| users::NewUserRow {
            id,
            email: "ana@example.com",
            name: "Ana",
            role: domain::roles::Role::Admin,
            partner_id: None,
            password_hash: "x",
        };
        users::insert(&mut write, &user(uuid::Uuid::now_v7()), now())
            .await
            .unwrap();
        let err = users::insert(&mut write, &user(uuid::Uuid::now_v7()), now())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Duplicate(key) if key == "users.email"),
            "{backend:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn dates_and_flags_read_back_typed_on_both_backends() {
    use time::macros::date;
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let partner_id = rollups::tests::partner(&test.db, "Northwind").await;
        let mut write = test.db.write().await.unwrap();
        // Days, a set and an unset flag, an optional day set and one unset.
        let row = deals::DealRow {
            status: "approved".into(),
            deal_desk_review: true,
            protected_until: Some(date!(2026 - 04 - 05)),
            ..rollups::tests::registration(partner_id, 1001)
        };
        deals::insert(&mut write, &row).await.unwrap();
        let read = deals::get(&mut write, row.id).await.unwrap().unwrap();
        assert_eq!(read.expected_close, date!(2026 - 03 - 31), "{backend:?}");
        assert_eq!(read.registered_on, date!(2026 - 01 - 05), "{backend:?}");
        assert_eq!(
            read.protected_until,
            Some(date!(2026 - 04 - 05)),
            "{backend:?}"
        );
        assert_eq!(read.decision_due, None, "{backend:?}");
        assert!(!read.partner_sourced, "{backend:?}");
        assert!(read.deal_desk_review, "{backend:?}");

        write.commit().await.unwrap();

        // Bound days and flags compare as days and flags.
        let mut read = test.db.read().await.unwrap();
        let before_april: (i64,) = read
            .one(sql!(
                "SELECT COUNT(*) FROM deal_registrations WHERE expected_close < $1 \
                 AND partner_sourced = $2 AND deal_desk_review",
                date!(2026 - 04 - 01),
                false
            ))
            .await
            .unwrap();
        assert_eq!(before_april, (1,), "{backend:?}");
        let after_april: (i64,) = read
            .one(sql!(
                "SELECT COUNT(*) FROM deal_registrations WHERE expected_close > $1",
                date!(2026 - 04 - 01)
            ))
            .await
            .unwrap();
        assert_eq!(after_april, (0,), "{backend:?}");

        match backend {
            // No DATE type: 'YYYY-MM-DD' text (which sorts as days do) and 0/1.
            Backend::Sqlite => {
                let stored: (String, String, i64, i64) = read
                    .one(Sql::new(
                        "SELECT typeof(expected_close), expected_close, partner_sourced, \
                         deal_desk_review FROM deal_registrations",
                    ))
                    .await
                    .unwrap();
                assert_eq!(stored, ("text".into(), "2026-03-31".into(), 0, 1));
            }
            Backend::Postgres => {
                let types: Vec<(String, String, String)> = read
                    .all(Sql::new(
                        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), \
                         CAST(data_type AS TEXT) FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND column_name IN ('expected_close', \
                         'registered_on', 'decision_due', 'protected_until', 'next_action_on', \
                         'closed_on', 'partner_sourced', 'deal_desk_review', 'occurred_on', 'joint', \
                         'by_partner', 'overdue_flagged', 'counts_against_quota', 'earned_on', \
                         'expires_on', 'retired', 'started_on', 'due_on', 'taken_on', 'effective_on', \
                         'starts_on', 'ends_on', 'held_on') \
                         ORDER BY 1, 2",
                    ))
                    .await
                    .unwrap();
                let expected = [
                    ("certification_enrollments", "started_on", "date"),
                    ("certification_records", "earned_on", "date"),
                    ("certification_records", "expires_on", "date"),
                    ("certification_records", "retired", "boolean"),
                    ("deal_activities", "by_partner", "boolean"),
                    ("deal_activities", "joint", "boolean"),
                    ("deal_activities", "occurred_on", "date"),
                    ("deal_registrations", "closed_on", "date"),
                    ("deal_registrations", "deal_desk_review", "boolean"),
                    ("deal_registrations", "decision_due", "date"),
                    ("deal_registrations", "expected_close", "date"),
                    ("deal_registrations", "next_action_on", "date"),
                    ("deal_registrations", "partner_sourced", "boolean"),
                    ("deal_registrations", "protected_until", "date"),
                    ("deal_registrations", "registered_on", "date"),
                    ("escalation_cases", "occurred_on", "date"),
                    ("escalation_entries", "due_on", "date"),
                    ("exchange_rates", "effective_on", "date"),
                    ("forecast_snapshots", "taken_on", "date"),
                    ("internal_nps_rounds", "ends_on", "date"),
                    ("internal_nps_rounds", "starts_on", "date"),
                    ("leads", "counts_against_quota", "boolean"),
                    ("leads", "overdue_flagged", "boolean"),
                    ("meeting_actions", "due_on", "date"),
                    ("meetings", "held_on", "date"),
                    ("onboarding_items", "due_on", "date"),
                    ("pipeline_won", "closed_on", "date"),
                    ("pipeline_won_program", "closed_on", "date"),
                ]
                .map(|(t, c, d)| (t.to_owned(), c.to_owned(), d.to_owned()));
                assert_eq!(types, expected);
            }
        }
    }
}

/// Migration 0039 moves conflict cases into escalation cases: numbered after the cases so far,
/// submitted by the registering person (else the first administrator), their history rebuilt
/// as state changes and their note kept as an internal note.
#[tokio::test]
async fn conflict_cases_move_into_escalation_cases_on_both_backends() {
    use time::macros::datetime;
    for backend in BACKENDS {
        let test = TestDb::before_migration(backend, 39).await;
        let partner_id = rollups::tests::partner(&test.db, "Northwind").await;
        let (admin, ana) = (Uuid::now_v7(), Uuid::now_v7());
        let mut write = test.db.write().await.unwrap();
        for (id, email, role, partner) in [
            (
                admin,
                "admin@test.example",
                domain::roles::Role::Admin,
                None,
            ),
            (
                ana,
                "ana@northwind.test",
                domain::roles::Role::PartnerUser,
                Some(partner_id),
            ),
        ] {
            let user = users::NewUserRow {
                id,
                email,
                name: email,
                role,
                partner_id: partner,
                password_hash: "-",
            };
            users::insert(&mut write, &user, crate::now())
                .await
                .unwrap();
        }
        let open_deal = deals::DealRow {
            created_by: "ana@northwind.test".into(),
            customer_name: "Acme GmbH".into(),
            ..rollups::tests::registration(partner_id, 1001)
        };
        let imported = deals::DealRow {
            created_by: "system (import)".into(),
            ..rollups::tests::registration(partner_id, 1002)
        };
        deals::insert(&mut write, &open_deal).await.unwrap();
        deals::insert(&mut write, &imported).await.unwrap();
        let (opened, investigating, resolved) = (
            datetime!(2026-11-02 09:00 UTC),
            datetime!(2026-11-03 10:00 UTC),
            datetime!(2026-11-04 11:00 UTC),
        );
        let (open_case, resolved_case) = (Uuid::now_v7(), Uuid::now_v7());
        write
            .execute(sql!(
                "UPDATE counters SET value = 5 WHERE name = 'escalation_case'"
            ))
            .await
            .unwrap();
        write
            .execute(sql!(
                "INSERT INTO conflict_cases (id, deal_id, status, outcome, note, created_at) \
                 VALUES ($1, $2, 'open', '', '', $3)",
                open_case,
                open_deal.id,
                opened
            ))
            .await
            .unwrap();
        write
            .execute(sql!(
                "INSERT INTO conflict_cases (id, deal_id, status, outcome, note, investigating_at, \
                 investigated_by, resolved_by, resolved_at, created_at) \
                 VALUES ($1, $2, 'resolved', 'co_sell', 'Both work it with our AE', $3, 'pm', 'pm', \
                 $4, $5)",
                resolved_case,
                imported.id,
                investigating,
                resolved,
                opened + time::Duration::hours(1)
            ))
            .await
            .unwrap();
        write.commit().await.unwrap();

        test.db.migrate().await.unwrap();

        let mut read = test.db.read().await.unwrap();
        let first = escalations::case_for_deal(&mut read, open_deal.id)
            .await
            .unwrap()
            .unwrap();
        let second = escalations::case_for_deal(&mut read, imported.id)
            .await
            .unwrap()
            .unwrap();
        let shape = |c: &escalations::CaseRow| {
            (
                c.id,
                c.number,
                c.submitted_by,
                c.category.clone(),
                c.urgency.clone(),
                c.state.clone(),
                c.version,
                c.conflict_outcome.clone(),
                c.occurred_on,
            )
        };
        use time::macros::date;
        assert_eq!(
            [shape(&first), shape(&second)],
            [
                (
                    open_case,
                    6,
                    ana,
                    "channel_conflict".into(),
                    "p3".into(),
                    "open".into(),
                    1,
                    None,
                    date!(2026 - 11 - 02)
                ),
                (
                    resolved_case,
                    7,
                    admin,
                    "channel_conflict".into(),
                    "p3".into(),
                    "resolved".into(),
                    4,
                    Some("co_sell".into()),
                    date!(2026 - 11 - 02)
                ),
            ],
            "{backend:?}"
        );
        assert_eq!(
            first.issue,
            domain::deals::cases::case_issue("DR-1001", "Acme GmbH"),
            "{backend:?}"
        );
        let log: Vec<(String, Option<String>, String, bool, time::OffsetDateTime)> =
            escalations::entries(&mut read, second.id, false)
                .await
                .unwrap()
                .into_iter()
                .map(|e| (e.kind, e.state, e.body, e.visible_to_partner, e.at))
                .collect();
        let change = |state: &str, at| {
            (
                "state_change".to_owned(),
                Some(state.to_owned()),
                String::new(),
                true,
                at,
            )
        };
        assert_eq!(
            log,
            [
                change("acknowledged", investigating),
                change("in_progress", investigating),
                change("resolved", resolved),
                (
                    "internal_note".into(),
                    None,
                    "Both work it with our AE".into(),
                    false,
                    resolved
                ),
            ],
            "{backend:?}"
        );
        assert!(
            escalations::entries(&mut read, first.id, false)
                .await
                .unwrap()
                .is_empty()
        );
        let counter: (i64,) = read
            .one(sql!(
                "SELECT value FROM counters WHERE name = 'escalation_case'"
            ))
            .await
            .unwrap();
        assert_eq!(counter, (7,), "{backend:?}");
    }
}
