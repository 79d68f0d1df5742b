//! The pipeline's figures worked out by hand.
use super::*;
use crate::money::rates::Rate;
use rust_decimal::prelude::ToPrimitive;
use time::macros::date;

/// One registration with its partner, as the tests write them.
#[derive(Debug, Clone)]
struct PipelineDeal {
    partner: String,
    tier: String,
    status: Status,
    deal_size: Decimal,
    currency: String,
    probability: u8,
    expected_close: Date,
    registered_on: Date,
    closed_on: Option<Date>,
    closed_amount: Option<Decimal>,
    last_touched: Date,
    forecast_category: String,
    partner_out_of_program: bool,
    win_confirmed: bool,
}

fn minor(amount: Decimal) -> i64 {
    (amount * Decimal::ONE_HUNDRED).to_i64().unwrap()
}

/// The groups a store would keep of `deals`: each deal's contribution added to its
/// partner's line, its bucket and its won day, and counted stale by its last touch.
fn group(deals: &[PipelineDeal], today: Date, stale_after_days: u32) -> Groups {
    let mut groups = Groups::default();
    let stale_by = stale_on_or_before(today, stale_after_days);
    for deal in deals {
        let registration = Registration {
            status: deal.status,
            deal_size_minor: minor(deal.deal_size),
            currency: deal.currency.clone(),
            probability: deal.probability,
            expected_close: deal.expected_close,
            registered_on: deal.registered_on,
            closed_on: deal.closed_on,
            closed_amount_minor: deal.closed_amount.map(minor),
            last_activity_on: Some(deal.last_touched),
            forecast_category: deal.forecast_category.clone(),
            win_confirmed: deal.win_confirmed,
        };
        match contribution(&registration) {
            None => {}
            Some(Contribution::Open(part)) => {
                let sum = OpenSum {
                    deals: 1,
                    value_minor: part.value_minor,
                    weighted: part.weighted,
                };
                groups.stale += usize::from(part.touched_on <= stale_by);
                groups.partners.push(PartnerOpen {
                    partner: deal.partner.clone(),
                    tier: deal.tier.clone(),
                    out_of_program: deal.partner_out_of_program,
                    currency: part.currency.clone(),
                    sum,
                });
                if !deal.partner_out_of_program {
                    groups.buckets.push(BucketOpen {
                        quarter: part.quarter,
                        forecast_category: part.forecast_category,
                        currency: part.currency,
                        sum,
                    });
                }
            }
            Some(Contribution::Won(part)) => groups.won.push(WonSum {
                currency: part.currency,
                closed_on: part.closed_on,
                confirmed: part.confirmed,
                deals: 1,
                amount_minor: part.amount_minor,
                velocity_deals: i64::from(part.velocity_days.is_some()),
                velocity_days: part.velocity_days.unwrap_or(0),
            }),
        }
    }
    groups
}

fn sum(
    deals: &[PipelineDeal],
    today: Date,
    velocity_target_days: u32,
    stale_after_days: u32,
    rates: &Rates,
) -> PipelineSummary {
    summarize(
        &group(deals, today, stale_after_days),
        today,
        velocity_target_days,
        stale_after_days,
        rates,
    )
}

/// Dollars, with no rate for anything else.
fn dollars() -> Rates {
    Rates::new("USD", [])
}

/// Dollars, with one euro worth 1.1 dollars since 2026-01-01.
fn euro_at_1_1() -> Rates {
    Rates::new(
        "USD",
        [Rate {
            currency: "EUR".into(),
            effective_on: date!(2026 - 01 - 01),
            rate: "1.1".parse().unwrap(),
        }],
    )
}

fn deal(partner: &str, status: Status, size: i64, probability: u8, close: Date) -> PipelineDeal {
    PipelineDeal {
        partner: partner.into(),
        tier: "gold".into(),
        status,
        deal_size: Decimal::from(size),
        currency: "USD".into(),
        probability,
        expected_close: close,
        registered_on: date!(2026 - 10 - 01),
        closed_on: None,
        closed_amount: None,
        last_touched: date!(2026 - 11 - 20),
        forecast_category: "pipeline".into(),
        partner_out_of_program: false,
        win_confirmed: true,
    }
}

