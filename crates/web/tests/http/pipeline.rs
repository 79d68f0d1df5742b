//! The pipeline's downloads: the page's breakdowns as CSV and XLSX, a partner's people only
//! ever getting their own organisation's lines.

use super::*;

const HEADER: &str =
    "Breakdown,Group,Deals,Value,Value currency,Weighted value,Weighted value currency\n";

#[tokio::test]
async fn the_pipeline_downloads_as_csv_and_xlsx_with_partners_seeing_their_own() {
    each(|f| async move {
        let close = store::now().date() + time::Duration::days(45);
        let today = store::now().date();
        let file = format!("{DEALS_HEADER}alpha.com,Alpha Customer,Retail,emea,1405000,USD,{close},Sync,discovery,50,Ana,submitted,{today},,\n");
        f.import_deals(&file).await;

        // Both partners' open deals: Bravo's $20,000 at 30 % (the fixture's) and Alpha's
        // $1,405,000 at 50 %: $1,425,000, weighted $6,000 + $702,500 = $708,500.
        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/pipeline").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("href=\"/pipeline/export?format=xlsx\""),
            "{page}"
        );
        let (status, headers, csv) = f.page(&session, "/pipeline/export?format=csv").await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"pipeline.csv\""
        );
        assert!(csv.starts_with(HEADER), "{csv}");
        for line in [
            "Open pipeline,All open registrations,2,1425000.00,USD,708500.00,USD\n",
            "Partner,Alpha Ltd,1,1405000.00,USD,702500.00,USD\n",
            "Partner,Bravo Ltd,1,20000.00,USD,6000.00,USD\n",
            "Won,Confirmed by us,0,0.00,USD,0.00,USD\n",
        ] {
            assert!(csv.contains(line), "{line} missing from {csv}");
        }

        // A partner's user: their own line only, and never Bravo's figures.
        let (partner_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, csv) = f
            .page(&partner_session, "/pipeline/export?format=csv")
            .await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert!(
            csv.contains("Open pipeline,All open registrations,1,1405000.00,USD,702500.00,USD\n"),
            "{csv}"
        );
        assert!(!csv.contains("Bravo"), "{csv}");
        assert!(!csv.contains("20000.00"), "{csv}");
        let (status, _, _) = f
            .page(
                &partner_session,
                &format!("/pipeline/export?format=csv&partner={}", f.partner_b),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        use calamine::{Data, Reader};
        let mut book = f
            .workbook("/api/v1/pipeline/export?format=xlsx", ("authorization", format!("Bearer {}", f.token(Role::Admin))))
            .await;
        let sheet = book.worksheet_range("Pipeline").unwrap();
        assert_eq!(sheet.get((0, 0)), Some(&Data::String("Breakdown".into())));
        assert_eq!(sheet.get((1, 2)), Some(&Data::Float(2.0)));
        assert_eq!(sheet.get((1, 3)), Some(&Data::Float(1_425_000.0)));
        assert_eq!(sheet.get((1, 4)), Some(&Data::Float(708_500.0)));

        let (status, _, page) = f.page(&session, "/pipeline/export?format=pdf").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    })
    .await;
}
