//! The demo's internal alignment: our people on teams with leads, the escalation titles
//! held, escalation cases in the states a first look should see (with their history,
//! `history`), integration requests with revenue in two currencies, the stakeholder map,
//! leads and the internal survey's rounds (`people`). Everything of the present goes through
//! the services' own functions, so the rules (notifications, audit, SLA clocks) hold; only
//! the past, which no service backdates, is planted as rows.

use domain::escalations::{Form, ReviewForm};
use domain::integration_requests::{CustomerForm, Form as RequestForm};
use time::Duration;
use uuid::Uuid;

use crate::escalations::{Escalation, Move, TitleHolderInput};
use crate::internal_nps::AnswerForm;
use crate::teams::{LeadInput, MemberInput};
use crate::{Actor, Error, Result, Services};

/// Each team's lead first, then its other members.
const TEAMS: &[(&str, &[&str])] = &[
    (
        "partner_manager",
        &[
            "pm@demo.partneros.test",
            "pm2@demo.partneros.test",
            "admin@demo.partneros.test",
        ],
    ),
    ("sales", &["sales@demo.partneros.test"]),
    ("marketing", &["marketing@demo.partneros.test"]),
    ("product", &["product@demo.partneros.test"]),
    ("finance", &["finance@demo.partneros.test"]),
    ("legal", &["legal@demo.partneros.test"]),
    ("executive", &["exec@demo.partneros.test"]),
];

/// Who holds each title of the escalation paths (partner_manager is each partner's own).
const TITLES: &[(&str, &str)] = &[
    ("alliances_lead", "pm2@demo.partneros.test"),
    ("executive_sponsor", "exec@demo.partneros.test"),
    ("vp_sales", "sales@demo.partneros.test"),
    ("cfo", "finance@demo.partneros.test"),
    ("cmo", "marketing@demo.partneros.test"),
    ("cpo", "product@demo.partneros.test"),
];

/// The internal survey's answers: (who, score, comment).
/// The internal survey's answers: (who, score, comment). Partner management's people are
/// not asked: the question is about their own team.
const ANSWERS: &[(&str, &str, &str)] = &[
    (
        "sales@demo.partneros.test",
        "6",
        "Tell us sooner about conflicts",
    ),
    ("marketing@demo.partneros.test", "8", ""),
    (
        "product@demo.partneros.test",
        "8",
        "Handoffs are clear since the RACI page",
    ),
    (
        "finance@demo.partneros.test",
        "7",
        "Commission questions still take a few days",
    ),
    (
        "legal@demo.partneros.test",
        "7",
        "Contracts reach us on the checklist now, not by email",
    ),
    ("exec@demo.partneros.test", "9", ""),
];

fn case_id(case: &Escalation) -> Uuid {
    match case {
        Escalation::Ours(detail) => detail.case.id,
        Escalation::Partners(detail) => detail.case.id,
    }
}

fn step(transition: &str, message: &str) -> Move {
    Move {
        transition: transition.into(),
        version: None,
        message: message.into(),
        ..Move::default()
    }
}

fn escalation(issue: &str, category: &str, urgency: &str, occurred_on: time::Date) -> Form {
    Form {
        issue: issue.into(),
        category: category.into(),
        urgency: urgency.into(),
        occurred_on: occurred_on.to_string(),
    }
}

fn customer(name: &str, amount: &str, currency: &str) -> CustomerForm {
    CustomerForm {
        name: name.into(),
        amount: amount.into(),
        currency: currency.into(),
        deal_id: None,
    }
}

impl Services {
    /// One of the demo's people, acting as themself.
    pub(super) async fn demo_person(&self, email: &str) -> Result<Actor> {
        let mut tx = self.db.read().await?;
        let user = store::users::get_by_email(&mut tx, email)
            .await?
            .ok_or(Error::NotFound)?;
        Ok(Actor::from_user(&user))
    }

    /// Teams with leads and the escalation titles' holders; before any work is created, so
    /// each Accountable lead hears of the work the rest of the demo opens.
    pub(super) async fn seed_demo_teams(&self) -> Result<()> {
        let admin = self.demo_person("admin@demo.partneros.test").await?;
        for (team, emails) in TEAMS {
            for email in *emails {
                let user_id = self.demo_person(email).await?.user_id;
                let user_id = user_id.map(|id| id.to_string()).unwrap_or_default();
                self.add_team_member(&admin, team, &MemberInput { user_id })
                    .await?;
            }
            let lead = self.demo_person(emails[0]).await?.user_id;
            let user_id = lead.map(|id| id.to_string()).unwrap_or_default();
            self.set_team_lead(&admin, team, &LeadInput { user_id })
                .await?;
        }
        for (title, email) in TITLES {
            let input = TitleHolderInput {
                title: (*title).into(),
                user_id: self.demo_person(email).await?.user_id,
                version: None,
            };
            self.name_title_holder(&admin, &input).await?;
        }
        Ok(())
    }

