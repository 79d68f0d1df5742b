//! Teams through the API and the portal: the marketing team's member ticks marketing's
//! onboarding item, the RACI page in words, team pages, and the stakeholder map's form.

use super::*;

pub(super) fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Puts the fixture's user of `role` on `team` through the API, as the admin.
pub(super) async fn join(f: &Fixture, team: &str, role: Role) {
    let body = format!("{{\"user_id\":\"{}\"}}", f.actor(role).user_id.unwrap());
    let (status, text) = f
        .api(
            Some(f.token(Role::Admin)),
            Method::POST,
            &format!("/api/v1/teams/{team}/members"),
            Some(&body),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
}

#[tokio::test]
async fn the_marketing_team_ticks_marketings_onboarding_item() {
    each(|f| async move {
        let (_, list) = f
            .api(
                Some(f.token(Role::Admin)),
                Method::GET,
                &format!("/api/v1/partners/{}/onboarding", f.partner_b),
                None,
            )
            .await;
        let list = json(&list);
        let item = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == "resources_shared")
            .unwrap();
        assert_eq!(item["owner"], "marketing");
        let path = format!("/api/v1/onboarding-items/{}", item["id"].as_str().unwrap());
        let tick = r#"{"done":true,"evidence":"https://example.com/kit"}"#;

        // The marketing role alone is not the marketing team.
        let (status, body) = f
            .api(Some(f.token(Role::Marketing)), Method::POST, &path, Some(tick))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains(
            "this item is ticked by its owner (members of the Marketing team), by partner managers or by administrators"
        ));

        join(&f, "marketing", Role::Marketing).await;
        join(&f, "sales", Role::Sales).await;
        // A sales user, on the sales team but not on marketing: refused.
        let (status, _) = f
            .api(Some(f.token(Role::Sales)), Method::POST, &path, Some(tick))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The marketing team's member: done (the endpoint answers 204 No Content).
        let (status, body) = f
            .api(Some(f.token(Role::Marketing)), Method::POST, &path, Some(tick))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (_, list) = f
            .api(
                Some(f.token(Role::Marketing)),
                Method::GET,
                &format!("/api/v1/partners/{}/onboarding", f.partner_b),
                None,
            )
            .await;
        let done = json(&list)["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == "resources_shared")
            .cloned()
            .unwrap();
        assert_eq!(done["done"], true);
        assert_eq!(done["done_by"], "marketing@test.example");

        // Through the portal too: the partner page's form, the sales user refused.
        let (session, csrf) = f.sign_in("sales@test.example").await;
        let form = format!(
            "csrf_token={csrf}&partner_id={}&done=false&evidence=",
            f.partner_b
        );
        let (status, _, _) = f
            .post_form(
                &session,
                &format!("/onboarding-items/{}/tick", item["id"].as_str().unwrap()),
                &form,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_raci_matrix_in_words_and_pages() {
    each(|f| async move {
        let (status, body) = f
            .api(Some(f.token(Role::Sales)), Method::GET, "/api/v1/raci?limit=2", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = json(&body);
        let first: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["activity"].as_str().unwrap())
            .collect();
        assert_eq!(first, ["commission_payment", "contract_review"]);
        assert_eq!(
            page["items"][0]["parts"][0],
            serde_json::json!({"activity": "commission_payment", "activity_label": "Commission payment",
                "team": "sales", "team_label": "Sales", "letter": "C", "word": "Consulted"})
        );
        let cursor = page["next_cursor"].as_str().unwrap();
        let (_, body) = f
            .api(
                Some(f.token(Role::Sales)),
                Method::GET,
                &format!("/api/v1/raci?limit=10&cursor={cursor}"),
                None,
            )
            .await;
        let rest = json(&body);
        let rest: Vec<&str> = rest["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["activity"].as_str().unwrap())
            .collect();
        assert_eq!(
            rest,
            [
                "deal_registration",
                "integration_requests",
                "lead_handoff",
                "onboarding",
                "partner_sourcing"
            ]
        );

        let (session, _) = f.sign_in("finance@test.example").await;
        let (status, _, page) = f.page(&session, "/raci").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page.matches("<h1>").count(), 1);
        assert!(page.contains("<a href=\"/raci\">Teams</a>"), "the nav links it");
        assert!(page.contains(
            "<tr><th scope=\"row\">Commission payment</th><td>Consulted</td><td></td><td></td><td>Responsible</td><td></td><td></td><td>Accountable</td></tr>"
        ), "{page}");
        assert!(page.contains("<th scope=\"col\"><a href=\"/teams/customer_success\">Customer success</a></th>"));
        // No activity of the default matrix names the executives: no empty column, still a page.
        assert!(!page.contains("<th scope=\"col\"><a href=\"/teams/executive\">"), "{page}");
        assert!(page.contains("<li><a href=\"/teams/executive\">Executive</a></li>"), "{page}");

        assert!(page.contains("<li>Commission payment: Finance has no members</li>"), "{page}");
        assert!(page.contains("<li>Contract review: Legal has no members</li>"), "{page}");

        join(&f, "finance", Role::Finance).await;
        let (_, _, raci) = f.page(&session, "/raci").await;
        assert!(!raci.contains("Commission payment: Finance has no members"), "{raci}");
        assert!(raci.contains("<li>Contract review: Legal has no members</li>"), "{raci}");
        let (status, _, page) = f.page(&session, "/teams/finance").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<h1>Finance team</h1>"));
        assert!(page.contains("finance user (finance@test.example) · Finance"));
        assert!(page.contains("<li>Commission payment: <strong>Responsible</strong></li>"));
        assert!(page.contains("<dt>Open escalations</dt><dd>0</dd>"), "{page}");
        assert!(!page.contains("Add a member"), "only admins place people");
        let (status, _, _) = f.page(&session, "/teams/growth").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (partner, _) = f.sign_in("partner_user@alpha.example").await;
        for path in ["/raci", "/teams/finance", "/stakeholder-map"] {
            let (status, _, _) = f.page(&partner, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn admins_place_people_and_partner_users_never_join() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let partner_user = f.actor(Role::PartnerUser).user_id.unwrap();
        let (status, _, page) = f
            .post_form(
                &session,
                "/teams/legal/members",
                &format!("csrf_token={csrf}&user_id={partner_user}"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(
            "<p class=\"error\">partner_user@alpha.example is a partner user of a partner organisation; teams hold our own people only</p>"
        ), "the error sits by the person field");
        let legal = f.actor(Role::Executive).user_id.unwrap();
        let (status, headers, _) = f
            .post_form(
                &session,
                "/teams/legal/members",
                &format!("csrf_token={csrf}&user_id={legal}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers["location"], "/teams/legal#members");
        let (status, _, _) = f
            .post_form(
                &session,
                "/teams/legal/lead",
                &format!("csrf_token={csrf}&user_id={legal}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, body) = f
            .api(Some(f.token(Role::Sales)), Method::GET, "/api/v1/teams/legal", None)
            .await;
        let team = json(&body);
        assert_eq!(team["lead"]["email"], "executive@test.example");
        assert_eq!(team["members"].as_array().unwrap().len(), 1);
        let (status, body) = f
            .api(
                Some(f.token(Role::Admin)),
                Method::DELETE,
                &format!("/api/v1/teams/legal/members/{legal}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json(&body)["lead"], serde_json::Value::Null);
    })
    .await;
}

#[tokio::test]
async fn the_stakeholder_map_keeps_both_editors_words_in_sight() {
    each(|f| async move {
        let body = r#"{"version":0,"decision_maker":"CMO","cares_about":"Sourced pipeline","blockers":"Budget","champion_name":"Ana Ortiz"}"#;
        let (status, text) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::PUT,
                "/api/v1/teams/marketing/stakeholder",
                Some(body),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(json(&text)["stakeholder"]["version"], 1);
        // The same edit again, from the version read before: 409.
        let (status, text) = f
            .api(
                Some(f.token(Role::Admin)),
                Method::PUT,
                "/api/v1/teams/marketing/stakeholder",
                Some(body),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{text}");

        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let (status, _, page) = f.page(&session, "/teams/marketing/stakeholder").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<input type=\"hidden\" name=\"version\" value=\"1\">"));
        assert!(page.contains("value=\"CMO\""));
        let long = "x".repeat(201);
        let (status, _, page) = f
            .post_form(
                &session,
                "/teams/marketing/stakeholder",
                &format!("csrf_token={csrf}&version=1&decision_maker={long}&cares_about=&blockers=&champion_user_id=&champion_name="),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("<p class=\"error\">must be at most 200 characters</p>"));
        assert!(page.contains(&long), "what was typed is kept");
        // A stale form: the conflict is shown with what was saved meanwhile.
        let (status, _, page) = f
            .post_form(
                &session,
                "/teams/marketing/stakeholder",
                &format!("csrf_token={csrf}&version=0&decision_maker=VP+Marketing&cares_about=&blockers=&champion_user_id=&champion_name="),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(page.contains("id=\"conflict\""));
        assert!(page.contains("<dt>Decision maker</dt><dd>CMO</dd>"));
        assert!(page.contains(" by partner_manager@test.example</dd>"), "who saved it");
        assert!(page.contains("value=\"VP Marketing\""));

        let (status, _, page) = f.page(&session, "/stakeholder-map").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<dd class=\"notes\">Sourced pipeline</dd>"));
        assert!(page.contains("<dt>Internal champion</dt><dd>Ana Ortiz</dd>"));
        assert!(page.contains("<dt>Internal NPS</dt><dd>no data yet</dd>"));

        let (sales, _) = f.sign_in("sales@test.example").await;
        let (status, _, _) = f.page(&sales, "/teams/marketing/stakeholder").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
