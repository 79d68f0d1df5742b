//! One source for each fact. Certified people come from certification records, sourced
//! revenue from confirmed won deals and the IPP score from IPP assessments; what partner
//! managers type (or import) only fills the quarters those records do not reach. Tiers, gates,
//! notices and the partner page all read a partner's quarters through [`derive`], so they
//! cannot disagree, and every derived number says where it came from ([`QuarterSources`]).

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use time::Date;

use crate::enablement::held::{self as enablement, Held};
use crate::program::Program;
use crate::program::certifications::{Certification, Level};
use crate::program::history::QuarterFacts;
use crate::quarter::Quarter;

/// Where a number came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Typed on the partner's page, sent to the API or imported from a facts CSV.
    Typed,
    /// Certification records (LMS imports and hand-entered records).
    Records,
    /// Won registrations whose win one of our people confirmed.
    WonDeals,
    /// The IPP assessment made on that day.
    Assessment(Date),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Typed => f.write_str("typed"),
            Source::Records => f.write_str("records"),
            Source::WonDeals => f.write_str("won deals"),
            Source::Assessment(on) => write!(f, "assessment of {on}"),
        }
    }
}

/// Where each number of a quarter that has a recorded source came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuarterSources {
    pub sourced_revenue: Source,
    /// Certified people, advanced ones and people per certification.
    pub certified_people: Source,
    pub ipp_score: Source,
}

/// One IPP assessment as the tier engine reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessed {
    pub on: Date,
    /// The fit score, rounded to a whole number.
    pub score: u32,
    /// Labels of the red flags that disqualify the partner (empty: none).
    pub red_flags: Vec<String>,
    /// Someone overrode the red flags with a reason.
    pub overridden: bool,
}

/// Everything recorded about a partner that replaces typed values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recorded<'a> {
    pub certifications: &'a [Held],
    /// (closed on, amount in the program currency) of each confirmed win.
    pub won: &'a [(Date, Decimal)],
    pub assessments: &'a [Assessed],
}

impl Recorded<'_> {
    fn is_empty(&self) -> bool {
        self.certifications.is_empty() && self.won.is_empty() && self.assessments.is_empty()
    }
}

/// A quarter of facts with the source of each number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced {
    pub facts: QuarterFacts,
    pub sources: QuarterSources,
}

/// Certified people as of a day: the records once any of them was earned by then (expired
/// ones included: a partner whose people all lapsed has 0, not its old typed count), else the
/// typed quarter.
#[derive(Debug, Clone, Copy)]
pub enum Certified<'a> {
    Records(&'a [Held]),
    Typed(Option<&'a QuarterFacts>),
}

/// Which source tells how many people are certified on `as_of`. `typed` is the partner's
/// typed quarters, oldest first.
pub fn certified_as_of<'a>(
    held: &'a [Held],
    typed: &'a [QuarterFacts],
    as_of: Date,
) -> Certified<'a> {
    if held.iter().any(|h| h.earned_on <= as_of) {
        return Certified::Records(held);
    }
    let quarter = Quarter::containing(as_of);
    Certified::Typed(typed.iter().rfind(|q| q.quarter <= quarter))
}

/// People who count for a certification condition (a gate): on a `track` (any when None) at
/// `min_level` or above. Typed quarters count from their per-certification figures; a typed
/// total without that breakdown does not say which track its people are on, so it counts
/// for any track (the tier engine accepted the same total).
pub fn people_meeting(
    certified: Certified,
    catalog: &[Certification],
    track: Option<crate::program::certifications::Track>,
    min_level: Option<Level>,
    today: Date,
) -> u32 {
    let matches = |c: &Certification| {
        track.is_none_or(|t| c.track == t) && min_level.is_none_or(|l| c.level >= l)
    };
    match certified {
        Certified::Records(held) => held
            .iter()
            .filter(|h| h.earned_on <= today && enablement::status(h, today, 0).is_valid())
            .filter(|h| {
                catalog
                    .iter()
                    .any(|c| c.key == h.certification && matches(c))
            })
            .map(|h| h.person)
            .collect::<BTreeSet<_>>()
            .len() as u32,
        Certified::Typed(None) => 0,
        Certified::Typed(Some(q)) => {
            let by_certification = catalog
                .iter()
                .filter(|c| matches(c))
                .filter_map(|c| q.certifications.get(&c.key).copied())
                .max()
                .unwrap_or(0);
            let total = match min_level {
                None | Some(Level::Foundation) => q.certified_people,
                Some(Level::Advanced) => q.advanced_certified_people,
                Some(Level::Expert) => 0,
            };
            if track.is_none() || q.certifications.is_empty() {
                by_certification.max(total)
            } else {
                by_certification
            }
        }
    }
}

