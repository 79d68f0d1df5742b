//! The program dashboard's judgement of a figure against its target: green on target, amber
//! within the policy's margin of it, red further off; and the growth and share figures the
//! success metrics are made of. A figure without the records to compute it is `None` and
//! gets no colour: the dashboard says "no data yet" rather than inventing a number.

use rust_decimal::{Decimal, RoundingStrategy};

use time::Date;

use crate::choice_enum;
use crate::program::policy::Policies;
use crate::quarter::Quarter;
use crate::tracker::{YearMonth, complete_months};

choice_enum! {
    /// How a figure stands against its target.
    Rag {
        Green => ("green", "On target"),
        Amber => ("amber", "Close to target"),
        Red => ("red", "Off target"),
    }
}

/// Which way a figure should go: revenue up, days to close down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// Green at or past the target; amber within `amber_within_percent` of the target (in
/// percent of the target itself, so 10 % of a 45-day target is 4.5 days); red beyond.
pub fn rag(actual: Decimal, target: Decimal, better: Better, amber_within_percent: Decimal) -> Rag {
    let margin = target.abs() * amber_within_percent / Decimal::ONE_HUNDRED;
    let (on_target, close) = match better {
        Better::Higher => (actual >= target, actual >= target - margin),
        Better::Lower => (actual <= target, actual <= target + margin),
    };
    if on_target {
        Rag::Green
    } else if close {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// Change from `previous` to `current` in percent of `previous`, to one decimal (half to
/// even); `None` when there was nothing before to grow from.
pub fn growth_percent(previous: Decimal, current: Decimal) -> Option<Decimal> {
    if previous.is_zero() {
        return None;
    }
    Some(one_decimal(
        (current - previous) * Decimal::ONE_HUNDRED / previous,
    ))
}

/// `part` in percent of `whole`, to one decimal (half to even); `None` without a whole.
pub fn share_percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    Some(one_decimal(part * Decimal::ONE_HUNDRED / whole))
}

fn one_decimal(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven)
}

/// What a success metric counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    Days,
    /// In the program currency.
    Money,
    Score,
}

/// One of the program's success metrics against its target.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Metric {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    /// `None`: no records to compute it from ("no data yet").
    pub actual: Option<Decimal>,
    /// `None`: the program sets no target for it.
    pub target: Option<Decimal>,
    pub better: BetterWay,
    pub rag: Option<Rag>,
    /// How the figure was made, or why there is none.
    pub note: String,
}

/// [`Better`] as the API writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BetterWay {
    Higher,
    Lower,
}

/// The counts and sums the success metrics are made of, for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Leads partners submitted in the last complete month and the month before it.
    pub leads_last_month: u64,
    pub leads_month_before: u64,
    /// Average days from registration to close of the deals won in the period.
    pub velocity_days: Option<Decimal>,
    /// Confirmed partner-sourced closed-won revenue in the period, program currency.
    pub partner_revenue: Decimal,
    /// Our own closed-won revenue in the period; `None` while no direct revenue is recorded.
    pub direct_revenue: Option<Decimal>,
    /// How much of the period has passed (1 for a past period): the revenue target is
    /// compared pro rata.
    pub period_elapsed: Decimal,
    /// Partners in the program a year before the period's end, and of them those still in.
    pub partners_year_ago: u64,
    pub partners_kept: u64,
    /// Partners in the program, and of them those with at least one certified person.
    pub partners_in_program: u64,
    pub partners_enabled: u64,
    /// The median days to resolve the escalations submitted in the period and resolved, by
    /// the resolution clock (`escalations::trends`); `None` while none is.
    pub escalation_resolution_days: Option<Decimal>,
    /// The latest internal survey round's score, if anyone answered it.
    pub internal_nps: Option<SurveyScore>,
}

/// A survey round's mean ([`crate::internal_nps::mean`]) and what it was made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyScore {
    /// 2026-Q4 or 2026-12.
    pub round: String,
    pub answers: u64,
    pub score: Decimal,
}

