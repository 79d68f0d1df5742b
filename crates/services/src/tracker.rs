//! The performance tracker: every partner in the program with its closed-won revenue month
//! by month, against its tier's pace, flagged when it underperforms by the `[tracker]`
//! policy (`domain::tracker`). The revenue is what feeds the tier: wins one of ours
//! confirmed (with logged activity where the co-sell policy asks it), converted to the
//! program currency at each close date's rate. It reads the won rollups (`pipeline_won`)
//! from the first month shown, less the few confirmed wins the co-sell policy gives no
//! credit, so it never reads every won registration.

use std::collections::{BTreeMap, HashMap};

use domain::deals::pipeline::WonSum;
use domain::permissions::Action;
use domain::tracker::{YearMonth, complete_months, monthly_pace, underperforming};
use rust_decimal::Decimal;
use time::Date;
use uuid::Uuid;

use crate::reports::{Cell, Table};
use crate::{Actor, Error, Page, PageRequest, Result, Services};

/// Months a tracker may show.
const MONTHS: std::ops::RangeInclusive<u32> = 1..=12;
const DEFAULT_MONTHS: u32 = 6;

/// What the tracker shows and in which order.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TrackerQuery {
    /// How many complete months, 1–12 (default 6).
    pub months: Option<u32>,
    /// Only partners of this tier (its key).
    pub tier: String,
    /// Only partners this user (id) manages.
    pub owner: String,
    /// partner (default), tier, total, latest or flag (underperforming first).
    pub sort: String,
    /// asc (default) or desc.
    pub order: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Partner,
    Tier,
    Total,
    Latest,
    Flag,
}

