//! A meeting's pack, generated from the records as of its period: the one view model the
//! page, the Markdown download and the print-ready HTML are rendered from. Every figure
//! names the records behind it (a link, or the lines listed under it).

use domain::dashboard::Unit;
use domain::deals::registration::{self, Status};
use domain::display::{self, day};
use domain::escalations::{Category, State as CaseState, Urgency, trends};
use domain::rhythm::{self, ActionFacts, Kind, Period};
use domain::users::today_in;
use domain::validation::Choice;
use rust_decimal::Decimal;
use store::rhythm::ActionWithOwner;
use time::Date;

use crate::dashboard::DashboardQuery;
use crate::{Actor, Result, Services};

/// A meeting's pack.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Pack {
    pub title: String,
    pub kind: Kind,
    pub period: Period,
    /// The day the records are read as of: the period's last day, or today while it runs.
    #[serde(with = "domain::day_json")]
    pub as_of: Date,
    /// The period has not begun: a meeting prepared ahead, read as of today.
    pub not_begun: bool,
    /// What the pack covers and as of when, in words: "Covers 2026-12-07 to 2026-12-13,
    /// read as of 2026-12-13."
    pub reading: String,
    pub sections: Vec<Section>,
}

/// One heading of a pack: its figures, then the records listed under them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Section {
    /// Stable, for anchors and tests: deals_in_flight, stuck_deals, overdue, carried_over,
    /// leads, deal_velocity, churn, open_escalations, metrics, tier_moves, escalations.
    pub key: String,
    pub heading: String,
    pub figures: Vec<Figure>,
    pub lines: Vec<Line>,
    /// Said when the section lists nothing.
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PackFigure)]
pub struct Figure {
    pub label: String,
    pub value: String,
    /// Where the records behind it are.
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PackLine)]
pub struct Line {
    pub text: String,
    pub detail: String,
    pub link: Option<String>,
}

fn section(key: &str, heading: &str, empty: &str) -> Section {
    Section {
        key: key.into(),
        heading: heading.into(),
        figures: Vec::new(),
        lines: Vec::new(),
        empty: empty.into(),
    }
}

fn figure(label: impl Into<String>, value: impl Into<String>, link: Option<String>) -> Figure {
    Figure {
        label: label.into(),
        value: value.into(),
        link,
    }
}

fn line(text: String, detail: String, link: String) -> Line {
    Line {
        text,
        detail,
        link: Some(link),
    }
}

/// The list of won registrations, where the month's deal velocity is read from.
const WON: &str = "/deals?status=won";

fn count(n: usize) -> String {
    display::number(i64::try_from(n).unwrap_or(i64::MAX))
}

impl Services {
    /// The pack of a meeting of `kind` held on `held_on`, read now.
    pub(super) async fn pack(&self, actor: &Actor, kind: Kind, held_on: Date) -> Result<Pack> {
        let period = rhythm::period(kind, held_on);
        let as_of = rhythm::as_of(period, actor.today());
        let mut sections = match kind {
            Kind::WeeklyStandup => self.standup(as_of).await?,
            Kind::MonthlySync => self.monthly_sync(period, as_of, &actor.time_zone).await?,
            Kind::QuarterlyReview => self.executive_review(actor, period).await?,
        };
        sections.push(self.carried_over(kind, period, as_of).await?);
        let not_begun = rhythm::not_begun(period, actor.today());
        let reading = if not_begun {
            format!(
                "Covers {} to {}, which has not begun: read as of today, {}, so what \
                 is open shows now and the period's own figures are still empty.",
                day(period.first),
                day(period.last),
                day(as_of)
            )
        } else {
            format!(
                "Covers {} to {}, read as of {}.",
                day(period.first),
                day(period.last),
                day(as_of)
            )
        };
        Ok(Pack {
            title: rhythm::title(kind, period),
            kind,
            period,
            as_of,
            not_begun,
            reading,
            sections,
        })
    }

