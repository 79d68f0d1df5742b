//! The demo program: a deterministic, realistic partner book with a few months of history,
//! so a first look at PartnerOS shows what it does. Seeding twice changes nothing.

use crate::auth::hash_password;
use crate::{Result, Services};
use domain::Choice;
use domain::audit::AuditEvent;
use domain::partners::{
    ContactFields, GtmModel, LifecycleStage, PartnerFields, PartnerType, Region,
};
use domain::program::SponsorLevel;
use domain::program::history::QuarterFacts;
use domain::quarter::Quarter;
use domain::roles::Role;
use rust_decimal::Decimal;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

pub const DEMO_PASSWORD: &str = "partneros-demo";

/// The accounts the demo creates: (email, name, role, index of the partner for partner roles).
pub const DEMO_USERS: &[(&str, &str, Role, Option<usize>)] = &[
    (
        "admin@demo.partneros.test",
        "Avery Admin",
        Role::Admin,
        None,
    ),
    (
        "pm@demo.partneros.test",
        "Priya Patel",
        Role::PartnerManager,
        None,
    ),
    (
        "pm2@demo.partneros.test",
        "Marco Rossi",
        Role::PartnerManager,
        None,
    ),
    ("sales@demo.partneros.test", "Sam Sales", Role::Sales, None),
    (
        "marketing@demo.partneros.test",
        "Mia Marketing",
        Role::Marketing,
        None,
    ),
    (
        "finance@demo.partneros.test",
        "Fin Finance",
        Role::Finance,
        None,
    ),
    (
        "exec@demo.partneros.test",
        "Eva Executive",
        Role::Executive,
        None,
    ),
    (
        "admin@northwind.example",
        "Nora Northwind",
        Role::PartnerAdmin,
        Some(0),
    ),
    (
        "rep@northwind.example",
        "Ravi Northwind",
        Role::PartnerUser,
        Some(0),
    ),
    (
        "admin@bluepeak.example",
        "Bo Bluepeak",
        Role::PartnerAdmin,
        Some(1),
    ),
];

const NAMES: &[&str] = &[
    "Northwind Consulting",
    "Bluepeak Systems",
    "Contoso Cloud Partners",
    "Fabrikam Integration",
    "Tailspin Digital",
    "Wingtip Solutions",
    "Adatum Analytics",
    "Litware Security",
    "Proseware Labs",
    "Lucerne Data Group",
    "Margie's Managed Services",
    "Trey Research Partners",
    "Woodgrove Advisory",
    "Coho Networks",
    "Alpine Ski Tech",
    "Fourth Coffee Digital",
    "Humongous Integrators",
    "Southridge Software",
    "Graphic Design Institute IT",
    "Relecloud Services",
    "VanArsdel Technology",
    "Wide World Importers IT",
    "Best For You Systems",
    "Consolidated Messenger",
    "City Power Analytics",
    "Datum Corporation",
    "Blue Yonder Airlines IT",
    "Nod Publishers Digital",
    "Olympia Cloud",
    "Lamna Healthcare IT",
    "Munson's Pickles Tech",
    "Tasmanian Traders Digital",
    "Liberty's Delightful Data",
    "Kumo Consulting Japan",
    "São Paulo Integradores",
    "Nordlicht Software GmbH",
    "Maple Leaf Systems",
    "Sydney Harbour Cloud",
    "Île-de-France Conseil",
    "Bangalore Byte Works",
    "Cape Town Code Co",
    "Dublin Data Partners",
    "Andes Technology SA",
    "Baltic Bridge IT",
    "Zürich Secure AG",
];

const INDUSTRIES: &[&str] = &[
    "Manufacturing",
    "Retail",
    "Financial services",
    "Healthcare",
    "Public sector",
    "Energy",
    "Logistics",
    "Education",
];
const FIRST: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Liam",
    "Mei", "Nils", "Olu", "Pia",
];
const LAST: &[&str] = &[
    "Schmidt", "Okafor", "Tanaka", "García", "Novak", "Murphy", "Silva", "Larsen", "Kowalski",
    "Haddad",
];
const CONTACT_ROLES: &[&str] = &[
    "Alliance lead",
    "Sales director",
    "Solutions architect",
    "Marketing manager",
    "CEO",
];

