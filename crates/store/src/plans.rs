//! The plans SQLite runs the hot reads with: one partner's registrations, leads and wins (the
//! partner home, the scorecard, the tier engine), and the rollups the pipeline, the tracker
//! and the dashboard read. Each statement is the one production builds (its `*_query`
//! function), planned on a migrated, empty database, and must use the index named here and
//! scan no table but the small program rollups named here.
//!
//! SQLite only, on purpose: PartnerOS never runs `ANALYZE` on a served database, so SQLite
//! plans from the schema and the statement alone, and the plan of an empty database is the
//! plan of a million registrations (migration 0027 records what a wrong pick cost: a
//! partner's won deals read through a (status, closed_on) index, 0.7 s instead of 0.4 ms).
//! PostgreSQL plans from its table statistics, so its plan on an empty database says nothing
//! about a full one.

use time::macros::{date, datetime};
use uuid::Uuid;

use crate::dashboard::PartnerFilter;
use crate::testing::TestDb;
use crate::{Backend, Sql, dashboard, deals, escalations, insight, rollups, work};

/// A statement by the name of the reader that runs it, and the steps its plan must hold.
type Expected = (&'static str, Sql, &'static [&'static str]);

#[derive(sqlx::FromRow)]
struct Step {
    detail: String,
}

/// Asserts that each statement's plan holds each of its steps (`EXPLAIN QUERY PLAN`'s
/// details, to the letter) and no `SCAN` step it does not name: a table read whole, whatever
/// its alias, is a failure unless named here.
async fn assert_plans(expected: Vec<Expected>) {
    let test = TestDb::new(Backend::Sqlite).await;
    let mut read = test.db.read().await.unwrap();
    for (name, query, steps) in expected {
        let plan: Vec<String> = read
            .all::<Step>(query.query_plan())
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.detail)
            .collect();
        for step in steps {
            assert!(
                plan.iter().any(|s| s == step),
                "{name}: no step '{step}' in\n{}",
                plan.join("\n")
            );
        }
        for step in plan.iter().filter(|s| s.starts_with("SCAN ")) {
            assert!(
                steps.contains(&step.as_str()),
                "{name}: reads a table whole ('{step}') in\n{}",
                plan.join("\n")
            );
        }
        assert!(
            !plan
                .iter()
                .any(|s| s.starts_with("SCAN deal_registrations")),
            "{name}"
        );
    }
}

const OPEN: [&str; 2] = ["submitted", "approved"];

#[tokio::test]
async fn one_partners_registrations_leads_and_wins_are_read_through_the_partner_indexes() {
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let one = rollups::groups_queries(Some(a), date!(2026 - 01 - 01), &OPEN);
    let mut expected: Vec<Expected> = vec![
        // The partner home's counts by state.
        (
            "deals::deal_status_counts",
            deals::deal_status_counts_query(a),
            &[
                "SEARCH deal_registrations USING COVERING INDEX deal_registrations_partner (partner_id=?)",
            ],
        ),
        (
            "deals::lead_status_counts",
            deals::lead_status_counts_query(a),
            &["SEARCH leads USING COVERING INDEX leads_partner (partner_id=?)"],
        ),
        // One partner's pipeline (its home, its pipeline page): its rollup rows by primary
        // key, its stale deals through the partner index.
        (
            "rollups::groups(partner).partners",
            one.partners,
            &[
                "SEARCH g USING PRIMARY KEY (partner_id=?)",
                "SEARCH p USING INDEX sqlite_autoindex_partners_1 (id=?)",
            ],
        ),
        (
            "rollups::groups(partner).buckets",
            one.buckets,
            &["SEARCH pipeline_open USING PRIMARY KEY (partner_id=?)"],
        ),
        (
            "rollups::groups(partner).won",
            one.won,
            &["SEARCH pipeline_won USING PRIMARY KEY (partner_id=?)"],
        ),
        (
            "rollups::groups(partner).stale",
            one.stale,
            &[
                "SEARCH deal_registrations USING INDEX deal_registrations_partner (partner_id=? AND status=?)",
            ],
        ),
    ];
    // The tier engine's wins of one partner: the statement migration 0027 is about.
    for credited in [false, true] {
        expected.push((
            "deals::won",
            deals::won_query(Some(a), credited),
            &[
                "SEARCH d USING INDEX deal_registrations_partner (partner_id=? AND status=?)",
                "SEARCH c EXISTS USING COVERING INDEX sqlite_autoindex_win_confirmations_1 (deal_id=?)",
            ],
        ));
    }
    // The scorecard's reads, for one partner (its page) and a chunk (the daily health run).
    for ids in [&[a][..], &[a, b][..]] {
        expected.extend::<[Expected; 3]>([
            (
                "insight::deals",
                insight::deals_query(ids),
                &[
                    "SEARCH d USING INDEX deal_registrations_partner_number (partner_id=?)",
                    "SEARCH w USING COVERING INDEX sqlite_autoindex_win_confirmations_1 (deal_id=?)",
                    "SEARCH a USING INDEX deal_activities_deal (deal_id=?)",
                ],
            ),
            (
                "insight::activities",
                insight::activities_query(ids),
                &[
                    "SEARCH d USING INDEX deal_registrations_partner_number (partner_id=?)",
                    "SEARCH a USING INDEX deal_activities_deal (deal_id=?)",
                ],
            ),
            (
                "insight::leads",
                insight::leads_query(ids),
                &["SEARCH leads USING INDEX leads_partner_id (partner_id=?)"],
            ),
        ]);
    }
    assert_plans(expected).await;
}

#[tokio::test]
async fn the_program_reads_the_rollups_by_their_keys_and_scans_only_program_rollups() {
    let (first, last) = (date!(2026 - 01 - 01), date!(2026 - 03 - 31));
    let at = datetime!(2026-03-01 0:00 UTC);
    let gold = PartnerFilter {
        tier: Some("gold".into()),
        ..Default::default()
    };
    let everyone = PartnerFilter::default();
    let program = rollups::groups_queries(None, first, &OPEN);
    // The program-wide rollups are read whole: a row per currency, close day (or quarter and
    // forecast category) and state, or per partner and currency, never per registration; the
    // dashboard counts the partners whole in SQL (a few dozen rows come back).
    assert_plans(vec![
        (
            "rollups::groups(program).partners",
            program.partners,
            &[
                "SCAN g",
                "SEARCH p USING INDEX sqlite_autoindex_partners_1 (id=?)",
            ],
        ),
        (
            "rollups::groups(program).buckets",
            program.buckets,
            &["SCAN pipeline_open_program"],
        ),
        (
            "rollups::groups(program).won",
            program.won,
            &["SCAN pipeline_won_program"],
        ),
        (
            "rollups::groups(program).stale",
            program.stale,
            &["SEARCH pipeline_touched USING PRIMARY KEY (touched_on<?)"],
        ),
        // The tracker's months and the internal home's wins of the quarter.
        (
            "rollups::wins",
            rollups::wins_query(first),
            &["SEARCH pipeline_won USING INDEX pipeline_won_closed (closed_on>?)"],
        ),
        (
            "rollups::program_wins",
            rollups::program_wins_query(first, last),
            &["SCAN pipeline_won_program"],
        ),
        // The dashboard, for the program and for one tier's partners.
        (
            "dashboard::partner_groups(program)",
            dashboard::partner_groups_query(&everyone, at, first),
            &[
                "SCAN p USING COVERING INDEX partners_kind",
                "SEARCH c USING INDEX certification_records_partner (partner_id=?)",
            ],
        ),
        (
            "dashboard::partner_groups(tier)",
            dashboard::partner_groups_query(&gold, at, first),
            &[
                "SEARCH p USING COVERING INDEX partners_kind (tier=?)",
                "SEARCH c USING INDEX certification_records_partner (partner_id=?)",
            ],
        ),
        (
            "dashboard::open_by_kind(program)",
            dashboard::open_by_kind_query(&everyone),
            &[
                "SCAN o",
                "SEARCH p USING INDEX sqlite_autoindex_partners_1 (id=?)",
                "SEARCH e USING PRIMARY KEY (partner_id=? AND currency<?)",
            ],
        ),
        (
            "dashboard::open_by_kind(tier)",
            dashboard::open_by_kind_query(&gold),
            &[
                "SCAN o",
                "SEARCH p USING INDEX sqlite_autoindex_partners_1 (id=?)",
            ],
        ),
        (
            "dashboard::open_buckets(program)",
            dashboard::open_buckets_query(&everyone),
            &["SCAN pipeline_open_program"],
        ),
        (
            "dashboard::open_buckets(tier)",
            dashboard::open_buckets_query(&gold),
            &[
                "SEARCH p USING COVERING INDEX partners_kind (tier=?)",
                "SEARCH o USING PRIMARY KEY (partner_id=?)",
            ],
        ),
        (
            "dashboard::won_between(program)",
            dashboard::won_between_query(first, last, &everyone),
            &["SCAN pipeline_won_program"],
        ),
        (
            "dashboard::won_between(tier)",
            dashboard::won_between_query(first, last, &gold),
            &[
                "SEARCH p USING COVERING INDEX partners_kind (tier=?)",
                "SEARCH w USING PRIMARY KEY (partner_id=?)",
            ],
        ),
        (
            "dashboard::leads_in_two_months(program)",
            dashboard::leads_in_two_months_query(at, at, at, &everyone),
            &[
                "SEARCH l USING INDEX leads_created (created_at>? AND created_at<?)",
                "SEARCH p USING COVERING INDEX sqlite_autoindex_partners_1 (id=?)",
            ],
        ),
        (
            "dashboard::leads_in_two_months(tier)",
            dashboard::leads_in_two_months_query(at, at, at, &gold),
            &[
                "SEARCH p USING COVERING INDEX partners_kind (tier=?)",
                "SEARCH l USING INDEX leads_partner_id (partner_id=?)",
            ],
        ),
    ])
    .await;
}

#[tokio::test]
async fn my_work_and_the_sla_sweep_read_open_items_through_the_open_indexes() {
    let me = Uuid::now_v7();
    let teams = ["sales".to_owned(), "marketing".to_owned()];
    assert_plans(vec![
        (
            "work::open_for",
            work::open_for_query(me, &teams),
            &[
                "SEARCH work_items USING INDEX work_items_open_assignee (assignee_id=?)",
                "SEARCH work_items USING INDEX work_items_open_team (team=?)",
            ],
        ),
        (
            "work::to_warn_batch",
            work::to_warn_batch_query(Some(me), 1_000),
            &["SEARCH work_items USING INDEX work_items_to_warn (id>?)"],
        ),
    ])
    .await;
}

#[tokio::test]
async fn the_escalation_sweep_reads_open_cases_through_their_partial_index() {
    assert_plans(vec![
        (
            "escalations::open_cases(first batch)",
            escalations::open_cases_query(None, 500),
            &["SCAN escalation_cases USING INDEX escalation_cases_open"],
        ),
        (
            "escalations::open_cases(next batch)",
            escalations::open_cases_query(Some(Uuid::now_v7()), 500),
            &["SEARCH escalation_cases USING INDEX escalation_cases_open (id<?)"],
        ),
    ])
    .await;
}

#[tokio::test]
async fn my_work_reads_a_persons_open_actions_through_their_partial_indexes() {
    let me = Uuid::now_v7();
    assert_plans(vec![
        (
            "work::open_actions_of",
            work::open_actions_of_query(me),
            &[
                "SEARCH a USING INDEX meeting_actions_open_owner (owner_id=?)",
                "SEARCH m USING INDEX sqlite_autoindex_meetings_1 (id=?)",
            ],
        ),
        (
            "work::open_remediation_of",
            work::open_remediation_of_query(me),
            &[
                "SEARCH c USING INDEX escalation_cases_open_owner (owner_id=?)",
                "SEARCH e USING INDEX escalation_entries_case (case_id=?)",
            ],
        ),
        (
            "work::open_cases_of",
            work::open_cases_of_query(me),
            &["SEARCH escalation_cases USING INDEX escalation_cases_open_owner (owner_id=?)"],
        ),
        (
            "work::escalated_to",
            work::escalated_to_query(me),
            &["SEARCH r USING COVERING INDEX escalation_step_reached_user (user_id=?)"],
        ),
    ])
    .await;
}
