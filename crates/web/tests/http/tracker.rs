//! The performance tracker page and its downloads.

use super::*;

#[tokio::test]
async fn the_tracker_shows_money_with_its_currency_and_downloads_as_a_workbook() {
    each(|f| async move {
        let admin = f.actor(Role::Admin);
        f.services
            .set_tier_manually(admin, f.partner_a, "silver", "test")
            .await
            .unwrap();
        let last_month = store::now().date().replace_day(1).unwrap() - time::Duration::days(1);
        let registered = last_month - time::Duration::days(10);
        let file = format!("{DEALS_HEADER}alpha.com,Big Co,Retail,emea,1405000,USD,{last_month},Sync,discovery,100,Ana,won,{registered},{last_month},1405000\n");
        f.import_deals(&file).await;

        let (session, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, page) = f.page(&session, "/tracker?months=3").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1);
        // Silver's pace: $75,000 a year over 12 months.
        assert!(page.contains("$6,250"), "{page}");
        assert!(page.contains("$1,405,000"), "{page}");
        assert!(page.contains("2 slow months in a row"), "{page}");
        assert!(page.contains(&format!("/deals?partner={}&amp;status=won", f.partner_a)));

        let (status, headers, _) = f.page(&session, "/tracker/export?format=csv&months=3").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"performance-tracker.csv\""
        );

        use calamine::{Data, Reader};
        let mut book = f
            .workbook("/tracker/export?format=xlsx&months=3", ("cookie", format!("partneros_session={session}")))
            .await;
        let sheet = book.worksheet_range("Performance tracker").unwrap();
        assert_eq!(sheet.get((0, 0)), Some(&Data::String("Partner".into())));
        assert_eq!(sheet.get((1, 0)), Some(&Data::String("Alpha Ltd".into())));
        assert_eq!(sheet.get((1, 3)), Some(&Data::Float(6250.0)));
        // Months oldest first: the last month is the third.
        assert_eq!(sheet.get((1, 6)), Some(&Data::Float(1_405_000.0)));

        let (status, _, page) = f.page(&session, "/tracker/export?format=pdf").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        let (status, _, page) = f.page(&session, "/tracker?months=40").await;
        assert!(page.contains("months: must be between 1 and 12"), "{status} {page}");

        let (partner_session, _) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, _) = f.page(&partner_session, "/tracker").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = f.page(&partner_session, "/tracker/export?format=csv").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
