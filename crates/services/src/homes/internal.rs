//! Our people's home, by role: a partner manager's partners and what waits on them, sales'
//! decisions and wins, marketing's leads, finance's won revenue, and the program's headline
//! figures for executives and admins. Each figure links to the list it counts.

use domain::deals::pipeline;
use domain::deals::registration::Status;
use domain::escalations::{Category, ClockState, State};
use domain::insight::Band;
use domain::permissions::Action;
use domain::roles::Role;
use domain::validation::Choice;
use rust_decimal::Decimal;
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

use crate::convert::corrupt;
use crate::escalations::{EscalationQuery, Escalations};
use crate::homes::figures::Figure;
use crate::partners::PartnerQuery;
use crate::work::MyWorkQuery;
use crate::{Actor, Result, Services};

/// How many recent wins a home lists.
const RECENT_WINS: i64 = 10;
/// How many partners at risk a home lists.
const AT_RISK: i64 = 10;

/// A partner a partner manager owns.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OwnedPartner {
    pub id: Uuid,
    pub name: String,
    pub tier: String,
    pub stage: String,
}

/// A partner whose health score calls for attention (at risk or intervene) in the latest
/// daily run; before the first run [`InternalHome::at_risk`] is `None` ("no data yet").
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AtRiskPartner {
    pub partner_id: Uuid,
    pub partner_name: String,
    /// 0–100.
    pub score: u32,
    /// healthy, at_risk or intervene
    pub band: String,
}

/// An onboarding item of our team's that is past its day.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OnboardingOverdue {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub title: String,
    pub due_on: String,
}

/// A won registration.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RecentWin {
    pub deal_id: Uuid,
    pub reference: String,
    pub partner_name: String,
    pub customer_name: String,
    pub amount: Decimal,
    pub currency: String,
    pub closed_on: Option<String>,
}

/// Our people's home: the sections their role works from (absent ones are not theirs).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InternalHome {
    /// The reader's role key.
    pub role: String,
    /// Partner managers: the partners they own (at most 200, by name).
    pub my_partners: Option<Vec<OwnedPartner>>,
    /// Partner managers (their own partners), executives and admins (all): partners at risk
    /// or to intervene in the latest daily health run, worst first, at most 10; `None` before
    /// the first run.
    pub at_risk: Option<Vec<AtRiskPartner>>,
    /// What waits on the reader: their open "My work" items, those past their SLA and those
    /// due soon (each opening `/my-work`, filtered by that state), then decisions, overdue ones,
    /// cases, proposals, leads: only those the reader's role may act on
    /// (`domain::permissions`).
    pub waiting: Vec<Figure>,
    /// The same queues when the reader's role reads them without acting on them (an
    /// executive's, marketing's leads waiting for sales): shown under "Overview".
    pub overview: Vec<Figure>,
    /// Partner managers: our team's onboarding items overdue at their partners.
    pub onboarding_overdue: Vec<OnboardingOverdue>,
    /// The figures the role reads: pipeline, revenue, leads, partners.
    pub figures: Vec<Figure>,
    /// Executives and admins: active partners in each tier, lowest first.
    pub partners_by_tier: Vec<Figure>,
    /// Won deals left out of the revenue figures for want of a rate, in words.
    pub unconverted: Vec<String>,
    /// The newest wins (of the partner manager's own partners).
    pub recent_wins: Vec<RecentWin>,
    /// The internal survey's round is open and the reader has not answered it: the home's
    /// "survey open" prompt.
    pub survey_open: bool,
}

/// The states of a case not yet resolved: the "open" of "open conflict cases".
const OPEN_CASE_STATES: [State; 5] = [
    State::Open,
    State::Acknowledged,
    State::InProgress,
    State::WaitingOnPartner,
    State::Reopened,
];

/// [`OPEN_CASE_STATES`] as the escalations list's `state` filter takes them.
fn open_states() -> String {
    OPEN_CASE_STATES.map(|s| s.as_str()).join(",")
}

