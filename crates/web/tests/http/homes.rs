//! Homes: a partner's home with figures worked out by hand and nothing of another partner or
//! of ours; every role's internal home; `/` and signing in lead home; the program's tiers.

use super::*;
use domain::program::history::QuarterFactsInput;

/// Partner A: owned by our partner manager, Bronze, with internal notes, this quarter's facts
/// and two draft registrations. Partner B: distinctive figures and notes A must never read.
async fn seed(f: &Fixture) {
    let admin = f.actor(Role::Admin);
    let pm = f.actor(Role::PartnerManager);
    for (partner, notes, facts) in [
        (
            f.partner_a,
            "ALPHA-INTERNAL-NOTE",
            QuarterFactsInput {
                sourced_revenue: "40000".into(),
                qbrs: "2".into(),
                certified_people: "2".into(),
                advanced_certified_people: "1".into(),
                customer_references: "5".into(),
                ..Default::default()
            },
        ),
        (
            f.partner_b,
            "BRAVO-INTERNAL-NOTE",
            QuarterFactsInput {
                sourced_revenue: "987654".into(),
                qbrs: "7".into(),
                certified_people: "9".into(),
                customer_references: "13".into(),
                ..Default::default()
            },
        ),
    ] {
        let mut input = f
            .services
            .get_partner(admin, partner)
            .await
            .unwrap()
            .to_input();
        input.notes = notes.into();
        input.owner_id = pm.user_id;
        f.services
            .update_partner(admin, partner, &input)
            .await
            .unwrap();
        f.services
            .set_quarter_facts(admin, partner, &facts)
            .await
            .unwrap();
    }
    f.services
        .set_tier_manually(admin, f.partner_a, "bronze", "ALPHA-DECISION-NOTE")
        .await
        .unwrap();
    for (customer, site) in [
        ("Alpha Draft One", "alpha-one.example"),
        ("Alpha Draft Two", "alpha-two.example"),
    ] {
        f.services
            .register_deal(
                admin,
                f.partner_a,
                &common::deal_input(customer, site),
                false,
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn partner_home_shows_where_it_stands_and_nothing_of_another_partner() {
    each(|f| async move {
        seed(&f).await;
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, page) = f.page(&session, "/home").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains(r#"<b id="tier">Bronze</b>"#), "{page}");
        // Silver asks $100,000 and 3 certified people; A has $40,000 and 2.
        assert!(
            page.contains(r#"<p id="gap">$60,000 more closed-won revenue and 1 more certified person to reach Silver.</p>"#),
            "{page}"
        );
        // Silver's criteria a partner reads: revenue, certified, advanced, references, QBRs,
        // sponsor, co-marketing (the IPP fit is ours); A meets all but the first two.
        assert!(page.contains("Towards Silver: 5 of 7 criteria met"), "{page}");
        assert!(page.contains(r#"<progress id="tier-progress" max="7" value="5">"#), "{page}");
        assert!(page.contains(r#"<a href="/deals?status=draft">Draft: 2 registrations</a>"#), "{page}");
        assert!(page.contains(r#"<a href="/deals?status=submitted">Submitted: 0 registrations</a>"#), "{page}");
        assert!(page.contains("Waiting for sales: 0 leads"), "{page}");
        assert!(page.contains("<dt>Deal registration protection</dt>"), "{page}");
        assert!(
            page.contains("<b>partner_manager user</b> · <a href=\"mailto:partner_manager@test.example\">"),
            "{page}"
        );
        // The onboarding checklist starts at the onboarding stage, which A has not reached.
        assert!(page.contains("Nothing waits on you."), "{page}");
        for absent in [
            "Bravo", "987,654", "987654", "BRAVO-INTERNAL-NOTE", "ALPHA-INTERNAL-NOTE",
            "ALPHA-DECISION-NOTE", "IPP", "bravo.com",
        ] {
            assert!(!page.contains(absent), "{absent} on A's home: {page}");
        }
        let (status, body) = f
            .api(Some(f.token(Role::PartnerUser)), Method::GET, "/api/v1/home", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let home: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(home["shape"], "partner");
        assert_eq!(
            home["standing"]["gap"],
            "$60,000 more closed-won revenue and 1 more certified person to reach Silver"
        );
        assert_eq!(home["standing"]["criteria_met"], 5);
        assert_eq!(home["partner_manager"]["email"], "partner_manager@test.example");
        for absent in ["Bravo", "987654", "INTERNAL-NOTE", "DECISION-NOTE", "notes", "ipp"] {
            assert!(!body.contains(absent), "{absent} in A's home: {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn every_internal_role_gets_its_home() {
    each(|f| async move {
        seed(&f).await;
        let quarter = domain::quarter::Quarter::containing(store::now().date());
        let expected: [(&str, Vec<String>); 6] = [
            (
                "partner_manager@test.example",
                vec![
                    r#"id="my-partners""#.into(),
                    "Alpha Ltd".into(),
                    "Health scores: no data yet.".into(),
                    // Bravo's registration waits for a decision.
                    "Registrations to decide: 1 registration".into(),
                    "Tier proposals to decide: 0 proposals".into(),
                ],
            ),
            (
                "sales@test.example",
                vec![
                    "Leads waiting for sales: 1 lead".into(),
                    "Registrations to decide: 1 registration".into(),
                    "Open conflict cases: 0 cases".into(),
                ],
            ),
            (
                "marketing@test.example",
                vec![
                    "Leads waiting for sales: 1 lead".into(),
                    "Partner-sourced leads this month: 1 lead".into(),
                    "Partner-sourced leads last month: 0 leads".into(),
                ],
            ),
            (
                "finance@test.example",
                vec![format!("Won in {quarter} (confirmed): $0")],
            ),
            (
                "executive@test.example",
                vec![
                    "Open pipeline: $20,000".into(),
                    r#"<a href="/partners?tier=bronze">Bronze: 2 partners</a>"#.into(),
                    "Health scores: no data yet.".into(),
                ],
            ),
            (
                "admin@vendor.test",
                vec![
                    "Open registrations: 1 registration".into(),
                    format!("Won in {quarter} (confirmed): $0"),
                    "Partners in downgrade remediation: 0 partners".into(),
                ],
            ),
        ];
        for (email, wanted) in expected {
            let (session, _) = f.sign_in(email).await;
            let (status, _, page) = f.page(&session, "/home").await;
            assert_eq!(status, StatusCode::OK, "{email}: {page}");
            assert!(page.contains("<h1>Home</h1>"), "{email}: {page}");
            for text in wanted {
                assert!(page.contains(&text), "{email}: no {text}: {page}");
            }
        }
        for role in [
            Role::Admin,
            Role::PartnerManager,
            Role::Sales,
            Role::Marketing,
            Role::Finance,
            Role::Executive,
        ] {
            let (status, body) = f
                .api(Some(f.token(role)), Method::GET, "/api/v1/home", None)
                .await;
            assert_eq!(status, StatusCode::OK, "{role:?}: {body}");
            let home: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(home["shape"], "internal", "{role:?}");
            assert_eq!(home["role"], domain::Choice::as_str(&role));
            assert!(home["at_risk"].is_null(), "no health run yet");
        }
    })
    .await;
}

#[tokio::test]
async fn the_start_page_and_signing_in_lead_home() {
    each(|f| async move {
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, headers, _) = f.page(&session, "/").await;
        assert!(status.is_redirection(), "{status}");
        assert_eq!(headers["location"], "/home");
        let (_, headers, body) = f
            .send(Request::get("/login").body(Body::empty()).unwrap())
            .await;
        let login_cookie = common::cookie_value(&headers, "partneros_login");
        let form = format!(
            "csrf_token={}&email=sales%40test.example&password={}&next=",
            hidden_csrf(&body),
            urlenc(common::PASSWORD)
        );
        let request = Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("partneros_login={login_cookie}"))
            .body(Body::from(form))
            .unwrap();
        let (status, headers, _) = f.send(request).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers["location"], "/home");
    })
    .await;
}

#[tokio::test]
async fn homes_and_the_tiers_page_for_every_role() {
    each(|f| async move {
        for path in ["/home", "/program/tiers"] {
            let (status, headers, _) = f
                .send(Request::get(path).body(Body::empty()).unwrap())
                .await;
            assert!(status.is_redirection(), "anonymous {path}: {status}");
            assert!(headers["location"].to_str().unwrap().starts_with("/login"));
        }
        for (role, actor, _) in &f.users {
            let (session, _) = f.sign_in(&actor.label).await;
            for path in ["/home", "/program/tiers"] {
                let (status, _, page) = f.page(&session, path).await;
                assert_eq!(status, StatusCode::OK, "{role:?} {path}: {page}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn partners_read_what_each_tier_asks_and_gives() {
    each(|f| async move {
        seed(&f).await;
        let (session, _) = f.sign_in("partner_admin@alpha.example").await;
        let (_, _, page) = f.page(&session, "/program/tiers").await;
        assert!(page.contains("<h1>The program&#x27;s tiers</h1>") || page.contains("<h1>The program&#39;s tiers</h1>"), "{page}");
        assert!(page.contains(r#"<h2>Bronze <span class="tag">your tier</span></h2>"#), "{page}");
        assert!(page.contains("<li>Partner-sourced closed-won revenue, last 12 months: $500,000</li>"), "{page}");
        assert!(page.contains("<li>Executive sponsor: C-level executive</li>"), "{page}");
        assert!(page.contains("Nothing: every partner starts here."), "{page}");
        assert!(!page.contains("IPP"), "{page}");
        let (status, body) = f
            .api(Some(f.token(Role::PartnerUser)), Method::GET, "/api/v1/program/tiers", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let tiers: serde_json::Value = serde_json::from_str(&body).unwrap();
        let names: Vec<&str> = tiers["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Registered", "Bronze", "Silver", "Gold", "Platinum"]);
        assert_eq!(tiers["tiers"][1]["yours"], true);
        assert_eq!(
            tiers["tiers"][2]["requirements"][0],
            serde_json::json!({"criterion": "Partner-sourced closed-won revenue, last 12 months", "required": "$100,000"})
        );
        assert!(!body.contains("IPP"), "{body}");
    })
    .await;
}

#[tokio::test]
async fn what_waits_on_a_partner_is_on_its_home() {
    each(|f| async move {
        seed(&f).await;
        let pm = f.actor(Role::PartnerManager);
        let question = services::deals::DealDecision {
            decision: "more_info".into(),
            note: "Which warehouses are in scope?".into(),
        };
        let deal = f
            .services
            .decide_deal(pm, f.deal_b, &question)
            .await
            .unwrap();
        // Earned 300 days ago and valid 12 months: it expires within the first reminder (90 days).
        let earned = (store::now().date() - time::Duration::days(300)).to_string();
        let completions = format!(
            "partner,email,name,certification,date,score\n{},cy@bravo.com,Cy Bravo,sales_advanced,{earned},85\n",
            f.partner_b
        );
        f.services
            .import_certifications(f.actor(Role::Admin), &completions, false)
            .await
            .unwrap();
        let (session, _) = f.sign_in("victim@bravo.com").await;
        let (status, _, page) = f.page(&session, "/home").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains(&format!(
                r#"<a href="/deals/{}">{} Bravo Customer GmbH</a>: Which warehouses are in scope?"#,
                f.deal_b, deal.reference
            )),
            "{page}"
        );
        assert!(page.contains(r#"<ul id="onboarding-due">"#), "{page}");
        assert!(page.contains("<li>Cy Bravo: Sales — Advanced, expires "), "{page}");
        assert!(
            page.contains(r#"<a href="/deals?status=more_info_requested">More information requested: 1 registration</a>"#),
            "{page}"
        );
        assert!(page.contains("Waiting for sales: 1 lead"), "{page}");
        for absent in ["Alpha", "ALPHA-INTERNAL-NOTE", "BRAVO-INTERNAL-NOTE", "Nothing waits on you."] {
            assert!(!page.contains(absent), "{absent} on B's home: {page}");
        }
    })
    .await;
}

/// A health row of the daily run on `day`, as the job stores it.
async fn health(f: &Fixture, partner: uuid::Uuid, day: time::Date, score: i64, band: &str) {
    let mut tx = f._db.db.write().await.unwrap();
    store::insight::insert_health(
        &mut tx,
        &store::insight::HealthRow {
            partner_id: partner,
            computed_on: day,
            score: Some(score),
            band: Some(band.into()),
            components: "[]".into(),
            flags: "[]".into(),
            program_version: 1,
            created_at: store::now(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn at_risk_partners_come_from_the_latest_health_run_worst_first() {
    each(|f| async move {
        seed(&f).await;
        let admin = f.actor(Role::Admin);
        let mut others = Vec::new();
        for name in ["Charlie", "Delta"] {
            let p = f
                .services
                .create_partner(admin, &common::partner_input(name))
                .await
                .unwrap();
            others.push(p.id);
        }
        let today = store::now().date();
        let yesterday = today - time::Duration::days(1);
        // Yesterday's run is history: Alpha's 10 there is not today's.
        health(&f, f.partner_a, yesterday, 10, "intervene").await;
        health(&f, f.partner_a, today, 62, "at_risk").await;
        health(&f, f.partner_b, today, 41, "intervene").await;
        health(&f, others[0], today, 30, "intervene").await;
        health(&f, others[1], today, 85, "healthy").await;

        // The partner manager owns Alpha and Bravo; executives and admins see every partner.
        let pm_list = [
            format!(r#"<li><a href="/partners/{}/health">Bravo Ltd</a>: 41 of 100 (Intervene)</li>"#, f.partner_b),
            format!(r#"<li><a href="/partners/{}/health">Alpha Ltd</a>: 62 of 100 (At risk)</li>"#, f.partner_a),
        ];
        let all = format!(
            r#"<ol id="at-risk"><li><a href="/partners/{}/health">Charlie Ltd</a>: 30 of 100 (Intervene)</li>{}{}</ol>"#,
            others[0], pm_list[0], pm_list[1]
        );
        let mine = format!(r#"<ol id="at-risk">{}{}</ol>"#, pm_list[0], pm_list[1]);
        for (email, list) in [
            ("partner_manager@test.example", &mine),
            ("executive@test.example", &all),
            ("admin@vendor.test", &all),
        ] {
            let (session, _) = f.sign_in(email).await;
            let (status, _, page) = f.page(&session, "/home").await;
            assert_eq!(status, StatusCode::OK, "{email}: {page}");
            assert!(page.contains(list.as_str()), "{email}: {page}");
            assert!(!page.contains("no data yet"), "{email}: {page}");
        }
        let (_, body) = f
            .api(Some(f.token(Role::PartnerManager)), Method::GET, "/api/v1/home", None)
            .await;
        let home: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            home["at_risk"],
            serde_json::json!([
                {"partner_id": f.partner_b, "partner_name": "Bravo Ltd", "score": 41, "band": "intervene"},
                {"partner_id": f.partner_a, "partner_name": "Alpha Ltd", "score": 62, "band": "at_risk"},
            ])
        );

        // A partner's home says nothing of health, its own or another's.
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, page) = f.page(&session, "/home").await;
        let (_, body) = f
            .api(Some(f.token(Role::PartnerUser)), Method::GET, "/api/v1/home", None)
            .await;
        for text in [&page, &body] {
            for absent in ["at_risk", "at-risk", "At risk", "Intervene", "62 of 100", "Charlie"] {
                assert!(!text.contains(absent), "{absent} on a partner's home: {text}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn our_home_says_what_waits_in_my_work_and_links_to_it() {
    each(|f| async move {
        let pm = f.actor(Role::PartnerManager);
        let me = pm.user_id.unwrap();
        let meeting = f
            .services
            .create_meeting(
                pm,
                &domain::rhythm::MeetingForm {
                    kind: "weekly_standup".into(),
                    held_on: "2026-11-30".into(),
                    attendees: vec![me.to_string()],
                },
            )
            .await
            .unwrap();
        // One action item long past its day, one far ahead: recorded today, then moved.
        let today = store::now().date();
        for (text, due_on) in [
            ("Send the kit", time::macros::date!(2020 - 01 - 15)),
            ("Call Alpha", time::macros::date!(2040 - 01 - 15)),
        ] {
            let action = domain::rhythm::ActionForm {
                text: text.into(),
                owner_id: me.to_string(),
                due_on: today.to_string(),
            };
            f.services
                .add_meeting_action(pm, meeting, &action)
                .await
                .unwrap();
            f.set_due_on(text, due_on).await;
        }
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/home").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for line in [
            r#"<li id="my_work_open"><a href="/my-work">Your open work: 2 items</a></li>"#,
            r#"<li id="my_work_breached"><a href="/my-work?sla=breached">Past their SLA: 1 item</a></li>"#,
            r#"<li id="my_work_due_soon"><a href="/my-work?sla=due_soon">Due soon: 0 items</a></li>"#,
        ] {
            assert!(page.contains(line), "no {line}: {page}");
        }
        // The breached link opens the one item it counted.
        let (status, _, work) = f.page(&session, "/my-work?sla=breached").await;
        assert_eq!(status, StatusCode::OK, "{work}");
        assert!(work.contains("Send the kit"), "{work}");
        assert!(!work.contains("Call Alpha"), "{work}");
        let (_, body) = f
            .api(Some(f.token(Role::PartnerManager)), Method::GET, "/api/v1/home", None)
            .await;
        let home: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            home["waiting"][1],
            serde_json::json!({
                "key": "my_work_breached",
                "label": "Past their SLA",
                "value": {"kind": "count", "n": 1, "noun": "item", "plural": "items"},
                "link": "/my-work?sla=breached",
            })
        );
        // A partner's home has no such line.
        let (session, _) = f.sign_in("partner_user@alpha.example").await;
        let (_, _, page) = f.page(&session, "/home").await;
        assert!(!page.contains("my_work"), "{page}");
        assert!(!page.contains(r#"href="/my-work"#), "{page}");
    })
    .await;
}
