//! Every API list is a page: `limit` rows and a `next_cursor` while there may be more, the
//! limit and cursor checked alike everywhere, and a cursor never reaching another partner's
//! records.

use super::*;
use domain::users::NewUserInput;
use services::Actor;

/// The page at `path`: what `field` holds in each item, and its `next_cursor`.
async fn page(f: &Fixture, token: &str, path: &str, field: &str) -> (Vec<String>, Option<String>) {
    let (status, body) = f.api(Some(token), Method::GET, path, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    let items = page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} is a page: {body}"))
        .iter()
        .map(|item| item[field].as_str().unwrap().to_owned())
        .collect();
    (items, page["next_cursor"].as_str().map(str::to_owned))
}

/// `limit=0`, `limit=201` and a cursor we did not issue are refused, each naming its field.
async fn refuses_bad_paging(f: &Fixture, token: &str, path: &str) {
    let join = if path.contains('?') { '&' } else { '?' };
    for (query, field, message) in [
        ("limit=0", "limit", "must be between 1 and 200"),
        ("limit=201", "limit", "must be between 1 and 200"),
        (
            "cursor=nonsense",
            "cursor",
            "is not a cursor this server issued",
        ),
    ] {
        let url = format!("{path}{join}{query}");
        let (status, body) = f.api(Some(token), Method::GET, &url, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{url}: {body}");
        assert_eq!(problem["errors"][0]["message"], message, "{url}: {body}");
    }
}

#[tokio::test]
async fn leads_come_two_at_a_time_and_a_foreign_cursor_shows_nothing_of_the_other_partner() {
    each(|f| async move {
        let admin = f.actor(Role::Admin);
        for company in ["First Prospect", "Second Prospect", "Third Prospect"] {
            let lead = domain::deals::leads::LeadInput {
                company: company.into(),
                contact_name: "Pat".into(),
                contact_email: "pat@prospect.example".into(),
                need: "A pilot".into(),
                ..Default::default()
            };
            f.services
                .submit_lead(admin, f.partner_a, &lead)
                .await
                .unwrap();
        }
        let alpha = f.token(Role::PartnerUser);
        let (first, cursor) = page(&f, alpha, "/api/v1/leads?limit=2", "company").await;
        assert_eq!(first, ["Third Prospect", "Second Prospect"]);
        let cursor = cursor.expect("a full page says where the next starts");
        let (second, last) = page(
            &f,
            alpha,
            &format!("/api/v1/leads?limit=2&cursor={cursor}"),
            "company",
        )
        .await;
        assert_eq!(second, ["First Prospect"]);
        assert_eq!(last, None);
        refuses_bad_paging(&f, alpha, "/api/v1/leads").await;

        // A cursor from Bravo's list (its one lead, the oldest) taken to Alpha's list.
        let pm = f.token(Role::PartnerManager);
        let (bravo, bravo_cursor) = page(
            &f,
            pm,
            &format!("/api/v1/leads?partner={}&limit=1", f.partner_b),
            "company",
        )
        .await;
        assert_eq!(bravo, ["Bravo Prospect"]);
        assert_eq!(bravo_cursor, Some(f.lead_b.to_string()));
        let (status, body) = f
            .api(
                Some(alpha),
                Method::GET,
                &format!("/api/v1/leads?cursor={}", f.lead_b),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body, r#"{"items":[],"next_cursor":null}"#,
            "Alpha has no lead older than Bravo's"
        );
    })
    .await;
}

#[tokio::test]
async fn decided_tier_proposals_come_two_at_a_time() {
    each(|f| async move {
        let admin = f.actor(Role::Admin);
        f.services
            .set_tier_manually(admin, f.partner_a, "bronze", "signed")
            .await
            .unwrap();
        f.services
            .set_tier_manually(admin, f.partner_a, "silver", "grew")
            .await
            .unwrap();
        let executive = f.token(Role::Executive);
        let path = "/api/v1/tier-proposals?status=decided&limit=2";
        let (first, cursor) = page(&f, executive, path, "to_tier").await;
        assert_eq!(
            first,
            ["Silver", "Bronze"],
            "newest decision first: Alpha's two"
        );
        let cursor = cursor.expect("a full page says where the next starts");
        let (second, last) = page(
            &f,
            executive,
            &format!("{path}&cursor={cursor}"),
            "partner_id",
        )
        .await;
        assert_eq!(
            second,
            [f.partner_b.to_string()],
            "then Bravo's, decided first"
        );
        assert_eq!(last, None);
        refuses_bad_paging(&f, executive, "/api/v1/tier-proposals?status=decided").await;
    })
    .await;
}

#[tokio::test]
async fn users_come_two_at_a_time_in_email_order() {
    each(|f| async move {
        let admin = f.actor(Role::Admin);
        let charlie = f
            .services
            .create_partner(admin, &common::partner_input("Charlie"))
            .await
            .unwrap()
            .id;
        let mut charlie_admin = None;
        for (email, role) in [
            ("cy@charlie.example", "partner_user"),
            ("ann@charlie.example", "partner_admin"),
            ("bo@charlie.example", "partner_user"),
        ] {
            let input = NewUserInput {
                email: email.into(),
                name: email.into(),
                role: role.into(),
                partner_id: Some(charlie),
                password: common::PASSWORD.into(),
            };
            let user = f.services.create_user(admin, &input).await.unwrap();
            if role == "partner_admin" {
                charlie_admin = Some(Actor::from_user(&user));
            }
        }
        let (_, token) = f
            .services
            .create_api_token(&charlie_admin.unwrap(), "paging")
            .await
            .unwrap();
        let (first, cursor) = page(&f, &token, "/api/v1/users?limit=2", "email").await;
        assert_eq!(first, ["ann@charlie.example", "bo@charlie.example"]);
        let cursor = cursor.expect("a full page says where the next starts");
        let (second, last) = page(
            &f,
            &token,
            &format!("/api/v1/users?limit=2&cursor={cursor}"),
            "email",
        )
        .await;
        assert_eq!(second, ["cy@charlie.example"]);
        assert_eq!(last, None);
        refuses_bad_paging(&f, &token, "/api/v1/users").await;
    })
    .await;
}

/// Every page of `path` one row at a time: `fields` of each row, in order, and how many pages
/// it took.
async fn one_at_a_time(
    f: &Fixture,
    token: &str,
    path: &str,
    fields: [&str; 2],
) -> (Vec<String>, usize) {
    let mut rows = Vec::new();
    let mut pages = 0;
    let mut url = format!("{path}?limit=1");
    loop {
        let (status, body) = f.api(Some(token), Method::GET, &url, None).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            rows.push(format!(
                "{} {}",
                item[fields[0]].as_str().unwrap(),
                item[fields[1]].as_str().unwrap()
            ));
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("{path}?limit=1&cursor={cursor}"),
            None => return (rows, pages),
        }
    }
}