#[test]
fn a_win_counts_once_one_of_ours_confirmed_it() {
    let close = date!(2027 - 01 - 15);
    let won = |size, confirmed| PipelineDeal {
        closed_on: Some(date!(2026 - 11 - 11)),
        win_confirmed: confirmed,
        ..deal("Alpha", Status::Won, size, 100, close)
    };
    let summary = sum(
        &[won(7_000, true), won(999_999_999, false)],
        date!(2026 - 11 - 27),
        45,
        30,
        &dollars(),
    );
    assert_eq!(
        (summary.won.deals, summary.won.value),
        (1, Decimal::from(7_000))
    );
    assert_eq!(
        (summary.won_unconfirmed.deals, summary.won_unconfirmed.value),
        (1, Decimal::from(999_999_999))
    );
    // 2026-10-01 to 2026-11-11: the confirmed win's 41 days alone.
    assert_eq!(summary.velocity_days, Some(Decimal::from(41)));
}

#[test]
fn open_deals_of_a_partner_out_of_the_program_are_set_apart_its_wins_still_count() {
    let close = date!(2027 - 01 - 15);
    let exited = |status, size| PipelineDeal {
        partner_out_of_program: true,
        closed_on: (status == Status::Won).then_some(date!(2026 - 11 - 01)),
        ..deal("Echo", status, size, 50, close)
    };
    let summary = sum(
        &[
            deal("Alpha", Status::Approved, 10_000, 50, close),
            exited(Status::Approved, 30_000),
            exited(Status::Submitted, 2_000),
            exited(Status::Won, 7_000),
        ],
        date!(2026 - 11 - 27),
        45,
        30,
        &dollars(),
    );
    assert_eq!(
        (summary.open.deals, summary.open.value),
        (1, Decimal::from(10_000))
    );
    assert!(!summary.by_partner.contains_key("Echo"));
    let apart = &summary.out_of_program["Echo"];
    // 30,000 × 50 % + 2,000 × 50 % = 16,000.
    assert_eq!(
        (apart.deals, apart.value, apart.weighted),
        (2, Decimal::from(32_000), Decimal::from(16_000))
    );
    assert_eq!(
        (summary.won.deals, summary.won.value),
        (1, Decimal::from(7_000))
    );
}

#[test]
fn the_statuses_it_counts_are_exactly_those_it_sums() {
    use crate::validation::Choice;
    for &status in Status::ALL {
        let summary = sum(
            &[deal("Alpha", status, 1_000, 50, date!(2027 - 01 - 15))],
            date!(2026 - 11 - 27),
            45,
            30,
            &dollars(),
        );
        let summed = summary.open.deals + summary.won.deals > 0;
        assert_eq!(counts(status), summed, "{status:?}");
    }
}

#[test]
fn weighted_pipeline_velocity_and_stale_deals() {
    let today = date!(2026 - 11 - 27);
    let mut won = deal("Alpha", Status::Won, 50_000, 100, date!(2026 - 11 - 01));
    won.closed_on = Some(date!(2026 - 11 - 15));
    won.closed_amount = Some(Decimal::from(45_000));
    let mut stale = deal(
        "Bravo",
        Status::Submitted,
        10_000,
        10,
        date!(2027 - 01 - 15),
    );
    stale.last_touched = date!(2026 - 10 - 28);
    stale.tier = "silver".into();
    let deals = [
        deal(
            "Alpha",
            Status::Approved,
            100_000,
            40,
            date!(2026 - 12 - 20),
        ),
        deal("Alpha", Status::Draft, 999_999, 90, date!(2026 - 12 - 20)),
        deal("Alpha", Status::Lost, 999_999, 90, date!(2026 - 12 - 20)),
        stale,
        won,
    ];
    let s = sum(&deals, today, 45, 30, &dollars());
    assert_eq!(
        (s.open.deals, s.open.value, s.open.weighted),
        (2, Decimal::from(110_000), Decimal::from(41_000))
    );
    assert_eq!(s.by_quarter["2026-Q4"].weighted, Decimal::from(40_000));
    assert_eq!(s.by_quarter["2027-Q1"].weighted, Decimal::from(1_000));
    assert_eq!(s.by_tier["silver"].deals, 1);
    assert_eq!(
        s.by_partner["Alpha"].value,
        Decimal::from(100_000),
        "drafts, lost and won are not pipeline"
    );
    assert_eq!(s.won.value, Decimal::from(45_000), "what it closed at");
    assert_eq!(s.velocity_days, Some(Decimal::from(45)));
    assert_eq!(s.stale, 1, "30 days without activity");
    assert_eq!(sum(&[], today, 45, 30, &dollars()).velocity_days, None);
}