/// The latest assessment made on or before `as_of`.
fn assessment_as_of(assessments: &[Assessed], as_of: Date) -> Option<&Assessed> {
    assessments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.on <= as_of)
        .max_by_key(|(i, a)| (a.on, *i))
        .map(|(_, a)| a)
}

/// A partner's quarters as every reader sees them: `typed` (oldest first) with each number
/// that has records taken from them. Flows (revenue) come from the records of the quarter
/// itself; stocks (certified people, IPP) from the records as of the quarter's last day (or
/// `today` for the current one). A quarter in which something was recorded but nothing typed
/// gets a row carrying the typed stocks of the quarter before; so does the current quarter
/// once anything is recorded.
pub fn derive(
    typed: &[QuarterFacts],
    recorded: &Recorded,
    catalog: &[Certification],
    today: Date,
) -> Vec<Sourced> {
    let current = Quarter::containing(today);
    let mut quarters: BTreeSet<Quarter> = typed.iter().map(|q| q.quarter).collect();
    if !recorded.is_empty() {
        quarters.insert(current);
    }
    let day_after = |d: Date| d.next_day().unwrap_or(d);
    quarters.extend(
        recorded
            .won
            .iter()
            .map(|(d, _)| *d)
            .chain(recorded.certifications.iter().map(|h| h.earned_on))
            .chain(
                recorded
                    .certifications
                    .iter()
                    .filter_map(|h| h.expires_on.map(day_after)),
            )
            .chain(recorded.assessments.iter().map(|a| a.on))
            .filter(|d| *d <= today)
            .map(Quarter::containing),
    );
    quarters
        .into_iter()
        .map(|quarter| {
            let as_of = quarter.last_day().min(today);
            let own = typed.iter().find(|q| q.quarter == quarter);
            let mut facts = own.cloned().unwrap_or_else(|| {
                // Stocks carry over from the quarter before; flows did not happen.
                let mut row = typed
                    .iter()
                    .rfind(|q| q.quarter < quarter)
                    .cloned()
                    .unwrap_or_else(|| QuarterFacts::empty(quarter));
                row.quarter = quarter;
                row.sourced_revenue = Decimal::ZERO;
                row.qbrs = 0;
                row.co_marketing = 0;
                row
            });
            let mut sources = QuarterSources {
                sourced_revenue: Source::Typed,
                certified_people: Source::Typed,
                ipp_score: Source::Typed,
            };
            let won: Vec<Decimal> = recorded
                .won
                .iter()
                .filter(|(d, _)| Quarter::containing(*d) == quarter)
                .map(|(_, amount)| *amount)
                .collect();
            if !won.is_empty() {
                facts.sourced_revenue = won.iter().sum();
                sources.sourced_revenue = Source::WonDeals;
            }
            if let Certified::Records(held) = certified_as_of(recorded.certifications, typed, as_of)
            {
                let c = enablement::counts(held, catalog, as_of);
                facts.certified_people = c.certified_people;
                facts.advanced_certified_people = c.advanced_certified_people;
                facts.certifications = c.by_certification;
                sources.certified_people = Source::Records;
            }
            if let Some(a) = assessment_as_of(recorded.assessments, as_of) {
                facts.ipp_score = a.score;
                sources.ipp_score = Source::Assessment(a.on);
            }
            Sourced { facts, sources }
        })
        .collect()
}

/// Where the figures the tier engine reads for `quarter` came from: the sources of the
/// revenue in its trailing four quarters (records first; typed alone when none), and those
/// of the stocks of the latest quarter on or before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcesAsOf {
    pub sourced_revenue: Vec<Source>,
    pub certified_people: Source,
    pub ipp_score: Source,
}

