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
            6,
            "the tier evaluation, the certification expiry run, the deal registration sweep, the \
             internal survey round, the escalation sweep and the mail digest"
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
        // The escalation sweep runs once per five minutes.
        assert_eq!(
            services::jobs::escalation_sweep_key(time::macros::datetime!(2027-01-01 9:04:59 UTC)),
            "escalation_sweep:2027-01-01T09:00"
        );
        assert_eq!(
            services::jobs::escalation_sweep_key(time::macros::datetime!(2027-01-01 9:05 UTC)),
            "escalation_sweep:2027-01-01T09:05"
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