fn number(n: u64) -> String {
    crate::display::number(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The program's success metrics for `figures`, each against its target in program.toml.
pub fn success_metrics(figures: &Figures, policies: &Policies) -> Vec<Metric> {
    let (targets, dashboard) = (&policies.targets, &policies.dashboard);
    let amber = dashboard.amber_within_percent;
    let metric = |key,
                  label,
                  unit,
                  actual: Option<Decimal>,
                  target: Option<Decimal>,
                  better,
                  note: String| {
        let rag = match (actual, target) {
            (Some(actual), Some(target)) => Some(rag(actual, target, better, amber)),
            _ => None,
        };
        Metric {
            key,
            label,
            unit,
            actual,
            target,
            better: match better {
                Better::Higher => BetterWay::Higher,
                Better::Lower => BetterWay::Lower,
            },
            rag,
            note,
        }
    };
    let leads = growth_percent(
        Decimal::from(figures.leads_month_before),
        Decimal::from(figures.leads_last_month),
    );
    let revenue_target = (dashboard.partner_revenue_per_quarter > Decimal::ZERO).then(|| {
        (dashboard.partner_revenue_per_quarter * figures.period_elapsed)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
    });
    let total_revenue = figures
        .direct_revenue
        .map(|direct| direct + figures.partner_revenue);
    vec![
        metric(
            "partner_sourced_leads_growth",
            "Partner-sourced leads, month over month",
            Unit::Percent,
            leads,
            Some(targets.partner_sourced_leads_growth_mom_percent),
            Better::Higher,
            format!(
                "{} last month after {} the month before (whole months in UTC)",
                number(figures.leads_last_month),
                number(figures.leads_month_before)
            ),
        ),
        metric(
            "deal_velocity",
            "Partner deal velocity (registration to close)",
            Unit::Days,
            figures.velocity_days,
            Some(Decimal::from(targets.deal_velocity_days)),
            Better::Lower,
            "average over the period's wins we confirmed; wins awaiting confirmation are left out"
                .into(),
        ),
        metric(
            "partner_revenue",
            "Partner-sourced revenue",
            Unit::Money,
            Some(figures.partner_revenue),
            revenue_target,
            Better::Higher,
            match revenue_target {
                Some(_) if figures.period_elapsed < Decimal::ONE => {
                    "against the quarter's target pro rata to the days gone".into()
                }
                Some(_) => "against the quarter's target".into(),
                None => "no target set ([dashboard] partner_revenue_per_quarter)".into(),
            },
        ),
        metric(
            "sourced_revenue_share",
            "Partner-sourced share of revenue",
            Unit::Percent,
            total_revenue.and_then(|total| share_percent(figures.partner_revenue, total)),
            Some(targets.sourced_revenue_share_percent),
            Better::Higher,
            match figures.direct_revenue {
                Some(_) => "partner-sourced over partner-sourced and direct".into(),
                None => "no data yet: no direct revenue is recorded".into(),
            },
        ),
        metric(
            "partner_retention",
            "Partner retention (12 months)",
            Unit::Percent,
            share_percent(
                Decimal::from(figures.partners_kept),
                Decimal::from(figures.partners_year_ago),
            ),
            Some(targets.partner_retention_percent),
            Better::Higher,
            format!(
                "{} of {} partners in the program a year ago are still in it; a partner that \
                 has left counts as not kept (exit dates are not stored), and still in means in \
                 the program today",
                number(figures.partners_kept),
                number(figures.partners_year_ago)
            ),
        ),
        metric(
            "enabled_partners",
            "Enabled partners (a certified person or more)",
            Unit::Percent,
            share_percent(
                Decimal::from(figures.partners_enabled),
                Decimal::from(figures.partners_in_program),
            ),
            None,
            Better::Higher,
            format!(
                "{} of {} partners in the program",
                number(figures.partners_enabled),
                number(figures.partners_in_program)
            ),
        ),
        metric(
            "escalation_resolution",
            "Escalation resolution time",
            Unit::Days,
            figures.escalation_resolution_days,
            Some(Decimal::from(policies.slas.escalation_resolution_days)),
            Better::Lower,
            match figures.escalation_resolution_days {
                Some(_) => {
                    "median over the quarter's cases resolved, by the resolution clock; time \
                     waiting on the partner left out; program-wide: the filters do not narrow it"
                        .into()
                }
                None => "no data yet: no case submitted in the quarter is resolved".into(),
            },
        ),
        metric(
            "internal_nps",
            "Internal NPS",
            Unit::Score,
            figures.internal_nps.as_ref().map(|s| s.score),
            Some(Decimal::from(targets.internal_nps)),
            Better::Higher,
            match &figures.internal_nps {
                Some(s) => format!(
                    "round {}: the mean of {} answers on 0-10, to one decimal (half to even)",
                    s.round,
                    number(s.answers)
                ),
                None => "no data yet: no internal survey has been answered".into(),
            },
        ),
    ]
}

/// The days a dashboard for a quarter judges on a day: the quarter up to that day, how much
/// of it has passed, and the two months its lead growth compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: Date,
    /// The quarter's last day, or the day of asking while it runs.
    pub last: Date,
    /// Days gone over the quarter's days, to four decimals (1 for a past quarter).
    pub elapsed: Decimal,
    /// The last complete month by `last`'s month, and the month before it.
    pub last_month: YearMonth,
    pub month_before: YearMonth,
}

/// The period of `quarter` on `today`; `None` for a quarter that has not begun.
pub fn period(quarter: Quarter, today: Date) -> Option<Period> {
    if quarter.first_day() > today {
        return None;
    }
    let last = quarter.last_day().min(today);
    let days = |to: Date| Decimal::from((to - quarter.first_day()).whole_days() + 1);
    let elapsed = (days(last) / days(quarter.last_day()))
        .round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven);
    // A quarter that is over compares its own last month; one under way the last month over.
    let months = if last == quarter.last_day() {
        complete_months(quarter.next().first_day(), 2)
    } else {
        complete_months(today, 2)
    };
    Some(Period {
        first: quarter.first_day(),
        last,
        elapsed,
        last_month: months[1],
        month_before: months[0],
    })
}

