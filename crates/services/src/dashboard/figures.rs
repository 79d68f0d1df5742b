//! The dashboard's figures: each table read once, grouped in Rust, amounts converted to the
//! program currency as the pipeline does (open deals at today's rate, wins at their close
//! day's, each currency's sum converted once and rounded once).

use std::collections::{BTreeMap, HashMap, HashSet};

use domain::dashboard::{Figures, Member, retention, success_metrics};
use domain::deals::pipeline::{self, Line};
use domain::deals::registration::ForecastCategory;
use domain::display;
use domain::money::rates::{Rates, convert};
use domain::partners::{LifecycleStage, OutOfProgram, PartnerType, Region};
use domain::program::Program;
use domain::tracker::YearMonth;
use domain::validation::Choice;
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::check::Checked;
use super::view::{DashboardView, Slice, StageCell, TierCount};
use crate::{Error, Result, Services};

/// Amounts per group and currency before conversion: deals, value and weighted value (in
/// hundredths; weighted in hundredths × percent), and the partners counted.
#[derive(Default)]
struct Sums<K: Ord>(BTreeMap<(K, String), Group>);

#[derive(Default)]
struct Group {
    deals: i64,
    value_minor: i64,
    weighted: i64,
    partners: HashSet<Uuid>,
}

impl<K: Ord + Clone> Sums<K> {
    fn add(&mut self, key: K, currency: &str, sums: [i64; 3], partner: Option<Uuid>) {
        let group = self.0.entry((key, currency.to_owned())).or_default();
        group.deals += sums[0];
        group.value_minor += sums[1];
        group.weighted += sums[2];
        group.partners.extend(partner);
    }

    /// Each group's sums in the program currency on `on`; what has no rate is counted in
    /// `unconverted` per currency (deals, value).
    fn convert(
        self,
        on: Date,
        rates: &Rates,
        unconverted: &mut BTreeMap<String, (i64, Decimal)>,
    ) -> BTreeMap<K, (Line, usize)> {
        let mut lines: BTreeMap<K, (Line, HashSet<Uuid>)> = BTreeMap::new();
        for ((key, currency), group) in self.0 {
            let (deals, value) = (group.deals, Decimal::new(group.value_minor, 2));
            let (Ok(value), Ok(weighted)) = (
                convert(value, &currency, on, rates),
                convert(Decimal::new(group.weighted, 4), &currency, on, rates),
            ) else {
                let apart = unconverted.entry(currency).or_default();
                apart.0 += deals;
                apart.1 += value;
                continue;
            };
            let line = lines.entry(key).or_default();
            line.0.deals += usize::try_from(deals).unwrap_or(0);
            line.0.value += value.amount;
            line.0.weighted += weighted.amount;
            line.1.extend(group.partners);
        }
        lines
            .into_iter()
            .map(|(key, (line, partners))| (key, (line, partners.len())))
            .collect()
    }
}

fn month_start(month: YearMonth) -> OffsetDateTime {
    Date::from_calendar_date(month.year, month.month, 1)
        .unwrap_or(Date::MIN)
        .midnight()
        .assume_utc()
}

fn corrupt(what: &str, key: &str) -> Error {
    Error::Store(store::Error::Corrupt(format!("{what} {key:?}")))
}

/// A partner as the dashboard groups it.
struct Partner {
    tier: String,
    partner_type: String,
    regions: Vec<String>,
    owner: Option<Uuid>,
    in_program: bool,
    joined_on: Date,
}

fn partner(row: store::dashboard::PartnerRow) -> Result<(Uuid, Partner)> {
    let stage = LifecycleStage::parse(&row.stage).ok_or_else(|| corrupt("stage", &row.stage))?;
    let regions: Vec<String> =
        serde_json::from_str(&row.regions).map_err(|_| corrupt("regions", &row.regions))?;
    Ok((
        row.id,
        Partner {
            in_program: OutOfProgram::of(stage, row.archived).is_none(),
            tier: row.tier,
            partner_type: row.partner_type,
            regions,
            owner: row.owner_id,
            joined_on: row.created_at.date(),
        },
    ))
}

