//! The program in the portal: versions, facts, tier evaluation and decisions, what-if, qualification.

use super::*;

#[tokio::test]
async fn program_versions_through_the_portal() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("admin@vendor.test").await;
        let (_, _, page) = f.page(&session, "/program").await;
        assert!(page.contains("The shipped default program is in force"));
        assert!(
            page.contains(
                "<tr><td>Registered</td><td class=\"num\">1</td></tr><tr><td>Bronze</td><td class=\"num\">1</td></tr>"
            ),
            "the fixture partners by tier"
        );
        let bad = domain::program::DEFAULT_PROGRAM.replacen(
            "mdf_per_year = 10000",
            "mdf_per_yr = 10000",
            1,
        );
        let line = bad[..bad.find("mdf_per_yr").unwrap()].matches('\n').count() + 1;
        let form = format!("csrf_token={csrf}&note=typo&source={}", urlenc(&bad));
        let (status, _, page) = f.post_form(&session, "/program", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains(&format!(
                "line {line}, column 1: unknown field `mdf_per_yr`"
            )),
            "the error names its line"
        );
        assert!(
            page.contains("mdf_per_yr = 10000"),
            "the text typed is kept"
        );
        let good = domain::program::DEFAULT_PROGRAM.replacen(
            "discount_percent = 25",
            "discount_percent = 30",
            1,
        );
        let (status, _, _) = f
            .post_form(
                &session,
                "/program",
                &format!(
                    "csrf_token={csrf}&note=richer+platinum&source={}",
                    urlenc(&good)
                ),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, "/program").await;
        assert!(
            page.contains("Version 1 is in force")
                && page.contains("-discount_percent = 25")
                && page.contains("+discount_percent = 30")
        );
        let (status, _, _) = f
            .post_form(
                &session,
                "/program",
                &format!(
                    "csrf_token={csrf}&effective_from=2099-01-01&source={}",
                    urlenc(&good)
                ),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, "/program").await;
        assert!(
            page.contains("Version 1 is in force")
                && page.contains("Version 2 — in force from 1 Jan 2099")
        );
        let (status, body) = f
            .api(
                Some(f.token(Role::Admin)),
                Method::POST,
                "/api/v1/program/versions",
                Some(&serde_json::json!({"source": bad}).to_string()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("\"field\":\"source\""), "{body}");
        assert_eq!(
            f.services
                .program_versions(f.actor(Role::Admin), &services::PageRequest::everything())
                .await
                .unwrap()
                .items
                .len(),
            2,
            "bad files are never stored"
        );
    })
    .await;
}