    /// Deals in flight, the stuck ones among them, and what is overdue.
    async fn standup(&self, as_of: Date) -> Result<Vec<Section>> {
        let (_, program) = self.program_in_force().await?;
        let stuck_days = program.policies.targets.stale_deal_days;
        let in_flight = [
            Status::Submitted,
            Status::MoreInfoRequested,
            Status::Approved,
        ]
        .map(|s| s.as_str());
        let mut tx = self.db.read().await?;
        let deals = store::rhythm::deals_in_flight(&mut tx, &in_flight, as_of).await?;
        let mut onboarding = store::rhythm::overdue_onboarding(&mut tx, as_of).await?;
        // Items the system observes as complete are done, as the onboarding page shows them.
        let mut partners: Vec<uuid::Uuid> = onboarding.iter().map(|i| i.record_id).collect();
        partners.sort_unstable();
        partners.dedup();
        let mut observed = std::collections::HashSet::new();
        for partner_id in partners {
            let rows = store::onboarding::items(&mut tx, partner_id).await?;
            observed.extend(
                crate::onboarding::observed_complete(&mut tx, &program, partner_id, &rows, as_of)
                    .await?,
            );
        }
        onboarding.retain(|item| !observed.contains(&item.id));
        let remediation = store::rhythm::overdue_remediation(&mut tx, as_of).await?;
        drop(tx);
        let mut flight = section("deals_in_flight", "Deals in flight", "No deals in flight.");
        let mut stuck = section(
            "stuck_deals",
            "Stuck deals",
            "No deal has gone without a change that long.",
        );
        for deal in &deals {
            let status = Status::parse(&deal.status).map_or(deal.status.as_str(), |s| s.label());
            let touched = deal
                .last_activity_at
                .map_or(deal.registered_on, |at| at.date().max(deal.registered_on));
            let text = format!(
                "{} · {} — {}",
                deal.reference, deal.customer_name, deal.partner_name
            );
            let link = format!("/deals/{}", deal.id);
            flight.lines.push(line(
                text.clone(),
                format!("{status}, registered {}", day(deal.registered_on)),
                link.clone(),
            ));
            if rhythm::is_stuck(touched, as_of, stuck_days) {
                stuck.lines.push(line(
                    text,
                    format!("{status}, last change {}", day(touched)),
                    link,
                ));
            }
        }
        flight.figures.push(figure(
            "Deals in flight",
            count(flight.lines.len()),
            Some(format!("/deals?status={}", in_flight.join(","))),
        ));
        stuck.figures.push(figure(
            format!("No change for {stuck_days} days or more"),
            count(stuck.lines.len()),
            None,
        ));
        let mut overdue = section("overdue", "Overdue", "Nothing is overdue.");
        overdue
            .figures
            .push(figure("Onboarding items", count(onboarding.len()), None));
        overdue.figures.push(figure(
            "Remediation actions of escalations",
            count(remediation.len()),
            None,
        ));
        for item in onboarding {
            overdue.lines.push(line(
                format!("Onboarding: {} — {}", item.title, item.partner_name),
                format!("due {}", day(item.due_on)),
                format!("/partners/{}/onboarding", item.record_id),
            ));
        }
        for action in remediation {
            overdue.lines.push(line(
                format!(
                    "{}: {} — {}",
                    domain::escalations::reference(action.number),
                    action.title,
                    action.partner_name
                ),
                format!("due {}", day(action.due_on)),
                format!("/escalations/{}", action.record_id),
            ));
        }
        Ok(vec![flight, stuck, overdue])
    }

