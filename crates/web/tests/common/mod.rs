//! A server with one user per role and two partner organisations, driven through the router.

// Each test binary uses its own part of this fixture.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use domain::Choice;
use domain::partners::{ContactInput, PartnerInput};
use domain::roles::Role;
use domain::users::NewUserInput;
use http_body_util::BodyExt;
use services::{Actor, Config, Services};
use store::Backend;
use store::testing::TestDb;
use time::macros::date;
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "a long enough password";

/// The columns of a registrations import file (`Services::import_deals`).
pub const DEALS_HEADER: &str = "partner,customer_name,industry,region,deal_size,currency,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n";

pub struct Fixture {
    pub _db: TestDb,
    pub services: Services,
    pub router: axum::Router,
    pub partner_a: Uuid,
    pub partner_b: Uuid,
    pub contact_b: Uuid,
    pub victim_b: Uuid,
    pub victim_token: Uuid,
    /// A decided (manual) tier proposal of partner B.
    pub decision_b: Uuid,
    /// A 3C evaluation of partner B, not shared.
    pub evaluation_b: Uuid,
    /// An item of partner B's onboarding checklist owned by the partner ("portal_login").
    pub onboarding_item_b: Uuid,
    /// Partner B's contact working towards the sales foundation certification.
    pub enrollment_b: Uuid,
    /// A file attached to partner B.
    pub attachment_b: Uuid,
    /// A submitted deal registration of partner B (which holds a sales certification; A does
    /// not, so A's people can draft registrations but not submit them).
    pub deal_b: Uuid,
    /// A lead partner B handed over, waiting for sales.
    pub lead_b: Uuid,
    /// An escalation case partner B's user raised.
    pub escalation_b: Uuid,
    /// The work item `lead_b` opened in the sales team's queue.
    pub work_b: Uuid,
    /// An integration request partner B's user submitted.
    pub integration_request_b: Uuid,
    /// A weekly standup our admin recorded, with an open action item the admin owns.
    pub meeting: Uuid,
    pub meeting_action: Uuid,
    /// role → (actor, API token secret)
    pub users: Vec<(Role, Actor, String)>,
}

pub fn partner_input(name: &str) -> PartnerInput {
    PartnerInput {
        legal_name: format!("{name} Ltd"),
        domains: vec![format!("{}.com", name.to_lowercase())],
        partner_type: "reseller".into(),
        gtm_model: "resell".into(),
        ..Default::default()
    }
}

/// A complete registration of `customer`.
pub fn deal_input(customer: &str, website: &str) -> domain::deals::registration::DealInput {
    domain::deals::registration::DealInput {
        customer_name: customer.into(),
        website: website.into(),
        industry: "Retail".into(),
        region: "emea".into(),
        deal_size: "20000".into(),
        expected_close: (store::now().date() + time::Duration::days(45)).to_string(),
        use_case: "Stock sync".into(),
        stage: "discovery".into(),
        probability: "30".into(),
        partner_rep: "Rep".into(),
        ..Default::default()
    }
}