/// The checked query.
struct Checked {
    months: Vec<YearMonth>,
    tier: Option<String>,
    owner: Option<Uuid>,
    sort: Sort,
    descending: bool,
    page: PageRequest<Uuid>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrackerView {
    /// The months shown, oldest first, e.g. "2026-11".
    pub months: Vec<String>,
    /// The currency of every amount (the program's).
    pub currency: String,
    /// Below this percent of its pace a month is slow; this many slow months in a row flag.
    pub underperform_below_percent: Decimal,
    pub underperform_months: u32,
    pub rows: Page<TrackerRow>,
    /// Wins left out of the figures for want of a rate, e.g. "2 won deals in EUR not
    /// counted: no EUR rate".
    pub not_counted: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TrackerRow {
    pub partner_id: Uuid,
    pub partner: String,
    /// The tier's name.
    pub tier: String,
    pub tier_key: String,
    /// The tier's place in the program, lowest first: what sorting by tier follows.
    #[serde(skip)]
    tier_rank: usize,
    pub owner: Option<String>,
    /// The tier's monthly pace: its 12-month revenue to keep it, over 12.
    pub pace: Decimal,
    /// Closed-won revenue per month, as `months`.
    pub won: Vec<Decimal>,
    /// Won deals per month, as `months`.
    pub deals_won: Vec<usize>,
    /// Which months fell below the policy's share of the pace.
    pub slow: Vec<bool>,
    pub total: Decimal,
    pub underperforming: bool,
}

impl Services {
    /// The tracker for our own people: one row per partner in the program.
    pub async fn tracker(&self, actor: &Actor, query: &TrackerQuery) -> Result<TrackerView> {
        actor.require(Action::ReadInternal)?;
        let checked = check(query, actor.today())?;
        let (mut rows, view) = self.tracker_rows(&checked).await?;
        sort(&mut rows, checked.sort, checked.descending);
        let start = match checked.page.after {
            None => 0,
            Some(after) => {
                rows.iter()
                    .position(|r| r.partner_id == after)
                    .ok_or_else(|| {
                        Error::Invalid(vec![domain::FieldError {
                            field: "cursor".into(),
                            message: "names a partner no longer in this list; start again from the first page".into(),
                        }])
                    })?
                    + 1
            }
        };
        let limit = usize::try_from(checked.page.limit).unwrap_or(usize::MAX);
        let shown: Vec<TrackerRow> = rows.into_iter().skip(start).take(limit).collect();
        Ok(TrackerView {
            rows: checked.page.page(shown, |r| r.partner_id),
            ..view
        })
    }

    /// The whole tracker (no paging) as a report table, for downloads and `partneros report`.
    pub async fn tracker_table(&self, actor: &Actor, query: &TrackerQuery) -> Result<Table> {
        actor.require(Action::ReadInternal)?;
        let checked = check(query, actor.today())?;
        let (mut rows, view) = self.tracker_rows(&checked).await?;
        sort(&mut rows, checked.sort, checked.descending);
        let mut columns = vec![
            "Partner".to_owned(),
            "Tier".into(),
            "Partner manager".into(),
        ];
        columns.push("Monthly pace".into());
        columns.extend(view.months.iter().map(|m| format!("Won {m}")));
        columns.extend(["Total won".into(), "Underperforming".into()]);
        let currency = view.currency;
        let rows = rows
            .into_iter()
            .map(|row| {
                let mut cells = vec![
                    Cell::Text(row.partner),
                    Cell::Text(row.tier),
                    row.owner.map_or(Cell::Empty, Cell::Text),
                    Cell::Money(row.pace, currency.clone()),
                ];
                cells.extend(row.won.iter().map(|w| Cell::Money(*w, currency.clone())));
                cells.push(Cell::Money(row.total, currency.clone()));
                cells.push(Cell::Flag(row.underperforming));
                cells
            })
            .collect();
        Ok(Table {
            title: "Performance tracker".into(),
            columns,
            rows,
        })
    }

    /// Every partner's row (unsorted) and the view around them with no rows yet.
    async fn tracker_rows(&self, checked: &Checked) -> Result<(Vec<TrackerRow>, TrackerView)> {
        let (_, program) = self.program_in_force().await?;
        let policy = &program.policies.tracker;
        let mut tx = self.db.read().await?;
        let partners = store::partners::list(
            &mut tx,
            &store::partners::PartnerFilter {
                tier: checked.tier.clone(),
                owner_id: checked.owner,
                limit: i64::MAX,
                ..Default::default()
            },
        )
        .await?;
        let first = checked.months.first().map_or(Date::MIN, |m| {
            Date::from_calendar_date(m.year, m.month, 1).expect("every month has a first day")
        });
        let mut sums = store::rollups::wins(&mut tx, first).await?;
        if program.policies.co_sell.credit_requires_logged_activity {
            let uncredited = store::deals::uncredited_wins(&mut tx, first).await?;
            sums = without(sums, uncredited);
        }
        let rates = crate::rates::rates_into(&mut tx, &program).await?;
        drop(tx);
        let (counted, not_counted) = crate::rates::won_sums_in_program_currency(sums, &rates);
        let mut wins: HashMap<Uuid, Vec<(Date, Decimal, usize)>> = HashMap::new();
        for (partner, sum, amount) in counted {
            let deals = usize::try_from(sum.deals).unwrap_or(0);
            wins.entry(partner)
                .or_default()
                .push((sum.closed_on, amount, deals));
        }
        let rows = partners
            .into_iter()
            .filter(|p| p.out_of_program().is_none())
            .map(|partner| {
                let rank = program.tier_index(&partner.tier);
                let tier = rank.map(|i| &program.tiers[i]);
                let pace = tier.map_or(Decimal::ZERO, |t| monthly_pace(t.keep.sourced_revenue_12m));
                let of_partner = wins.get(&partner.id).map_or(&[][..], Vec::as_slice);
                let amounts: Vec<(Date, Decimal)> =
                    of_partner.iter().map(|(day, a, _)| (*day, *a)).collect();
                let won = domain::tracker::by_month(&amounts, &checked.months);
                let deals_won = checked
                    .months
                    .iter()
                    .map(|m| {
                        of_partner
                            .iter()
                            .filter(|(day, _, _)| YearMonth::of(*day) == *m)
                            .map(|(_, _, n)| n)
                            .sum()
                    })
                    .collect();
                TrackerRow {
                    partner_id: partner.id,
                    partner: partner.display_name,
                    tier: tier.map_or(partner.tier.clone(), |t| t.name.clone()),
                    tier_key: partner.tier,
                    tier_rank: rank.unwrap_or(usize::MAX),
                    owner: partner.owner_name,
                    pace,
                    slow: domain::tracker::slow_months(&won, pace, policy),
                    underperforming: underperforming(&won, pace, policy),
                    total: won.iter().sum(),
                    won,
                    deals_won,
                }
            })
            .collect();
        let view = TrackerView {
            months: checked.months.iter().map(ToString::to_string).collect(),
            currency: rates.to_currency().to_owned(),
            underperform_below_percent: policy.underperform_below_percent,
            underperform_months: policy.underperform_months,
            rows: Page {
                items: Vec::new(),
                next_cursor: None,
            },
            not_counted: not_counted.into_iter().map(|n| n.note).collect(),
        };
        Ok((rows, view))
    }
}

/// The rollups' confirmed wins less the wins among them the co-sell policy gives no credit,
/// per partner, currency and close day (each sum still converted once).
fn without(
    sums: Vec<(Uuid, WonSum)>,
    uncredited: Vec<store::deals::WonRow>,
) -> Vec<(Uuid, WonSum)> {
    let mut by_key: BTreeMap<(Uuid, String, Date), WonSum> = sums
        .into_iter()
        .map(|(partner, sum)| ((partner, sum.currency.clone(), sum.closed_on), sum))
        .collect();
    for win in uncredited {
        if let Some(sum) = by_key.get_mut(&(win.partner_id, win.currency, win.closed_on)) {
            sum.deals -= 1;
            sum.amount_minor -= win.closed_amount_minor;
        }
    }
    by_key
        .into_iter()
        .filter(|(_, sum)| sum.deals > 0)
        .map(|((partner, _, _), sum)| (partner, sum))
        .collect()
}

fn check(query: &TrackerQuery, today: Date) -> Result<Checked> {
    let mut v = domain::Validation::new();
    let months = query.months.unwrap_or(DEFAULT_MONTHS);
    if !MONTHS.contains(&months) {
        v.add("months", "must be between 1 and 12");
    }
    let owner = match query.owner.trim() {
        "" => None,
        text => Uuid::parse_str(text).ok().or_else(|| {
            v.add("owner", "is not a user id");
            None
        }),
    };
    let sort = match query.sort.as_str() {
        "" | "partner" => Sort::Partner,
        "tier" => Sort::Tier,
        "total" => Sort::Total,
        "latest" => Sort::Latest,
        "flag" => Sort::Flag,
        _ => {
            v.add("sort", "must be partner, tier, total, latest or flag");
            Sort::Partner
        }
    };
    let descending = match query.order.as_str() {
        "" | "asc" => false,
        "desc" => true,
        _ => {
            v.add("order", "must be asc or desc");
            false
        }
    };
    let page = crate::paging::check(&mut v, &query.cursor, query.limit);
    v.into_result().map_err(Error::Invalid)?;
    let tier = Some(query.tier.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    Ok(Checked {
        months: complete_months(today, months as usize),
        tier,
        owner,
        sort,
        descending,
        page,
    })
}

/// Rows in the asked order; ties broken by partner name, then id, so pages never overlap.
fn sort(rows: &mut [TrackerRow], by: Sort, descending: bool) {
    rows.sort_by(|a, b| {
        let primary = match by {
            Sort::Partner => std::cmp::Ordering::Equal,
            Sort::Tier => a.tier_rank.cmp(&b.tier_rank),
            Sort::Total => a.total.cmp(&b.total),
            Sort::Latest => a.won.last().cmp(&b.won.last()),
            // Underperforming first when ascending.
            Sort::Flag => b.underperforming.cmp(&a.underperforming),
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        let by_name = a
            .partner
            .to_lowercase()
            .cmp(&b.partner.to_lowercase())
            .then(a.partner_id.cmp(&b.partner_id));
        match by {
            Sort::Partner if descending => primary.then(by_name.reverse()),
            _ => primary.then(by_name),
        }
    });
}