    /// Escalation cases of the two portal partners (Northwind, managed by Priya; Bluepeak,
    /// by Marco) and their history, integration requests, the stakeholder map, leads and the
    /// survey rounds.
    pub(super) async fn seed_demo_alignment(&self, partner_ids: &[Uuid]) -> Result<()> {
        let (northwind, bluepeak) = (partner_ids[0], partner_ids[1]);
        let nora = self.demo_person("admin@northwind.example").await?;
        let ravi = self.demo_person("rep@northwind.example").await?;
        let bo = self.demo_person("admin@bluepeak.example").await?;
        let priya = self.demo_person("pm@demo.partneros.test").await?;
        let marco = self.demo_person("pm2@demo.partneros.test").await?;
        let today = priya.today();

        let submitters = (
            nora.user_id.ok_or(Error::NotFound)?,
            bo.user_id.ok_or(Error::NotFound)?,
        );
        self.seed_demo_escalation_history(partner_ids, submitters)
            .await?;

        // Acknowledged and being worked, well within its targets.
        let dispute = escalation(
            "Our Q3 commission statement misses the Initech deal",
            "commission_dispute",
            "p3",
            today - Duration::days(1),
        );
        let id = case_id(&self.submit_escalation(&ravi, northwind, &dispute).await?);
        self.move_escalation(&priya, id, &step("acknowledge", ""))
            .await?;
        self.move_escalation(&priya, id, &step("start", "")).await?;

        // Resolved, awaiting Bluepeak's confirmation, with its post-resolution review.
        let mdf = escalation(
            "The MDF claim for the spring webinar series was rejected without a reason",
            "mdf",
            "p2",
            today - Duration::days(3),
        );
        let id = case_id(&self.submit_escalation(&bo, bluepeak, &mdf).await?);
        for transition in ["acknowledge", "start"] {
            self.move_escalation(&marco, id, &step(transition, ""))
                .await?;
        }
        let paid = "The claim was approved and paid; the rejection came from a missing invoice";
        self.move_escalation(&marco, id, &step("resolve", paid))
            .await?;
        let review = ReviewForm {
            what_happened: "An MDF claim was rejected with no reason given to the partner".into(),
            root_cause: "The claim form let a rejection through without a reason".into(),
            lessons: "A rejection the partner cannot act on becomes an escalation".into(),
            prevention: "Every rejection names the missing document".into(),
            follow_ups: "Marketing reviews the open claims of Bluepeak".into(),
            version: None,
        };
        self.write_escalation_review(&marco, id, &review).await?;

        // Waiting on the partner: its clock paused until Northwind answers.
        let contract = escalation(
            "The renewal contract's liability clause needs Northwind's legal team",
            "contractual",
            "p2",
            today - Duration::days(2),
        );
        let id = case_id(&self.submit_escalation(&priya, northwind, &contract).await?);
        for transition in ["acknowledge", "start"] {
            self.move_escalation(&priya, id, &step(transition, ""))
                .await?;
        }
        let asked = "We sent our redline; waiting for your legal team's answer";
        self.move_escalation(&priya, id, &step("wait_on_partner", asked))
            .await?;

        self.seed_demo_integration_requests(&nora, &bo, northwind, bluepeak)
            .await?;
        self.seed_demo_stakeholders().await?;
        self.seed_demo_leads(northwind, bluepeak).await?;
        self.seed_demo_earlier_rounds().await?;
        self.seed_demo_survey().await
    }

    /// Two requests with revenue in US dollars and euros, and today's euro rate, so the
    /// ranking converts them.
    async fn seed_demo_integration_requests(
        &self,
        nora: &Actor,
        bo: &Actor,
        northwind: Uuid,
        bluepeak: Uuid,
    ) -> Result<()> {
        let finance = self.demo_person("finance@demo.partneros.test").await?;
        let today = finance.today();
        let rates = format!("currency,rate,effective_on\nEUR,1.08,{today}\n");
        self.import_rates(&finance, &rates, false).await?;
        let salesforce = RequestForm {
            title: "Two-way Salesforce sync".into(),
            description: "Opportunities and accounts kept in step both ways".into(),
            system: "Salesforce".into(),
            customers: vec![
                customer("Initech Holdings", "120000.00", "USD"),
                customer("Umbrella Pharma", "45000.00", "USD"),
            ],
        };
        self.submit_integration_request(nora, northwind, &salesforce)
            .await?;
        let sap = RequestForm {
            title: "SAP S/4HANA connector".into(),
            description: "Invoices posted to SAP without a manual export".into(),
            system: "SAP S/4HANA".into(),
            customers: vec![customer("Nordlicht Maschinenbau", "150000.00", "EUR")],
        };
        self.submit_integration_request(bo, bluepeak, &sap).await?;
        Ok(())
    }

    /// This period's survey round, answered by the five teams it asks.
    async fn seed_demo_survey(&self) -> Result<()> {
        let admin = self.demo_person("admin@demo.partneros.test").await?;
        self.open_internal_nps_round(&admin).await?;
        for (email, score, comment) in ANSWERS {
            let form = AnswerForm {
                score: (*score).into(),
                comment: (*comment).into(),
            };
            self.answer_internal_nps(&self.demo_person(email).await?, &form)
                .await?;
        }
        Ok(())
    }
}