impl Fixture {
    pub async fn new(backend: Backend) -> Fixture {
        let db = TestDb::new(backend).await;
        let services = Services::new(db.db.clone(), Config::default());
        let system = Actor::system("test");
        let new_user = |email: String, role: Role, partner_id: Option<Uuid>| NewUserInput {
            email,
            name: format!("{} user", role.as_str()),
            role: role.as_str().into(),
            partner_id,
            password: PASSWORD.into(),
        };
        let admin = services
            .create_user(
                &system,
                &new_user("admin@vendor.test".into(), Role::Admin, None),
            )
            .await
            .unwrap();
        let admin = Actor::from_user(&admin);
        let partner_a = services
            .create_partner(&admin, &partner_input("Alpha"))
            .await
            .unwrap()
            .id;
        let partner_b = services
            .create_partner(&admin, &partner_input("Bravo"))
            .await
            .unwrap()
            .id;
        let decision_b = services
            .set_tier_manually(&admin, partner_b, "bronze", "signed as a reseller")
            .await
            .unwrap()
            .id;
        let evaluation = domain::program::scoring_3c4c::EvaluationInput {
            capacity: "4".into(),
            capability: "4".into(),
            commitment: "4".into(),
            ..Default::default()
        };
        let evaluation_b = services
            .evaluate_3c4c(&admin, partner_b, &evaluation)
            .await
            .unwrap()
            .id;
        services
            .change_partner_stage(&admin, partner_b, "recruiting", "")
            .await
            .unwrap();
        services
            .change_partner_stage(&admin, partner_b, "onboarding", "")
            .await
            .unwrap();
        let onboarding_item_b = services
            .onboarding_checklist(&admin, partner_b)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|i| i.key == "portal_login")
            .unwrap()
            .id;
        let contact = ContactInput {
            name: "Bea Bravo".into(),
            email: "bea@bravo.com".into(),
            ..Default::default()
        };
        let contact_b = services
            .add_contact(&admin, partner_b, &contact)
            .await
            .unwrap()
            .id;
        let enrollment_b = services
            .enroll(
                &admin,
                partner_b,
                &contact_b.to_string(),
                "sales_foundation",
            )
            .await
            .unwrap();
        let attachment_b = services
            .upload_attachment(
                &admin,
                partner_b,
                "nda-bravo.pdf",
                "application/pdf",
                b"%PDF-1.4 signed",
            )
            .await
            .unwrap()
            .id;
        let day = (store::now().date() - time::Duration::days(3)).to_string();
        let completions = format!(
            "partner,email,certification,date,score\n{partner_b},bo@bravo.com,sales_foundation,{day},90\n"
        );
        services
            .import_certifications(&admin, &completions, false)
            .await
            .unwrap();
        let deal_b = services
            .register_deal(
                &admin,
                partner_b,
                &deal_input("Bravo Customer GmbH", "bravo-customer.de"),
                true,
            )
            .await
            .unwrap()
            .id;
        let lead = domain::deals::leads::LeadInput {
            company: "Bravo Prospect".into(),
            contact_name: "Pat".into(),
            contact_email: "pat@bravo-prospect.example".into(),
            need: "A pilot".into(),
            ..Default::default()
        };
        let lead_b = services
            .submit_lead(&admin, partner_b, &lead)
            .await
            .unwrap()
            .id;
        let victim = services
            .create_user(
                &admin,
                &new_user(
                    "victim@bravo.com".into(),
                    Role::PartnerUser,
                    Some(partner_b),
                ),
            )
            .await
            .unwrap();
        let victim_actor = Actor::from_user(&victim);
        let (victim_token, _) = services
            .create_api_token(&victim_actor, "victim")
            .await
            .unwrap();
        let escalation = domain::escalations::Form {
            issue: "Bravo's commission is missing".into(),
            category: "commission_dispute".into(),
            urgency: "p2".into(),
            occurred_on: "2026-01-05".into(),
        };
        let escalation_b = match services
            .submit_escalation(&victim_actor, partner_b, &escalation)
            .await
            .unwrap()
        {
            services::escalations::Escalation::Partners(seen) => seen.case.id,
            services::escalations::Escalation::Ours(seen) => seen.case.id,
        };
        let request = domain::integration_requests::Form {
            title: "Bravo's Salesforce sync".into(),
            description: "Accounts both ways".into(),
            system: "Salesforce".into(),
            customers: vec![domain::integration_requests::CustomerForm {
                name: "Bravo's customer".into(),
                amount: "5000".into(),
                currency: "USD".into(),
                deal_id: None,
            }],
        };
        let integration_request_b = match services
            .submit_integration_request(&victim_actor, partner_b, &request)
            .await
            .unwrap()
        {
            services::integration_requests::IntegrationRequest::Partners(seen) => seen.id,
            services::integration_requests::IntegrationRequest::Ours(seen) => seen.id,
        };
        let mut users = Vec::new();
        for role in Role::ALL {
            let actor = if *role == Role::Admin {
                admin.clone()
            } else {
                let partner = role.is_partner_side().then_some(partner_a);
                let user = services
                    .create_user(
                        &admin,
                        &new_user(
                            format!(
                                "{}@{}",
                                role.as_str(),
                                if role.is_partner_side() {
                                    "alpha.example"
                                } else {
                                    "test.example"
                                }
                            ),
                            *role,
                            partner,
                        ),
                    )
                    .await
                    .unwrap();
                Actor::from_user(&user)
            };
            let (_, secret) = services.create_api_token(&actor, "tests").await.unwrap();
            users.push((*role, actor, secret));
        }
        let meeting = services
            .create_meeting(
                &admin,
                &domain::rhythm::MeetingForm {
                    kind: "weekly_standup".into(),
                    held_on: "2026-01-05".into(),
                    attendees: vec![admin.user_id.unwrap().to_string()],
                },
            )
            .await
            .unwrap();
        let meeting_action = services
            .add_meeting_action(
                &admin,
                meeting,
                &domain::rhythm::ActionForm {
                    text: "Send Bravo the co-selling plan".into(),
                    owner_id: admin.user_id.unwrap().to_string(),
                    due_on: store::now().date().to_string(),
                },
            )
            .await
            .unwrap();
        // Due on the Friday of the meeting's week, long past: set behind the service's back,
        // which takes due days from today on.
        set_due_on(
            &db.db,
            "Send Bravo the co-selling plan",
            date!(2026 - 01 - 09),
        )
        .await;
        let state = web::AppState {
            services: services.clone(),
            secure_cookies: false,
            trust_proxy: false,
        };
        let work_b = work_about(&db.db, lead_b).await;
        Fixture {
            _db: db,
            router: web::router(state),
            services,
            partner_a,
            partner_b,
            contact_b,
            victim_b: victim.id,
            victim_token: victim_token.id,
            decision_b,
            evaluation_b,
            onboarding_item_b,
            enrollment_b,
            attachment_b,
            deal_b,
            lead_b,
            escalation_b,
            work_b,
            integration_request_b,
            meeting,
            meeting_action,
            users,
        }
    }

    /// The open work item about a source record (a lead, a registration, an onboarding item).
    pub async fn work_about(&self, source: Uuid) -> Uuid {
        work_about(&self._db.db, source).await
    }

    /// Moves the due day of the meeting's action item with these words to `day`.
    pub async fn set_due_on(&self, body: &str, day: time::Date) {
        set_due_on(&self._db.db, body, day).await;
    }

    pub fn token(&self, role: Role) -> &str {
        &self
            .users
            .iter()
            .find(|u| u.0 == role)
            .expect("every role has a user")
            .2
    }

    pub fn actor(&self, role: Role) -> &Actor {
        &self
            .users
            .iter()
            .find(|u| u.0 == role)
            .expect("every role has a user")
            .1
    }

    pub async fn send(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Imports a registrations `file` (header and rows) as the system, which must apply.
    pub async fn import_deals(&self, file: &str) {
        let report = self
            .services
            .import_deals(&Actor::system("test"), file, false, &|_| {})
            .await
            .unwrap();
        assert!(report.applied, "{:?}", report.errors);
    }

    /// A download that must succeed, opened as an XLSX workbook; `auth` is the request's
    /// `cookie` or `authorization` header.
    pub async fn workbook(
        &self,
        path: &str,
        auth: (&str, String),
    ) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
        let request = Request::get(path)
            .header(auth.0, auth.1)
            .body(Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        calamine::Reader::new(std::io::Cursor::new(bytes.to_vec())).unwrap()
    }

    /// Asserts that each `GET path` (its query included) is refused with a 422 naming
    /// its field.
    pub async fn assert_fields_refused(&self, token: &str, cases: &[(&str, &str)]) {
        for (path, field) in cases {
            let (status, body) = self.api(Some(token), Method::GET, path, None).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
            assert!(body.contains(&format!("\"{field}\"")), "{path}: {body}");
        }
    }

    /// An API call with a bearer token (or none).
    pub async fn api(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> (StatusCode, String) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_owned())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let (status, _, body) = self.send(request).await;
        (status, body)
    }

    /// Imports `count` submitted registrations of partner A, `Customer 0` onwards, through
    /// the registrations import.
    pub async fn import_alpha_registrations(&self, count: i64) {
        let close = store::now().date() + time::Duration::days(30);
        let mut file = "partner,customer_name,industry,region,deal_size,currency,expected_close,use_case,stage,probability,partner_rep,status\n".to_owned();
        for n in 0..count {
            file.push_str(&format!(
                "alpha.com,Customer {n},Retail,emea,1000,USD,{close},Sync,discovery,10,Ana,submitted\n"
            ));
        }
        self.import_deals(&file).await;
    }

    /// Signs in through the form; returns the session cookie and its CSRF token.
    pub async fn sign_in(&self, email: &str) -> (String, String) {
        let (_, headers, body) = self
            .send(Request::get("/login").body(Body::empty()).unwrap())
            .await;
        let login_cookie = cookie_value(&headers, "partneros_login");
        let csrf = hidden_csrf(&body);
        let form = format!(
            "csrf_token={csrf}&email={}&password={}&next=/partners",
            urlenc(email),
            urlenc(PASSWORD)
        );
        let request = Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("partneros_login={login_cookie}"))
            .body(Body::from(form))
            .unwrap();
        let (status, headers, _) = self.send(request).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "sign-in of {email} failed");
        let session = cookie_value(&headers, "partneros_session");
        let (_, _, page) = self.page(&session, "/account").await;
        (session, hidden_csrf(&page))
    }

    pub async fn page(
        &self,
        session: &str,
        path: &str,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send(
            Request::get(path)
                .header("cookie", format!("partneros_session={session}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn post_form(
        &self,
        session: &str,
        path: &str,
        form: &str,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let request = Request::post(path)
            .header("cookie", format!("partneros_session={session}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap();
        self.send(request).await
    }
}

pub fn urlenc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
        .unwrap_or_else(|| panic!("no {name} cookie set"))
}

pub fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The open work item about `source`, read from the store.
pub async fn work_about(db: &store::Db, source: Uuid) -> Uuid {
    let mut read = db.read().await.unwrap();
    store::work::to_warn_batch(&mut read, None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|item| item.source_id == source)
        .expect("the source opened a work item")
        .id
}

/// Moves a recorded action item's due day: the service takes days from today to two years
/// ahead, so one that fell due long ago, or is due further ahead, is set up after recording.
async fn set_due_on(db: &store::Db, body: &str, day: time::Date) {
    let mut tx = db.write().await.unwrap();
    let mut query = store::Sql::new("UPDATE meeting_actions SET due_on = ");
    query
        .push_bind(day)
        .push(" WHERE body = ")
        .push_bind(body.to_owned());
    tx.execute(query).await.unwrap();
    tx.commit().await.unwrap();
}