/// Days-ago at which each demo partner was created and when its stage moved along.
fn timeline_for(stage: LifecycleStage) -> Vec<LifecycleStage> {
    use LifecycleStage::*;
    let path = [Prospect, Recruiting, Onboarding, Active, Growing, Strategic];
    match stage {
        Paused => vec![Prospect, Recruiting, Onboarding, Active, Paused],
        Exited => vec![Prospect, Recruiting, Onboarding, Active, Exited],
        other => path
            .iter()
            .copied()
            .take_while(|s| *s != other)
            .chain(std::iter::once(other))
            .collect(),
    }
}

fn at_days_ago(now: OffsetDateTime, days: i64, minute: i64) -> OffsetDateTime {
    now - Duration::days(days) + Duration::minutes(minute)
}

fn event_id(at: OffsetDateTime) -> Uuid {
    let nanos = at.unix_timestamp_nanos();
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        (nanos / 1_000_000_000) as u64,
        (nanos % 1_000_000_000) as u32,
    );
    Uuid::new_v7(ts)
}

/// A tier above Registered for working partners, cycling through all of them.
/// Partner `i`'s lifecycle stage: every stage occurs, and the two portal partners (0 and
/// 1) are active and growing, so their people see a working partnership.
fn demo_stage(i: usize) -> LifecycleStage {
    LifecycleStage::ALL[(i + 3) % LifecycleStage::ALL.len()]
}

fn demo_tier_level(i: usize) -> usize {
    1 + (i * 7) % 4
}

/// Two years of quarterly facts that roughly match the partner's tier: some partners sit
/// comfortably, some grow towards the next tier, some slip below their own — as in a real book.
fn demo_history(i: usize, level: usize, now: Quarter) -> Vec<QuarterFacts> {
    let wobble = (i as i64 * 37) % 7 - 2;
    let trend = [0, 1, -1][i % 3];
    // Every sixth working partner has performed at the next tier's level for five quarters:
    // the evaluation proposes its upgrade.
    let rising = i % 6 == 3 && (1..4).contains(&level);
    let spread = |per_year: u32, k: u32| per_year / 4 + u32::from(k % 4 < per_year % 4);
    now.trailing(8)
        .into_iter()
        .zip(0u32..)
        .map(|(quarter, k)| {
            let at = if rising && k >= 3 { level + 1 } else { level };
            let wobble = if rising { 1 } else { wobble };
            let annual = [0, 40_000, 180_000, 620_000, 1_300_000][at] + wobble * 30_000;
            let certified = ([0, 1, 3, 5, 8][at] + wobble.clamp(-1, 2)).max(0) as u32;
            let percent = 100 + trend * (i64::from(k) * 2 - 11) * 5;
            let revenue = (annual.max(0) / 4 * percent / 100).max(0);
            QuarterFacts {
                quarter,
                sourced_revenue: Decimal::from(revenue),
                qbrs: spread([0, 1, 2, 4, 12][at], k),
                co_marketing: spread([0, 0, 1, 2, 4][at], k),
                certified_people: certified,
                advanced_certified_people: certified / 2,
                customer_references: [0, 2, 6, 11, 16][at],
                executive_sponsor: [
                    None,
                    None,
                    None,
                    Some(SponsorLevel::Vp),
                    Some(SponsorLevel::CLevel),
                ][at],
                ipp_score: (40 + at as i64 * 10 + wobble * 3) as u32,
                certifications: [
                    ("sales_foundation".to_owned(), certified - certified / 2),
                    ("technical_advanced".to_owned(), certified / 2),
                ]
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .collect(),
            }
        })
        .collect()
}