impl Services {
    /// Every figure but the health bands, for the checked query on `today`.
    pub(super) async fn dashboard_figures(
        &self,
        checked: &Checked,
        today: Date,
    ) -> Result<DashboardView> {
        let (_, program) = self.program_in_force().await?;
        let (period, filter) = (&checked.period, &checked.filter);
        let next_month = month_start(period.last_month) + time::Duration::days(31);
        let next_month = month_start(YearMonth::of(next_month.date()));
        let quarter_from = period.first.midnight().assume_utc();
        let quarter_until = (period.last + time::Duration::days(1))
            .midnight()
            .assume_utc();
        let mut tx = self.db.read().await?;
        let partners = store::dashboard::partners(&mut tx).await?;
        let open = store::dashboard::open_by_partner(&mut tx).await?;
        let buckets = store::dashboard::open_buckets(&mut tx, filter).await?;
        let won = store::dashboard::won_between(&mut tx, period.first, period.last, filter).await?;
        let (leads_before, leads_last) = store::dashboard::leads_in_two_months(
            &mut tx,
            month_start(period.month_before),
            month_start(period.last_month),
            next_month,
            filter,
        )
        .await?;
        let certified: HashSet<Uuid> = store::dashboard::certified_partners(&mut tx, today)
            .await?
            .into_iter()
            .collect();
        let direct = store::dashboard::direct_won(&mut tx, quarter_from, quarter_until).await?;
        let rates = crate::rates::rates_into(&mut tx, &program).await?;
        drop(tx);

        let partners: HashMap<Uuid, Partner> = partners
            .into_iter()
            .map(partner)
            .collect::<Result<HashMap<_, _>>>()?
            .into_iter()
            .filter(|(_, p)| {
                filter.tier.as_ref().is_none_or(|t| *t == p.tier)
                    && filter.region.as_ref().is_none_or(|r| p.regions.contains(r))
                    && filter.owner.is_none_or(|o| p.owner == Some(o))
            })
            .collect();
        let mut unconverted: BTreeMap<String, (i64, Decimal)> = BTreeMap::new();
        let (mut by_tier, mut by_type, mut by_region) =
            (Sums::default(), Sums::default(), Sums::default());
        for row in &open {
            let Some(p) = partners.get(&row.partner_id).filter(|p| p.in_program) else {
                continue;
            };
            let sums = [row.deals, row.value_minor, row.weighted];
            let who = Some(row.partner_id);
            by_tier.add(p.tier.clone(), &row.currency, sums, who);
            by_type.add(p.partner_type.clone(), &row.currency, sums, who);
            if p.regions.is_empty() {
                by_region.add(String::new(), &row.currency, sums, who);
            }
            for region in &p.regions {
                by_region.add(region.clone(), &row.currency, sums, who);
            }
        }
        let mut by_stage = Sums::default();
        for row in &buckets {
            let key = (row.quarter.clone(), row.forecast_category.clone());
            let sums = [row.deals, row.value_minor, row.weighted];
            by_stage.add(key, &row.currency, sums, None);
        }
        let tier_slices = slices(by_tier.convert(today, &rates, &mut unconverted), |key| {
            tier_name(&program, key)
        });
        let type_slices = slices(
            by_type.convert(today, &rates, &mut Default::default()),
            |k| PartnerType::parse(k).map_or(k.to_owned(), |t| t.label().to_owned()),
        );
        let region_slices = slices(
            by_region.convert(today, &rates, &mut Default::default()),
            |k| match Region::parse(k) {
                Some(region) => region.label().to_owned(),
                None if k.is_empty() => "No region".to_owned(),
                None => k.to_owned(),
            },
        );
        let stage = by_stage
            .convert(today, &rates, &mut Default::default())
            .into_iter()
            .map(|((quarter, category), (line, _))| StageCell {
                label: ForecastCategory::parse(&category)
                    .map_or(category.clone(), |c| c.label().to_owned()),
                quarter,
                forecast_category: category,
                deals: line.deals,
                value: line.value,
                weighted: line.weighted,
            })
            .collect();

        // The quarter's wins through the pipeline's own sum: confirmed wins only, each
        // currency converted at its close day's rate; velocity over the same wins.
        let won = pipeline::summarize(
            &pipeline::Groups {
                won,
                ..Default::default()
            },
            today,
            program.policies.targets.deal_velocity_days,
            program.policies.targets.stale_deal_days,
            &rates,
        );
        let mut notes_unconverted: Vec<String> = unconverted
            .iter()
            .map(|(currency, (deals, value))| {
                format!(
                    "{} in {} — no {currency} rate",
                    display::money(*value, currency),
                    display::count(*deals, "open deal")
                )
            })
            .collect();
        notes_unconverted.extend(won.unconverted.values().map(|u| u.note.clone()));
        let direct_revenue = match direct {
            None => None,
            Some(rows) => {
                let mut by_day: BTreeMap<(String, Date), i64> = BTreeMap::new();
                for row in rows {
                    *by_day
                        .entry((row.currency, row.updated_at.date()))
                        .or_default() += row.amount_minor;
                }
                let mut sum = Decimal::ZERO;
                for ((currency, on), minor) in by_day {
                    match convert(Decimal::new(minor, 2), &currency, on, &rates) {
                        Ok(converted) => sum += converted.amount,
                        Err(_) => notes_unconverted.push(format!(
                            "{} of direct wins — no {currency} rate",
                            display::money_minor(minor, &currency)
                        )),
                    }
                }
                Some(sum)
            }
        };

        let in_program: Vec<(&Uuid, &Partner)> =
            partners.iter().filter(|(_, p)| p.in_program).collect();
        let members: Vec<Member> = partners
            .values()
            .map(|p| Member {
                joined_on: p.joined_on,
                in_program: p.in_program,
            })
            .collect();
        let (partners_year_ago, partners_kept) = retention(&members, period.last);
        let figures = Figures {
            leads_last_month: u64::try_from(leads_last).unwrap_or(0),
            leads_month_before: u64::try_from(leads_before).unwrap_or(0),
            velocity_days: won.velocity_days,
            partner_revenue: won.won.value,
            direct_revenue,
            period_elapsed: period.elapsed,
            partners_year_ago,
            partners_kept,
            partners_in_program: in_program.len() as u64,
            partners_enabled: in_program
                .iter()
                .filter(|(id, _)| certified.contains(id))
                .count() as u64,
        };
        let metrics = success_metrics(&figures, &program.policies);
        let tiers = tier_counts(&program, in_program.iter().map(|(_, p)| p.tier.as_str()));
        let mut notes = vec![
            "Health bands are program-wide: the filters do not narrow them.".to_owned(),
            "The open pipeline is as it stands today: the quarter does not narrow it.".to_owned(),
        ];
        if direct_revenue.is_some() {
            notes.push(
                "Direct revenue is every direct opportunity imported as won in the quarter \
                 (the import records no close day); the partner filters do not narrow it."
                    .to_owned(),
            );
        }
        Ok(DashboardView {
            quarter: checked.quarter.to_string(),
            through: period.last.to_string(),
            currency: rates.to_currency().to_owned(),
            metrics,
            pipeline_by_tier: tier_slices,
            pipeline_by_type: type_slices,
            pipeline_by_region: region_slices,
            pipeline_by_stage: stage,
            tiers,
            health: Vec::new(),
            unconverted: notes_unconverted,
            notes,
        })
    }
}

