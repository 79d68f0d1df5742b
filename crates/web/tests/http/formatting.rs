//! One way to show things: money with its currency and separators, counted nouns, stored keys
//! by their labels, on the pages people read.

use super::*;

#[tokio::test]
async fn figures_and_keys_read_as_people_write_them() {
    each(|f| async move {
        let a = f.partner_a;
        let admin = f.actor(Role::Admin);
        // Alpha's sales certification lets it register.
        let day = (store::now().date() - time::Duration::days(3)).to_string();
        let completions = format!(
            "partner,email,certification,date,score\n{a},ana@alpha.com,sales_foundation,{day},90\n"
        );
        f.services
            .import_certifications(admin, &completions, false)
            .await
            .unwrap();
        let mut big = common::deal_input("Initech Holdings", "initech-holdings.example");
        big.deal_size = "1405000".into();
        big.currency = "USD".into();
        let big = f
            .services
            .register_deal(admin, a, &big, true)
            .await
            .unwrap()
            .id;
        let (session, csrf) = f.sign_in("partner_manager@test.example").await;
        let (_, _, pipeline) = f.page(&session, &format!("/pipeline?partner={a}")).await;
        assert!(
            pipeline.contains(r#"<b id="open-deals">1 open registration</b> worth <b>$1,405,000</b>"#),
            "{pipeline}"
        );

        f.services
            .decide_deal(
                admin,
                big,
                &services::deals::DealDecision {
                    decision: "approve".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        f.services
            .update_pipeline(
                admin,
                big,
                &services::deals::PipelineInput {
                    stage: "discovery".into(),
                    probability: "50".into(),
                    forecast_category: "best_case".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let mut small = common::deal_input("Umbrella Labs", "umbrella-labs.example");
        small.deal_size = "12500.5".into();
        f.services
            .register_deal(admin, a, &small, true)
            .await
            .unwrap();

        let (_, _, deals) = f.page(&session, "/deals").await;
        assert!(
            deals.contains(r#"<td class="num">$1,405,000</td><td class="num">$702,500</td><td>Discovery</td>"#),
            "{deals}"
        );
        assert!(deals.contains(r#"<td class="num">$12,500.50</td>"#), "{deals}");
        assert!(!deals.contains("1405000"), "{deals}");

        let (_, _, deal) = f.page(&session, &format!("/deals/{big}")).await;
        assert!(
            deal.contains(r#"<dd id="deal-size">$1,405,000, 50% ($702,500 weighted), Discovery, expected close "#),
            "{deal}"
        );
        assert!(
            deal.contains(r#"<dd id="forecast-category">Best case</dd>"#),
            "{deal}"
        );
        assert!(deal.contains("Retail · EMEA"), "{deal}");

        let (_, _, pipeline) = f.page(&session, &format!("/pipeline?partner={a}")).await;
        assert!(
            pipeline.contains(r#"<b id="open-deals">2 open registrations</b>"#),
            "{pipeline}"
        );
        assert!(pipeline.contains("<td>Best case</td><td class=\"num\">1</td><td class=\"num\">$1,405,000</td><td class=\"num\">$702,500</td>"), "{pipeline}");
        assert!(pipeline.contains("Won: 0 deals worth $0"), "{pipeline}");
        assert!(!pipeline.contains("best_case"), "{pipeline}");

        // A sponsor level is a stored key: shown by its label.
        let quarter = services::clock::current_quarter().to_string();
        let form = format!(
            "csrf_token={csrf}&quarter={quarter}&sourced_revenue=22500&executive_sponsor=c_level"
        );
        let (status, _, page) = f
            .post_form(&session, &format!("/partners/{a}/facts"), &form)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, _, tier) = f.page(&session, &format!("/partners/{a}/tier")).await;
        assert!(
            tier.contains(&format!("<td>{quarter}</td><td class=\"num\">$22,500 <small>")),
            "{tier}"
        );
        assert!(tier.contains("<td>C-level executive</td>"), "{tier}");
        assert!(
            tier.contains(r#"<option value="c_level" selected>C-level executive</option>"#),
            "{tier}"
        );
    })
    .await;
}
