//! The demo book: its accounts, its partners with their contacts, stage histories and typed
//! quarters, seeded once (`Services::seed_demo`).

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
        "product@demo.partneros.test",
        "Pia Product",
        // domain::roles has no Product role; Marketing's permissions are exactly what Product
        // does here (read, work escalations as CPO, review integration requests) with none
        // of Sales' lead and credit decisions.
        Role::Marketing,
        None,
    ),
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
        "legal@demo.partneros.test",
        "Lena Legal",
        // No Legal role either: Marketing's is the least any of our working roles may do
        // (each of Sales' and Finance's permissions includes it), and on the Legal team it
        // ticks the contract items of Legal's queue.
        Role::Marketing,
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
pub(super) const FIRST: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Liam",
    "Mei", "Nils", "Olu", "Pia",
];
pub(super) const LAST: &[&str] = &[
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
                crate::partners::start_onboarding(&mut tx, &shipped, id, last_change).await?;
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
        self.seed_demo_teams().await?;
        self.seed_demo_qualification(&partner_ids).await?;
        let first_of = |role: Role| user_ids.iter().find(|u| u.1 == role).map(|u| u.0);
        if let (Some(pm), Some(admin)) = (first_of(Role::PartnerManager), first_of(Role::Admin)) {
            self.seed_demo_meetings(pm, admin).await?;
        }
        self.seed_demo_alignment(&partner_ids).await?;
        Ok(true)
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