/// The last day a partner may have joined to count in the retention of a period ending on
/// `period_last`: the same day a year earlier (28 February for a 29th).
pub fn retention_joined_by(period_last: Date) -> Date {
    period_last
        .replace_year(period_last.year() - 1)
        .or_else(|_| (period_last - time::Duration::days(1)).replace_year(period_last.year() - 1))
        .unwrap_or(Date::MIN)
}

/// Partners alike for retention, counted: joined by [`retention_joined_by`] or not, in the
/// program now or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cohort {
    pub joined_by: bool,
    pub in_program: bool,
    pub partners: u64,
}

/// Retention over the year to a period's last day: the partners that had joined by the same
/// day a year earlier, and of them those still in the program. Exit dates are not kept apart
/// from the audit log, so a partner that has left counts as not kept whenever it left (also
/// when it left before the year began), and "still in" is judged today, not on the period's
/// last day.
pub fn retention(cohorts: &[Cohort]) -> (u64, u64) {
    let base = cohorts.iter().filter(|c| c.joined_by);
    let kept = base
        .clone()
        .filter(|c| c.in_program)
        .map(|c| c.partners)
        .sum();
    (base.map(|c| c.partners).sum(), kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::policy::Dashboard;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn higher_is_better_figures_are_green_at_target_amber_within_the_margin_red_beyond() {
        // Target 20 % growth, amber within 10 % of 20 = 2 points: 18 is amber, 17.9 red.
        let ten = dec("10");
        assert_eq!(rag(dec("25"), dec("20"), Better::Higher, ten), Rag::Green);
        assert_eq!(rag(dec("20"), dec("20"), Better::Higher, ten), Rag::Green);
        assert_eq!(rag(dec("18"), dec("20"), Better::Higher, ten), Rag::Amber);
        assert_eq!(rag(dec("17.9"), dec("20"), Better::Higher, ten), Rag::Red);
        assert_eq!(rag(dec("-5"), dec("20"), Better::Higher, ten), Rag::Red);
    }

    #[test]
    fn lower_is_better_figures_are_green_under_target_amber_just_over_red_beyond() {
        // Velocity target 45 days, amber within 10 %: up to 49.5 days.
        let ten = dec("10");
        assert_eq!(rag(dec("30"), dec("45"), Better::Lower, ten), Rag::Green);
        assert_eq!(rag(dec("45"), dec("45"), Better::Lower, ten), Rag::Green);
        assert_eq!(rag(dec("49.5"), dec("45"), Better::Lower, ten), Rag::Amber);
        assert_eq!(rag(dec("49.6"), dec("45"), Better::Lower, ten), Rag::Red);
    }

    #[test]
    fn a_zero_margin_leaves_no_amber() {
        assert_eq!(
            rag(dec("44"), dec("45"), Better::Higher, dec("0")),
            Rag::Red
        );
    }

    #[test]
    fn growth_and_share_round_to_one_decimal_and_need_a_base() {
        // 30 leads after 25: +5 of 25 = +20 %.
        assert_eq!(growth_percent(dec("25"), dec("30")), Some(dec("20.0")));
        // 2 after 3: -1 of 3 = -33.33… %.
        assert_eq!(growth_percent(dec("3"), dec("2")), Some(dec("-33.3")));
        assert_eq!(growth_percent(dec("0"), dec("7")), None);
        // $300,000 partner-sourced of $1,000,000 in all: 30 %.
        assert_eq!(
            share_percent(dec("300000"), dec("1000000")),
            Some(dec("30.0"))
        );
        // 1 of 8 = 12.5 exactly; 1 of 6 = 16.66… → 16.7.
        assert_eq!(share_percent(dec("1"), dec("8")), Some(dec("12.5")));
        assert_eq!(share_percent(dec("1"), dec("6")), Some(dec("16.7")));
        assert_eq!(share_percent(dec("5"), dec("0")), None);
    }

    #[test]
    fn success_metrics_worked_out_by_hand() {
        let figures = Figures {
            leads_last_month: 30,
            leads_month_before: 25,
            velocity_days: Some(dec("48")),
            partner_revenue: dec("150000"),
            direct_revenue: Some(dec("450000")),
            period_elapsed: dec("0.5"),
            partners_year_ago: 10,
            partners_kept: 7,
            partners_in_program: 20,
            partners_enabled: 5,
            escalation_resolution_days: Some(dec("5.4")),
            internal_nps: None,
        };
        let policies = Policies {
            dashboard: Dashboard {
                amber_within_percent: dec("10"),
                partner_revenue_per_quarter: dec("400000"),
            },
            ..Default::default()
        };
        let metrics = success_metrics(&figures, &policies);
        let got: Vec<_> = metrics
            .iter()
            .map(|m| (m.key, m.actual, m.target, m.rag))
            .collect();
        assert_eq!(
            got,
            [
                // 25 → 30 leads: +20 %, the target: green.
                (
                    "partner_sourced_leads_growth",
                    Some(dec("20.0")),
                    Some(dec("20")),
                    Some(Rag::Green)
                ),
                // 48 days against 45; amber up to 49.5.
                (
                    "deal_velocity",
                    Some(dec("48")),
                    Some(dec("45")),
                    Some(Rag::Amber)
                ),
                // Half the quarter gone: target $200,000; $150,000 is 25 % short: red.
                (
                    "partner_revenue",
                    Some(dec("150000")),
                    Some(dec("200000.00")),
                    Some(Rag::Red)
                ),
                // 150,000 of 600,000 = 25 % against 30 %; amber from 27: red.
                (
                    "sourced_revenue_share",
                    Some(dec("25.0")),
                    Some(dec("30")),
                    Some(Rag::Red)
                ),
                // 7 of 10 kept = 70 % against 80 %; amber from 72: red.
                (
                    "partner_retention",
                    Some(dec("70.0")),
                    Some(dec("80")),
                    Some(Rag::Red)
                ),
                // 5 of 20 = 25 %, no target.
                ("enabled_partners", Some(dec("25.0")), None, None),
                // 5.4 days against 5; amber up to 5.5.
                (
                    "escalation_resolution",
                    Some(dec("5.4")),
                    Some(dec("5")),
                    Some(Rag::Amber)
                ),
                ("internal_nps", None, Some(dec("7")), None),
            ]
        );
        assert_eq!(
            metrics[0].note,
            "30 last month after 25 the month before (whole months in UTC)"
        );
        assert_eq!(
            metrics[4].note,
            "7 of 10 partners in the program a year ago are still in it; a partner that has \
             left counts as not kept (exit dates are not stored), and still in means in the \
             program today"
        );
        assert_eq!(
            metrics[2].note,
            "against the quarter's target pro rata to the days gone"
        );
    }

    #[test]
    fn the_internal_survey_scores_its_latest_round() {
        let figures = Figures {
            internal_nps: Some(SurveyScore {
                round: "2026-Q4".into(),
                answers: 3,
                score: dec("6.5"),
            }),
            ..Default::default()
        };
        let metrics = success_metrics(&figures, &Policies::default());
        let nps = metrics.iter().find(|m| m.key == "internal_nps").unwrap();
        // 6.5 against 7 with amber within 10 % (6.3 and up): amber.
        assert_eq!(
            (nps.actual, nps.target, nps.rag),
            (Some(dec("6.5")), Some(dec("7")), Some(Rag::Amber))
        );
        assert_eq!(
            nps.note,
            "round 2026-Q4: the mean of 3 answers on 0-10, to one decimal (half to even)"
        );
    }

    #[test]
    fn without_direct_revenue_or_a_revenue_target_there_is_no_colour() {
        let figures = Figures {
            partner_revenue: dec("1000"),
            period_elapsed: dec("1"),
            ..Default::default()
        };
        let metrics = success_metrics(&figures, &Policies::default());
        let revenue = &metrics[2];
        assert_eq!((revenue.target, revenue.rag), (None, None));
        assert_eq!(
            revenue.note,
            "no target set ([dashboard] partner_revenue_per_quarter)"
        );
        let share = &metrics[3];
        assert_eq!((share.actual, share.rag), (None, None));
        assert_eq!(share.note, "no data yet: no direct revenue is recorded");
        // No leads in either month: no growth to speak of.
        assert_eq!(metrics[0].actual, None);
        // Nobody a year ago: no retention figure.
        assert_eq!(metrics[4].actual, None);
    }

    fn day(text: &str) -> Date {
        Date::parse(text, &time::format_description::well_known::Iso8601::DATE).unwrap()
    }

    #[test]
    fn a_running_quarter_counts_the_days_gone_and_compares_the_last_two_complete_months() {
        // 2026-Q4 has 92 days; on 1 December 62 of them have begun (31 + 30 + 1): 62 / 92 = 0.67391… → 0.6739.
        let p = period(Quarter::new(2026, 4).unwrap(), day("2026-12-01")).unwrap();
        assert_eq!((p.first, p.last), (day("2026-10-01"), day("2026-12-01")));
        assert_eq!(p.elapsed, dec("0.6739"));
        assert_eq!(
            (p.month_before.to_string(), p.last_month.to_string()),
            ("2026-10".into(), "2026-11".into())
        );
    }

    #[test]
    fn a_past_quarter_is_whole_and_compares_its_own_last_months() {
        let p = period(Quarter::new(2026, 3).unwrap(), day("2026-12-01")).unwrap();
        assert_eq!((p.last, p.elapsed), (day("2026-09-30"), dec("1")));
        assert_eq!(
            (p.month_before.to_string(), p.last_month.to_string()),
            ("2026-08".into(), "2026-09".into())
        );
        assert_eq!(
            period(Quarter::new(2027, 1).unwrap(), day("2026-12-01")),
            None
        );
    }

    #[test]
    fn retention_counts_the_partners_of_a_year_ago_still_in() {
        assert_eq!(retention_joined_by(day("2026-12-31")), day("2025-12-31"));
        // A year before 29 February is the 28th.
        assert_eq!(retention_joined_by(day("2028-02-29")), day("2027-02-28"));
        let cohort = |joined_by, in_program, partners| Cohort {
            joined_by,
            in_program,
            partners,
        };
        let cohorts = [
            cohort(true, true, 2),   // a year in and still in: kept
            cohort(true, false, 1),  // left since (or before): not kept
            cohort(false, true, 5),  // joined within the year: not counted
            cohort(false, false, 1), // likewise
        ];
        assert_eq!(retention(&cohorts), (3, 2));
        assert_eq!(retention(&[]), (0, 0));
    }
}
