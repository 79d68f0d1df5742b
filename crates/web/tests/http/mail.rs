//! The mail pages: one's delivery choice (errors next to the field) and the admins' outbox
//! with its filters, the no-SMTP state and its refusal to everyone else.

use super::*;

#[tokio::test]
async fn mail_choice_and_outbox_pages() {
    each(|f| async move {
        let (session, csrf) = f.sign_in("partner_user@alpha.example").await;
        let (status, _, page) = f.page(&session, "/account/mail").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page.matches("<h1").count(), 1, "{page}");
        assert!(page.contains(r#"value="immediately" checked"#), "{page}");

        let (status, _, page) = f
            .post_form(
                &session,
                "/account/mail",
                &format!("csrf_token={csrf}&delivery=weekly"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains(r#"<p class="error" id="delivery-error">must be one of immediately, digest, off</p>"#),
            "{page}"
        );
        let (status, headers, _) = f
            .post_form(
                &session,
                "/account/mail",
                &format!("csrf_token={csrf}&delivery=digest"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers["location"], "/account/mail?saved=true");
        let (_, body) = f
            .api(Some(f.token(Role::PartnerUser)), Method::GET, "/api/v1/me/mail", None)
            .await;
        assert_eq!(body, r#"{"delivery":"digest"}"#);

        // A password reset is a security notice: mailed although the person chose the digest.
        let user = f.actor(Role::PartnerUser).user_id.unwrap();
        f.services
            .reset_password(f.actor(Role::Admin), user, "another long enough password")
            .await
            .unwrap();
        let (admin, _) = f.sign_in("admin@vendor.test").await;
        let (status, _, page) = f
            .page(&admin, "/outbox?state=queued&recipient=partner_user%40alpha.example")
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("No SMTP server is configured"), "{page}");
        assert!(page.contains("not sent: no SMTP configured"), "{page}");
        assert!(page.contains(r#"<a href="/account">PartnerOS: Your PartnerOS password was reset"#), "{page}");
        assert!(page.contains(r#"<option value="queued" selected>queued</option>"#), "{page}");

        let (status, _, page) = f.page(&admin, "/outbox?state=lost").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("must be one of held, digested, queued, sending, sent, failed"), "{page}");

        let (manager, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, _) = f.page(&manager, "/outbox").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
