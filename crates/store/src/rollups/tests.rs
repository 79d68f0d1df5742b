//! The rollups equal their recomputation after any sequence of writes, on both backends; a
//! corrupted row is named by the check.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use time::macros::date;
use uuid::Uuid;

use crate::deals::{self, DealRow};
use crate::testing::{BACKENDS, TestDb};
use crate::{Db, now, sql};

/// A partner named `name`, committed (the store's own tests share it).
pub(crate) async fn partner(db: &Db, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    let mut tx = db.write().await.unwrap();
    tx.execute(sql!(
        "INSERT INTO partners (id, legal_name, display_name, sort_name, search_text, \
         partner_type, gtm_model, tier, stage, created_at, updated_at) \
         VALUES ($1, $2, $2, $2, $2, 'si', 'resell', 'registered', 'active', $3, $3)",
        id,
        name,
        now()
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A submitted registration of `partner_id` numbered `number`, not stored yet.
pub(crate) fn registration(partner_id: Uuid, number: i64) -> DealRow {
    let at = now();
    DealRow {
        id: Uuid::now_v7(),
        number,
        reference: format!("DR-{number}"),
        partner_id,
        created_by: "ana".into(),
        status: "submitted".into(),
        customer_name: "Acme".into(),
        name_key: "acme".into(),
        website: String::new(),
        domain: None,
        industry: "retail".into(),
        region: "emea".into(),
        deal_size_minor: 100_000,
        currency: "USD".into(),
        expected_close: date!(2026 - 03 - 31),
        use_case: String::new(),
        pain_points: String::new(),
        stage: "discovery".into(),
        probability: 40,
        risks: String::new(),
        competitor: String::new(),
        partner_rep: String::new(),
        partner_sourced: false,
        ae_user_id: None,
        se_user_id: None,
        deal_desk_review: false,
        registered_on: date!(2026 - 01 - 05),
        submitted_at: Some(at),
        decision_due: None,
        decided_at: None,
        decided_by: None,
        decision_note: String::new(),
        protected_until: None,
        extensions_used: 0,
        extension_reason: String::new(),
        last_warning: None,
        conflict_verdict: "clear".into(),
        conflict_findings: "[]".into(),
        forecast_category: "pipeline".into(),
        next_action: String::new(),
        next_action_on: None,
        next_action_owner: String::new(),
        blockers: String::new(),
        last_activity_at: None,
        closed_on: None,
        closed_amount_minor: None,
        change_no: 1,
        created_at: at,
        updated_at: at,
    }
}

const STATUSES: [&str; 7] = [
    "draft",
    "submitted",
    "more_info_requested",
    "approved",
    "won",
    "lost",
    "expired",
];

/// What a registration looks like after a write: status, amounts, forecast, probability,
/// expected close, last activity.
#[derive(Debug, Clone)]
struct Shape {
    status: usize,
    size: i64,
    euros: bool,
    probability: i64,
    forecast: usize,
    close_in: i64,
    touched_in: Option<i64>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        0..STATUSES.len(),
        1i64..10_000_000,
        any::<bool>(),
        0i64..=100,
        0usize..3,
        0i64..400,
        proptest::option::of(-30i64..200),
    )
        .prop_map(
            |(status, size, euros, probability, forecast, close_in, touched_in)| Shape {
                status,
                size,
                euros,
                probability,
                forecast,
                close_in,
                touched_in,
            },
        )
}

#[derive(Debug, Clone)]
enum Op {
    Register(usize, Shape),
    /// Rewrites the n-th registration (modulo how many there are).
    Change(usize, Shape),
    ConfirmWin(usize),
    ConfirmWins(Vec<usize>),
    /// Exits, brings back, archives or restores a partner.
    Partner(usize, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..2, shape()).prop_map(|(p, s)| Op::Register(p, s)),
        3 => (any::<usize>(), shape()).prop_map(|(n, s)| Op::Change(n, s)),
        1 => any::<usize>().prop_map(Op::ConfirmWin),
        1 => proptest::collection::vec(any::<usize>(), 1..4).prop_map(Op::ConfirmWins),
        1 => (0usize..2, 0u8..4).prop_map(|(p, what)| Op::Partner(p, what)),
    ]
}

fn apply_shape(row: &mut DealRow, shape: &Shape) {
    let status = STATUSES[shape.status];
    row.status = status.into();
    row.deal_size_minor = shape.size;
    row.currency = if shape.euros { "EUR" } else { "USD" }.into();
    row.probability = shape.probability;
    row.forecast_category = ["pipeline", "best_case", "commit"][shape.forecast].into();
    row.expected_close = row.registered_on + time::Duration::days(shape.close_in);
    row.last_activity_at = shape.touched_in.map(|days| {
        (row.registered_on + time::Duration::days(days))
            .midnight()
            .assume_utc()
            + time::Duration::hours(13)
    });
    let won = status == "won";
    row.closed_on = won.then(|| row.registered_on + time::Duration::days(shape.close_in / 2));
    row.closed_amount_minor = won.then_some(shape.size / 2 + 1);
}

#[derive(Default)]
struct Book {
    partners: Vec<Uuid>,
    rows: Vec<DealRow>,
    next_number: i64,
}

/// Runs `ops` in one transaction; `deferred`: with the rollups written once at its commit
/// (as an import does), else with each write.
async fn run(db: &Db, book: &mut Book, ops: &[Op], deferred: bool) {
    let mut tx = db.write().await.unwrap();
    if deferred {
        tx.defer_rollups();
    }
    for op in ops {
        match op {
            Op::Register(p, shape) => {
                let mut row = registration(book.partners[*p], book.next_number);
                book.next_number += 1;
                apply_shape(&mut row, shape);
                deals::insert_many(&mut tx, std::slice::from_ref(&row))
                    .await
                    .unwrap();
                book.rows.push(row);
            }
            Op::Change(n, shape) if !book.rows.is_empty() => {
                let i = n % book.rows.len();
                let mut row = book.rows[i].clone();
                apply_shape(&mut row, shape);
                row.change_no += 1;
                deals::update(&mut tx, &row, book.rows[i].change_no)
                    .await
                    .unwrap();
                book.rows[i] = row;
            }
            Op::ConfirmWin(n) if !book.rows.is_empty() => {
                let row = &book.rows[n % book.rows.len()];
                // A second confirmation is refused and changes nothing; so is a stale one.
                let confirmed = deals::win_confirmation(&mut tx, row.id).await.unwrap();
                if row.status == "won" && confirmed.is_none() {
                    deals::confirm_win(&mut tx, row.id, "ana", now())
                        .await
                        .unwrap();
                }
            }
            Op::ConfirmWins(ns) if !book.rows.is_empty() => {
                let mut picked: Vec<&DealRow> = ns
                    .iter()
                    .map(|n| &book.rows[n % book.rows.len()])
                    .filter(|row| row.status == "won")
                    .collect();
                picked.sort_by_key(|row| row.id);
                picked.dedup_by_key(|row| row.id);
                deals::confirm_wins(&mut tx, &picked, "crm", now())
                    .await
                    .unwrap();
            }
            Op::Partner(p, what) => {
                let id = book.partners[*p];
                let partner = crate::partners::get(&mut tx, id).await.unwrap().unwrap();
                use domain::partners::LifecycleStage::{Active, Exited};
                match (what, partner.stage, partner.archived_at) {
                    (0, Active, _) => {
                        crate::partners::set_stage(&mut tx, id, Active, Exited, now())
                            .await
                            .unwrap()
                    }
                    (1, Exited, _) => {
                        crate::partners::set_stage(&mut tx, id, Exited, Active, now())
                            .await
                            .unwrap()
                    }
                    (2, _, None) => {
                        crate::partners::set_archived(&mut tx, id, None, Some(now()), now())
                            .await
                            .unwrap()
                    }
                    (3, _, Some(at)) => {
                        crate::partners::set_archived(&mut tx, id, Some(at), None, now())
                            .await
                            .unwrap()
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rollups_equal_their_recomputation_after_any_writes() {
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let book = std::sync::Mutex::new(Book {
            partners: vec![
                partner(&test.db, "Alpha").await,
                partner(&test.db, "Bravo").await,
            ],
            rows: Vec::new(),
            next_number: 1,
        });
        let cases = match backend {
            crate::Backend::Sqlite => 48,
            crate::Backend::Postgres => 24,
        };
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let handle = tokio::runtime::Handle::current();
        let ops = (proptest::collection::vec(op(), 1..12), any::<bool>());
        let result = runner.run(&ops, |(ops, deferred)| {
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    // Taken out of its lock for the writes, put back after.
                    let mut taken = std::mem::take(&mut *book.lock().unwrap());
                    run(&test.db, &mut taken, &ops, deferred).await;
                    *book.lock().unwrap() = taken;
                    let mut read = test.db.read().await.unwrap();
                    let differences = super::check::all(&mut read).await.unwrap();
                    prop_assert!(
                        differences.is_empty(),
                        "{backend:?}, deferred {deferred}: {differences:#?}"
                    );
                    Ok(())
                })
            })
        });
        result.unwrap();
        assert!(!book.lock().unwrap().rows.is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn the_check_names_a_corrupted_row() {
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let alpha = partner(&test.db, "Alpha").await;
        let mut book = Book {
            partners: vec![alpha],
            rows: Vec::new(),
            next_number: 1,
        };
        let open = Shape {
            status: 3,
            size: 1_000_000,
            euros: false,
            probability: 40,
            forecast: 2,
            close_in: 30,
            touched_in: None,
        };
        run(&test.db, &mut book, &[Op::Register(0, open)], false).await;
        let mut read = test.db.read().await.unwrap();
        assert_eq!(
            super::check::all(&mut read).await.unwrap(),
            Vec::<String>::new()
        );
        drop(read);
        let mut tx = test.db.write().await.unwrap();
        tx.execute(sql!(
            "UPDATE pipeline_open SET deals = deals + 1 WHERE partner_id = $1",
            alpha
        ))
        .await
        .unwrap();
        tx.execute(sql!(
            "UPDATE pipeline_open_partner SET weighted = 0 WHERE partner_id = $1",
            alpha
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut read = test.db.read().await.unwrap();
        assert_eq!(
            super::check::all(&mut read).await.unwrap(),
            [
                format!(
                    "pipeline_open ({alpha}, \"USD\", \"2026-Q1\", \"commit\", \"approved\"): \
                     stored (false, [2, 1000000, 40000000, 0]), \
                     recomputed (false, [1, 1000000, 40000000, 0])"
                ),
                format!(
                    "pipeline_open_partner ({alpha}, \"USD\"): \
                     stored (false, [1, 1000000, 0, 0]), \
                     recomputed (false, [1, 1000000, 40000000, 0])"
                )
            ],
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn deferred_rollups_are_written_once_at_the_commit() {
    #[derive(sqlx::FromRow)]
    struct Open {
        deals: i64,
        value_minor: i64,
    }
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let alpha = partner(&test.db, "Alpha").await;
        let mut tx = test.db.write().await.unwrap();
        tx.defer_rollups();
        let rows = [registration(alpha, 1), registration(alpha, 2)];
        for row in &rows {
            deals::insert_many(&mut tx, std::slice::from_ref(row))
                .await
                .unwrap();
        }
        let read_open = || {
            sql!(
                "SELECT deals, value_minor FROM pipeline_open_partner WHERE partner_id = $1",
                alpha
            )
        };
        let before: Vec<Open> = tx.all(read_open()).await.unwrap();
        assert!(before.is_empty(), "{backend:?}: written before the commit");
        tx.commit().await.unwrap();
        let mut read = test.db.read().await.unwrap();
        let after: Open = read.one(read_open()).await.unwrap();
        // Two submitted registrations of $1,000.00 each.
        assert_eq!(
            (after.deals, after.value_minor),
            (2, 200_000),
            "{backend:?}"
        );
        assert_eq!(
            super::check::all(&mut read).await.unwrap(),
            Vec::<String>::new()
        );
    }
}
