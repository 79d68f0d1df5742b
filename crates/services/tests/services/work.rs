//! Work items through the services, on both backends: opened and closed with their sources
//! in one transaction, the Accountable team told, comments by route, the take race, "My
//! work", and SLA warnings sent once.

use super::teams::member;
use super::*;
use domain::escalations::ClockState;
use services::teams::LeadInput;
use services::work::{AssignInput, CommentInput, MyWorkQuery, TakeInput};

pub(super) async fn join(s: &Services, admin: &Actor, team: &str, who: &Actor) {
    s.add_team_member(admin, team, &member(who)).await.unwrap();
}

async fn told(s: &Services, who: &Actor, kind: &str) -> Vec<(String, String)> {
    s.notifications(who, &Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|n| n.kind == kind)
        .map(|n| (n.message, n.link))
        .collect()
}

fn query(scope: &str, kind: &str, sla: &str) -> MyWorkQuery {
    MyWorkQuery {
        scope: scope.into(),
        kind: kind.into(),
        sla: sla.into(),
        ..Default::default()
    }
}

pub(super) async fn onboard(w: &World) {
    let s = &w.services;
    s.change_partner_stage(&w.manager, w.partner_a, "recruiting", "")
        .await
        .unwrap();
    s.change_partner_stage(&w.manager, w.partner_a, "onboarding", "")
        .await
        .unwrap();
}

/// The manager leads partner management (Accountable for onboarding and contract review),
/// then partner A enters onboarding.
async fn onboard_with_manager_leading(w: &World) {
    let s = &w.services;
    join(s, &w.admin, "partner_manager", &w.manager).await;
    let lead = LeadInput {
        user_id: w.manager.user_id.unwrap().to_string(),
    };
    s.set_team_lead(&w.admin, "partner_manager", &lead)
        .await
        .unwrap();
    onboard(w).await;
}

