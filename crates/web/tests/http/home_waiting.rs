//! What waits on the reader, on their home: a partner's escalation cases waiting on its people
//! (page and API, partner fields only).

use super::*;
use services::escalations::{Escalation, Move};

/// A P3 technical case of Alpha's raised by its user and moved by our partner manager
/// through `moves`; its id and reference.
async fn worked_case(f: &Fixture, issue: &str, moves: &[&str]) -> (uuid::Uuid, String) {
    let form = domain::escalations::Form {
        issue: issue.into(),
        category: "technical".into(),
        urgency: "p3".into(),
        occurred_on: "2026-11-30".into(),
    };
    let raised = f
        .services
        .submit_escalation(f.actor(Role::PartnerUser), f.partner_a, &form)
        .await
        .unwrap();
    let Escalation::Partners(raised) = raised else {
        panic!("a partner's people get the partner shape");
    };
    for transition in moves {
        let step = Move {
            transition: (*transition).into(),
            message: format!("{transition} said to Alpha"),
            ..Default::default()
        };
        f.services
            .move_escalation(f.actor(Role::PartnerManager), raised.case.id, &step)
            .await
            .unwrap();
    }
    (raised.case.id, raised.case.reference)
}

#[tokio::test]
async fn cases_waiting_on_a_partner_are_on_its_home() {
    each(|f| async move {
        let (asked, asked_ref) =
            worked_case(&f, "Portal down", &["acknowledge", "start", "wait_on_partner"]).await;
        let (resolved, resolved_ref) =
            worked_case(&f, "Sync fails", &["acknowledge", "start", "resolve"]).await;
        worked_case(&f, "Slow reports", &["acknowledge"]).await;
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, page) = f.page(&session, "/home").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for text in [
            r#"<a href="/escalations?state=waiting_on_partner">Cases waiting for your answer: 1 case</a>"#.to_owned(),
            r#"<a href="/escalations?state=resolved">Resolutions to confirm: 1 case</a>"#.to_owned(),
            format!(r#"<a href="/escalations/{asked}">{asked_ref}</a> <span title="Portal down">Portal down</span>: answer our question"#),
            format!(r#"<a href="/escalations/{resolved}">{resolved_ref}</a> <span title="Sync fails">Sync fails</span>: confirm the resolution or reopen the case"#),
        ] {
            assert!(page.contains(&text), "no {text}: {page}");
        }
        for absent in ["Slow reports", "Nothing waits on you."] {
            assert!(!page.contains(absent), "{absent} on A's home: {page}");
        }
        let (status, body) = f
            .api(Some(f.token(Role::PartnerUser)), Method::GET, "/api/v1/home", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let home: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(home["escalations_by_state"][0]["count"], 1);
        assert_eq!(home["escalations_by_state"][1]["status"], "resolved");
        assert_eq!(home["escalations_by_state"][1]["count"], 1);
        let waiting = home["escalations_waiting"].as_array().unwrap();
        assert_eq!(waiting.len(), 2, "{body}");
        assert_eq!(waiting[0]["reference"], asked_ref.as_str());
        assert_eq!(waiting[0]["state"], "waiting_on_partner");
        assert_eq!(waiting[1]["link"], format!("/escalations/{resolved}"));
        for absent in ["owner_id", "breached", "Slow reports"] {
            assert!(!body.contains(absent), "{absent} in A's home: {body}");
        }
    })
    .await;
}

/// The keys of a home's figures in `section` ("waiting" or "overview"), in order.
fn keys(home: &serde_json::Value, section: &str) -> Vec<String> {
    home[section]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn waiting_on_you_holds_only_what_the_reader_may_act_on() {
    each(|f| async move {
        let mine = ["my_work_open", "my_work_breached", "my_work_due_soon"];
        let with_mine = |rest: &[&str]| -> Vec<String> {
            mine.iter().chain(rest).map(|k| (*k).to_owned()).collect()
        };
        let expected: [(Role, Vec<String>, Vec<&str>); 6] = [
            (
                Role::Admin,
                with_mine(&[
                    "registrations_to_decide",
                    "decisions_overdue",
                    "tier_proposals_to_decide",
                    "open_conflict_cases",
                ]),
                vec![],
            ),
            (
                Role::PartnerManager,
                with_mine(&[
                    "registrations_to_decide",
                    "decisions_overdue",
                    "tier_proposals_to_decide",
                    "open_conflict_cases",
                ]),
                vec![],
            ),
            // Sales decides leads and works conflict cases; registrations are decided by
            // those who manage deals.
            (
                Role::Sales,
                with_mine(&["leads_waiting", "open_conflict_cases"]),
                vec!["registrations_to_decide"],
            ),
            (Role::Marketing, with_mine(&[]), vec!["leads_waiting"]),
            (Role::Finance, with_mine(&[]), vec![]),
            (
                Role::Executive,
                with_mine(&[]),
                vec![
                    "registrations_to_decide",
                    "decisions_overdue",
                    "tier_proposals_to_decide",
                    "open_conflict_cases",
                ],
            ),
        ];
        for (role, waiting, overview) in expected {
            let (status, body) = f
                .api(Some(f.token(role)), Method::GET, "/api/v1/home", None)
                .await;
            assert_eq!(status, StatusCode::OK, "{role:?}: {body}");
            let home: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(keys(&home, "waiting"), waiting, "{role:?}");
            assert_eq!(keys(&home, "overview"), overview, "{role:?}");
        }
        // A conflict case opens the channel-conflict escalations, not the deals list.
        let (_, body) = f
            .api(Some(f.token(Role::Sales)), Method::GET, "/api/v1/home", None)
            .await;
        assert!(
            body.contains(r#""link":"/escalations?category=channel_conflict&state=open,acknowledged,in_progress,waiting_on_partner,reopened""#),
            "{body}"
        );
        // The executive reads the queues under "Overview", not as waiting on them.
        let (session, _) = f.sign_in("executive@test.example").await;
        let (status, _, page) = f.page(&session, "/home").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("<h2>Overview</h2>"), "{page}");
        let waiting = page.split(r#"id="overview""#).next().unwrap();
        assert!(!waiting.contains("Registrations to decide"), "{page}");
        let (session, _) = f.sign_in("marketing@test.example").await;
        let (_, _, page) = f.page(&session, "/home").await;
        let overview = page.split(r#"id="overview""#).nth(1).unwrap();
        assert!(overview.contains("Leads waiting for sales: "), "{page}");
    })
    .await;
}