#[test]
fn other_currencies_are_converted_at_their_dated_rate_or_listed_apart() {
    let today = date!(2026 - 11 - 27);
    let dollars_open = deal(
        "Alpha",
        Status::Approved,
        490_000,
        50,
        date!(2027 - 01 - 15),
    );
    let mut yen_open = deal(
        "Bravo",
        Status::Approved,
        10_000_000,
        50,
        date!(2027 - 01 - 15),
    );
    yen_open.currency = "JPY".into();
    let mut euro_won = deal("Alpha", Status::Won, 20_000, 100, date!(2026 - 06 - 01));
    euro_won.currency = "EUR".into();
    euro_won.closed_on = Some(date!(2026 - 06 - 15));
    euro_won.closed_amount = Some(Decimal::from(20_000));
    let deals = [dollars_open, yen_open, euro_won];

    // Without rates: the yen and the euros are in no sum, and are listed per currency.
    let s = sum(&deals, today, 45, 30, &dollars());
    assert_eq!(
        (s.open.deals, s.open.value, s.open.weighted),
        (1, Decimal::from(490_000), Decimal::from(245_000)),
        "not 10,490,000"
    );
    assert_eq!(s.by_partner.get("Bravo"), None);
    assert_eq!((s.won.deals, s.won.value), (0, Decimal::ZERO));
    assert_eq!(
        s.unconverted["JPY"].note,
        "¥10,000,000 in 1 open deal — no JPY rate"
    );
    assert_eq!(
        s.unconverted["EUR"].note,
        "€20,000 in 1 won deal — no EUR rate"
    );
    assert_eq!(s.currency, "USD");
    assert!(s.rates_used.is_empty());

    // With dated rates: yen at today's rate (0.0067 from 2026-11-01, not the older 0.0070),
    // the euro win at its close date's (1.05 from 2026-01-01, not July's 1.10).
    let rate = |currency: &str, effective_on, rate: &str| Rate {
        currency: currency.into(),
        effective_on,
        rate: rate.parse().unwrap(),
    };
    let rates = Rates::new(
        "USD",
        [
            rate("JPY", date!(2026 - 01 - 01), "0.0070"),
            rate("JPY", date!(2026 - 11 - 01), "0.0067"),
            rate("EUR", date!(2026 - 01 - 01), "1.05"),
            rate("EUR", date!(2026 - 07 - 01), "1.10"),
        ],
    );
    let s = sum(&deals, today, 45, 30, &rates);
    // 490,000 + 10,000,000 × 0.0067 = 490,000 + 67,000; weighted half of each.
    assert_eq!(
        (s.open.deals, s.open.value, s.open.weighted),
        (2, Decimal::from(557_000), Decimal::from(278_500))
    );
    assert_eq!(s.by_partner["Bravo"].value, Decimal::from(67_000));
    // 20,000 × 1.05.
    assert_eq!((s.won.deals, s.won.value), (1, Decimal::from(21_000)));
    assert!(s.unconverted.is_empty());
    assert_eq!(
        s.rates_used
            .iter()
            .map(|r| format!("{} {} {}", r.currency, r.rate, r.effective_on))
            .collect::<Vec<_>>(),
        ["EUR 1.05 2026-01-01", "JPY 0.0067 2026-11-01"]
    );
}

#[test]
fn a_figure_converts_each_currency_and_rate_once_and_rounds_once() {
    let today = date!(2026 - 11 - 27);
    let euros = |size: &str| PipelineDeal {
        deal_size: size.parse().unwrap(),
        currency: "EUR".into(),
        ..deal("Alpha", Status::Approved, 0, 50, date!(2027 - 01 - 15))
    };
    let rates = euro_at_1_1();
    let s = sum(
        &[euros("10.01"), euros("10.01"), euros("10.01")],
        today,
        45,
        30,
        &rates,
    );
    // 30.03 × 1.1 = 33.033 → 33.03; weighted 15.015 × 1.1 = 16.5165 → 16.52 (each deal
    // rounded alone would give 3 × 5.51 = 16.53).
    assert_eq!(
        (s.open.deals, s.open.value, s.open.weighted),
        (3, "33.03".parse().unwrap(), "16.52".parse().unwrap())
    );
    assert_eq!(s.by_partner["Alpha"].weighted, "16.52".parse().unwrap());
}

