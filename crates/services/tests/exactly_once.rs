//! Every state transition happens exactly once: of many racing requests one wins, the rest
//! get a conflict, and the side effects (new records, notifications, audit events) happen
//! once — on SQLite and on PostgreSQL, with the racers on several threads.

use services::audit::AuditQuery;
use services::{Actor, Error, Services};
use std::future::Future;

mod common;
use common::*;

/// How many copies of each request race.
const RACERS: usize = 8;

/// Starts `RACERS` calls at once and returns how many succeeded; every other one must have
/// been refused as a conflict (409), never failed otherwise.
async fn race<T, F, Fut>(call: F) -> usize
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(RACERS));
    let mut racers = tokio::task::JoinSet::new();
    for i in 0..RACERS {
        let call = call(i);
        let start = start.clone();
        racers.spawn(async move {
            start.wait().await;
            call.await
        });
    }
    let mut winners = 0;
    while let Some(outcome) = racers.join_next().await {
        match outcome.expect("racer panicked") {
            Ok(_) => winners += 1,
            Err(Error::Conflict(_)) => {}
            Err(other) => panic!("a loser must get a conflict, got {other:?}"),
        }
    }
    winners
}

/// Audit events of one kind, as the admin's audit log lists them.
async fn audited(s: &Services, admin: &Actor, entity_type: &str, action: &str) -> usize {
    let query = AuditQuery {
        entity_type: entity_type.into(),
        action: action.into(),
        limit: Some(200),
        ..Default::default()
    };
    s.audit_log(admin, &query).await.unwrap().items.len()
}

