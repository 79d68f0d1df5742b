//! One source for each fact: certification records, confirmed wins and IPP assessments are
//! what tiers, gates, learning paths, notices and the partner page read wherever they reach;
//! typed figures fill the rest, and every figure says where it came from — on SQLite and on
//! PostgreSQL.

use domain::program::history::QuarterFactsInput;
use domain::program::ipp::IppInput;
use domain::quarter::Quarter;
use services::Error;
use services::tiers::Decision;

mod common;
use common::*;

fn today() -> time::Date {
    store::now().date()
}

fn quarter() -> Quarter {
    Quarter::containing(today())
}

/// Gold's entry criteria, typed for `quarter` (no per-certification breakdown).
fn gold_facts(quarter: Quarter) -> QuarterFactsInput {
    QuarterFactsInput {
        quarter: quarter.to_string(),
        sourced_revenue: "500000".into(),
        qbrs: "4".into(),
        co_marketing: "2".into(),
        certified_people: "5".into(),
        advanced_certified_people: "2".into(),
        customer_references: "10".into(),
        executive_sponsor: "vp".into(),
        ..Default::default()
    }
}

/// Every criterion scored `score` (0-5), with the given red flags.
fn ipp(score: &str, red_flags: &[&str]) -> IppInput {
    let program = domain::program::shipped();
    IppInput {
        scores: program
            .ipp
            .categories
            .iter()
            .flat_map(|c| c.criteria.iter().map(|k| (k.key.clone(), score.to_owned())))
            .collect(),
        red_flags: red_flags.iter().map(|f| (*f).to_owned()).collect(),
        notes: String::new(),
    }
}

#[tokio::test]
async fn a_partner_approved_to_gold_on_typed_facts_may_register_deals() {
    each_backend(|w| async move {
        let s = &w.services;
        let (a, b) = (w.partner_a, w.partner_b);
        s.set_quarter_facts(&w.manager, a, &gold_facts(quarter()))
            .await
            .unwrap();
        s.set_tier_manually(&w.manager, a, "gold", "approved at the QBR")
            .await
            .unwrap();
        let gates = s.eligibility(&w.a_user, a).await.unwrap();
        assert_eq!(
            gates.iter().map(|g| g.allowed).collect::<Vec<_>>(),
            [true, true],
            "{gates:?}"
        );
        let deal = s
            .register_deal(
                &w.a_user,
                a,
                &deal_input("Gold Co", "gold.example", "80000"),
                true,
            )
            .await
            .expect("the typed 5 certified people the tier engine counted open the gate");
        assert_ne!(deal.status, domain::deals::registration::Status::Draft);

        // A typed breakdown says which track its people are on: only technical here.
        let technical = QuarterFactsInput {
            certifications: [("technical_advanced".to_owned(), "2".to_owned())].into(),
            ..gold_facts(quarter())
        };
        s.set_quarter_facts(&w.manager, b, &technical)
            .await
            .unwrap();
        let gates = s.eligibility(&w.manager, b).await.unwrap();
        assert_eq!(
            gates[0].reason.as_deref(),
            Some(
                "to register deals your organisation needs one active sales certification; it has 0"
            )
        );
        // Once records exist, they are what counts, whatever was typed.
        certify(s, &w.manager, b, "ana@bravo.com").await;
        assert!(s.eligibility(&w.manager, b).await.unwrap()[0].allowed);
    })
    .await;
}