impl Services {
    /// Fills an empty database with the demo program. Returns false when it was already there.
    pub async fn seed_demo(&self) -> Result<bool> {
        let mut tx = self.db.write().await?;
        if store::users::get_by_email(&mut tx, DEMO_USERS[0].0)
            .await?
            .is_some()
        {
            return Ok(false);
        }
        let now = store::now();
        let hash = hash_password(DEMO_PASSWORD);
        let mut user_ids = Vec::new();
        for (email, name, role, _) in DEMO_USERS.iter().filter(|u| u.3.is_none()) {
            let id = Uuid::now_v7();
            let row = store::users::NewUserRow {
                id,
                email,
                name,
                role: *role,
                partner_id: None,
                password_hash: &hash,
            };
            store::users::insert(&mut tx, &row, now - Duration::days(200)).await?;
            user_ids.push((id, *role, *email));
        }
        let managers: Vec<(Uuid, &str)> = user_ids
            .iter()
            .filter(|u| u.1 == Role::PartnerManager)
            .map(|u| (u.0, u.2))
            .collect();

        let shipped = domain::program::shipped();
        let tier_keys = shipped.tier_keys();
        let tier_names: Vec<&str> = shipped.tiers.iter().map(|t| t.name.as_str()).collect();
        let mut partner_ids = Vec::new();
        for (i, name) in NAMES.iter().enumerate() {
            let stage = demo_stage(i);
            // Index into the shipped tiers: Registered, Bronze, Silver, Gold, Platinum.
            let level = match stage {
                LifecycleStage::Prospect | LifecycleStage::Recruiting => 0,
                _ => demo_tier_level(i),
            };
            let slug: String = name
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(18)
                .collect();
            let (manager, manager_email) = managers[i % managers.len()];
            let fields = PartnerFields {
                legal_name: format!(
                    "{name} {}",
                    ["Ltd", "Inc.", "GmbH", "LLC", "S.A.", "Pty Ltd"][i % 6]
                ),
                display_name: (*name).into(),
                domains: vec![format!("{slug}.example")],
                partner_type: PartnerType::ALL[i % PartnerType::ALL.len()],
                gtm_model: GtmModel::ALL[(i / 2) % GtmModel::ALL.len()],
                regions: vec![Region::ALL[i % 4], Region::ALL[(i * 3 + 1) % 4]]
                    .into_iter()
                    .fold(Vec::new(), |mut v, r| {
                        if !v.contains(&r) {
                            v.push(r);
                        }
                        v
                    }),
                industries: vec![
                    INDUSTRIES[i % INDUSTRIES.len()].into(),
                    INDUSTRIES[(i + 3) % INDUSTRIES.len()].into(),
                ],
                tier: tier_keys[level].clone(),
                stage,
                owner_id: Some(manager),
                our_exec_sponsor: if level >= 3 {
                    "Eva Executive (CRO)".into()
                } else {
                    String::new()
                },
                partner_exec_sponsor: if level >= 2 {
                    format!(
                        "{} {}, VP Alliances",
                        FIRST[i % FIRST.len()],
                        LAST[(i + 2) % LAST.len()]
                    )
                } else {
                    String::new()
                },
                notes: if i % 3 == 0 {
                    format!(
                        "Joint pipeline review every other week. Strong in {}.",
                        INDUSTRIES[i % INDUSTRIES.len()]
                    )
                } else {
                    String::new()
                },
            };
            let stages = timeline_for(stage);
            let created_days_ago = 20 + (i as i64 * 37) % 160 + 15 * stages.len() as i64;
            let created = at_days_ago(now, created_days_ago, i as i64);
            let id = event_id(created);
            store::partners::insert(
                &mut tx,
                id,
                &PartnerFields {
                    stage: LifecycleStage::Prospect,
                    ..fields.clone()
                },
                created,
            )
            .await?;
            let event = |at: OffsetDateTime,
                         entity_type: &str,
                         entity_id: Uuid,
                         action: &str,
                         summary: String| AuditEvent {
                id: event_id(at),
                at,
                actor_id: Some(manager),
                actor_label: manager_email.into(),
                partner_id: Some(id),
                entity_type: entity_type.into(),
                entity_id,
                action: action.into(),
                summary,
                before: None,
                after: None,
            };
            let mut events = vec![event(
                created,
                "partner",
                id,
                "created",
                format!(
                    "Partner {name} created in stage Prospect, tier {}",
                    tier_names[level]
                ),
            )];
            for (step, pair) in stages.windows(2).enumerate() {
                let at = created + Duration::days(12 * (step as i64 + 1)) + Duration::hours(3);
                events.push(event(
                    at,
                    "partner",
                    id,
                    "stage_changed",
                    format!(
                        "Stage changed from {} to {}",
                        pair[0].label(),
                        pair[1].label()
                    ),
                ));
            }
            for c in 0..(2 + i % 3) {
                let first = FIRST[(i + c * 5) % FIRST.len()];
                let last = LAST[(i * 2 + c) % LAST.len()];
                let contact_id = Uuid::now_v7();
                let contact = ContactFields {
                    name: format!("{first} {last}"),
                    role: CONTACT_ROLES[(i + c) % CONTACT_ROLES.len()].into(),
                    email: Some(
                        format!(
                            "{}.{}@{slug}.example",
                            first.to_lowercase(),
                            last.to_lowercase()
                        )
                        .replace(['é', 'í', 'á'], "e"),
                    ),
                    phone: format!("+1 555 01{:02}", (i * 3 + c) % 100),
                };
                let at = created + Duration::days(2 + c as i64);
                store::contacts::insert(&mut tx, contact_id, id, &contact, at).await?;
                events.push(event(
                    at,
                    "contact",
                    contact_id,
                    "created",
                    format!("Contact {} added to {name}", contact.name),
                ));
            }
            let last_change = events.iter().map(|e| e.at).max().unwrap_or(created);
            store::partners::set_stage(&mut tx, id, LifecycleStage::Prospect, stage, last_change)
                .await?;
            if stage == LifecycleStage::Onboarding {
                crate::partners::onboarding::start(&mut tx, &shipped, id, last_change).await?;
            }
            for quarter in demo_history(i, level, crate::clock::current_quarter()) {
                store::facts::upsert(
                    &mut tx,
                    id,
                    &crate::facts::rows::to_row(&quarter),
                    last_change,
                )
                .await?;
            }
            for e in &events {
                store::audit::insert(&mut tx, e).await?;
            }
            partner_ids.push(id);
        }
        for (email, name, role, partner) in DEMO_USERS.iter().filter(|u| u.3.is_some()) {
            let partner_id = partner.map(|i| partner_ids[i]);
            let row = store::users::NewUserRow {
                id: Uuid::now_v7(),
                email,
                name,
                role: *role,
                partner_id,
                password_hash: &hash,
            };
            store::users::insert(&mut tx, &row, now - Duration::days(60)).await?;
        }
        tx.commit().await?;
        self.seed_demo_qualification(&partner_ids).await?;
        Ok(true)
    }

