//! The leads page's status filter: a GET form, kept by the next-page link; a bad status is
//! named on the page and in the API.

use super::*;

#[tokio::test]
async fn leads_filter_by_status_across_pages() {
    each(|f| async move {
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/leads?status=submitted").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains(
                r#"<form method="get" action="/leads" class="filters" id="lead-filter">"#
            ) && page.contains(r#"<option value="submitted" selected>Submitted</option>"#),
            "{page}"
        );
        assert!(page.contains("Bravo Prospect"), "{page}");
        let (_, _, page) = f.page(&session, "/leads?status=accepted").await;
        assert!(
            !page.contains("Bravo Prospect") && page.contains("No leads yet."),
            "{page}"
        );

        let (status, _, page) = f.page(&session, "/leads?status=won").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("&#39;won&#39; is not one of: submitted, accepted, rejected")
                || page.contains("&#x27;won&#x27; is not one of: submitted, accepted, rejected"),
            "{page}"
        );
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::GET,
                "/api/v1/leads?status=won",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(r#""field":"status""#), "{body}");

        // 200 newer submitted leads fill the first page; the next page keeps the filter and
        // holds Bravo's, the oldest.
        let admin = f.actor(Role::Admin);
        for n in 0..200 {
            let lead = domain::deals::leads::LeadInput {
                company: format!("Filler {n}"),
                contact_name: "Pat".into(),
                contact_email: format!("pat{n}@filler.example"),
                need: "A pilot".into(),
                ..Default::default()
            };
            f.services
                .submit_lead(admin, f.partner_a, &lead)
                .await
                .unwrap();
        }
        let (_, _, page) = f.page(&session, "/leads?status=submitted").await;
        assert!(!page.contains("Bravo Prospect"), "{page}");
        let start = page
            .find(r#"<a href="/leads?status=submitted&#38;cursor="#)
            .unwrap_or_else(|| panic!("a next link with the filter: {page}"));
        let link = &page[start + 9..];
        let link = link[..link.find('"').unwrap()].replace("&#38;", "&");
        let (status, _, page) = f.page(&session, &link).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Bravo Prospect"), "{page}");
        assert!(
            page.contains(r#"<option value="submitted" selected>"#),
            "{page}"
        );
    })
    .await;
}
