//! The demo's people at work beyond escalations: the stakeholder map's entries, leads the
//! portal partners handed to sales (two accepted, one waiting on sales' "My work") and the
//! internal survey's earlier rounds, so the dashboard's trend has points.

use domain::deals::leads::LeadInput;
use domain::teams::StakeholderInput;
use uuid::Uuid;

use crate::{Error, Result, Services};

/// Per team: decision maker, what they care about, what blocks them, the champion's email.
const STAKEHOLDERS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "sales",
        "VP Sales",
        "Pipeline coverage and quota attainment",
        "Partner deals that surprise the account executive",
        "sales@demo.partneros.test",
    ),
    (
        "marketing",
        "CMO",
        "Partner-sourced leads and campaign reach",
        "MDF claims without proof of performance",
        "marketing@demo.partneros.test",
    ),
    (
        "product",
        "CPO",
        "Integration demand ranked by revenue",
        "Requests without the customers that need them",
        "product@demo.partneros.test",
    ),
    (
        "finance",
        "CFO",
        "Commission cost against partner-sourced revenue",
        "Statements disputed after they are paid",
        "finance@demo.partneros.test",
    ),
    (
        "legal",
        "General Counsel",
        "Agreements signed before a partner sells",
        "Contracts sent for signature without our review",
        "legal@demo.partneros.test",
    ),
    (
        "executive",
        "CEO",
        "Partner share of revenue and retention",
        "Escalations that reach them without a recommendation",
        "exec@demo.partneros.test",
    ),
];

/// The earlier survey rounds' answers, oldest round first: (who, score).
const EARLIER_ROUNDS: &[&[(&str, i64)]] = &[
    &[
        ("sales@demo.partneros.test", 4),
        ("marketing@demo.partneros.test", 6),
        ("product@demo.partneros.test", 5),
        ("finance@demo.partneros.test", 6),
    ],
    &[
        ("sales@demo.partneros.test", 6),
        ("marketing@demo.partneros.test", 7),
        ("product@demo.partneros.test", 7),
        ("finance@demo.partneros.test", 6),
        ("exec@demo.partneros.test", 8),
    ],
];

fn lead(company: &str, contact: &str, need: &str, value: &str) -> LeadInput {
    LeadInput {
        company: company.into(),
        website: format!(
            "https://{}.example",
            company.to_lowercase().replace(' ', "-")
        ),
        contact_name: contact.into(),
        contact_email: format!(
            "{}@{}.example",
            contact.to_lowercase().replace(' ', "."),
            company.to_lowercase().replace(' ', "-")
        ),
        need: need.into(),
        estimated_value: value.into(),
        currency: String::new(),
    }
}

impl Services {
    /// Every team but partner management gets its stakeholder map entry (ours is the
    /// partner team itself), each naming its lead as the champion.
    pub(super) async fn seed_demo_stakeholders(&self) -> Result<()> {
        let admin = self.demo_person("admin@demo.partneros.test").await?;
        for (team, decider, cares, blocks, champion) in STAKEHOLDERS {
            let mut tx = self.db.read().await?;
            let version = store::teams::get(&mut tx, team)
                .await?
                .ok_or(Error::NotFound)?
                .version;
            drop(tx);
            let champion = self.demo_person(champion).await?.user_id;
            let input = StakeholderInput {
                version: version.to_string(),
                decision_maker: (*decider).into(),
                cares_about: (*cares).into(),
                blockers: (*blocks).into(),
                champion_user_id: champion.map(|id| id.to_string()).unwrap_or_default(),
                champion_name: String::new(),
            };
            self.edit_stakeholder(&admin, team, &input).await?;
        }
        Ok(())
    }

    /// Bluepeak hands sales two leads, which Sam accepts (each becomes Bluepeak's approved
    /// registration); Northwind's lead waits for sales' decision within its acceptance SLA.
    pub(super) async fn seed_demo_leads(&self, northwind: Uuid, bluepeak: Uuid) -> Result<()> {
        let nora = self.demo_person("admin@northwind.example").await?;
        let bo = self.demo_person("admin@bluepeak.example").await?;
        let sam = self.demo_person("sales@demo.partneros.test").await?;
        for input in [
            lead(
                "Vandelay Industries",
                "Art Vandelay",
                "Import tracking across 40 warehouses",
                "38000",
            ),
            lead(
                "Pendant Publishing",
                "Elaine Benes",
                "Editorial workflow for 120 editors",
                "24000",
            ),
        ] {
            let submitted = self.submit_lead(&bo, bluepeak, &input).await?;
            self.accept_lead(&sam, submitted.id).await?;
        }
        let waiting = lead(
            "Kramerica Labs",
            "Cosmo Kramer",
            "A pilot for the coffee-table book's online shop",
            "12000",
        );
        self.submit_lead(&nora, northwind, &waiting).await?;
        Ok(())
    }

    /// The two rounds before the current one, answered by the teams the survey asks.
    pub(super) async fn seed_demo_earlier_rounds(&self) -> Result<()> {
        let (_, program) = self.program_in_force().await?;
        let cadence = program.policies.internal_nps.cadence;
        let today = self.demo_person("admin@demo.partneros.test").await?.today();
        let mut period = domain::internal_nps::period(today, cadence);
        let mut rounds = Vec::new();
        for _ in EARLIER_ROUNDS {
            let before = period.starts_on.previous_day().ok_or(Error::NotFound)?;
            period = domain::internal_nps::period(before, cadence);
            rounds.push(period.clone());
        }
        rounds.reverse();
        let mut tx = self.db.write().await?;
        for (period, answers) in rounds.iter().zip(EARLIER_ROUNDS) {
            let opened_at = period
                .starts_on
                .with_time(time::Time::from_hms(9, 0, 0).expect("09:00 is a time"))
                .assume_utc();
            let round = store::internal_nps::RoundRow {
                id: Uuid::now_v7(),
                period_key: period.key.clone(),
                starts_on: period.starts_on,
                ends_on: period.ends_on,
                opened_by: None,
                opened_at,
            };
            store::internal_nps::open_round(&mut tx, &round).await?;
            for (email, score) in *answers {
                let user = store::users::get_by_email(&mut tx, email)
                    .await?
                    .ok_or(Error::NotFound)?;
                let teams = store::teams::teams_of(&mut tx, user.id).await?.join(",");
                let answer = store::internal_nps::AnswerRow {
                    id: Uuid::new_v4(),
                    round_id: round.id,
                    score: *score,
                    comment: String::new(),
                    teams,
                };
                store::internal_nps::answer(&mut tx, user.id, &answer).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
