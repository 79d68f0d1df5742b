//! The jobs table: scheduled runs queued once per period, and claimed by one server.

use super::*;

#[tokio::test]
async fn scheduled_evaluation_runs_once_per_period() {
    each_backend(|w| async move {
        let s = &w.services;
        let now = store::now();
        assert!(s.schedule_jobs(now).await.unwrap());
        assert!(
            !s.schedule_jobs(now).await.unwrap(),
            "the same day is queued once"
        );
        assert_eq!(
            s.run_due_jobs(now).await.unwrap(),
            4,
            "the tier evaluation, the certification expiry run, the deal registration sweep and \
             the internal survey round (routine sweeps keep no job rows)"
        );
        assert_eq!(s.run_due_jobs(now).await.unwrap(), 0);
        let runs = s
            .tier_evaluation_runs(&w.admin, &PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(
            (runs[0].status.as_str(), runs[0].requested_by.as_str()),
            ("done", "schedule")
        );
        assert!(
            s.schedule_jobs(now + time::Duration::days(1))
                .await
                .unwrap(),
            "the next day is a new period"
        );
        assert_eq!(
            services::jobs::schedule_key(
                domain::program::Cadence::Weekly,
                time::macros::datetime!(2027-01-01 0:00 UTC)
            ),
            "evaluate_tiers:2026-W53"
        );
        assert_eq!(
            services::jobs::schedule_key(
                domain::program::Cadence::Monthly,
                time::macros::datetime!(2027-01-01 0:00 UTC)
            ),
            "evaluate_tiers:2027-01"
        );
        let mut tx = s.db.read().await.unwrap();
        for kind in ["escalation_sweep", "mail_digest", "work_sweep"] {
            assert!(
                store::jobs::recent(&mut tx, kind, None, 10)
                    .await
                    .unwrap()
                    .is_empty(),
                "{kind} is a routine: no job rows"
            );
        }
    })
    .await;
}

#[test]
fn routine_periods_are_five_minutes_or_an_hour() {
    use services::jobs::Routine;
    let at = |t| Routine::EscalationSweep.period(t);
    assert_eq!(
        at(time::macros::datetime!(2027-01-01 9:04:59 UTC)),
        "2027-01-01T09:00"
    );
    assert_eq!(
        at(time::macros::datetime!(2027-01-01 9:05 UTC)),
        "2027-01-01T09:05"
    );
    assert_eq!(
        Routine::WorkSweep.period(time::macros::datetime!(2027-01-01 23:59:59 UTC)),
        "2027-01-01T23:55"
    );
    assert_eq!(
        Routine::MailDigest.period(time::macros::datetime!(2027-01-01 9:59 UTC)),
        "2027-01-01T09:00"
    );
    // Keys are UTC whatever offset the instant carries.
    assert_eq!(
        Routine::MailDigest.period(time::macros::datetime!(2027-01-01 10:30 +01:00)),
        "2027-01-01T09:00"
    );
}

/// The routines two servers ran at `at`, by name, sorted.
async fn ran(one: &Services, two: &Services, at: time::OffsetDateTime) -> Vec<&'static str> {
    let (a, b) = tokio::join!(one.run_routines(at), two.run_routines(at));
    let mut names: Vec<&'static str> = a
        .unwrap()
        .into_iter()
        .chain(b.unwrap())
        .map(|run| {
            assert!(run.outcome.is_ok(), "{run:?}");
            run.routine.name()
        })
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routine_sweeps_run_once_per_period_across_servers() {
    each_backend(|w| async move {
        let one = &w.services;
        let two = &Services::new(w.services.db.clone(), Config::default());
        let t = time::macros::datetime!(2030-01-07 09:00 UTC);
        assert_eq!(
            ran(one, two, t).await,
            ["escalation_sweep", "mail_digest", "work_sweep"],
            "each once, on one server or the other"
        );
        assert!(
            ran(one, two, t + time::Duration::minutes(4))
                .await
                .is_empty()
        );
        assert_eq!(
            ran(one, two, t + time::Duration::minutes(5)).await,
            ["escalation_sweep", "work_sweep"],
            "the digest's period is the hour"
        );
        assert_eq!(
            ran(one, two, t + time::Duration::minutes(60)).await,
            ["escalation_sweep", "mail_digest", "work_sweep"]
        );
        assert!(
            ran(one, two, t + time::Duration::minutes(30))
                .await
                .is_empty(),
            "a server whose clock is behind does not run a period again"
        );
    })
    .await;
}

#[tokio::test]
async fn two_servers_never_claim_the_same_job() {
    let db = TestDb::new(Backend::Postgres).await;
    let now = store::now();
    let mut tx = db.db.write().await.unwrap();
    for key in ["a", "b"] {
        store::jobs::enqueue(&mut tx, "evaluate_tiers", key, now, "test", now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // Two transactions claim while both are open, as two servers would.
    let mut first = db.db.write().await.unwrap();
    let mut second = db.db.write().await.unwrap();
    let lease = now + time::Duration::minutes(15);
    let one = store::jobs::claim(&mut first, now, lease)
        .await
        .unwrap()
        .unwrap();
    let two = store::jobs::claim(&mut second, now, lease)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        one.id, two.id,
        "SKIP LOCKED hands the second server the other job"
    );
    first.commit().await.unwrap();
    second.commit().await.unwrap();
    let mut third = db.db.write().await.unwrap();
    assert!(
        store::jobs::claim(&mut third, now, lease)
            .await
            .unwrap()
            .is_none(),
        "both are leased"
    );
    let later = lease + time::Duration::seconds(1);
    assert!(
        store::jobs::claim(&mut third, later, later + time::Duration::minutes(15))
            .await
            .unwrap()
            .is_some(),
        "an expired lease is taken over"
    );
}