/// Notifications of one kind waiting for `who`.
async fn notified(s: &Services, who: &Actor, kind: &str) -> usize {
    s.notifications(who, &Default::default())
        .await
        .unwrap()
        .items
        .iter()
        .filter(|n| n.kind == kind)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lead_is_accepted_or_rejected_once() {
    each_backend(|w| async move {
        let s = &w.services;
        let sales = user(s, &w.admin, "sales@vendor.test", "sales", None).await;
        let input = lead_input();
        let lead = s.submit_lead(&w.a_user, w.partner_a, &input).await.unwrap();
        // Two internal users, half accepting and half rejecting.
        let winners = race(|i| {
            let (s, id) = (s.clone(), lead.id);
            let who = if i % 2 == 0 {
                sales.clone()
            } else {
                w.manager.clone()
            };
            async move {
                if i < RACERS / 2 {
                    s.accept_lead(&who, id).await
                } else {
                    s.reject_lead(&who, id, "not a fit").await
                }
            }
        })
        .await;
        assert_eq!(winners, 1);
        let decided = s
            .leads(&w.manager, None, None, &services::PageRequest::everything())
            .await
            .unwrap()
            .items;
        let registrations = s
            .deals(&w.manager, &Default::default())
            .await
            .unwrap()
            .items;
        match decided[0].status.as_str() {
            "accepted" => {
                assert_eq!(registrations.len(), 1, "one registration from one lead");
                assert_eq!(decided[0].deal_id, Some(registrations[0].id));
            }
            "rejected" => assert!(registrations.is_empty()),
            other => panic!("lead is {other}"),
        }
        assert_eq!(
            notified(s, &w.a_admin, "lead").await,
            1,
            "the partner is told once"
        );
        let audits = audited(s, &w.admin, "lead", "accepted").await
            + audited(s, &w.admin, "lead", "rejected").await;
        assert_eq!(audits, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registrations_are_decided_closed_and_their_cases_worked_once() {
    use services::deals::{DealClose, DealDecision};
    use services::escalations::Move;
    each_backend(|w| async move {
        let s = &w.services;
        let b_admin = user(
            s,
            &w.admin,
            "admin@bravo.test",
            "partner_admin",
            Some(w.partner_b),
        )
        .await;
        certify(s, &w.manager, w.partner_a, "ana@alpha.com").await;
        certify(s, &w.manager, w.partner_b, "bo@bravo.com").await;
        let deal = s
            .register_deal(
                &w.a_user,
                w.partner_a,
                &deal_input("Acme Corp", "acme.com", "80000"),
                true,
            )
            .await
            .unwrap();
        // Bravo registers the same customer: a conflict case opens on its registration.
        let rival = s
            .register_deal(
                &b_admin,
                w.partner_b,
                &deal_input("Acme Corp", "acme.com", "50000"),
                true,
            )
            .await
            .unwrap();

        // Its channel-conflict case, worked to the point of resolving: of the resolutions
        // racing, one records its outcome and the others get 409.
        let case = s
            .deal_conflict_case(&w.manager, rival.id)
            .await
            .unwrap()
            .unwrap();
        for transition in ["acknowledge", "start"] {
            let step = Move {
                transition: transition.into(),
                ..Default::default()
            };
            s.move_escalation(&w.manager, case.id, &step).await.unwrap();
        }
        let winners = race(|i| {
            let (s, who, id) = (s.clone(), w.manager.clone(), case.id);
            async move {
                let resolve = Move {
                    transition: "resolve".into(),
                    message: format!("settled, take {i}"),
                    conflict_outcome: if i % 2 == 0 {
                        "co_sell"
                    } else {
                        "other_party_wins"
                    }
                    .into(),
                    version: None,
                };
                s.move_escalation(&who, id, &resolve).await
            }
        })
        .await;
        assert_eq!(winners, 1);
        assert_eq!(audited(s, &w.admin, "escalation_case", "resolve").await, 1);

        let winners = race(|i| {
            let (s, who, id) = (s.clone(), w.manager.clone(), deal.id);
            async move {
                let decision = DealDecision {
                    decision: if i % 2 == 0 { "approve" } else { "reject" }.into(),
                    note: "decided".into(),
                };
                s.decide_deal(&who, id, &decision).await
            }
        })
        .await;
        assert_eq!(winners, 1);
        assert_eq!(notified(s, &w.a_admin, "deal_decision").await, 1);
        let decisions = audited(s, &w.admin, "deal_registration", "approved").await
            + audited(s, &w.admin, "deal_registration", "rejected").await;
        assert_eq!(decisions, 1);

        let approved = s.deal(&w.manager, deal.id).await.unwrap();
        if approved.status == domain::deals::registration::Status::Approved {
            // Co-sold (partner-sourced): a joint call of ours comes before the win.
            let call = services::deals::ActivityInput {
                kind: "call".into(),
                joint: true,
                note: "joint call".into(),
                ..Default::default()
            };
            s.log_activity(&w.manager, deal.id, &call).await.unwrap();
            let winners = race(|_| {
                let (s, who, id) = (s.clone(), w.manager.clone(), deal.id);
                async move {
                    let close = DealClose {
                        outcome: "won".into(),
                        amount: "75000".into(),
                        closed_on: String::new(),
                    };
                    s.close_deal(&who, id, &close).await
                }
            })
            .await;
            assert_eq!(winners, 1);
            assert_eq!(audited(s, &w.admin, "deal_registration", "won").await, 1);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stages_tiers_onboarding_items_and_requirements_change_once() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        let winners = race(|_| {
            let (s, who) = (s.clone(), w.manager.clone());
            async move { s.change_partner_stage(&who, a, "recruiting", "").await }
        })
        .await;
        assert_eq!(winners, 1);
        assert_eq!(audited(s, &w.admin, "partner", "stage_changed").await, 1);
        s.change_partner_stage(&w.manager, a, "onboarding", "signed")
            .await
            .unwrap();

        let winners = race(|_| {
            let (s, who) = (s.clone(), w.manager.clone());
            async move {
                s.set_tier_manually(&who, a, "gold", "strategic account")
                    .await
            }
        })
        .await;
        assert_eq!(winners, 1);

        let items = s.onboarding_checklist(&w.a_user, a).await.unwrap().items;
        let login = items.iter().find(|i| i.key == "portal_login").unwrap().id;
        let winners = race(|_| {
            let (s, who) = (s.clone(), w.a_user.clone());
            async move { s.tick_onboarding_item(&who, login, true, "").await }
        })
        .await;
        assert_eq!(winners, 1);
        assert_eq!(audited(s, &w.admin, "onboarding_item", "done").await, 1);

        let contact = s
            .add_contact(
                &w.manager,
                a,
                &domain::partners::ContactInput {
                    name: "Ana Alves".into(),
                    email: "ana@alpha.com".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let enrollment = s
            .enroll(&w.manager, a, &contact.id.to_string(), "sales_foundation")
            .await
            .unwrap();
        let winners = race(|_| {
            let (s, who) = (s.clone(), w.a_user.clone());
            async move {
                s.tick_requirement(&who, enrollment, "Training attended", true)
                    .await
            }
        })
        .await;
        assert_eq!(winners, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn accounts_tokens_and_shared_evaluations_change_once() {
    use domain::program::scoring_3c4c::EvaluationInput;
    each_backend(|w| async move {
        let s = &w.services;
        let target = w.a_user.user_id.unwrap();
        let winners = race(|_| {
            let (s, who) = (s.clone(), w.admin.clone());
            async move { s.set_user_disabled(&who, target, true).await }
        })
        .await;
        assert_eq!(winners, 1);
        assert_eq!(audited(s, &w.admin, "user", "disabled").await, 1);

        let (token, _) = s.create_api_token(&w.manager, "laptop").await.unwrap();
        let winners = race(|_| {
            let (s, who) = (s.clone(), w.manager.clone());
            async move { s.revoke_api_token(&who, token.id).await }
        })
        .await;
        assert_eq!(winners, 1);
        assert_eq!(audited(s, &w.admin, "api_token", "revoked").await, 1);

        let input = EvaluationInput {
            capacity: "3".into(),
            capability: "4".into(),
            commitment: "3".into(),
            ..Default::default()
        };
        let evaluation = s
            .evaluate_3c4c(&w.manager, w.partner_a, &input)
            .await
            .unwrap();
        let winners = race(|_| {
            let (s, who) = (s.clone(), w.manager.clone());
            async move { s.share_3c4c(&who, evaluation.id, true).await }
        })
        .await;
        // A share repeated after the first has landed changes nothing and says so quietly;
        // racers that read "unshared" with it lose.
        assert!(winners >= 1);
        assert_eq!(audited(s, &w.admin, "evaluation_3c4c", "shared").await, 1);
    })
    .await;
}
