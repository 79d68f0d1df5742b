//! The partner and deal pages: certifications, registrations, notifications, onboarding, exiting.

use super::*;

#[tokio::test]
async fn certification_import_page_and_records_on_the_partner_page() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let a = f.partner_a;
        let (status, _, page) = f.page(&session, "/certifications/import").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Import certification completions from CSV"));
        let day = (store::now().date() - time::Duration::days(10)).to_string();
        let csv = format!("partner,email,name,certification,date,score\n{a},ana@alpha.com,Ana Alves,technical_advanced,{day},88\n{a},bo@alpha.com,,sales_foundation,{day},50\n");
        let form = format!("csrf_token={csrf}&action=check&csv={}", urlencode(&csv));
        let (status, _, page) = f.post_form(&session, "/certifications/import", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("below the pass mark of 70%"), "{page}");
        let good: String = csv.lines().take(2).map(|l| format!("{l}\n")).collect();
        let form = format!("csrf_token={csrf}&action=import&csv={}", urlencode(&good));
        let (status, _, page) = f.post_form(&session, "/certifications/import", &form).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Imported 1 row for 1 partner: 1 certification recorded, 0 already on record."), "{page}");
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}/enablement")).await;
        assert!(own.contains("<td>Ana Alves</td><td>Technical — Advanced</td>"), "{own}");
        let (status, _, _) = f.page(&user_session, "/certifications/import").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn certifications_by_hand_and_learning_on_the_partner_page() {
    each(|f| async move {
        let b = f.partner_b;
        let c = f.contact_b;
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let (_, _, page) = f.page(&session, &format!("/partners/{b}/enablement")).await;
        assert!(page.contains(r#"id="record-certification""#) && page.contains(r#"id="enroll-form""#), "{page}");
        assert!(page.contains("Sales — Foundation <small>(in progress)</small>"), "{page}");
        let form = format!("csrf_token={csrf}&partner_id={b}&requirement=Mock+pitch&done=true");
        let (status, _, _) = f.post_form(&session, &format!("/enrollments/{}/requirements", f.enrollment_b), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("/partners/{b}/enablement")).await;
        assert!(page.contains("Reopen: Mock pitch for Bea Bravo"), "{page}");

        let form = format!("csrf_token={csrf}&contact_id={c}&certification=sales_foundation&earned_on=2099-01-01&score=50&evidence=");
        let (status, _, page) = f.post_form(&session, &format!("/partners/{b}/certifications"), &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="certification-errors""#) && page.contains("earned_on: 2099-01-01 is in the future") && page.contains("score: 50% is below the pass mark of 70%"), "{page}");
        let day = (store::now().date() - time::Duration::days(5)).to_string();
        let form = format!("csrf_token={csrf}&contact_id={c}&certification=sales_foundation&earned_on={day}&score=90&evidence=https%3A%2F%2Flms.example%2Fbea");
        let (status, _, _) = f.post_form(&session, &format!("/partners/{b}/certifications"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("/partners/{b}/enablement")).await;
        assert!(page.contains(r#"<a href="https://lms.example/bea" rel="noopener noreferrer">link</a> <small>(Manual)</small>"#), "{page}");
        assert!(page.contains("Nobody is working towards a certification."), "earning it ended the enrollment");
        assert!(page.contains("<td>Bea Bravo</td><td>Sales path</td><td class=\"num\">1/3</td><td>Sales — Advanced</td>"), "{page}");

        // Partner people enroll their own colleagues but do not record certifications.
        let (user_session, user_csrf) = f.sign_in("partner_user@alpha.example").await;
        let a = f.partner_a;
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}/enablement")).await;
        assert!(!own.contains(r#"id="record-certification""#));
        let form = format!("csrf_token={user_csrf}&contact_id={c}&certification=sales_foundation&earned_on={day}&score=90");
        let (status, _, _) = f.post_form(&user_session, &format!("/partners/{b}/certifications"), &form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "B's page does not exist for A");
    })
    .await;
}

#[tokio::test]
async fn deal_registration_pages_from_form_to_protection() {
    each(|f| async move {
        let a = f.partner_a;
        // Partner A has no sales certification yet: the form says what is missing, keeps the input.
        let (session, csrf) = f.sign_in("partner_admin@alpha.example").await;
        let expected_close = (store::now().date() + time::Duration::days(30)).to_string();
        let form = |customer: &str, site: &str, action: &str| {
            format!("csrf_token={csrf}&customer_name={}&website={site}&industry=Retail&region=emea&deal_size=30000&expected_close={expected_close}&use_case=Sync&stage=discovery&probability=25&partner_rep=Pat&action={action}", urlencode(customer))
        };
        let (status, _, page) = f.post_form(&session, "/deals", &form("Bravo Customer", "bravo-customer.de", "submit")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("to register deals your organisation needs one active sales certification; it has 0") && page.contains(r#"value="Bravo Customer""#), "{page}");
        // A draft needs no certification.
        let (status, headers, _) = f.post_form(&session, "/deals", &form("Draft Co", "", "draft")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let draft = headers["location"].to_str().unwrap().to_owned();
        let (_, _, page) = f.page(&session, &draft).await;
        assert!(page.contains(r#"<b id="deal-status">Draft</b>"#), "{page}");
        let (status, _, page) = f.post_form(&session, "/deals", &form("", "not a site", "submit")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Nothing was registered.") && page.contains("&#39;not a site&#39; is not a website like acme.com"), "{page}");

        // Certified, A registers B's customer: the conflict check tells A only the verdict.
        let day = (store::now().date() - time::Duration::days(2)).to_string();
        let csv = format!("partner,email,certification,date,score\n{a},pat@alpha.com,sales_foundation,{day},90\n");
        f.services.import_certifications(f.actor(Role::Admin), &csv, false).await.unwrap();
        let token = f.token(Role::PartnerAdmin).to_owned();
        let (status, body) = f.api(Some(&token), Method::GET, &format!("/api/v1/partners/{a}/conflict-check?customer_name=Bravo%20Customer&website=www.bravo-customer.de"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, r#"{"verdict":"needs_review","findings":[]}"#, "no names, references or counts");
        let (status, headers, _) = f.post_form(&session, "/deals", &form("Bravo Customer", "bravo-customer.de", "submit")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let mine = headers["location"].to_str().unwrap().to_owned();
        let (_, _, page) = f.page(&session, &mine).await;
        assert!(page.contains(r#"<b id="conflict-verdict">needs review — Open</b>"#) && !page.contains("conflict-findings") && !page.contains("Bravo Resellers"), "{page}");

        // The partner manager sees why, and decides on the page.
        let (pm, pm_csrf) = f.sign_in("partner_manager@test.example").await;
        let (_, _, page) = f.page(&pm, &mine).await;
        assert!(page.contains(r#"id="conflict-findings""#) && page.contains("same domain bravo-customer.de as DR-"), "{page}");
        // The conflict is a channel-conflict escalation case, linked from the registration.
        assert!(page.contains(r#"<b id="case-stage">Open</b>"#), "{page}");
        let case = page.split(r#"<a href="/escalations/"#).nth(1).unwrap().split('"').next().unwrap().to_owned();
        let (_, _, partner_page) = f.page(&session, &mine).await;
        assert!(partner_page.contains(&format!(r#"<a href="/escalations/{case}" id="case-link">"#)), "the partner sees its own case: {partner_page}");
        let (_, _, partner_case) = f.page(&session, &format!("/escalations/{case}")).await;
        assert!(partner_case.contains("needs a conflict review") && !partner_case.contains("Bravo Resellers") && !partner_case.contains("same domain"), "{partner_case}");
        let moves = format!("/escalations/{case}/moves");
        for transition in ["acknowledge", "start"] {
            let (status, _, _) = f.post_form(&pm, &moves, &format!("csrf_token={pm_csrf}&transition={transition}&message=")).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        let (status, _, page) = f.post_form(&pm, &moves, &format!("csrf_token={pm_csrf}&transition=resolve&message=Bravo+was+first&conflict_outcome=")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="m-outcome-error""#), "{page}");
        let (status, body) = f.api(Some(f.token(Role::PartnerManager)), Method::POST, &format!("/api/v1{moves}"), Some(r#"{"transition":"resolve","message":"Bravo was first"}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("conflict_outcome"), "{body}");
        let (status, _, _) = f.post_form(&pm, &moves, &format!("csrf_token={pm_csrf}&transition=resolve&message=Bravo+was+first&conflict_outcome=other_party_wins")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&pm, &mine).await;
        assert!(page.contains(r#"<b id="case-stage">Resolved"#) && page.contains("The earlier registration or our direct team keeps the customer"), "{page}");
        // Resolved, the registration's conflict reads as the case's outcome, linked, on both sides.
        for reader in [&pm, &session] {
            let (_, _, page) = f.page(reader, &mine).await;
            assert!(page.contains(&format!(r#"<b id="conflict-verdict">resolved: The earlier registration or our direct team keeps the customer</b> (<a href="/escalations/{case}" id="conflict-case-link">ESC-"#)), "{page}");
        }
        let (_, _, case_page) = f.page(&pm, &format!("/escalations/{case}")).await;
        assert!(case_page.contains("<dt>Raised by</dt><dd>PartnerOS conflict check, "), "{case_page}");
        let deal_id = mine.trim_start_matches("/deals/");
        for reader in [Role::PartnerAdmin, Role::PartnerManager] {
            let (status, body) = f.api(Some(f.token(reader)), Method::GET, &format!("/api/v1/deals/{deal_id}"), None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert!(body.contains(&format!(r#""link":"/escalations/{case}","state":"resolved","conflict_outcome":"other_party_wins"}}"#)), "{reader:?}: {body}");
        }
        let (status, _, page) = f.post_form(&pm, &format!("{mine}/decision"), &format!("csrf_token={pm_csrf}&decision=reject&note=")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("note: give the partner the reason for rejecting"), "{page}");
        let deal_b = f.deal_b;
        let (status, _, _) = f.post_form(&pm, &format!("/deals/{deal_b}/decision"), &format!("csrf_token={pm_csrf}&decision=approve&note=First+to+register")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&pm, &format!("/deals/{deal_b}")).await;
        assert!(page.contains(r#"<span id="protected-until">protected until "#), "{page}");
        let (status, _, _) = f.post_form(&pm, &format!("{mine}/decision"), &format!("csrf_token={pm_csrf}&decision=reject&note=Bravo+registered+first")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &mine).await;
        assert!(page.contains(r#"<b id="deal-status">Rejected</b>"#) && page.contains("Bravo registered first"), "{page}");
        let (_, _, list) = f.page(&session, "/deals").await;
        assert!(list.contains("Draft Co") && !list.contains("Bravo Resellers"), "A lists its own registrations only: {list}");
        let (status, _, _) = f.page(&session, &format!("/deals/{deal_b}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn notifications_are_counted_listed_and_marked_read() {
    each(|f| async move {
        let a = f.partner_a;
        let day = (store::now().date() - time::Duration::days(365 - 5)).to_string();
        let csv = format!("partner,email,certification,date,score\n{a},partner_admin@alpha.example,sales_foundation,{day},90\n");
        f.services.import_certifications(f.actor(Role::Admin), &csv, false).await.unwrap();
        f.services.run_certification_expiry(&services::Actor::system("test")).await.unwrap();
        let (session, csrf) = f.sign_in("partner_admin@alpha.example").await;
        let (_, _, page) = f.page(&session, "/partners").await;
        assert!(page.contains(r#"<span class="badge" aria-label="1 unread">1</span>"#), "{page}");
        let (_, _, list) = f.page(&session, "/notifications").await;
        assert!(list.contains("Renewal reminder: partner_admin&#39;s Sales — Foundation expires on"), "{list}");
        assert!(list.contains(&format!(r#"href="/partners/{a}/enablement""#)), "{list}");
        let (status, _, _) = f.post_form(&session, "/notifications/read", &format!("csrf_token={csrf}")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, "/notifications?unread=true").await;
        assert!(page.contains("Nothing to tell you.") && !page.contains(r#"class="badge""#), "{page}");
        let (status, _, _) = f.post_form(&session, "/notifications/read", &format!("csrf_token={csrf}&id=not-an-id")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn onboarding_checklist_on_the_partner_page() {
    each(|f| async move {
        let b = f.partner_b;
        // Partner B's own portal user ticks its item; the list shows who did it.
        let (admin_session, admin_csrf) = f.sign_in("admin@vendor.test").await;
        let (_, _, page) = f.page(&admin_session, &format!("/partners/{b}/onboarding")).await;
        assert!(
            page.contains(r#"<section class="card" id="onboarding">"#)
                && page.contains("21 items open"),
            "{page}"
        );
        // B's submitted registration and its sales certification complete two items by themselves.
        for key in ["first_deal", "sales_certified"] {
            let row = &page[page.find(&format!(r#"data-key="{key}""#)).unwrap()..];
            let row = &row[..row.find("</tr>").unwrap()];
            assert!(row.contains("done (observed)"), "{key}: {row}");
            assert!(row.contains(r#"<a href="/"#), "an observed item links to its evidence: {row}");
        }
        let form = format!("csrf_token={admin_csrf}&partner_id={b}&done=true&evidence=");
        let (status, _, _) = f
            .post_form(
                &admin_session,
                &format!("/onboarding-items/{}/tick", f.onboarding_item_b),
                &form,
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&admin_session, &format!("/partners/{b}/onboarding")).await;
        assert!(
            page.contains("20 items open; 5 wait on the partner.")
                && page.contains("done (admin@vendor.test)"),
            "{page}"
        );
        let nda = f
            .services
            .onboarding_checklist(f.actor(Role::Admin), b)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|i| i.key == "nda_signed")
            .unwrap()
            .id;
        let form = format!("csrf_token={admin_csrf}&partner_id={b}&done=true&evidence=");
        let (status, _, page) = f
            .post_form(
                &admin_session,
                &format!("/onboarding-items/{nda}/tick"),
                &form,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("evidence: this item needs a file as evidence")
                && page.contains("Nothing was changed."),
            "{page}"
        );
        // A file as evidence: sent with the form, stored as B's attachment, linked by name.
        let boundary = "----partneros-test";
        let multipart = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{admin_csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"partner_id\"\r\n\r\n{b}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"done\"\r\n\r\ntrue\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"evidence_file\"; filename=\"NDA Bravo.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 signed\r\n\
             --{boundary}--\r\n"
        );
        let request = axum::http::Request::post(format!("/onboarding-items/{nda}/tick"))
            .header("cookie", format!("partneros_session={admin_session}"))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(axum::body::Body::from(multipart))
            .unwrap();
        let (status, _, _) = f.send(request).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&admin_session, &format!("/partners/{b}/onboarding")).await;
        let link_start = page.find(r#"<a href="/attachments/"#).expect("a link to the file");
        let link = &page[link_start + 9..];
        let link = &link[..link.find('"').unwrap()];
        assert!(link.ends_with("/NDA%20Bravo.pdf") && page.contains(">NDA Bravo.pdf</a>"), "{link}");
        let (status, headers, body) = f.page(&admin_session, link).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "%PDF-1.4 signed"));
        assert_eq!(headers["content-disposition"], "attachment; filename=\"NDA Bravo.pdf\"; filename*=UTF-8''NDA%20Bravo.pdf");
        assert_eq!(headers["x-content-type-options"], "nosniff");

        // Partner A's people never see B's checklist, nor its files.
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f
            .page(&user_session, &format!("/partners/{}/onboarding", f.partner_a))
            .await;
        assert!(own.contains("No onboarding plan for this partner."), "A is not onboarding");
        let (status, _, _) = f.page(&user_session, link).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn exiting_a_partner_on_its_page_asks_to_confirm_and_the_users_list_says_why_its_people_are_out()
 {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let a = f.partner_a;
        let path = format!("/partners/{a}/stage");
        let exit = format!("csrf_token={csrf}&stage=exited&note=contract+ended");
        let (status, _, page) = f.post_form(&session, &path, &exit).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="confirm-exit-error""#), "{page}");
        // Neither box nor reason: both said at once.
        let bare = format!("csrf_token={csrf}&stage=exited&note=");
        let (status, _, page) = f.post_form(&session, &path, &bare).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains(r#"id="confirm-exit-error""#)
                && page.contains("say why the partner exits"),
            "{page}"
        );
        // The form carries the stage it was shown at; a stale one is refused.
        let (_, _, shown) = f.page(&session, &format!("/partners/{a}")).await;
        let from = shown
            .split(r#"name="from" value=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        let stale = format!("csrf_token={csrf}&from=strategic&stage=paused&note=");
        let (status, _, page) = f.post_form(&session, &path, &stale).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains("changed by someone else meanwhile"), "{page}");
        let exit = format!("{exit}&from={from}");
        let admin = f.actor(Role::Admin);
        let partner = f.services.get_partner(admin, a).await.unwrap();
        assert!(
            partner.out_of_program().is_none(),
            "not exited without the box"
        );
        let (_, _, users) = f.page(&session, "/users").await;
        assert!(!users.contains("no access"));

        let (status, _, _) = f
            .post_form(&session, &path, &format!("{exit}&confirm_exit=yes"))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, users) = f.page(&session, "/users").await;
        assert!(
            users.contains("no access: its partner has exited the program"),
            "{users}"
        );
        let (_, _, page) = f.page(&session, &format!("/partners/{a}/contacts")).await;
        assert!(page.contains("no access: its partner has exited the program"));
    })
    .await;
}