    /// Partner-sourced leads, deal velocity, churn and open escalations of the month.
    /// `zone` is the reader's, for the days of instants.
    async fn monthly_sync(&self, period: Period, as_of: Date, zone: &str) -> Result<Vec<Section>> {
        let mut tx = self.db.read().await?;
        let leads = store::rhythm::lead_counts(&mut tx, period.first, as_of).await?;
        let won = store::rhythm::won_between(&mut tx, period.first, as_of).await?;
        let churned = store::rhythm::archived_between(&mut tx, period.first, as_of).await?;
        let open = self.open_escalations(&mut tx, as_of).await?;
        drop(tx);
        // The lists have no month filter: each figure links to the list holding the records
        // it counts, the month's among them (the leads list, newest first; the won
        // registrations; the partners with the archived ones), and the velocity and churn
        // sections list the month's records themselves.
        let mut lead_section = section("leads", "Partner-sourced leads", "");
        lead_section.figures.push(figure(
            "Submitted",
            display::number(leads.submitted),
            Some("/leads".into()),
        ));
        lead_section.figures.push(figure(
            "Accepted",
            display::number(leads.accepted),
            Some("/leads?status=accepted".into()),
        ));
        let mut velocity = section(
            "deal_velocity",
            "Deal velocity",
            "No registration was won this month.",
        );
        let days: Vec<i64> = won
            .iter()
            .map(|d| registration::velocity_days(d.registered_on, d.closed_on))
            .collect();
        velocity.figures.push(figure(
            "Median days from registration to close",
            rhythm::median_days(&days)
                .map_or("no data yet".into(), |m| display::count_decimal(m, "day")),
            Some(WON.into()),
        ));
        velocity
            .figures
            .push(figure("Deals won", count(won.len()), Some(WON.into())));
        for (deal, days) in won.iter().zip(&days) {
            velocity.lines.push(line(
                format!(
                    "{} · {} — {}",
                    deal.reference, deal.customer_name, deal.partner_name
                ),
                format!(
                    "registered {}, won {}: {}",
                    day(deal.registered_on),
                    day(deal.closed_on),
                    display::count(*days, "day")
                ),
                format!("/deals/{}", deal.id),
            ));
        }
        let mut churn = section("churn", "Churn", "No partner was archived this month.");
        churn.figures.push(figure(
            "Partners archived",
            count(churned.len()),
            Some("/partners?archived=true".into()),
        ));
        for partner in churned {
            churn.lines.push(line(
                partner.display_name,
                format!("archived {}", day(today_in(zone, partner.archived_at))),
                format!("/partners/{}", partner.id),
            ));
        }
        Ok(vec![lead_section, velocity, churn, open])
    }

    /// Escalation cases open at the end of the period read (`as_of`), by urgency: opened
    /// before it and not resolved or closed by then, by their logs of state changes
    /// (`rhythm::open_at_end`). Each figure links to the list of the cases open now in those
    /// states: the same cases while the month runs; for a month past, the list has no "as
    /// of" and shows today's.
    async fn open_escalations(&self, tx: &mut store::Read, as_of: Date) -> Result<Section> {
        let mut by_urgency = [0usize; 4];
        for case in store::rhythm::cases_at_end(tx, as_of).await? {
            let state = case.state_at_end.as_deref().and_then(CaseState::parse);
            if rhythm::open_at_end(state)
                && let Some(i) = Urgency::ALL.iter().position(|u| u.as_str() == case.urgency)
            {
                by_urgency[i] += 1;
            }
        }
        let open_states: Vec<&str> = CaseState::ALL
            .iter()
            .filter(|s| rhythm::open_at_end(Some(**s)))
            .map(|s| s.as_str())
            .collect();
        let mut open = section("open_escalations", "Open escalations", "");
        for (urgency, n) in Urgency::ALL.iter().zip(by_urgency) {
            open.figures.push(figure(
                urgency.label(),
                count(n),
                Some(format!(
                    "/escalations?urgency={}&state={}",
                    urgency.as_str(),
                    open_states.join(",")
                )),
            ));
        }
        Ok(open)
    }

