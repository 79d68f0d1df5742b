//! Scorecards and health scores through the services: who sees what, figures from the
//! records, and the daily history written once a day.

use super::*;
use domain::insight::{Band, ComponentKey};
use rust_decimal::Decimal;
use services::deals::{ActivityInput, DealClose, DealDecision};

/// Alpha (one certified person) registers a $20,000 deal, we approve it, log a joint call
/// and close it won today.
async fn alpha_wins(w: &World) {
    let s = &w.services;
    certify(s, &w.manager, w.partner_a, "ana@alpha.com").await;
    let deal = s
        .register_deal(
            &w.a_user,
            w.partner_a,
            &deal_input("Initrode", "initrode.example", "20000"),
            true,
        )
        .await
        .unwrap();
    s.decide_deal(
        &w.manager,
        deal.id,
        &DealDecision {
            decision: "approve".into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    s.log_activity(
        &w.manager,
        deal.id,
        &ActivityInput {
            kind: "call".into(),
            joint: true,
            note: "kick-off".into(),
            occurred_on: String::new(),
        },
    )
    .await
    .unwrap();
    s.close_deal(
        &w.manager,
        deal.id,
        &DealClose {
            outcome: "won".into(),
            amount: "20000".into(),
            closed_on: String::new(),
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn scorecards_show_the_records_and_partners_see_only_their_own_without_our_fields() {
    each_backend(|w| async move {
        let s = &w.services;
        alpha_wins(&w).await;
        let ours = s.scorecard(&w.manager, w.partner_a, "").await.unwrap();
        let f = &ours.figures;
        assert_eq!(
            (f.won, f.won_deals, f.arr),
            (Decimal::from(20_000), 1, Decimal::from(20_000))
        );
        assert_eq!(
            (f.pipeline_created, f.registered),
            (Decimal::from(20_000), 1)
        );
        assert_eq!(
            (f.ended, f.ended_won, f.conversion_percent),
            (1, 1, Some(Decimal::from(100)))
        );
        assert_eq!((f.joint_calls, f.joint_meetings), (1, 0));
        assert_eq!(ours.trend.len(), 8);
        let internal = ours.internal.expect("ours see the IPP fit and risks");
        assert_eq!(
            (internal.ipp_fit, internal.risks),
            (None, None),
            "no assessment: no data yet"
        );

        let theirs = s.scorecard(&w.a_user, w.partner_a, "").await.unwrap();
        assert_eq!(theirs.figures, ours.figures);
        assert!(
            theirs.internal.is_none(),
            "a partner's people never get our fields"
        );
        assert!(matches!(
            s.scorecard(&w.a_user, w.partner_b, "").await,
            Err(Error::NotFound)
        ));
        assert!(
            s.scorecard(&w.executive, w.partner_b, "2025-Q4")
                .await
                .is_ok()
        );
        assert!(matches!(
            s.scorecard(&w.executive, w.partner_b, "2025-Q5").await,
            Err(Error::Invalid(e)) if e[0].field == "quarter"
        ));
    })
    .await;
}

#[tokio::test]
async fn health_is_ours_recorded_once_a_day_and_listed_worst_first() {
    each_backend(|w| async move {
        let s = &w.services;
        alpha_wins(&w).await;
        let page = PageRequest::<time::Date>::everything();
        assert!(matches!(
            s.health(&w.a_admin, w.partner_a, &page).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.health(&w.a_admin, w.partner_b, &page).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            s.partners_health(&w.a_admin, None, &PageRequest::everything())
                .await,
            Err(Error::Forbidden(_))
        ));

        let now = s.health(&w.executive, w.partner_a, &page).await.unwrap();
        let keys: Vec<ComponentKey> = now.now.components.iter().map(|c| c.key).collect();
        use ComponentKey::*;
        assert_eq!(
            keys,
            [Revenue, Engagement, Capability, Growth, Satisfaction]
        );
        assert_eq!(now.now.components[4].score, None);
        assert!(
            now.history.items.is_empty(),
            "nothing recorded before the job"
        );

        let today = store::now().date();
        assert_eq!(
            s.recompute_health(today).await.unwrap(),
            2,
            "Alpha and Bravo"
        );
        assert_eq!(s.recompute_health(today).await.unwrap(), 0, "once a day");
        let recorded = s
            .health(&w.manager, w.partner_a, &page)
            .await
            .unwrap()
            .history;
        assert_eq!(recorded.items.len(), 1);
        assert_eq!(recorded.items[0].computed_on, today);
        assert_eq!(recorded.items[0].components, now.now.components);

        let listed = s
            .partners_health(&w.manager, None, &PageRequest::everything())
            .await
            .unwrap();
        let scores: Vec<u32> = listed.items.iter().filter_map(|p| p.health.score).collect();
        assert!(
            scores.windows(2).all(|w| w[0] <= w[1]),
            "worst first: {scores:?}"
        );
        let first = s
            .partners_health(&w.manager, None, &PageRequest::first(1))
            .await
            .unwrap();
        assert_eq!(first.items.len(), 1);
        let cursor = first
            .next_cursor
            .expect("a full page says where the next starts");
        let query = services::PageQuery {
            cursor,
            limit: Some(1),
        };
        let next = s
            .partners_health(&w.manager, None, &query.request().unwrap())
            .await
            .unwrap();
        assert_ne!(next.items[0].partner_id, first.items[0].partner_id);
        assert!(matches!(
            s.partners_health(&w.manager, Some("sickly"), &PageRequest::everything()).await,
            Err(Error::Invalid(e)) if e[0].field == "band"
        ));
        let bands = s.health_bands(&w.manager).await.unwrap();
        assert_eq!(bands.iter().map(|b| b.partners).sum::<i64>(), 2);
        assert!(
            bands
                .iter()
                .all(|b| b.band.is_none_or(|b| Band::ALL.contains(&b)))
        );
    })
    .await;
}