#[tokio::test]
async fn facts_import_checks_every_row_then_writes_all_or_nothing() {
    each(|f| async move {
        let token = f.token(Role::PartnerManager);
        let a = f.partner_a;
        let bad = format!("partner,quarter,sourced_revenue,certified_people\n{a},2026-Q1,100000,3\nnobody.example,2026-Q1,5,1\n{a},2026-Q2,lots,1\n");
        let (status, body) = f.api(Some(token), Method::POST, "/api/v1/facts/import", Some(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let report: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["applied"], false);
        let lines: Vec<(u64, String)> = report["errors"].as_array().unwrap().iter()
            .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap().to_owned())).collect();
        assert_eq!(lines, [(3, "partner".to_owned()), (4, "sourced_revenue".to_owned())]);
        let (_, body) = f.api(Some(token), Method::GET, &format!("/api/v1/partners/{a}/facts"), None).await;
        assert!(body.contains("\"quarters\":[]"), "nothing written: {body}");

        let good = format!("partner,quarter,sourced_revenue,certified_people\n{a},2026-Q1,100000,3\n{a},2026-Q2,\"50,000\",4\n");
        let (status, body) = f.api(Some(token), Method::POST, "/api/v1/facts/import?dry_run=true", Some(&good)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("\"created\":2") && body.contains("\"applied\":false"), "{body}");
        let (_, body) = f.api(Some(token), Method::GET, &format!("/api/v1/partners/{a}/facts"), None).await;
        assert!(body.contains("\"quarters\":[]"), "a dry run writes nothing: {body}");
        let (status, body) = f.api(Some(token), Method::POST, "/api/v1/facts/import", Some(&good)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("\"applied\":true") && body.contains("\"partners\":1"), "{body}");
        let (_, body) = f.api(Some(token), Method::GET, &format!("/api/v1/partners/{a}/facts"), None).await;
        let facts: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(facts["quarters"][1]["sourced_revenue"], "50000");

        // The page: a dry run lists problems by line and keeps the text.
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let form = format!("csrf_token={csrf}&action=check&csv={}", urlencode(&bad));
        let (status, _, page) = f.post_form(&session, "/facts/import", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("2 problems in 3 rows. Nothing was written."), "{page}");
        assert!(page.contains("<td class=\"num\">3</td><td>partner</td><td>no partner with the id, website domain or name &#39;nobody.example&#39;</td>"), "{page}");
        let update = format!("partner,quarter,customer_references\n{a},2026-Q2,7\n");
        let form = format!("csrf_token={csrf}&action=import&csv={}", urlencode(&update));
        let (status, _, page) = f.post_form(&session, "/facts/import", &form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Imported 1 row for 1 partner: 0 new quarters, 1 updated."), "{page}");
        let (_, _, page) = f.page(&session, &format!("/partners/{a}/timeline")).await;
        assert!(page.contains("Tier facts imported for 2026-Q2"), "the timeline shows the import");
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, _) = f.page(&user_session, "/facts/import").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn tier_evaluation_on_the_partner_page() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let path = format!("/partners/{}", f.partner_a);
        let (_, _, page) = f.page(&session, &format!("{path}/tier")).await;
        assert!(page.contains("Qualifies today for <b>Registered</b>") && page.contains("to reach Bronze"));
        let bad = format!("csrf_token={csrf}&quarter=&sourced_revenue=lots&certified_people=4&advanced_certified_people=1&customer_references=10&qbrs=four");
        let (status, _, page) = f.post_form(&session, &format!("{path}/facts"), &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="sourced_revenue-error""#) && page.contains("four&#39; is not a whole number"));
        assert!(page.contains(r#"value="lots""#) && page.contains(r#"value="four""#), "typed text is kept");
        // Two quarters: the evaluation adds the revenue of the last four.
        let now = services::clock::current_quarter();
        let earlier = now.previous().previous();
        let good = format!(
            "csrf_token={csrf}&quarter={earlier}&sourced_revenue=300000&certified_people=2&qbrs=2&co_marketing=1"
        );
        let (status, _, _) = f.post_form(&session, &format!("{path}/facts"), &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let good = format!(
            "csrf_token={csrf}&quarter=&sourced_revenue=80000&certified_people=4&advanced_certified_people=2&customer_references=10&qbrs=2&executive_sponsor=vp&co_marketing=1&ipp_score=70&cert.technical_advanced=2"
        );
        let (status, _, _) = f.post_form(&session, &format!("{path}/facts"), &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("{path}/tier")).await;
        assert!(page.contains("Qualifies today for <b>Silver</b>"), "evaluated with the new facts");
        assert!(page.contains("$120,000 more closed-won revenue and 1 more certified person to reach Gold."), "380,000 over two quarters");
        assert!(page.contains(&format!("<td>{earlier}</td><td class=\"num\">$300,000 <small>(typed)</small></td>")), "history lists each quarter");
        assert!(page.contains(&format!("Evaluated for {now} against program version 0")));
        assert!(page.contains("<td>Technical — Advanced 2</td>"), "certification counts are listed");
        assert!(page.contains("<dt>Deal registration protection</dt><dd>0 days</dd>"), "the current tier's benefits are listed");
        let (_, _, page) = f.page(&session, &format!("{path}?quarter={earlier}")).await;
        assert!(page.contains(&format!(r#"id="quarter" name="quarter" value="{earlier}""#)) && page.contains(r#"value="300000""#), "Edit loads that quarter");
        let (_, body) = f.api(Some(f.token(Role::PartnerUser)), Method::GET, &format!("/api/v1/partners/{}/evaluation", f.partner_a), None).await;
        let report: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["qualifies_for"], "Silver", "the partner sees its own standing");
        assert_eq!(report["program_version"], 0);
        assert_eq!(report["quarter"], now.to_string());
        let (status, body) = f.api(Some(f.token(Role::PartnerManager)), Method::PUT, &format!("/api/v1/partners/{}/facts", f.partner_a), Some(r#"{"ipp_score":300}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("\"field\":\"ipp_score\""), "{body}");
        let (status, body) = f.api(Some(f.token(Role::PartnerManager)), Method::PUT, &format!("/api/v1/partners/{}/facts", f.partner_a), Some(r#"{"quarter":"last year"}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("is not a quarter like 2026-Q3"), "{body}");
        let (_, body) = f.api(Some(f.token(Role::Admin)), Method::GET, &format!("/api/v1/partners/{}/facts", f.partner_a), None).await;
        let facts: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(facts["as_of"], now.to_string());
        assert_eq!(facts["quarters"].as_array().unwrap().len(), 2);
        assert_eq!(facts["quarters"][1]["ipp_score"], "70", "a refused update changed nothing: {body}");
    })
    .await;
}

#[tokio::test]
async fn tier_queue_decisions_and_the_partners_view() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let a = f.partner_a;
        // Partner A (Registered) records Bronze-level facts for the last two quarters.
        let now = services::clock::current_quarter();
        for q in now.trailing(2) {
            let form = format!(
                "csrf_token={csrf}&quarter={q}&certified_people=1&customer_references=1&qbrs=1"
            );
            let (status, _, _) = f
                .post_form(&session, &format!("/partners/{a}/facts"), &form)
                .await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        let (status, _, page) = f
            .post_form(&session, "/tiers/evaluate", &format!("csrf_token={csrf}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Evaluation finished: ") && page.contains("1 upgrade(s) proposed"),
            "{page}"
        );
        assert!(
            page.contains("Upgrade Registered → <b>Bronze</b>"),
            "{page}"
        );
        let proposal = f
            .services
            .tier_proposals(
                f.actor(Role::Admin),
                "",
                &services::PageRequest::everything(),
            )
            .await
            .unwrap()
            .items[0]
            .id;

        // The partner sees the proposal on its own page, without internal controls.
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}/tier")).await;
        assert!(
            own.contains("Upgrade to Bronze proposed</b>: qualified for Bronze"),
            "{own}"
        );
        assert!(!own.contains("tier queue") && !own.contains("Change the tier"));
        let (status, _, _) = f.page(&user_session, "/tiers").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A reject without a reason is refused on the page; then approved.
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("/tiers/{proposal}/decide"),
                &format!("csrf_token={csrf}&decision=reject&note="),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("reason: is required") && page.contains("Nothing was changed."),
            "{page}"
        );
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("/tiers/{proposal}/decide"),
                &format!("csrf_token={csrf}&decision=approve&note="),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Alpha Ltd: upgrade Registered → Bronze approved."),
            "{page}"
        );
        assert!(page.contains("No proposals wait for a decision."));
        let (_, _, own) = f.page(&user_session, &format!("/partners/{a}/tier")).await;
        assert!(own.contains("Current tier: <b>Bronze</b>"), "{own}");

        // A manual change needs a reason and names the field.
        let (status, _, page) = f
            .post_form(
                &session,
                &format!("/partners/{a}/tier"),
                &format!("csrf_token={csrf}&tier=gold&note="),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="tier-note-error""#), "{page}");
        let (status, _, _) = f
            .post_form(
                &session,
                &format!("/partners/{a}/tier"),
                &format!("csrf_token={csrf}&tier=gold&note=strategic+bet"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("/partners/{a}/timeline")).await;
        assert!(
            page.contains("Tier changed from Bronze to Gold") && page.contains("strategic bet"),
            "the timeline shows it, the note with the values"
        );

        let (_, body) = f
            .api(
                Some(f.token(Role::Executive)),
                Method::GET,
                "/api/v1/tier-proposals?status=decided",
                None,
            )
            .await;
        let decided: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(decided["items"].as_array().unwrap().len(), 3, "{body}");
        let (status, body) = f
            .api(
                Some(f.token(Role::PartnerManager)),
                Method::POST,
                &format!("/api/v1/tier-proposals/{proposal}/decision"),
                Some(r#"{"decision":"maybe"}"#),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("not one of: approve, reject, override"),
            "{body}"
        );
    })
    .await;
}

#[tokio::test]
async fn what_if_simulation_page_and_api() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("executive@test.example").await;
        let (status, _, page) = f.page(&session, "/program/simulate").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("[[tiers]]"), "the form starts from the program in force");
        // Lowering Bronze's bar to nothing moves both partners (no facts yet) up to it.
        let easier = domain::program::DEFAULT_PROGRAM.replacen("certified_people = 1\ncustomer_references = 1\nqbrs_per_year = 1\n", "", 1);
        let form = format!("csrf_token={csrf}&source={}", urlencode(&easier));
        let (status, _, page) = f.post_form(&session, "/program/simulate", &form).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("2 partners: <b>2</b> would move up"), "{page}");
        assert!(page.contains(">Alpha Ltd</a></td><td>Registered</td><td>Registered</td><td>Bronze</td><td>Up</td>"), "{page}");
        let bad = format!("csrf_token={csrf}&source={}", urlencode("[program]\nname = 1\n"));
        let (status, _, page) = f.post_form(&session, "/program/simulate", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("line 2"), "{page}");
        let body = format!(r#"{{"source":{}}}"#, serde_json::to_string(&easier).unwrap());
        let (status, body) = f.api(Some(f.token(Role::Finance)), Method::POST, "/api/v1/program/simulations", Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let report: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["moves_up"], 2);
        assert_eq!(report["discount_exposure_change"], "+$0", "no revenue yet");
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, _) = f.page(&user_session, "/program/simulate").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn qualification_forms_ipp_and_3c4c() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let a = f.partner_a;
        let path = format!("/partners/{a}");
        let bad = format!("csrf_token={csrf}&score.geography=7&score.gtm_fit=4&red_flags=poor_nps");
        let (status, _, page) = f.post_form(&session, &format!("{path}/ipp"), &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("score 7 is above 5") && page.contains("Nothing was saved"), "{page}");
        assert!(page.contains(r#"value="poor_nps" checked"#), "the typed answers are kept");
        let good = format!("csrf_token={csrf}&score.geography=4&score.gtm_fit=5&score.industry_segment=3&notes=met+at+summit");
        let (status, _, _) = f.post_form(&session, &format!("{path}/ipp"), &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("{path}/evaluations")).await;
        assert!(page.contains(r#"<p id="ipp-latest">Fit <b>"#), "{page}");
        assert!(page.contains("below a category minimum") && page.contains("Capability averages 0 of 5"), "{page}");

        let gap = format!("csrf_token={csrf}&capacity=2&capability=4&commitment=3&summary=keen");
        let (status, _, page) = f.post_form(&session, &format!("{path}/3c4c"), &gap).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(r#"id="ev-action_plan-error""#), "{page}");
        let ok = format!("{gap}&action_plan=hire+two+SEs&shared=on");
        let (status, _, _) = f.post_form(&session, &format!("{path}/3c4c"), &ok).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = f.page(&session, &format!("{path}/evaluations")).await;
        assert!(page.contains("</meter> 3.10</td><td>Develop</td>"), "{page}");

        // The partner's own user sees the shared evaluation but never the IPP assessment.
        let (user_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, own) = f.page(&user_session, &format!("{path}/evaluations")).await;
        assert!(own.contains("</meter> 3.10</td><td>Develop</td>") && own.contains("hire two SEs"), "{own}");
        assert!(!own.contains("Ideal Partner Profile") && !own.contains("ipp-form") && !own.contains("evaluation-form"));
    })
    .await;
}