fn tier_name(program: &Program, key: &str) -> String {
    program
        .tier_index(key)
        .map_or(key.to_owned(), |i| program.tiers[i].name.clone())
}

/// Converted groups as slices, labelled, in key order.
fn slices(lines: BTreeMap<String, (Line, usize)>, label: impl Fn(&str) -> String) -> Vec<Slice> {
    lines
        .into_iter()
        .map(|(key, (line, partners))| Slice {
            label: label(&key),
            key,
            partners,
            deals: line.deals,
            value: line.value,
            weighted: line.weighted,
        })
        .collect()
}

/// Partners per tier, the program's tiers lowest first (empty ones too), then keys the
/// program no longer has.
fn tier_counts<'a>(program: &Program, tiers: impl Iterator<Item = &'a str>) -> Vec<TierCount> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for tier in tiers {
        *counts.entry(tier).or_default() += 1;
    }
    let mut out: Vec<TierCount> = program
        .tiers
        .iter()
        .map(|t| TierCount {
            key: t.key.clone(),
            name: t.name.clone(),
            partners: counts.remove(t.key.as_str()).unwrap_or(0),
        })
        .collect();
    out.extend(counts.into_iter().map(|(key, partners)| TierCount {
        key: key.to_owned(),
        name: key.to_owned(),
        partners,
    }));
    out
}