#[tokio::test]
async fn the_ipp_score_comes_from_the_assessment_and_every_figure_names_its_source() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        let today = today();
        s.assess_ipp(&w.manager, a, &ipp("3", &[])).await.unwrap();
        let mut tx = s.db.read().await.unwrap();
        let typed = store::facts::history(&mut tx, a).await.unwrap();
        assert_eq!(typed.len(), 0, "the assessment is not copied into typed facts");

        // Typed after the assessment: revenue, certified people and an IPP score of 40.
        let typed = QuarterFactsInput {
            sourced_revenue: "50000".into(),
            certified_people: "4".into(),
            ipp_score: "40".into(),
            customer_references: "3".into(),
            ..Default::default()
        };
        s.set_quarter_facts(&w.manager, a, &typed).await.unwrap();
        let csv = format!(
            "partner,customer_name,website,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n\
             alpha.com,Won Co,won.example,Retail,emea,120000,{today},Sync,negotiation,90,Ana,won,{today},{today},120000\n"
        );
        assert!(s.import_deals(&w.manager, &csv, false, &|_| {}).await.unwrap().applied);
        for person in ["ana@alpha.com", "bo@alpha.com", "cy@alpha.com"] {
            certify(s, &w.manager, a, person).await;
        }

        let quarters = s.partner_quarters(&w.manager, a).await.unwrap();
        let now = quarters.last().unwrap();
        assert_eq!(now.facts.quarter, quarter().to_string());
        assert_eq!(
            (
                now.facts.sourced_revenue.as_str(),
                now.facts.certified_people.as_str(),
                now.facts.ipp_score.as_str(),
                now.facts.customer_references.as_str(),
            ),
            ("120000", "3", "60", "3")
        );
        assert_eq!(
            (
                now.sources.sourced_revenue.as_str(),
                now.sources.certified_people.as_str(),
                now.sources.ipp_score.clone(),
            ),
            ("won deals", "records", format!("assessment of {today}"))
        );
        let facts = s.partner_facts(&w.manager, a).await.unwrap();
        assert_eq!(facts.ipp_score, 60, "the typed 40 does not override the assessment");
        let report = s.evaluate_partner(&w.manager, a).await.unwrap();
        assert_eq!(
            report.sources,
            [
                "revenue $120,000 in 12 months (won deals)".to_owned(),
                "3 certified people, 0 advanced (records)".to_owned(),
                format!("IPP 60 (assessment of {today})"),
            ]
        );

        // The partner's own people read the sources, never the IPP score or its assessment.
        let theirs = s.partner_quarters(&w.a_user, a).await.unwrap();
        let now = theirs.last().unwrap();
        assert_eq!((now.facts.ipp_score.as_str(), now.sources.ipp_score.as_str()), ("", ""));
        let json = serde_json::to_string(&theirs).unwrap();
        assert!(!json.contains("ipp_score") && !json.contains("assessment"), "{json}");
        let report = s.evaluate_partner(&w.a_user, a).await.unwrap();
        assert_eq!(
            report.sources,
            [
                "revenue $120,000 in 12 months (won deals)",
                "3 certified people, 0 advanced (records)"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_disqualifying_red_flag_blocks_upgrades_until_overridden_with_a_reason() {
    each_backend(|w| async move {
        let s = &w.services;
        // Signed as Silver (a tier decision this quarter would use up its one proposal).
        let mut silver = Vec::new();
        for name in ["Charlie", "Delta"] {
            let input = domain::partners::PartnerInput {
                tier: "silver".into(),
                ..partner_input(name)
            };
            let partner = s.create_partner(&w.manager, &input).await.unwrap().id;
            for q in [quarter().previous(), quarter()] {
                s.set_quarter_facts(&w.manager, partner, &gold_facts(q))
                    .await
                    .unwrap();
            }
            silver.push(partner);
        }
        let (a, b) = (silver[0], silver[1]);
        s.assess_ipp(&w.manager, a, &ipp("5", &["direct_competitor"]))
            .await
            .unwrap();
        let summary = s.evaluate_all_tiers(&w.manager).await.unwrap();
        assert_eq!(summary.upgrades_proposed, 1, "only Delta: {summary}");
        assert!(s.partner_proposals(&w.manager, a, &services::PageRequest::everything()).await.unwrap().items.is_empty());
        let blocked = format!(
            "no upgrade to Gold: the IPP assessment of {} found a disqualifying red flag (Is a direct competitor); override it with a reason before any upgrade",
            today()
        );
        match s.set_tier_manually(&w.manager, a, "gold", "they asked").await {
            Err(Error::Conflict(why)) => assert_eq!(why, blocked),
            other => panic!("{other:?}"),
        }
        s.set_tier_manually(&w.manager, a, "bronze", "moves down are not blocked")
            .await
            .unwrap();

        // Delta's proposal was raised before its assessment found the red flag.
        let proposal = s.partner_proposals(&w.manager, b, &services::PageRequest::everything()).await.unwrap().items[0].clone();
        assert_eq!((proposal.kind.as_str(), proposal.to_tier.as_str()), ("upgrade", "Gold"));
        let assessment = s
            .assess_ipp(&w.manager, b, &ipp("5", &["direct_competitor"]))
            .await
            .unwrap();
        for (decision, tier) in [(Decision::Approve, ""), (Decision::Override, "platinum")] {
            match s.decide_proposal(&w.manager, proposal.id, decision, tier, "why not").await {
                Err(Error::Conflict(why)) => assert!(why.starts_with("no upgrade to"), "{why}"),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            s.override_ipp_red_flag(&w.a_admin, assessment.id, "we like them").await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            s.override_ipp_red_flag(&w.manager, assessment.id, " ").await,
            Err(Error::Invalid(_))
        ));
        let overridden = s
            .override_ipp_red_flag(&w.manager, assessment.id, "their services unit resells us, not the competing product")
            .await
            .unwrap();
        assert_eq!(overridden.red_flag_overridden_by, "pm@vendor.test");
        assert!(matches!(
            s.override_ipp_red_flag(&w.manager, assessment.id, "again").await,
            Err(Error::Conflict(_))
        ));
        let decided = s
            .decide_proposal(&w.manager, proposal.id, Decision::Approve, "", "")
            .await
            .unwrap();
        assert_eq!(decided.status, "approved");
        assert_eq!(s.get_partner(&w.manager, b).await.unwrap().tier, "gold");
    })
    .await;
}

#[tokio::test]
async fn the_evaluation_job_reads_a_partner_as_its_page_does() {
    each_backend(|w| async move {
        let s = &w.services;
        // Bronze without its QBR criterion, so stocks alone decide whether Alpha keeps it.
        let source = domain::program::DEFAULT_PROGRAM.replacen(
            "customer_references = 1\nqbrs_per_year = 1\n",
            "customer_references = 1\n",
            1,
        );
        s.apply_program(&w.admin, &source, "", "Bronze without QBRs")
            .await
            .unwrap();
        // Signed as Bronze (a tier decision this quarter would use up its one proposal).
        let input = domain::partners::PartnerInput {
            tier: "bronze".into(),
            ..partner_input("Echo")
        };
        let a = s.create_partner(&w.manager, &input).await.unwrap().id;
        // Its references were typed three years ago; its certified person is on record.
        let old = (0..12).fold(quarter(), |q, _| q.previous());
        let facts = QuarterFactsInput {
            quarter: old.to_string(),
            certified_people: "1".into(),
            customer_references: "1".into(),
            ..Default::default()
        };
        s.set_quarter_facts(&w.manager, a, &facts).await.unwrap();
        certify(s, &w.manager, a, "ana@echo.com").await;
        let page = s.evaluate_partner(&w.manager, a).await.unwrap();
        assert!(page.keeps_current_tier, "{page:?}");
        let summary = s.evaluate_all_tiers(&w.manager).await.unwrap();
        assert_eq!(
            (summary.notices_started, summary.upgrades_proposed),
            (0, 0),
            "{summary}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_import_finds_a_person_by_email_whatever_its_case_and_learning_paths_see_it() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        // A contact kept from before addresses were normalised.
        let ana = uuid::Uuid::now_v7();
        let fields = domain::partners::ContactFields {
            name: "Ana Schmidt".into(),
            role: String::new(),
            email: Some(" Ana.Schmidt@Alpha.com ".into()),
            phone: String::new(),
        };
        let mut tx = s.db.write().await.unwrap();
        store::contacts::insert(&mut tx, ana, a, &fields, store::now()).await.unwrap();
        tx.commit().await.unwrap();
        let day = (today() - time::Duration::days(10)).to_string();
        let csv = format!(
            "partner,email,name,certification,date,score\nalpha.com,ana.schmidt@alpha.com,Ana Schmidt,sales_foundation,{day},90\n"
        );
        let report = s.import_certifications(&w.manager, &csv, false).await.unwrap();
        assert_eq!((report.created, report.applied), (1, true));
        let contacts = s.list_contacts(&w.manager, a, true, &services::PageRequest::everything()).await.unwrap().items;
        assert_eq!(
            contacts.iter().map(|c| (c.id, c.name.as_str())).collect::<Vec<_>>(),
            [(ana, "Ana Schmidt")]
        );
        let learning = s.learning(&w.manager, a).await.unwrap();
        let sales = learning
            .paths
            .iter()
            .find(|p| p.contact_id == ana && p.path == "sales_path")
            .unwrap();
        assert_eq!(
            (sales.progress.done, sales.progress.total, sales.progress.next.as_deref()),
            (1, 3, Some("sales_advanced"))
        );
    })
    .await;
}

#[tokio::test]
async fn a_person_who_left_the_partner_counts_for_nothing_from_that_day() {
    each_backend(|w| async move {
        let s = &w.services;
        let a = w.partner_a;
        certify(s, &w.manager, a, "ana@alpha.com").await;
        assert!(s.eligibility(&w.manager, a).await.unwrap()[0].allowed);
        let records = s
            .certification_records(&w.manager, a, &services::PageRequest::everything())
            .await
            .unwrap()
            .items;
        s.archive_contact(&w.manager, records[0].contact_id)
            .await
            .unwrap();

        let records = s
            .certification_records(&w.manager, a, &services::PageRequest::everything())
            .await
            .unwrap()
            .items;
        assert_eq!(records[0].status, domain::enablement::Status::Left);
        let gates = s.eligibility(&w.manager, a).await.unwrap();
        assert_eq!(
            gates[0].reason.as_deref(),
            Some(
                "to register deals your organisation needs one active sales certification; it has 0"
            )
        );
        let facts = s.partner_facts(&w.manager, a).await.unwrap();
        assert_eq!(facts.certified_people, 0);
    })
    .await;
}