    /// Qualification records and a first tier evaluation, so the Tiers queue and the partner
    /// pages show the program at work.
    async fn seed_demo_qualification(&self, partner_ids: &[Uuid]) -> Result<()> {
        use domain::program::ipp::IppInput;
        use domain::program::scoring_3c4c::EvaluationInput;
        let pm = crate::Actor::system("demo: partner manager");
        let (_, program) = self.program_in_force().await?;
        let keys: Vec<String> = program
            .ipp
            .categories
            .iter()
            .flat_map(|c| c.criteria.iter().map(|k| k.key.clone()))
            .collect();
        for (n, id) in partner_ids.iter().enumerate().take(12) {
            let input = IppInput {
                scores: keys
                    .iter()
                    .enumerate()
                    .map(|(k, key)| (key.clone(), ((n + k) % 4 + 2).to_string()))
                    .collect(),
                red_flags: if n == 5 {
                    vec!["channel_conflict_history".into()]
                } else {
                    Vec::new()
                },
                notes: "Discovery call and reference checks".into(),
            };
            self.assess_ipp(&pm, *id, &input).await?;
            for (round, lift) in [(0u8, 0u8), (1, 1)] {
                let score = |base: usize| (((n + base) % 3) as u8 + 2 + lift).min(5).to_string();
                let evaluation = EvaluationInput {
                    capacity: score(0),
                    capability: score(1),
                    commitment: score(2),
                    customers: if n % 2 == 0 { score(1) } else { String::new() },
                    summary: [
                        "Strong delivery bench",
                        "Growing fast in EMEA",
                        "Keen, still early",
                    ][n % 3]
                        .into(),
                    action_plan:
                        "Certify two more engineers and run a joint pipeline review this quarter"
                            .into(),
                    shared: round == 1 && n % 2 == 0,
                    ..Default::default()
                };
                self.evaluate_3c4c(&pm, *id, &evaluation).await?;
            }
        }
        self.seed_demo_enablement(&partner_ids[..2]).await?;
        self.seed_demo_deals(&partner_ids[..2]).await?;
        self.evaluate_all_tiers(&crate::Actor::system("demo: tier evaluation"))
            .await?;
        Ok(())
    }