/// Whether `role` may act on the queue a "waiting" figure counts (its `key`): deciding
/// registrations, tier proposals, leads, working conflict cases. Asked of
/// `domain::permissions`, so a role that only reads a queue sees it as an overview.
fn acts_on(role: Role, key: &str) -> bool {
    let action = match key {
        "registrations_to_decide" | "decisions_overdue" => Action::ManageDeals,
        "tier_proposals_to_decide" => Action::RunTierProgram,
        "leads_waiting" => Action::DecideLeads,
        "open_conflict_cases" => Action::WorkEscalations,
        _ => return true,
    };
    action.allows(role)
}

fn count_of(counts: &[(String, i64)], status: &str) -> i64 {
    counts
        .iter()
        .find(|(s, _)| s == status)
        .map_or(0, |(_, n)| *n)
}

/// The first moment of `date`'s month and of the month before it (UTC).
fn month_starts(date: Date) -> (OffsetDateTime, OffsetDateTime) {
    let first = date.replace_day(1).expect("every month has a first day");
    let previous = first
        .previous_day()
        .expect("1970–2100")
        .replace_day(1)
        .expect("day 1");
    (
        first.midnight().assume_utc(),
        previous.midnight().assume_utc(),
    )
}

/// The first moment of the month after `date`'s (UTC).
fn next_month_start(date: Date) -> OffsetDateTime {
    let (year, month) = match date.month() {
        Month::December => (date.year() + 1, Month::January),
        m => (date.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1)
        .expect("day 1 exists")
        .midnight()
        .assume_utc()
}

impl Services {
    pub(crate) async fn internal_home(&self, actor: &Actor) -> Result<InternalHome> {
        actor.require(Action::ReadInternal)?;
        let role = actor.role;
        let today = actor.today();
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let submitted =
            store::deals::open_registrations_in_status(&mut tx, Status::Submitted.as_str()).await?;
        let leads_submitted = store::deals::leads_in_status(&mut tx, "submitted").await?;
        let leads_accepted = store::deals::leads_in_status(&mut tx, "accepted").await?;
        let overdue = store::deals::decisions_overdue(&mut tx, today).await?;
        let proposals = store::deals::proposals_in_play(&mut tx).await?;
        drop(tx);
        let deals = ("registration", "registrations");
        let to_decide = Figure::count(
            "registrations_to_decide",
            "Registrations to decide",
            submitted,
            deals,
            "/deals?status=submitted",
        );
        let overdue = Figure::count(
            "decisions_overdue",
            "Decisions past their SLA",
            overdue,
            deals,
            "/deals?status=submitted",
        );
        let cases = match role {
            Role::PartnerManager | Role::Sales | Role::Admin | Role::Executive => {
                Some(self.open_conflict_cases(actor).await?)
            }
            _ => None,
        };
        let proposals_open = Figure::count(
            "tier_proposals_to_decide",
            "Tier proposals to decide",
            count_of(&proposals, "open"),
            ("proposal", "proposals"),
            "/tiers",
        );
        let leads_waiting = Figure::count(
            "leads_waiting",
            "Leads waiting for sales",
            leads_submitted,
            ("lead", "leads"),
            "/leads",
        );
        let mut home = InternalHome {
            role: role.as_str().into(),
            my_partners: None,
            at_risk: None,
            waiting: Vec::new(),
            overview: Vec::new(),
            onboarding_overdue: Vec::new(),
            figures: Vec::new(),
            partners_by_tier: Vec::new(),
            unconverted: Vec::new(),
            recent_wins: Vec::new(),
            survey_open: self.internal_nps_prompt(actor).await?,
        };
        match role {
            Role::PartnerManager => {
                let owned = match actor.user_id {
                    Some(me) => self.owned_partners(actor, me, "").await?,
                    None => Vec::new(),
                };
                home.my_partners = Some(
                    owned
                        .iter()
                        .map(|p| OwnedPartner {
                            id: p.id,
                            name: p.display_name.clone(),
                            tier: program.tier_name(&p.tier).to_owned(),
                            stage: p.stage.label().to_owned(),
                        })
                        .collect(),
                );
                home.waiting = vec![to_decide, overdue, proposals_open];
                home.waiting.extend(cases);
                if let Some(me) = actor.user_id {
                    home.at_risk = self.at_risk(Some(me)).await?;
                    home.onboarding_overdue = self.onboarding_overdue(actor, me).await?;
                    home.recent_wins = self.recent_wins(actor, Some(me)).await?;
                }
            }
            Role::Sales => {
                home.waiting = vec![leads_waiting, to_decide];
                home.waiting.extend(cases);
                home.recent_wins = self.recent_wins(actor, None).await?;
            }
            Role::Marketing => {
                let (this_month, last_month) = month_starts(today);
                let mut tx = self.db.read().await?;
                let this = store::deals::leads_created_between(
                    &mut tx,
                    this_month,
                    next_month_start(today),
                )
                .await?;
                let last =
                    store::deals::leads_created_between(&mut tx, last_month, this_month).await?;
                drop(tx);
                let leads = ("lead", "leads");
                home.waiting = vec![leads_waiting];
                home.figures = vec![
                    Figure::count(
                        "leads_this_month",
                        "Partner-sourced leads this month",
                        this,
                        leads,
                        "/leads",
                    ),
                    Figure::count(
                        "leads_last_month",
                        "Partner-sourced leads last month",
                        last,
                        leads,
                        "/leads",
                    ),
                    Figure::count(
                        "leads_accepted",
                        "Leads accepted",
                        leads_accepted,
                        leads,
                        "/leads",
                    ),
                ];
            }
            Role::Finance => {
                self.won_this_quarter(actor, &mut home).await?;
            }
            Role::Admin | Role::Executive => {
                home.waiting = vec![to_decide, overdue, proposals_open];
                home.waiting.extend(cases);
                home.at_risk = self.at_risk(None).await?;
                let (open, apart) = self.open_pipeline(today).await?;
                home.figures.push(Figure::money(
                    "open_pipeline",
                    "Open pipeline",
                    open.value,
                    &program.currency,
                    "/pipeline",
                ));
                home.figures.push(Figure::count(
                    "open_registrations",
                    "Open registrations",
                    i64::try_from(open.deals).unwrap_or(i64::MAX),
                    deals,
                    "/pipeline",
                ));
                self.won_this_quarter(actor, &mut home).await?;
                home.unconverted.extend(apart.into_values().map(|u| u.note));
                home.figures.push(Figure::count(
                    "downgrade_notices",
                    "Partners in downgrade remediation",
                    count_of(&proposals, "notice"),
                    ("partner", "partners"),
                    "/tiers",
                ));
                home.partners_by_tier = self
                    .tier_distribution(actor)
                    .await?
                    .into_iter()
                    .zip(&program.tiers)
                    .map(|((name, n), tier)| {
                        Figure::count(
                            &tier.key,
                            &name,
                            n,
                            ("partner", "partners"),
                            &format!("/partners?tier={}", tier.key),
                        )
                    })
                    .collect();
            }
            Role::PartnerAdmin | Role::PartnerUser => {}
        }
        let (mine, theirs): (Vec<Figure>, Vec<Figure>) = std::mem::take(&mut home.waiting)
            .into_iter()
            .partition(|f| acts_on(role, &f.key));
        home.waiting = self.my_work_figures(actor).await?;
        home.waiting.extend(mine);
        home.overview = theirs;
        Ok(home)
    }

    /// Open channel-conflict cases, counted over every page of the escalations list the
    /// figure links to (one source: the figure is the list's length).
    async fn open_conflict_cases(&self, actor: &Actor) -> Result<Figure> {
        let mut query = EscalationQuery {
            category: Category::ChannelConflict.as_str().into(),
            state: open_states(),
            limit: Some(crate::paging::MAX_PAGE),
            ..Default::default()
        };
        let mut open = 0_i64;
        loop {
            let (n, next) = match self.list_escalations(actor, &query).await? {
                Escalations::Ours(page) => (page.items.len(), page.next_cursor),
                Escalations::Partners(page) => (page.items.len(), page.next_cursor),
            };
            open += i64::try_from(n).unwrap_or(0);
            match next {
                Some(next) => query.cursor = next,
                None => break,
            }
        }
        Ok(Figure::count(
            "open_conflict_cases",
            "Open conflict cases",
            open,
            ("case", "cases"),
            &format!(
                "/escalations?category={}&state={}",
                Category::ChannelConflict.as_str(),
                open_states()
            ),
        ))
    }

    /// The reader's open "My work" items, those breached and those due soon, counted over
    /// every page of `my_work` itself (one source: the figure is the list's length); none for
    /// an actor who is not a signed-in person.
    async fn my_work_figures(&self, actor: &Actor) -> Result<Vec<Figure>> {
        if actor.user_id.is_none() {
            return Ok(Vec::new());
        }
        let (mut open, mut breached, mut due_soon) = (0_i64, 0_i64, 0_i64);
        let mut query = MyWorkQuery {
            limit: Some(crate::paging::MAX_PAGE),
            ..Default::default()
        };
        loop {
            let page = self.my_work(actor, &query).await?;
            for entry in &page.items {
                open += 1;
                match entry.sla {
                    ClockState::Breached => breached += 1,
                    ClockState::DueSoon => due_soon += 1,
                    ClockState::OnTrack
                    | ClockState::Paused
                    | ClockState::Met
                    | ClockState::MetLate => {}
                }
            }
            match page.next_cursor {
                Some(next) => query.cursor = next,
                None => break,
            }
        }
        let items = ("item", "items");
        Ok(vec![
            Figure::count("my_work_open", "Your open work", open, items, "/my-work"),
            Figure::count(
                "my_work_breached",
                "Past their SLA",
                breached,
                items,
                "/my-work?sla=breached",
            ),
            Figure::count(
                "my_work_due_soon",
                "Due soon",
                due_soon,
                items,
                "/my-work?sla=due_soon",
            ),
        ])
    }

    /// The partners `owner` owns (at most a page of 200, by name), in `stage` when given.
    async fn owned_partners(
        &self,
        actor: &Actor,
        owner: Uuid,
        stage: &str,
    ) -> Result<Vec<domain::partners::Partner>> {
        Ok(self
            .list_partners(
                actor,
                &PartnerQuery {
                    owner: owner.to_string(),
                    stage: stage.into(),
                    limit: Some(crate::paging::MAX_PAGE),
                    ..Default::default()
                },
            )
            .await?
            .items)
    }

    /// Our team's onboarding items past their day at the partners `owner` has in onboarding.
    async fn onboarding_overdue(
        &self,
        actor: &Actor,
        owner: Uuid,
    ) -> Result<Vec<OnboardingOverdue>> {
        let mut overdue = Vec::new();
        for partner in self.owned_partners(actor, owner, "onboarding").await? {
            let checklist = self.onboarding_checklist(actor, partner.id).await?;
            overdue.extend(
                checklist
                    .items
                    .into_iter()
                    .filter(|i| i.overdue && i.owner == "partner_manager")
                    .map(|i| OnboardingOverdue {
                        partner_id: partner.id,
                        partner_name: partner.display_name.clone(),
                        title: i.title,
                        due_on: i.due_on,
                    }),
            );
        }
        Ok(overdue)
    }

    /// The partners of the latest health run whose band calls for attention, worst first: of
    /// `owner`, or all; `None` when no run ever recorded health.
    async fn at_risk(&self, owner: Option<Uuid>) -> Result<Option<Vec<AtRiskPartner>>> {
        let mut tx = self.db.read().await?;
        let Some(day) = store::insight::latest_day(&mut tx).await? else {
            return Ok(None);
        };
        let bands: Vec<&str> = Band::ALL
            .into_iter()
            .filter(|b| *b != Band::Healthy)
            .map(Band::key)
            .collect();
        let rows = store::insight::worst_on(&mut tx, day, &bands, owner, AT_RISK).await?;
        drop(tx);
        rows.into_iter()
            .map(|row| {
                Ok(AtRiskPartner {
                    partner_id: row.health.partner_id,
                    partner_name: row.display_name,
                    score: u32::try_from(row.health.score.unwrap_or_default())
                        .map_err(|e| corrupt("health score", e))?,
                    band: row.health.band.unwrap_or_default(),
                })
            })
            .collect::<Result<_>>()
            .map(Some)
    }

    /// The newest wins, of the partners `owner` owns or of all.
    async fn recent_wins(&self, actor: &Actor, owner: Option<Uuid>) -> Result<Vec<RecentWin>> {
        let mut tx = self.db.read().await?;
        let ids = store::deals::newest_win_ids(&mut tx, owner, RECENT_WINS).await?;
        drop(tx);
        let mut wins = Vec::with_capacity(ids.len());
        for id in ids {
            let deal = self.deal(actor, id).await?;
            wins.push(RecentWin {
                deal_id: deal.id,
                reference: deal.reference,
                partner_name: deal.partner_name,
                customer_name: deal.customer_name,
                amount: deal.closed_amount.unwrap_or(deal.deal_size),
                currency: deal.currency,
                closed_on: deal.closed_on,
            });
        }
        Ok(wins)
    }

    /// The program's open pipeline in its currency from the program rollup alone (the
    /// pipeline page's `open` figure, without reading each partner's row).
    async fn open_pipeline(
        &self,
        today: time::Date,
    ) -> Result<(
        pipeline::Line,
        std::collections::BTreeMap<String, pipeline::Unconverted>,
    )> {
        let (_, program) = self.program_in_force().await?;
        let mut tx = self.db.read().await?;
        let sums: Vec<(String, pipeline::OpenSum)> = store::rollups::program_open(&mut tx)
            .await?
            .into_iter()
            .map(|row| {
                let sum = pipeline::OpenSum {
                    deals: row.deals,
                    value_minor: row.value_minor,
                    weighted: row.weighted,
                };
                (row.currency, sum)
            })
            .collect();
        let rates = crate::rates::rates_into(&mut tx, &program).await?;
        drop(tx);
        Ok(pipeline::open_total(&sums, today, &rates))
    }

    /// Confirmed wins closed this quarter (from `pipeline_won_program`), in the program
    /// currency at their close dates' rates; wins without a rate are named apart.
    async fn won_this_quarter(&self, actor: &Actor, home: &mut InternalHome) -> Result<()> {
        actor.require(Action::ReadInternal)?;
        let (_, program) = self.program_in_force().await?;
        let quarter = crate::clock::current_quarter();
        let mut tx = self.db.read().await?;
        let sums = store::rollups::program_wins(&mut tx, quarter.first_day(), quarter.last_day())
            .await?
            .into_iter()
            .map(|sum| ((), sum))
            .collect();
        let rates = crate::rates::rates_into(&mut tx, &program).await?;
        drop(tx);
        let (counted, not_counted) = crate::rates::won_sums_in_program_currency(sums, &rates);
        let total: Decimal = counted.iter().map(|(_, _, amount)| amount).sum();
        let deals: i64 = counted.iter().map(|(_, sum, _)| sum.deals).sum();
        home.figures.push(Figure::money(
            "won_this_quarter",
            &format!("Won in {quarter} (confirmed)"),
            total,
            &program.currency,
            "/deals?status=won",
        ));
        home.figures.push(Figure::count(
            "wins_this_quarter",
            &format!("Deals won in {quarter}"),
            deals,
            ("deal", "deals"),
            "/deals?status=won",
        ));
        home.unconverted = not_counted.into_iter().map(|n| n.note).collect();
        Ok(())
    }
}
