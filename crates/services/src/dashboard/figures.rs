//! The dashboard's figures: each table read once, grouped in Rust, amounts converted to the
//! program currency as the pipeline does (open deals at today's rate, wins at their close
//! day's, each currency's sum converted once and rounded once).

use std::collections::BTreeMap;

use domain::dashboard::{Cohort, Figures, SurveyScore, retention, success_metrics};
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

use super::check::Checked;
use super::view::{DashboardView, Slice, StageCell, TierCount};
use crate::{Error, Result, Services};

/// Amounts per group and currency before conversion: deals, value and weighted value (in
/// hundredths; weighted in hundredths × percent).
struct Sums<K: Ord>(BTreeMap<(K, String), [i64; 3]>);

impl<K: Ord> Default for Sums<K> {
    fn default() -> Self {
        Sums(BTreeMap::new())
    }
}

impl<K: Ord + Clone> Sums<K> {
    fn add(&mut self, key: K, currency: &str, sums: [i64; 3]) {
        let group = self.0.entry((key, currency.to_owned())).or_default();
        for (total, n) in group.iter_mut().zip(sums) {
            *total += n;
        }
    }

    /// Each group's sums in the program currency on `on`; what has no rate is counted in
    /// `unconverted` per currency (deals, value).
    fn convert(
        self,
        on: Date,
        rates: &Rates,
        unconverted: &mut BTreeMap<String, (i64, Decimal)>,
    ) -> BTreeMap<K, Line> {
        let mut lines: BTreeMap<K, Line> = BTreeMap::new();
        for ((key, currency), [deals, value_minor, weighted]) in self.0 {
            let value = Decimal::new(value_minor, 2);
            let (Ok(value), Ok(weighted)) = (
                convert(value, &currency, on, rates),
                convert(Decimal::new(weighted, 4), &currency, on, rates),
            ) else {
                let apart = unconverted.entry(currency).or_default();
                apart.0 += deals;
                apart.1 += value;
                continue;
            };
            let line = lines.entry(key).or_default();
            line.deals += usize::try_from(deals).unwrap_or(0);
            line.value += value.amount;
            line.weighted += weighted.amount;
        }
        lines
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

/// Runs `read` on a pooled connection of its own, so that the dashboard's reads run at once
/// and it answers in the time of its slowest read, not their sum. Reads take no transaction
/// anyway (`Db::read`), so reading apart loses no common snapshot.
async fn apart<T>(
    db: &store::Db,
    read: impl AsyncFnOnce(&mut store::Read) -> Result<T>,
) -> Result<T> {
    let mut tx = db.read().await?;
    read(&mut tx).await
}

/// The keys a kind of partner is counted under: its tier, its type, each of its regions
/// ("" for none).
fn kind_keys(kind: &store::dashboard::PartnerKind) -> Result<(String, String, Vec<String>)> {
    let mut regions: Vec<String> =
        serde_json::from_str(&kind.regions).map_err(|_| corrupt("regions", &kind.regions))?;
    if regions.is_empty() {
        regions.push(String::new());
    }
    Ok((kind.tier.clone(), kind.partner_type.clone(), regions))
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
        let joined_by = (domain::dashboard::retention_joined_by(period.last)
            + time::Duration::days(1))
        .midnight()
        .assume_utc();
        // Each read on a pooled connection of its own, all at once: the dashboard answers in
        // the time of its slowest read, not their sum. Reads take no transaction anyway
        // (`Db::read`), so running them apart loses no common snapshot.
        let db = &self.db;
        let (groups, open, buckets, won, (leads_before, leads_last), direct, rates) = tokio::try_join!(
            apart(db, async |tx| Ok(store::dashboard::partner_groups(
                tx, filter, joined_by, today
            )
            .await?)),
            apart(db, async |tx| Ok(store::dashboard::open_by_kind(
                tx, filter
            )
            .await?)),
            apart(db, async |tx| Ok(store::dashboard::open_buckets(
                tx, filter
            )
            .await?)),
            apart(db, async |tx| Ok(store::dashboard::won_between(
                tx,
                period.first,
                period.last,
                filter
            )
            .await?)),
            apart(db, async |tx| Ok(store::dashboard::leads_in_two_months(
                tx,
                month_start(period.month_before),
                month_start(period.last_month),
                next_month,
                filter,
            )
            .await?)),
            apart(db, async |tx| Ok(store::dashboard::direct_won(
                tx,
                quarter_from,
                quarter_until
            )
            .await?)),
            apart(db, async |tx| crate::rates::rates_into(tx, &program).await),
        )?;

        let mut unconverted: BTreeMap<String, (i64, Decimal)> = BTreeMap::new();
        let (mut by_tier, mut by_type, mut by_region) =
            (Sums::default(), Sums::default(), Sums::default());
        for row in &open {
            let (tier, partner_type, regions) = kind_keys(&row.kind)?;
            let sums = [row.deals, row.value_minor, row.weighted];
            by_tier.add(tier, &row.currency, sums);
            by_type.add(partner_type, &row.currency, sums);
            for region in regions {
                by_region.add(region, &row.currency, sums);
            }
        }
        // A partner is of one kind and counted in one of its rows, so its kind's count adds it
        // to each slice exactly once.
        let mut partners_in: [BTreeMap<String, usize>; 3] = Default::default();
        for row in &open {
            let (tier, partner_type, regions) = kind_keys(&row.kind)?;
            let n = usize::try_from(row.partners).unwrap_or(0);
            *partners_in[0].entry(tier).or_default() += n;
            *partners_in[1].entry(partner_type).or_default() += n;
            for region in regions {
                *partners_in[2].entry(region).or_default() += n;
            }
        }
        let [tier_partners, type_partners, region_partners] = partners_in;
        let mut by_stage = Sums::default();
        for row in &buckets {
            let key = (row.quarter.clone(), row.forecast_category.clone());
            let sums = [row.deals, row.value_minor, row.weighted];
            by_stage.add(key, &row.currency, sums);
        }
        let tier_slices = slices(
            by_tier.convert(today, &rates, &mut unconverted),
            &tier_partners,
            |key| tier_name(&program, key),
        );
        let type_slices = slices(
            by_type.convert(today, &rates, &mut Default::default()),
            &type_partners,
            |k| PartnerType::parse(k).map_or(k.to_owned(), |t| t.label().to_owned()),
        );
        let region_slices = slices(
            by_region.convert(today, &rates, &mut Default::default()),
            &region_partners,
            |k| match Region::parse(k) {
                Some(region) => region.label().to_owned(),
                None if k.is_empty() => "No region".to_owned(),
                None => k.to_owned(),
            },
        );
        let stage = by_stage
            .convert(today, &rates, &mut Default::default())
            .into_iter()
            .map(|((quarter, category), line)| StageCell {
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

        let mut cohorts = Vec::with_capacity(groups.len());
        let mut in_program_tiers: BTreeMap<&str, usize> = BTreeMap::new();
        let (mut partners_in_program, mut partners_enabled) = (0, 0);
        for group in &groups {
            let stage = LifecycleStage::parse(&group.stage)
                .ok_or_else(|| corrupt("stage", &group.stage))?;
            for cohort in group.cohorts() {
                let in_program = OutOfProgram::of(stage, cohort.archived).is_none();
                let partners = u64::try_from(cohort.partners).unwrap_or(0);
                cohorts.push(Cohort {
                    joined_by: cohort.joined_before,
                    in_program,
                    partners,
                });
                if in_program {
                    *in_program_tiers.entry(&group.tier).or_default() += partners as usize;
                    partners_in_program += partners;
                }
            }
            // Certified partners are counted among those not archived: enabled if in the
            // program at their stage.
            if OutOfProgram::of(stage, false).is_none() {
                partners_enabled += u64::try_from(group.certified).unwrap_or(0);
            }
        }
        let (partners_year_ago, partners_kept) = retention(&cohorts);
        let escalations = self
            .escalation_quarters(&program, &[checked.quarter])
            .await?;
        let nps_target = program.policies.targets.internal_nps;
        let internal_nps_trend = apart(db, async |tx| {
            crate::internal_nps::trend(tx, nps_target).await
        })
        .await?;
        let internal_nps = internal_nps_trend.last().and_then(|round| {
            round.score.map(|score| SurveyScore {
                round: round.period.clone(),
                answers: round.answers as u64,
                score,
            })
        });
        let figures = Figures {
            escalation_resolution_days: escalations.first().and_then(|q| q.resolution_days.median),
            leads_last_month: u64::try_from(leads_last).unwrap_or(0),
            leads_month_before: u64::try_from(leads_before).unwrap_or(0),
            velocity_days: won.velocity_days,
            partner_revenue: won.won.value,
            direct_revenue,
            period_elapsed: period.elapsed,
            partners_year_ago,
            partners_kept,
            partners_in_program,
            partners_enabled,
            internal_nps,
        };
        let metrics = success_metrics(&figures, &program.policies);
        let tiers = tier_counts(&program, in_program_tiers);
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
            internal_nps_trend,
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

/// Converted groups as slices, labelled, in key order, with the partners counted per key.
fn slices(
    lines: BTreeMap<String, Line>,
    partners: &BTreeMap<String, usize>,
    label: impl Fn(&str) -> String,
) -> Vec<Slice> {
    lines
        .into_iter()
        .map(|(key, line)| Slice {
            label: label(&key),
            partners: partners.get(&key).copied().unwrap_or(0),
            key,
            deals: line.deals,
            value: line.value,
            weighted: line.weighted,
        })
        .collect()
}

/// Partners per tier, the program's tiers lowest first (empty ones too), then keys the
/// program no longer has.
fn tier_counts(program: &Program, mut counts: BTreeMap<&str, usize>) -> Vec<TierCount> {
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