    /// Deal registrations of the two portal partners in every state, our direct pipeline
    /// and customer accounts, a conflict waiting for review and two won deals.
    async fn seed_demo_deals(&self, partner_ids: &[Uuid]) -> Result<()> {
        use crate::deals::{ActivityInput, DealClose, DealDecision, PipelineInput};
        use domain::deals::direct::DirectKind;
        let pm = crate::Actor::system("demo: partner manager");
        self.import_direct(
            &pm,
            DirectKind::Opportunities,
            "reference,customer,website,owner,stage,amount,currency,status\n\
             OPP-2041,Initech Holdings,initech.example,Sam Sales,Proposal,180000,USD,open\n\
             OPP-2042,Umbrella Pharma,umbrella-pharma.example,Sam Sales,Demo,95000,USD,open\n\
             OPP-1988,Vandelay Imports,vandelay.example,Sam Sales,Closed,40000,USD,won\n",
            false,
        )
        .await?;
        self.import_direct(
            &pm,
            DirectKind::Accounts,
            "account,name,website,owner\nACC-118,Globex Corporation,globex.example,Sam Sales\n\
             ACC-119,Soylent Foods,soylent.example,Sam Sales\n",
            false,
        )
        .await?;
        let today = store::now().date();
        let deal = |customer: &str, website: &str, size: u32, probability: u8, close_in: i64| {
            domain::deals::registration::DealInput {
                customer_name: customer.into(),
                website: website.into(),
                industry: "Manufacturing".into(),
                region: "emea".into(),
                deal_size: size.to_string(),
                expected_close: (today + Duration::days(close_in)).to_string(),
                use_case: "Connect the plant systems to the ERP".into(),
                pain_points: "Manual re-keying between systems".into(),
                stage: "discovery".into(),
                probability: probability.to_string(),
                competitor: "Contoso Integrate".into(),
                partner_rep: "Ravi Northwind".into(),
                ..Default::default()
            }
        };
        let decide = |decision: &str, note: &str| DealDecision {
            decision: decision.into(),
            note: note.into(),
        };
        let (north, blue) = (partner_ids[0], partner_ids[1]);
        let mut registered = Vec::new();
        for (customer, website, size, probability, close_in) in [
            ("Acme Tools GmbH", "acme-tools.example", 48_000, 40, 35),
            (
                "Stark Logistics",
                "stark-logistics.example",
                120_000,
                30,
                70,
            ),
            ("Wayne Foods", "waynefoods.example", 36_000, 60, 20),
            ("Hooli Retail", "hooli-retail.example", 64_000, 20, 100),
            ("Tyrell Energy", "tyrell.example", 22_000, 50, 45),
        ] {
            registered.push(
                self.register_deal(
                    &pm,
                    north,
                    &deal(customer, website, size, probability, close_in),
                    true,
                )
                .await?,
            );
        }
        // Approved, one moved on with a joint call, two won.
        for d in registered[..4]
            .iter()
            .filter(|d| d.status == domain::deals::registration::Status::Submitted)
        {
            self.decide_deal(&pm, d.id, &decide("approve", "")).await?;
        }
        self.log_activity(
            &pm,
            registered[1].id,
            &ActivityInput {
                kind: "call".into(),
                joint: true,
                note: "Joint discovery call with the COO".into(),
                occurred_on: String::new(),
            },
        )
        .await?;
        self.update_pipeline(
            &pm,
            registered[1].id,
            &PipelineInput {
                stage: "demo".into(),
                probability: "50".into(),
                forecast_category: "best_case".into(),
                next_action: "Demo the plant connector".into(),
                next_action_on: (today + Duration::days(6)).to_string(),
                next_action_owner: "Ravi Northwind".into(),
                blockers: String::new(),
            },
        )
        .await?;
        for (d, amount) in [(&registered[2], "36000"), (&registered[3], "58000")] {
            // The partner gets credit only with logged activity (the co-sell policy).
            self.log_activity(
                &pm,
                d.id,
                &ActivityInput {
                    kind: "meeting".into(),
                    joint: true,
                    note: "Joint proposal walkthrough".into(),
                    occurred_on: String::new(),
                },
            )
            .await?;
            self.close_deal(
                &pm,
                d.id,
                &DealClose {
                    outcome: "won".into(),
                    amount: amount.into(),
                    closed_on: String::new(),
                },
            )
            .await?;
        }
        // Registered some weeks ago, so velocity and staleness read like a real book.
        let mut tx = self.db.write().await?;
        for (d, days) in registered.iter().zip([12, 40, 38, 52, 3]) {
            if let Some(mut row) = store::deals::get(&mut tx, d.id).await? {
                row.registered_on = (today - Duration::days(days)).to_string();
                store::deals::update(&mut tx, &row, row.change_no).await?;
            }
        }
        tx.commit().await?;
        // Bluepeak registers Northwind's customer (review), one of our direct opportunities
        // (already registered) and one of its own.
        self.register_deal(
            &pm,
            blue,
            &deal("ACME Tools", "www.acme-tools.example", 30_000, 30, 40),
            true,
        )
        .await?;
        self.register_deal(
            &pm,
            blue,
            &deal("Initech", "initech.example", 75_000, 20, 60),
            true,
        )
        .await?;
        let own = self
            .register_deal(
                &pm,
                blue,
                &deal("Cyberdyne Labs", "cyberdyne.example", 150_000, 30, 25),
                true,
            )
            .await?;
        if own.status == domain::deals::registration::Status::Submitted {
            self.decide_deal(
                &pm,
                own.id,
                &decide("more_info", "Which business unit is buying?"),
            )
            .await?;
        }
        Ok(())
    }