#[test]
fn wins_converted_at_different_rates_are_rounded_apart() {
    let today = date!(2026 - 11 - 27);
    let won = |closed_on, amount: &str| PipelineDeal {
        currency: "EUR".into(),
        closed_on: Some(closed_on),
        closed_amount: Some(amount.parse().unwrap()),
        ..deal("Alpha", Status::Won, 1, 100, date!(2026 - 06 - 01))
    };
    let rate = |effective_on, rate: &str| Rate {
        currency: "EUR".into(),
        effective_on,
        rate: rate.parse().unwrap(),
    };
    let rates = Rates::new(
        "USD",
        [
            rate(date!(2026 - 01 - 01), "1.005"),
            rate(date!(2026 - 11 - 01), "1.5"),
        ],
    );
    let s = sum(
        &[
            won(date!(2026 - 10 - 02), "0.50"),
            won(date!(2026 - 10 - 20), "0.50"),
            won(date!(2026 - 11 - 10), "0.01"),
        ],
        today,
        45,
        30,
        &rates,
    );
    // October's two at 1.005: 1.00 × 1.005 = 1.005 → 1.00 (half to even); November's at
    // 1.5: 0.015 → 0.02. Won: 1.02 over 3 deals.
    assert_eq!((s.won.deals, s.won.value), (3, "1.02".parse().unwrap()));
    // Registered 2026-10-01: 1, 19 and 40 days, 20 on average.
    assert_eq!(s.velocity_days, Some(Decimal::from(20)));
}

#[test]
fn a_registration_contributes_by_its_status() {
    let registration = Registration {
        status: Status::Approved,
        deal_size_minor: 1_000_050,
        currency: "USD".into(),
        probability: 30,
        expected_close: date!(2027 - 04 - 01),
        registered_on: date!(2026 - 10 - 01),
        closed_on: None,
        closed_amount_minor: None,
        last_activity_on: Some(date!(2026 - 09 - 30)),
        forecast_category: "commit".into(),
        win_confirmed: false,
    };
    assert_eq!(
        contribution(&registration),
        Some(Contribution::Open(OpenPart {
            status: Status::Approved,
            currency: "USD".into(),
            quarter: "2027-Q2".into(),
            forecast_category: "commit".into(),
            // An activity dated before the registration touches nothing earlier.
            touched_on: date!(2026 - 10 - 01),
            value_minor: 1_000_050,
            weighted: 30_001_500,
        }))
    );
    let won = Registration {
        status: Status::Won,
        closed_on: Some(date!(2026 - 11 - 15)),
        closed_amount_minor: Some(900_000),
        win_confirmed: true,
        ..registration.clone()
    };
    assert_eq!(
        contribution(&won),
        Some(Contribution::Won(WonPart {
            currency: "USD".into(),
            closed_on: date!(2026 - 11 - 15),
            confirmed: true,
            amount_minor: 900_000,
            velocity_days: Some(45),
        }))
    );
    for status in [
        Status::Draft,
        Status::Lost,
        Status::Rejected,
        Status::Expired,
    ] {
        let other = Registration {
            status,
            ..registration.clone()
        };
        assert_eq!(contribution(&other), None, "{status:?}");
    }
}

#[test]
fn the_program_total_from_sums_per_currency_is_the_summary_figure() {
    let today = date!(2026 - 11 - 27);
    let rates = euro_at_1_1();
    let open = |deals, value_minor, weighted| OpenSum {
        deals,
        value_minor,
        weighted,
    };
    let sums = [
        // $490,000 at 50 %: weighted in hundredths × percent.
        ("USD".to_owned(), open(1, 49_000_000, 2_450_000_000)),
        // €30.03 over three deals at 50 %: 33.033 → $33.03, weighted 16.5165 → $16.52.
        ("EUR".to_owned(), open(3, 3_003, 150_150)),
        ("JPY".to_owned(), open(1, 1_000_000_000, 50_000_000_000)),
    ];
    let (line, apart) = open_total(&sums, today, &rates);
    assert_eq!(
        (line.deals, line.value, line.weighted),
        (
            4,
            "490033.03".parse().unwrap(),
            "245016.52".parse().unwrap()
        )
    );
    assert_eq!(apart.len(), 1);
    assert_eq!(
        apart["JPY"].note,
        "¥10,000,000 in 1 open deal — no JPY rate"
    );
}

#[test]
fn the_open_pipeline_counts_submitted_questioned_and_approved_registrations() {
    assert_eq!(
        open_statuses().collect::<Vec<_>>(),
        [
            Status::Submitted,
            Status::MoreInfoRequested,
            Status::Approved
        ]
    );
}
