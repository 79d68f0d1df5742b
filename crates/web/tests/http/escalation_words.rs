//! What people read of a case's words: our new-case form warns that the partner reads the
//! issue word for word; the lists (ours and the partner's) show each case's issue, cut at a
//! word with the whole text in its title.

use super::*;
use services::escalations::Escalation;

#[tokio::test]
async fn our_new_case_form_warns_that_the_partner_reads_the_issue() {
    each(|f| async move {
        let notice = "The partner reads what you write in ‘What is wrong’ word for word. Use an internal note on the case for anything else.";
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/escalations/new").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains(notice), "{page}");
        assert!(page.contains(r#"aria-describedby="e-issue-notice""#), "{page}");
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, page) = f.page(&session, "/escalations/new").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(!page.contains("e-issue-notice"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn escalation_lists_show_each_case_issue_cut_at_a_word() {
    each(|f| async move {
        let issue = "Commission for the Q3 Globex renewal is missing from the statement we received on Monday";
        let form = domain::escalations::Form {
            issue: issue.into(),
            category: "commission_dispute".into(),
            urgency: "p2".into(),
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
        // 88 characters, 80 allowed: cut after "received" (78) with the ellipsis.
        let cell = format!(
            r#"<td title="{issue}">Commission for the Q3 Globex renewal is missing from the statement we received…</td>"#
        );
        for (email, row) in [
            (
                "partner_manager@test.example",
                format!("{cell}<td>Alpha Ltd</td><td>Commission dispute</td><td>P2</td>"),
            ),
            (
                "partner_user@alpha.example",
                format!("{cell}<td>Commission dispute</td><td>P2</td>"),
            ),
        ] {
            let (session, _) = f.sign_in(email).await;
            let (status, _, page) = f.page(&session, "/escalations").await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(page.contains(&raised.case.reference), "{email}: {page}");
            assert!(page.contains(&row), "{email}: no {row}: {page}");
        }
    })
    .await;
}