    /// Certification records for the two portal partners (matching their latest facts, or two
    /// sales certifications when those have none; one expires within a month, so a renewal
    /// reminder goes out), an enrollment under way, and the first expiry run.
    async fn seed_demo_enablement(&self, partner_ids: &[Uuid]) -> Result<()> {
        let pm = crate::Actor::system("demo: partner manager");
        let today = store::now().date();
        let mut csv = String::from("partner,email,name,certification,date,score\n");
        for (n, id) in partner_ids.iter().enumerate() {
            let partner = self.get_partner(&pm, *id).await?;
            let domain = partner.domains.first().cloned().unwrap_or_default();
            let latest = self
                .partner_history(&pm, *id)
                .await?
                .pop()
                .map(|q| q.certifications)
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| [("sales_foundation".to_owned(), 2)].into());
            // The partner's own contacts are certified first (by their addresses, so the
            // import finds them); only then does the LMS bring people new to us, under names
            // no contact has.
            let contacts = self.list_contacts(&pm, *id, false).await?;
            let mut newcomers = (0..FIRST.len() * LAST.len())
                .map(|k| {
                    let (first, last) =
                        (FIRST[(k * 3 + n * 7) % FIRST.len()], LAST[k % LAST.len()]);
                    (format!("{first} {last}"), k)
                })
                .filter(|(name, _)| contacts.iter().all(|c| c.name != *name));
            let mut person = 0;
            for (certification, count) in latest {
                for _ in 0..count {
                    let days_ago = [340, 40, 120, 200, 280, 75, 160, 240][(person + n) % 8];
                    let earned = today - Duration::days(days_ago);
                    let (name, email) = match contacts
                        .get(person)
                        .and_then(|c| c.email.clone().map(|email| (c.name.clone(), email)))
                    {
                        Some(known) => known,
                        None => {
                            let (name, k) = newcomers.next().unwrap_or_default();
                            let email = format!("{}.{k}@{domain}", name.replace(' ', "."))
                                .to_lowercase()
                                .replace(['é', 'í', 'á'], "e");
                            (name, email)
                        }
                    };
                    csv.push_str(&format!(
                        "{id},{email},{name},{certification},{earned},{}\n",
                        82 + (person * 3) % 15
                    ));
                    person += 1;
                }
            }
        }
        let report = self.import_certifications(&pm, &csv, false).await?;
        if !report.errors.is_empty() {
            return Err(crate::Error::Conflict(format!(
                "demo certifications: {:?}",
                report.errors
            )));
        }
        if let Some(first) = partner_ids.first() {
            let learning = self.learning(&pm, *first).await?;
            if let Some(path) = learning.paths.iter().find(|p| p.path == "sales_path") {
                let next = path
                    .progress
                    .next
                    .clone()
                    .unwrap_or_else(|| "sales_advanced".into());
                let enrollment = self
                    .enroll(&pm, *first, &path.contact_id.to_string(), &next)
                    .await?;
                for requirement in ["Training attended", "10-question quiz"] {
                    self.tick_requirement(&pm, enrollment, requirement, true)
                        .await?;
                }
            }
        }
        self.run_certification_expiry(&crate::Actor::system("demo: certification expiry"))
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_covers_every_tier_type_region_and_stage() {
        assert!(NAMES.len() >= 40);
        let stages: std::collections::HashSet<_> = (0..NAMES.len()).map(demo_stage).collect();
        assert_eq!(stages.len(), LifecycleStage::ALL.len());
        let tiers: std::collections::HashSet<_> = (0..NAMES.len()).map(demo_tier_level).collect();
        assert_eq!(
            tiers.len(),
            domain::program::shipped().tiers.len() - 1,
            "every tier above Registered"
        );
    }

    #[test]
    fn demo_stage_histories_follow_the_lifecycle_rules() {
        for stage in LifecycleStage::ALL {
            let path = timeline_for(*stage);
            assert_eq!(path.last(), Some(stage));
            for pair in path.windows(2) {
                assert!(
                    pair[0].can_move_to(pair[1]),
                    "{:?} -> {:?}",
                    pair[0],
                    pair[1]
                );
            }
        }
    }
}
