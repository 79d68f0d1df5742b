//! Work items through the API and the portal: "My work" with its filters, the comment rule
//! by the item's route, the take race, and the pages.

use super::teams::{join, json};
use super::*;

async fn get(f: &Fixture, role: Role, path: &str) -> (StatusCode, serde_json::Value) {
    let (status, body) = f.api(Some(f.token(role)), Method::GET, path, None).await;
    (status, json(&body))
}

#[tokio::test]
async fn my_work_lists_my_teams_items_with_filters_and_pages() {
    each(|f| async move {
        join(&f, "sales", Role::Sales).await;
        let (status, mine) = get(&f, Role::Sales, "/api/v1/my-work").await;
        assert_eq!(status, StatusCode::OK, "{mine}");
        let items = mine["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{mine}");
        assert_eq!(items[0]["kind"], "lead_handoff");
        assert_eq!(items[0]["queue"], "sales");
        assert_eq!(items[0]["sla"], "on_track");
        assert_eq!(items[0]["link"], format!("/work/{}", f.work_b));
        assert!(
            items[0]["title"]
                .as_str()
                .unwrap()
                .ends_with(": Bravo Prospect")
        );

        let (_, none) = get(&f, Role::Sales, "/api/v1/my-work?kind=onboarding").await;
        assert_eq!(none["items"], serde_json::json!([]));
        let (_, none) = get(&f, Role::Sales, "/api/v1/my-work?sla=breached").await;
        assert_eq!(none["items"], serde_json::json!([]));
        let (_, none) = get(&f, Role::Sales, "/api/v1/my-work?scope=mine").await;
        assert_eq!(none["items"], serde_json::json!([]));
        let (status, bad) = get(&f, Role::Sales, "/api/v1/my-work?sla=late&kind=chores").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = bad["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["kind", "sla"]);

        // Marketing's queue holds partner B's onboarding items, paged most urgent first.
        join(&f, "marketing", Role::Marketing).await;
        let (_, first) = get(&f, Role::Marketing, "/api/v1/my-work?limit=2").await;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        let cursor = first["next_cursor"].as_str().unwrap();
        let (_, rest) = get(
            &f,
            Role::Marketing,
            &format!("/api/v1/my-work?cursor={cursor}"),
        )
        .await;
        assert_eq!(
            rest["items"].as_array().unwrap().len(),
            2,
            "four marketing items"
        );
        assert!(first["items"][1]["due_at"].as_str() <= rest["items"][0]["due_at"].as_str());

        // The page: in the navigation, the item linked, the filters kept.
        let (session, _) = f.sign_in("sales@test.example").await;
        let (status, _, html) = f.page(&session, "/my-work").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(r#"<a href="/my-work">My work</a>"#));
        assert!(html.contains(
            "<strong>Due soon</strong> — in the last 25% of the time allowed · \
             <strong>Breached</strong> — past due · <strong>Paused</strong> — waiting on the \
             partner, the clock stopped · <strong>Met</strong> — done within the time allowed."
        ));
        assert!(html.contains("<th>Work</th><th>Kind</th><th>Urgency</th>"));
        assert!(html.contains(r#"<option value="escalated">Escalated to me</option>"#));
        assert!(html.contains(&format!(r#"<a href="/work/{}" title=""#, f.work_b)));
        let (status, _, html) = f.page(&session, "/my-work?sla=late").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(r#"id="f-sla-error""#));
        // The team page counts its queue.
        let (_, _, team) = f.page(&session, "/teams/sales").await;
        assert!(team.contains("Open work items in its queue"), "{team}");
    })
    .await;
}

#[tokio::test]
async fn teams_off_the_row_read_work_comments_and_never_write_them() {
    each(|f| async move {
        // Lead handoff: sales R, marketing A, partner management C. Legal is not on the row.
        join(&f, "legal", Role::Finance).await;
        join(&f, "marketing", Role::Marketing).await;
        let path = format!("/api/v1/work/{}/comments", f.work_b);
        let say = r#"{"body":"the prospect called"}"#;
        let (status, body) = f
            .api(Some(f.token(Role::Finance)), Method::POST, &path, Some(say))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = f
            .api(
                Some(f.token(Role::Marketing)),
                Method::POST,
                &path,
                Some(say),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, item) = get(&f, Role::Finance, &format!("/api/v1/work/{}", f.work_b)).await;
        assert_eq!(item["can_comment"], false);
        assert_eq!(item["comments"][0]["body"], "the prospect called");
        assert_eq!(item["accountable"], "Marketing");

        // Through the portal: the finance user reads, the form is not offered.
        let (session, _) = f.sign_in("finance@test.example").await;
        let (status, _, html) = f.page(&session, &format!("/work/{}", f.work_b)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("the prospect called"));
        assert!(!html.contains(r#"id="comment-form""#));
        // The marketing member's empty comment is refused next to the field.
        let (session, csrf) = f.sign_in("marketing@test.example").await;
        let (status, _, html) = f
            .post_form(
                &session,
                &format!("/work/{}/comments", f.work_b),
                &format!("csrf_token={csrf}&body=+"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(r#"aria-describedby="comment-body-error""#));
    })
    .await;
}

#[tokio::test]
async fn of_two_members_taking_an_item_one_wins_and_the_other_gets_409() {
    each(|f| async move {
        join(&f, "sales", Role::Sales).await;
        join(&f, "sales", Role::Marketing).await;
        let path = format!("/api/v1/work/{}/take", f.work_b);
        let take = r#"{"version":0}"#;
        let (first, body) = f
            .api(Some(f.token(Role::Sales)), Method::POST, &path, Some(take))
            .await;
        assert_eq!(first, StatusCode::OK, "{body}");
        assert_eq!(json(&body)["assignee"], "sales user");
        let (second, body) = f
            .api(
                Some(f.token(Role::Marketing)),
                Method::POST,
                &path,
                Some(take),
            )
            .await;
        assert_eq!(second, StatusCode::CONFLICT, "{body}");
        let (_, mine) = get(&f, Role::Sales, "/api/v1/my-work?scope=mine").await;
        assert_eq!(mine["items"][0]["assigned_to_me"], true);

        // The portal's "Assign to me" on a taken item: the page again with the conflict.
        let (session, csrf) = f.sign_in("marketing@test.example").await;
        let (status, _, html) = f
            .post_form(
                &session,
                &format!("/work/{}/take", f.work_b),
                &format!("csrf_token={csrf}&version=0"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(html.contains(r#"id="work-problem""#));
    })
    .await;
}

#[tokio::test]
async fn my_work_shows_my_action_items_names_queues_and_every_kind_it_takes() {
    each(|f| async move {
        join(&f, "sales", Role::Sales).await;
        let seller = f.actor(Role::Sales).user_id.unwrap();
        let today = store::now().date();
        let action =
            format!(r#"{{"text":"Call Bravo","owner_id":"{seller}","due_on":"{today}"}}"#);
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::POST,
                &format!("/api/v1/meetings/{}/actions", f.meeting),
                Some(&action),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        f.set_due_on("Call Bravo", time::macros::date!(2040 - 01 - 15))
            .await;

        let (_, mine) = get(&f, Role::Sales, "/api/v1/my-work").await;
        let items = mine["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{mine}");
        assert_eq!(items[0]["kind"], "lead_handoff");
        assert_eq!(items[0]["queue"], "sales");
        assert_eq!(items[0]["queue_label"], "Sales");
        assert_eq!(items[1]["kind"], "meeting_action");
        assert_eq!(items[1]["queue_label"], "You own it");
        assert_eq!(items[1]["due_at"], "2040-01-16T00:00:00Z");
        assert_eq!(items[1]["due_on"], "2040-01-15");
        assert_eq!(items[1]["sla"], "on_track");
        assert_eq!(items[1]["link"], format!("/meetings/{}#actions", f.meeting));

        let (status, bad) = get(&f, Role::Sales, "/api/v1/my-work?kind=bogus").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            bad["errors"],
            serde_json::json!([{"field": "kind", "message": "'bogus' is not one of: onboarding, deal_registration, lead_handoff, contract_review, escalation, meeting_action, remediation"}])
        );

        let (session, _) = f.sign_in("sales@test.example").await;
        let (status, _, html) = f.page(&session, "/my-work").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<td>Sales</td>"), "{html}");
        assert!(!html.contains("<td>sales</td>"), "{html}");
        assert!(html.contains(&format!(r#"<a href="/meetings/{}#actions" title=""#, f.meeting)), "{html}");
        assert!(html.contains("<td>Meeting action item</td><td>—</td>"), "{html}");
        assert!(html.contains(r#"<option value="remediation">Remediation action</option>"#), "{html}");
    })
    .await;
}