#[tokio::test]
async fn lists_ordered_up_one_key_and_down_another_page_in_that_order() {
    each(|f| async move {
        let admin = f.actor(Role::Admin);
        let rates = "currency,rate,effective_on\nGBP,1.3,2026-01-01\nEUR,1.1,2026-01-01\nEUR,1.2,2026-02-01\n";
        f.services.import_rates(admin, rates, false).await.unwrap();
        let executive = f.token(Role::Executive);
        let (rows, pages) = one_at_a_time(&f, executive, "/api/v1/rates", ["currency", "effective_on"]).await;
        assert_eq!(rows, ["EUR 2026-02-01", "EUR 2026-01-01", "GBP 2026-01-01"], "by currency, newest first");
        assert_eq!(pages, 4, "the third page is full, so a fourth, empty one ends the list");

        let a = f.partner_a;
        let completions = format!(
            "partner,email,name,certification,date,score\n\
             {a},bo@alpha.example,Bo Alpha,sales_foundation,2026-01-05,90\n\
             {a},ann@alpha.example,Ann Alpha,technical_foundation,2025-12-20,90\n\
             {a},ann@alpha.example,Ann Alpha,sales_foundation,2026-01-10,90\n"
        );
        f.services.import_certifications(admin, &completions, false).await.unwrap();
        let path = format!("/api/v1/partners/{a}/certifications");
        let (rows, _) = one_at_a_time(&f, f.token(Role::PartnerUser), &path, ["person", "earned_on"]).await;
        assert_eq!(rows, ["Ann Alpha 2026-01-10", "Ann Alpha 2025-12-20", "Bo Alpha 2026-01-05"], "by person, newest first");
    })
    .await;
}
