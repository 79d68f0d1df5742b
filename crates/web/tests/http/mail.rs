//! The mail pages: one's delivery choice (errors next to the field) and the admins' outbox
//! with its filters, the no-SMTP state, discarding queued mail and its refusal to everyone
//! else.

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
        assert!(page.contains(r#"<p class="notice" role="status" id="no-smtp">This server has no SMTP configured"#), "{page}");
        assert!(!page.contains("not sent"), "a row shows its stored state: {page}");
        assert!(page.contains(r#"<a href="/account">PartnerOS: Your PartnerOS password was reset"#), "{page}");
        assert!(page.contains(r#"<option value="queued" selected>queued</option>"#), "{page}");

        let (status, _, page) = f.page(&admin, "/outbox?state=lost").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains("must be one of held, digested, queued, sending, sent, failed, expired, discarded"), "{page}");

        let (manager, _) = f.sign_in("partner_manager@test.example").await;
        let (status, _, _) = f.page(&manager, "/outbox").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

/// Queues `n` lead mails to the partner manager, as a notification would.
async fn queue_lead_mails(f: &Fixture, n: usize) -> Vec<uuid::Uuid> {
    let mails: Vec<store::outbox::NewMail> = (0..n)
        .map(|_| store::outbox::NewMail {
            user_id: None,
            recipient: "partner_manager@test.example",
            subject: "PartnerOS: a lead",
            body_text: "A lead",
            kind: "lead",
            link: "/leads",
            state: "queued",
        })
        .collect();
    let mut tx = f.services.db.write().await.unwrap();
    let ids = store::outbox::insert_many(&mut tx, &mails, store::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids
}

#[tokio::test]
async fn queued_mail_is_discarded_from_the_outbox_page_and_the_api() {
    each(|f| async move {
        let user = f.actor(Role::PartnerUser).user_id.unwrap();
        f.services
            .reset_password(f.actor(Role::Admin), user, "another long enough password")
            .await
            .unwrap();
        // The fixture's own notifications queued mail too: cleared first, so the page below
        // holds only the security notice.
        assert!(matches!(
            f.services.discard_queued_mail(f.actor(Role::Admin)).await,
            Ok(_) | Err(services::Error::Conflict(_))
        ));
        let (admin, csrf) = f.sign_in("admin@vendor.test").await;
        let (_, _, page) = f.page(&admin, "/outbox?state=queued").await;
        assert!(page.contains("Your PartnerOS password was reset"), "{page}");
        assert!(page.contains("Discard all queued mail"), "{page}");
        assert!(
            !page.contains(r#"<button type="submit" class="secondary">Discard</button>"#),
            "a security notice has no Discard button: {page}"
        );
        let (status, _, _) = f
            .post_form(
                &admin,
                "/outbox/discard-queued",
                &format!("csrf_token={csrf}"),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "only a security notice is queued"
        );

        let lead = queue_lead_mails(&f, 1).await[0];
        let (_, _, page) = f.page(&admin, "/outbox?state=queued").await;
        assert!(
            page.contains(&format!(
                r#"<form method="post" action="/outbox/{lead}/discard""#
            )),
            "{page}"
        );
        let discard = format!("/outbox/{lead}/discard");
        let (status, headers, _) = f
            .post_form(&admin, &discard, &format!("csrf_token={csrf}"))
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers["location"], "/outbox?state=queued");
        let (status, _, _) = f
            .post_form(&admin, &discard, &format!("csrf_token={csrf}"))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "discarded already");
        for (action, expected) in [
            ("retry", StatusCode::CONFLICT),
            ("send", StatusCode::NOT_FOUND),
        ] {
            let (status, _, _) = f
                .post_form(
                    &admin,
                    &format!("/outbox/{lead}/{action}"),
                    &format!("csrf_token={csrf}"),
                )
                .await;
            assert_eq!(status, expected, "{action}: only failed mail is retried");
        }

        queue_lead_mails(&f, 2).await;
        // The first discards both; the second finds nothing queued.
        for (expected, answer) in [
            (StatusCode::OK, r#"{"discarded":2}"#),
            (StatusCode::CONFLICT, "no mail is queued"),
        ] {
            let (status, body) = f
                .api(
                    Some(f.token(Role::Admin)),
                    Method::POST,
                    "/api/v1/outbox/discard-queued",
                    None,
                )
                .await;
            assert_eq!(status, expected, "{body}");
            assert!(body.contains(answer), "{body}");
        }
        let (_, _, page) = f
            .page(
                &admin,
                "/outbox?state=discarded&recipient=partner_manager%40test.example",
            )
            .await;
        assert_eq!(
            page.matches("<td>discarded by an admin").count(),
            3,
            "{page}"
        );
    })
    .await;
}

/// The `<tbody>` of the outbox table: its rows as the page shows them.
fn outbox_rows(page: &str) -> &str {
    let start = page
        .find(r#"<table class="list" id="outbox">"#)
        .expect("the outbox table");
    let rows = &page[start..];
    &rows[rows.find("<tbody>").unwrap()..rows.find("</tbody>").unwrap()]
}

/// A mail one server with SMTP tried and failed to send reads the same from a server without
/// SMTP: queued, one attempt, the error and when it is tried next — the stored state. Only
/// the server without SMTP says so, once, above the table.
#[tokio::test]
async fn the_outbox_shows_the_stored_state_from_any_server() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    each(|f| async move {
        assert!(matches!(
            f.services.discard_queued_mail(f.actor(Role::Admin)).await,
            Ok(_) | Err(services::Error::Conflict(_))
        ));
        queue_lead_mails(&f, 1).await;
        // An SMTP server nobody listens on: the attempt is refused.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let config = services::Config {
            mail: services::mail::MailSettings {
                smtp: Some(services::mail::SmtpSettings {
                    host: "127.0.0.1".into(),
                    port,
                    username: None,
                    password: None,
                    from: "PartnerOS <partneros@vendor.test>".into(),
                    tls: services::mail::TlsMode::None,
                }),
                ..services::mail::MailSettings::default()
            },
            ..services::Config::default()
        };
        let with_smtp = services::Services::new(f.services.db.clone(), config);
        let run = with_smtp.send_due_mail(store::now()).await.unwrap();
        assert_eq!(run.retrying, 1, "{run:?}");
        let smtp_router = web::router(web::AppState {
            services: with_smtp,
            secure_cookies: false,
            trust_proxy: false,
        });

        let (admin, _) = f.sign_in("admin@vendor.test").await;
        let uri = "/outbox?state=queued";
        let (status, _, without) = f.page(&admin, uri).await;
        assert_eq!(status, StatusCode::OK, "{without}");
        let request = Request::get(uri)
            .header("cookie", format!("partneros_session={admin}"))
            .body(Body::empty())
            .unwrap();
        let response = smtp_router.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let with = String::from_utf8_lossy(&body).into_owned();

        assert_eq!(outbox_rows(&without), outbox_rows(&with));
        let rows = outbox_rows(&with);
        assert_eq!(rows.matches("<tr>").count(), 1, "{rows}");
        assert!(rows.contains("<td>queued, next try "), "{rows}");
        assert!(
            rows.contains(r#"<td class="num">1</td>"#),
            "one attempt: {rows}"
        );
        assert!(rows.to_lowercase().contains("connection refused"), "{rows}");
        assert!(
            !rows.contains("SMTP"),
            "no row speaks of this server's SMTP: {rows}"
        );
        assert!(without.contains(r#"id="no-smtp""#), "{without}");
        assert!(!with.contains(r#"id="no-smtp""#), "{with}");
    })
    .await;
}