pub fn sources_as_of(rows: &[Sourced], quarter: Quarter) -> SourcesAsOf {
    let window = quarter.trailing(crate::program::history::WINDOW_QUARTERS);
    let mut revenue: Vec<Source> = Vec::new();
    for row in rows.iter().filter(|r| window.contains(&r.facts.quarter)) {
        if !revenue.contains(&row.sources.sourced_revenue) {
            revenue.push(row.sources.sourced_revenue);
        }
    }
    revenue.sort_by_key(|s| *s == Source::Typed);
    if revenue.is_empty() {
        revenue.push(Source::Typed);
    }
    let latest = rows.iter().rfind(|r| r.facts.quarter <= quarter);
    SourcesAsOf {
        sourced_revenue: revenue,
        certified_people: latest.map_or(Source::Typed, |r| r.sources.certified_people),
        ipp_score: latest.map_or(Source::Typed, |r| r.sources.ipp_score),
    }
}

/// Why the partner may not move up a tier now: its latest IPP assessment found a red flag
/// nobody has overridden with a reason. A later assessment without one lifts it.
pub fn upgrade_block(assessments: &[Assessed], today: Date) -> Option<String> {
    let latest = assessment_as_of(assessments, today)?;
    if latest.red_flags.is_empty() || latest.overridden {
        return None;
    }
    Some(format!(
        "the IPP assessment of {} found a disqualifying red flag ({}); override it with a reason before any upgrade",
        latest.on,
        latest.red_flags.join(", ")
    ))
}

