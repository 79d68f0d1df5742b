//! The world every service test starts from: an admin, a partner manager, an executive and
//! two partners (Alpha with an admin and a user, Bravo), on each backend in turn.
#![allow(dead_code)] // each test binary uses its own share of these

use domain::partners::PartnerInput;
use domain::users::NewUserInput;
use services::{Actor, Config, Services};
use store::Backend;
use store::testing::{BACKENDS, TestDb};

pub struct World {
    pub services: Services,
    pub admin: Actor,
    pub manager: Actor,
    pub executive: Actor,
    pub partner_a: uuid::Uuid,
    pub partner_b: uuid::Uuid,
    pub a_admin: Actor,
    pub a_user: Actor,
}

pub fn partner_input(name: &str) -> PartnerInput {
    PartnerInput {
        legal_name: format!("{name} Ltd"),
        display_name: name.into(),
        domains: vec![format!("{}.com", name.to_lowercase().replace(' ', ""))],
        partner_type: "si".into(),
        gtm_model: "co_sell".into(),
        regions: vec!["emea".into()],
        ..Default::default()
    }
}

pub async fn user(
    services: &Services,
    by: &Actor,
    email: &str,
    role: &str,
    partner: Option<uuid::Uuid>,
) -> Actor {
    let input = NewUserInput {
        email: email.into(),
        name: email.into(),
        role: role.into(),
        partner_id: partner,
        password: "a long enough password".into(),
    };
    Actor::from_user(&services.create_user(by, &input).await.unwrap())
}

pub async fn world(backend: Backend) -> (TestDb, World) {
    let db = TestDb::new(backend).await;
    let config = Config {
        max_failures_per_account: 3,
        free_failures_per_ip: 5,
        ip_delay_base: time::Duration::milliseconds(300),
        ip_delay_max: time::Duration::milliseconds(600),
        ..Config::default()
    };
    let services = Services::new(db.db.clone(), config);
    let system = Actor::system("test");
    let admin = user(&services, &system, "admin@vendor.test", "admin", None).await;
    let manager = user(&services, &admin, "pm@vendor.test", "partner_manager", None).await;
    let executive = user(&services, &admin, "exec@vendor.test", "executive", None).await;
    let partner_a = services
        .create_partner(&manager, &partner_input("Alpha"))
        .await
        .unwrap()
        .id;
    let partner_b = services
        .create_partner(&manager, &partner_input("Bravo"))
        .await
        .unwrap()
        .id;
    let a_admin = user(
        &services,
        &admin,
        "admin@alpha.test",
        "partner_admin",
        Some(partner_a),
    )
    .await;
    let a_user = user(
        &services,
        &a_admin,
        "user@alpha.test",
        "partner_user",
        Some(partner_a),
    )
    .await;
    (
        db,
        World {
            services,
            admin,
            manager,
            executive,
            partner_a,
            partner_b,
            a_admin,
            a_user,
        },
    )
}

pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(World) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in BACKENDS {
        let (db, world) = world(backend).await;
        test(world).await;
        drop(db);
    }
}

pub async fn certify(s: &Services, by: &Actor, partner: uuid::Uuid, email: &str) {
    let day = (store::now().date() - time::Duration::days(10)).to_string();
    let csv = format!(
        "partner,email,certification,date,score\n{partner},{email},sales_foundation,{day},90\n"
    );
    assert!(
        s.import_certifications(by, &csv, false)
            .await
            .unwrap()
            .applied
    );
}

pub fn deal_input(
    customer: &str,
    website: &str,
    size: &str,
) -> domain::deals::registration::DealInput {
    domain::deals::registration::DealInput {
        customer_name: customer.into(),
        website: website.into(),
        industry: "Manufacturing".into(),
        region: "emea".into(),
        deal_size: size.into(),
        expected_close: (store::now().date() + time::Duration::days(60)).to_string(),
        use_case: "ERP integration".into(),
        stage: "discovery".into(),
        probability: "40".into(),
        partner_rep: "Ana".into(),
        ..Default::default()
    }
}

/// A lead a partner hands to our sales team.
pub fn lead_input() -> domain::deals::leads::LeadInput {
    domain::deals::leads::LeadInput {
        company: "Initech".into(),
        website: "initech.example".into(),
        contact_name: "Bill Lumbergh".into(),
        contact_email: "bill@initech.example".into(),
        need: "TPS report automation".into(),
        estimated_value: "40000".into(),
        currency: String::new(),
    }
}

const DEALS_HEADER: &str = "partner,customer_name,industry,region,deal_size,currency,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n";

/// Imports registrations as a CRM brings them (wins confirmed at once): CSV rows after the
/// deals header.
pub async fn import_deals(s: &Services, rows: &[String]) {
    let file = format!("{DEALS_HEADER}{}", rows.join(""));
    let report = s
        .import_deals(&Actor::system("test"), &file, false, &|_| {})
        .await
        .unwrap();
    assert!(report.applied, "{:?}", report.errors);
}

/// Moves the due day of the action (a meeting's action item in `meeting_actions`, a case's
/// remediation action in `escalation_entries`) with these words to `day`. The services take
/// due days from today to two years ahead only, so work that fell due long ago, or is due
/// further ahead, is set up behind their back after it is recorded today.
pub async fn set_due_on(db: &TestDb, table: &'static str, body: &str, day: time::Date) {
    let mut tx = db.db.write().await.unwrap();
    let mut query = store::Sql::new("UPDATE ");
    query
        .push(table)
        .push(" SET due_on = ")
        .push_bind(day)
        .push(" WHERE body = ")
        .push_bind(body.to_owned());
    tx.execute(query).await.unwrap();
    tx.commit().await.unwrap();
}