    /// The quarter's success metrics as the dashboard computes them, tier moves and the
    /// escalations raised.
    async fn executive_review(&self, actor: &Actor, period: Period) -> Result<Vec<Section>> {
        let quarter_of_period = domain::quarter::Quarter::containing(period.first);
        let quarter = quarter_of_period.to_string();
        let query = DashboardQuery {
            quarter: quarter.clone(),
            ..Default::default()
        };
        let dashboard = self.dashboard(actor, &query).await?;
        let mut metrics = section("metrics", "Program metrics", "");
        let link = format!("/dashboard?quarter={quarter}");
        let shown = |value: Option<Decimal>, unit: Unit| match (value, unit) {
            (None, _) => "no data yet".to_owned(),
            (Some(v), Unit::Percent) => display::percent(v),
            (Some(v), Unit::Money) => display::money(v, &dashboard.currency),
            (Some(v), Unit::Days) => display::count_decimal(v, "day"),
            (Some(v), Unit::Score) => v.normalize().to_string(),
        };
        for metric in &dashboard.metrics {
            let actual = shown(metric.actual, metric.unit);
            let value = match metric.target {
                Some(target) => format!("{actual} (target {})", shown(Some(target), metric.unit)),
                None => actual,
            };
            metrics
                .figures
                .push(figure(metric.label, value, Some(link.clone())));
        }
        let (_, program) = self.program_in_force().await?;
        let (from, until) = trends::bounds(
            quarter_of_period,
            &crate::program::business_calendar(&program)?,
        );
        let tier_name = |key: &str| {
            program
                .tier_index(key)
                .map_or(key.to_owned(), |i| program.tiers[i].name.clone())
        };
        let mut tx = self.db.read().await?;
        let moves = store::rhythm::tier_moves_between(&mut tx, period.first, period.last).await?;
        let raised = store::rhythm::escalations_raised_by_category(&mut tx, from, until).await?;
        drop(tx);
        let mut tiers = section("tier_moves", "Tier moves", "No partner changed tier.");
        tiers
            .figures
            .push(figure("Partners moved", count(moves.len()), None));
        for step in moves {
            tiers.lines.push(line(
                format!(
                    "{}: {} → {}",
                    step.partner_name,
                    tier_name(&step.from_tier),
                    tier_name(&step.to_tier)
                ),
                format!(
                    "decided {}",
                    day(today_in(&actor.time_zone, step.decided_at))
                ),
                format!("/partners/{}", step.partner_id),
            ));
        }
        let mut escalations = section("escalations", "Escalations raised", "");
        for category in Category::ALL {
            let n = raised
                .iter()
                .find(|r| r.key == category.as_str())
                .map_or(0, |r| r.n);
            escalations.figures.push(figure(
                category.label(),
                display::number(n),
                Some(format!(
                    "/escalations?quarter={quarter}&category={}",
                    category.as_str()
                )),
            ));
        }
        Ok(vec![metrics, tiers, escalations])
    }

    /// The open action items of earlier meetings of the kind.
    async fn carried_over(&self, kind: Kind, period: Period, as_of: Date) -> Result<Section> {
        let mut tx = self.db.read().await?;
        let candidates =
            store::rhythm::carry_over_candidates(&mut tx, kind.as_str(), period.first).await?;
        drop(tx);
        let mut carried = section(
            "carried_over",
            "Carried over",
            "No open action items from earlier meetings.",
        );
        for item in candidates
            .iter()
            .filter(|i| is_carried(i, kind, period, as_of))
        {
            carried.lines.push(line(
                item.body.clone(),
                format!(
                    "{}, due {}, from the meeting of {}",
                    item.owner_name,
                    day(item.due_on),
                    day(item.meeting_held_on)
                ),
                format!("/meetings/{}", item.meeting_id),
            ));
        }
        carried.figures.push(figure(
            "Open action items",
            count(carried.lines.len()),
            None,
        ));
        Ok(carried)
    }
}

fn is_carried(item: &ActionWithOwner, kind: Kind, period: Period, as_of: Date) -> bool {
    let Some(item_kind) = Kind::parse(&item.meeting_kind) else {
        return false;
    };
    let facts = ActionFacts {
        meeting_first: rhythm::period(item_kind, item.meeting_held_on).first,
        kind: item_kind,
        done_on: item.done_at.map(|at| at.date()),
    };
    rhythm::carried_over(&facts, kind, period, as_of)
}