/// Whether moving a partner from tier `from` to tier `to` (keys of `program`) is allowed
/// under `block` (see [`upgrade_block`]): moves down or sideways always are.
pub fn may_move(
    program: &Program,
    from: &str,
    to: &str,
    block: Option<&str>,
) -> Result<(), String> {
    let up = matches!(
        (program.tier_index(from), program.tier_index(to)),
        (Some(from), Some(to)) if to > from
    );
    match block {
        Some(why) if up => Err(format!("no upgrade to {}: {why}", program.tier_name(to))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use time::macros::date;

    fn q(text: &str) -> Quarter {
        Quarter::parse(text).unwrap()
    }

    fn held(person: u128, cert: &str, earned_on: Date) -> Held {
        let catalog = crate::program::shipped().certifications;
        let c = catalog.iter().find(|c| c.key == cert).unwrap();
        Held {
            person: uuid::Uuid::from_u128(person),
            certification: cert.into(),
            earned_on,
            expires_on: enablement::expiry(c, earned_on),
            retired: false,
            left_on: None,
        }
    }

    fn typed(quarter: &str, certified: u32, revenue: i64, ipp: u32) -> QuarterFacts {
        QuarterFacts {
            certified_people: certified,
            sourced_revenue: Decimal::from(revenue),
            ipp_score: ipp,
            customer_references: 4,
            ..QuarterFacts::empty(q(quarter))
        }
    }

    #[test]
    fn records_replace_typed_values_only_in_the_quarters_they_reach() {
        let catalog = crate::program::shipped().certifications;
        let today = date!(2026 - 11 - 27);
        let typed = vec![
            typed("2026-Q1", 9, 70_000, 80),
            typed("2026-Q2", 9, 100, 80),
        ];
        let certifications = [held(1, "sales_foundation", date!(2026 - 05 - 10))];
        let won = [(date!(2026 - 08 - 01), Decimal::from(40_000))];
        let assessments = [Assessed {
            on: date!(2026 - 10 - 02),
            score: 72,
            red_flags: Vec::new(),
            overridden: false,
        }];
        let recorded = Recorded {
            certifications: &certifications,
            won: &won,
            assessments: &assessments,
        };
        let rows = derive(&typed, &recorded, &catalog, today);
        let seen: Vec<(String, u32, Decimal, u32, String, String, String)> = rows
            .iter()
            .map(|r| {
                (
                    r.facts.quarter.to_string(),
                    r.facts.certified_people,
                    r.facts.sourced_revenue,
                    r.facts.ipp_score,
                    r.sources.certified_people.to_string(),
                    r.sources.sourced_revenue.to_string(),
                    r.sources.ipp_score.to_string(),
                )
            })
            .collect();
        let row = |quarter: &str, c, revenue: i64, ipp, cs: &str, rs: &str, is: &str| {
            (
                quarter.to_owned(),
                c,
                Decimal::from(revenue),
                ipp,
                cs.to_owned(),
                rs.to_owned(),
                is.to_owned(),
            )
        };
        assert_eq!(
            seen,
            [
                row("2026-Q1", 9, 70_000, 80, "typed", "typed", "typed"),
                row("2026-Q2", 1, 100, 80, "records", "typed", "typed"),
                row("2026-Q3", 1, 40_000, 80, "records", "won deals", "typed"),
                row(
                    "2026-Q4",
                    1,
                    0,
                    72,
                    "records",
                    "typed",
                    "assessment of 2026-10-02"
                ),
            ]
        );
        assert_eq!(rows[3].facts.customer_references, 4, "stocks carry over");
        let facts = crate::program::history::facts_as_of(
            &rows.iter().map(|r| r.facts.clone()).collect::<Vec<_>>(),
            q("2026-Q4"),
        );
        assert_eq!(facts.sourced_revenue_12m, Decimal::from(110_100));
        assert_eq!(
            sources_as_of(&rows, q("2026-Q4")),
            SourcesAsOf {
                sourced_revenue: vec![Source::WonDeals, Source::Typed],
                certified_people: Source::Records,
                ipp_score: Source::Assessment(date!(2026 - 10 - 02)),
            }
        );
        assert_eq!(
            derive(&typed, &Recorded::default(), &catalog, today).len(),
            2,
            "nothing recorded: the typed quarters as they are"
        );
    }

    #[test]
    fn gates_count_records_or_else_the_typed_quarter() {
        let catalog = crate::program::shipped().certifications;
        let today = date!(2026 - 11 - 27);
        let sales = Some(crate::program::certifications::Track::Sales);
        let gold = QuarterFacts {
            certified_people: 5,
            advanced_certified_people: 2,
            ..QuarterFacts::empty(q("2026-Q4"))
        };
        let typed = [gold.clone()];
        let count = |c: Certified| people_meeting(c, &catalog, sales, None, today);
        assert_eq!(
            count(certified_as_of(&[], &typed, today)),
            5,
            "no breakdown"
        );
        let split = [QuarterFacts {
            certifications: BTreeMap::from([
                ("sales_foundation".to_owned(), 3),
                ("technical_advanced".to_owned(), 2),
            ]),
            quarter: q("2026-Q2"),
            ..gold
        }];
        assert_eq!(count(certified_as_of(&[], &split, today)), 3);
        assert_eq!(count(certified_as_of(&[], &[], today)), 0);
        let technical = [held(1, "technical_expert", date!(2026 - 06 - 01))];
        assert_eq!(
            count(certified_as_of(&technical, &split, today)),
            0,
            "records, once there are any, are what counts"
        );
        assert_eq!(
            count(certified_as_of(&technical, &split, date!(2026 - 05 - 31))),
            3,
            "before the first record the typed quarter fills in"
        );
    }

    #[test]
    fn a_red_flag_blocks_upgrades_until_overridden_or_assessed_again() {
        let program = crate::program::shipped();
        let today = date!(2026 - 11 - 27);
        let flagged = Assessed {
            on: date!(2026 - 10 - 02),
            score: 72,
            red_flags: vec!["Is a direct competitor".into()],
            overridden: false,
        };
        let why = upgrade_block(std::slice::from_ref(&flagged), today).unwrap();
        assert_eq!(
            why,
            "the IPP assessment of 2026-10-02 found a disqualifying red flag (Is a direct competitor); override it with a reason before any upgrade"
        );
        assert_eq!(
            may_move(&program, "silver", "gold", Some(&why)),
            Err(format!("no upgrade to Gold: {why}"))
        );
        assert_eq!(may_move(&program, "gold", "silver", Some(&why)), Ok(()));
        assert_eq!(may_move(&program, "silver", "gold", None), Ok(()));
        let overridden = Assessed {
            overridden: true,
            ..flagged.clone()
        };
        assert_eq!(upgrade_block(&[overridden], today), None);
        let clean = Assessed {
            on: date!(2026 - 11 - 01),
            red_flags: Vec::new(),
            ..flagged.clone()
        };
        assert_eq!(upgrade_block(&[flagged.clone(), clean], today), None);
        assert_eq!(
            upgrade_block(&[flagged], date!(2026 - 10 - 01)),
            None,
            "not assessed yet on that day"
        );
    }
}