#[tokio::test]
async fn a_partners_contracts_are_legals_work_by_contract_review_and_legal_ticks_them() {
    each_backend(|w| async move {
        let s = &w.services;
        let lawyer = user(s, &w.admin, "lena@vendor.test", "marketing", None).await;
        join(s, &w.admin, "legal", &lawyer).await;
        // Partner management answers for contract review: its lead is told.
        onboard_with_manager_leading(&w).await;

        let mine = s
            .my_work(&lawyer, &query("", "contract_review", ""))
            .await
            .unwrap();
        let mut titles: Vec<&str> = mine.items.iter().map(|e| e.title.as_str()).collect();
        titles.sort();
        assert_eq!(
            titles,
            [
                "MSA signed",
                "NDA signed",
                "Partner program agreement signed"
            ]
        );
        assert!(mine.items.iter().all(|e| e.queue == "legal"));
        let notices = told(s, &w.manager, "work_item").await;
        assert_eq!(
            notices
                .iter()
                .filter(|(m, _)| m.starts_with("New work for Legal: "))
                .count(),
            3,
            "{notices:?}"
        );
        // Partner management holds no contract of the partner's any more.
        let managers = s.my_work(&w.manager, &query("", "", "")).await.unwrap();
        assert!(!managers.items.iter().any(|e| e.title == "NDA signed"));

        let nda = mine.items.iter().find(|e| e.title == "NDA signed").unwrap();
        let detail = s.work_item(&lawyer, nda.id).await.unwrap();
        assert_eq!(detail.accountable, "Partner management");
        assert_eq!(
            detail.consulted,
            ["Sales", "Marketing", "Product", "Finance"]
        );

        // The checklist names Legal as the owner, and Legal's member ticks it.
        let list = s.onboarding_checklist(&lawyer, w.partner_a).await.unwrap();
        let item = list.items.iter().find(|i| i.key == "nda_signed").unwrap();
        assert_eq!(item.owner, "legal");
        assert!(item.can_tick);
        s.tick_onboarding_item(&lawyer, item.id, true, "nda.pdf")
            .await
            .unwrap();
        let closed = s.work_item(&lawyer, nda.id).await.unwrap().item;
        assert!(closed.closed_at.is_some());
        let after = s
            .my_work(&lawyer, &query("", "contract_review", ""))
            .await
            .unwrap();
        assert_eq!(after.items.len(), 2);
        // Unticking gives the contract back to Legal, as contract review again.
        s.tick_onboarding_item(&lawyer, item.id, false, "")
            .await
            .unwrap();
        let back = s
            .my_work(&lawyer, &query("", "contract_review", ""))
            .await
            .unwrap();
        assert_eq!(back.items.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn an_onboarding_item_is_its_teams_work_until_ticked_and_the_accountable_lead_hears_of_it() {
    each_backend(|w| async move {
        let s = &w.services;
        let marketer = user(s, &w.admin, "mia@vendor.test", "marketing", None).await;
        join(s, &w.admin, "marketing", &marketer).await;
        // Partner management answers for onboarding: its lead is told of every new item.
        onboard_with_manager_leading(&w).await;

        let mine = s
            .my_work(&marketer, &query("", "onboarding", ""))
            .await
            .unwrap();
        let titles: Vec<&str> = mine.items.iter().map(|e| e.title.as_str()).collect();
        // The template gives Marketing four items to tick by hand.
        assert_eq!(mine.items.len(), 4, "{titles:?}");
        assert!(
            mine.items
                .iter()
                .all(|e| e.queue == "marketing" && !e.assigned_to_me)
        );
        assert!(mine.items.iter().all(|e| e.sla == ClockState::OnTrack));
        let notices = told(s, &w.manager, "work_item").await;
        assert!(
            notices
                .iter()
                .any(|(m, _)| m.starts_with("New work for Marketing: ")),
            "{notices:?}"
        );

        let list = s
            .onboarding_checklist(&marketer, w.partner_a)
            .await
            .unwrap();
        let item = list
            .items
            .iter()
            .find(|i| i.key == "resources_shared")
            .unwrap();
        let entry = mine.items.iter().find(|e| e.title == item.title).unwrap();
        let detail = s.work_item(&marketer, entry.id).await.unwrap();
        assert_eq!(
            detail.item.source_link,
            format!("/partners/{}/onboarding", w.partner_a)
        );
        assert_eq!(detail.accountable, "Partner management");

        s.tick_onboarding_item(&marketer, item.id, true, "https://example.com/kit")
            .await
            .unwrap();
        let closed = s.work_item(&marketer, entry.id).await.unwrap().item;
        assert!(closed.closed_at.is_some());
        assert_eq!(closed.sla, ClockState::Met);
        let after = s
            .my_work(&marketer, &query("", "onboarding", ""))
            .await
            .unwrap();
        assert_eq!(after.items.len(), 3);

        // A second tick is refused and closes nothing more; unticking gives the work back.
        assert!(matches!(
            s.tick_onboarding_item(&marketer, item.id, true, "https://example.com/kit")
                .await,
            Err(Error::Conflict(_))
        ));
        assert_eq!(
            s.my_work(&marketer, &query("", "onboarding", ""))
                .await
                .unwrap()
                .items
                .len(),
            3
        );
        s.tick_onboarding_item(&marketer, item.id, false, "")
            .await
            .unwrap();
        assert_eq!(
            s.my_work(&marketer, &query("", "onboarding", ""))
                .await
                .unwrap()
                .items
                .len(),
            4
        );
    })
    .await;
}

#[tokio::test]
async fn a_lead_is_sales_work_until_decided_once() {
    each_backend(|w| async move {
        let s = &w.services;
        let seller = user(s, &w.admin, "sam@vendor.test", "sales", None).await;
        let marketer = user(s, &w.admin, "mia@vendor.test", "marketing", None).await;
        join(s, &w.admin, "sales", &seller).await;
        // Marketing answers for lead handoff and has no lead: its members hear.
        join(s, &w.admin, "marketing", &marketer).await;
        let lead = s
            .submit_lead(&w.a_user, w.partner_a, &lead_input())
            .await
            .unwrap();
        let work = s
            .my_work(&seller, &query("teams", "lead_handoff", ""))
            .await
            .unwrap();
        assert_eq!(work.items.len(), 1);
        let entry = &work.items[0];
        assert_eq!(
            entry.title,
            format!("Accept or reject {}: Initech", lead.reference)
        );
        assert_eq!(entry.partner_name, "Alpha");
        // 48 hours of every hour: the lead's own accept-by instant.
        assert_eq!(entry.due_at, Some(lead.accept_by));
        assert_eq!(
            told(s, &marketer, "work_item").await,
            [(
                format!(
                    "New work for Sales: {} — Alpha (Lead to accept)",
                    entry.title
                ),
                format!("/work/{}", entry.id)
            )]
        );

        s.accept_lead(&seller, lead.id).await.unwrap();
        assert!(
            s.my_work(&seller, &query("", "lead_handoff", ""))
                .await
                .unwrap()
                .items
                .is_empty()
        );
        let closed = s.work_item(&seller, entry.id).await.unwrap().item;
        assert_eq!(closed.sla, ClockState::Met);
        assert!(matches!(
            s.reject_lead(&seller, lead.id, "too late").await,
            Err(Error::Conflict(_))
        ));
        assert_eq!(
            s.work_item(&seller, entry.id).await.unwrap().item.closed_at,
            closed.closed_at
        );
        // A partner's people never see work items.
        assert!(matches!(
            s.work_item(&w.a_user, entry.id).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.my_work(&w.a_admin, &query("", "", "")).await,
            Err(Error::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn a_submitted_registration_is_partner_managements_work_until_decided() {
    each_backend(|w| async move {
        let s = &w.services;
        join(s, &w.admin, "partner_manager", &w.manager).await;
        certify(s, &w.admin, w.partner_a, "user@alpha.test").await;
        let deal = s
            .register_deal(
                &w.a_user,
                w.partner_a,
                &deal_input("Acme Corp", "acme.com", "80000"),
                true,
            )
            .await
            .unwrap();
        let work = s
            .my_work(&w.manager, &query("", "deal_registration", ""))
            .await
            .unwrap();
        assert_eq!(work.items.len(), 1);
        assert_eq!(
            work.items[0].title,
            format!("Decide {}: Acme Corp", deal.reference)
        );
        assert_eq!(work.items[0].queue, "partner_manager");
        let decision = services::deals::DealDecision {
            decision: "approve".into(),
            note: String::new(),
        };
        s.decide_deal(&w.manager, deal.id, &decision).await.unwrap();
        assert!(
            s.my_work(&w.manager, &query("", "deal_registration", ""))
                .await
                .unwrap()
                .items
                .is_empty()
        );
        assert!(matches!(
            s.decide_deal(&w.manager, deal.id, &decision).await,
            Err(Error::Conflict(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn the_route_decides_who_comments_and_one_of_two_takers_wins() {
    each_backend(|w| async move {
        let s = &w.services;
        let mia = user(s, &w.admin, "mia@vendor.test", "marketing", None).await;
        let max = user(s, &w.admin, "max@vendor.test", "marketing", None).await;
        let lawyer = user(s, &w.admin, "lee@vendor.test", "sales", None).await;
        let seller = user(s, &w.admin, "sam@vendor.test", "sales", None).await;
        join(s, &w.admin, "marketing", &mia).await;
        join(s, &w.admin, "marketing", &max).await;
        join(s, &w.admin, "legal", &lawyer).await;
        join(s, &w.admin, "sales", &seller).await;
        onboard(&w).await;
        let id = s
            .my_work(&mia, &query("", "onboarding", ""))
            .await
            .unwrap()
            .items[0]
            .id;
        let say = |body: &str| CommentInput { body: body.into() };

        // Marketing does it, sales is consulted, an admin oversees: they write.
        s.comment_on_work(&mia, id, &say("on it")).await.unwrap();
        s.comment_on_work(&seller, id, &say("the customer asked too"))
            .await
            .unwrap();
        s.comment_on_work(&w.admin, id, &say("thanks"))
            .await
            .unwrap();
        // Legal is not on the row; a partner manager on no team is nobody here: they read.
        assert!(matches!(
            s.comment_on_work(&lawyer, id, &say("x")).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.comment_on_work(&w.manager, id, &say("x")).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.comment_on_work(&w.a_user, id, &say("x")).await,
            Err(Error::Forbidden(_))
        ));
        let detail = s.work_item(&lawyer, id).await.unwrap();
        assert!(!detail.can_comment);
        let said: Vec<(&str, &str)> = detail
            .comments
            .iter()
            .map(|c| (c.author.as_str(), c.body.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                ("mia@vendor.test", "on it"),
                ("sam@vendor.test", "the customer asked too"),
                ("admin@vendor.test", "thanks")
            ]
        );
        assert!(matches!(
            s.comment_on_work(&mia, id, &say("  ")).await,
            Err(Error::Invalid(e)) if e[0].field == "body"
        ));

        // Two members take it having read version 0: one wins, the other gets a conflict.
        let read = s.work_item(&mia, id).await.unwrap();
        assert!(read.can_take);
        let version = read.item.version;
        let taken = s.take_work(&mia, id, &TakeInput { version }).await.unwrap();
        assert_eq!(taken.assignee.as_deref(), Some("mia@vendor.test"));
        let name = taken.assignee.clone().unwrap();
        assert!(matches!(
            s.take_work(&max, id, &TakeInput { version }).await,
            Err(Error::Conflict(m)) if m == format!("'{}' is already taken by {name}", taken.title)
        ));
        // A second "Assign to me" by the holder says so, with either version, and writes
        // nothing.
        for version in [version, taken.version] {
            assert!(matches!(
                s.take_work(&mia, id, &TakeInput { version }).await,
                Err(Error::Conflict(m)) if m == format!("'{}' is already yours", taken.title)
            ));
        }
        assert_eq!(
            s.work_item(&mia, id).await.unwrap().item.version,
            taken.version
        );
        assert!(matches!(
            s.take_work(
                &seller,
                id,
                &TakeInput {
                    version: taken.version
                }
            )
            .await,
            Err(Error::Forbidden(_))
        ));
        let mine = s.my_work(&mia, &query("mine", "", "")).await.unwrap();
        assert_eq!(mine.items.iter().map(|e| e.id).collect::<Vec<_>>(), [id]);

        // The team's lead gives it to another member; a stale version loses.
        s.set_team_lead(
            &w.admin,
            "marketing",
            &LeadInput {
                user_id: max.user_id.unwrap().to_string(),
            },
        )
        .await
        .unwrap();
        let to_mia = |version| AssignInput {
            assignee_id: mia.user_id.unwrap().to_string(),
            version,
        };
        assert!(matches!(
            s.assign_work(&mia, id, &to_mia(taken.version)).await,
            Err(Error::Forbidden(_))
        ));
        let given = AssignInput {
            assignee_id: max.user_id.unwrap().to_string(),
            version: taken.version,
        };
        s.assign_work(&max, id, &given).await.unwrap();
        let gave: Vec<String> = told(s, &max, "work_item")
            .await
            .into_iter()
            .map(|(m, _)| m)
            .filter(|m| m.contains("gave you work"))
            .collect();
        assert_eq!(
            gave,
            [format!(
                "max@vendor.test gave you work: {} — Alpha",
                taken.title
            )]
        );
        assert!(matches!(
            s.assign_work(&max, id, &given).await,
            Err(Error::Conflict(_))
        ));
        let outsider = AssignInput {
            assignee_id: seller.user_id.unwrap().to_string(),
            version: taken.version + 1,
        };
        assert!(matches!(
            s.assign_work(&max, id, &outsider).await,
            Err(Error::Invalid(e)) if e[0].field == "assignee_id"
        ));
    })
    .await;
}

#[tokio::test]
async fn a_sweep_warns_once_when_due_soon_and_once_when_breached() {
    each_backend(|w| async move {
        let s = &w.services;
        let seller = user(s, &w.admin, "sam@vendor.test", "sales", None).await;
        join(s, &w.admin, "sales", &seller).await;
        let lead = s.submit_lead(&w.a_user, w.partner_a, &lead_input()).await.unwrap();
        // 48 calendar hours; due soon in the last 12.
        let soon = lead.accept_by - time::Duration::hours(6);
        let first = s.sweep_work_items(soon).await.unwrap();
        assert_eq!((first.warned_due_soon, first.warned_breached), (1, 0));
        let again = s.sweep_work_items(soon).await.unwrap();
        assert_eq!((again.warned_due_soon, again.warned_breached), (0, 0));
        let late = lead.accept_by + time::Duration::hours(1);
        let breached = s.sweep_work_items(late).await.unwrap();
        assert_eq!((breached.warned_due_soon, breached.warned_breached), (0, 1));
        let quiet = s.sweep_work_items(late).await.unwrap();
        assert_eq!((quiet.warned_due_soon, quiet.warned_breached), (0, 0));
        let warnings: Vec<String> = told(s, &seller, "work_item_sla")
            .await
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        let title = format!("Accept or reject {}: Initech", lead.reference);
        assert_eq!(
            warnings,
            [
                format!("Past due: {title} — Alpha"),
                format!("Due soon: {title} — Alpha")
            ]
        );
        // "My work" filters by the state it derives now: on track.
        assert_eq!(s.my_work(&seller, &query("", "", "on_track")).await.unwrap().items.len(), 1);
        assert!(s.my_work(&seller, &query("", "", "breached")).await.unwrap().items.is_empty());
        assert!(matches!(
            s.my_work(&seller, &query("all", "chores", "late")).await,
            Err(Error::Invalid(e)) if e.iter().map(|f| f.field.as_str()).collect::<Vec<_>>() == ["scope", "kind", "sla"]
        ));
    })
    .await;
}
