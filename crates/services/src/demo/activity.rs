//! The demo partners at work: qualification records, certifications and learning, deal
//! registrations in every state, and a first tier evaluation.

use time::Duration;
use uuid::Uuid;

use crate::demo::book::{FIRST, LAST};
use crate::{Result, Services};

impl Services {
    /// Qualification records and a first tier evaluation, so the Tiers queue and the partner
    /// pages show the program at work.
    pub(super) async fn seed_demo_qualification(&self, partner_ids: &[Uuid]) -> Result<()> {
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
                row.registered_on = today - Duration::days(days);
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
            let contacts = self
                .list_contacts(&pm, *id, false, &crate::PageRequest::everything())
                .await?
                .items;
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
