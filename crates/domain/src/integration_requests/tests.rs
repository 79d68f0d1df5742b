use rust_decimal::Decimal;
use time::macros::date;
use uuid::Uuid;

use super::*;
use crate::money::rates::{Rate, Rates};

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// Into USD: 1 EUR = 1.1 USD and 1 JPY = 0.0067 USD from 2026-01-01; no GBP rate.
fn rates() -> Rates {
    Rates::new(
        "USD",
        [
            Rate {
                currency: "EUR".into(),
                effective_on: date!(2026 - 01 - 01),
                rate: d("1.1"),
            },
            Rate {
                currency: "JPY".into(),
                effective_on: date!(2026 - 01 - 01),
                rate: d("0.0067"),
            },
        ],
    )
}

fn ask(partner: u128, customer: &str, amount: &str, currency: &str) -> Ask {
    Ask {
        partner_id: Uuid::from_u128(partner),
        customer: customer.into(),
        amount: d(amount),
        currency: currency.into(),
    }
}

#[test]
fn mixed_currencies_are_summed_per_currency_converted_once_and_never_added_without_a_rate() {
    let asks = [
        ask(1, "Acme", "10000.00", "EUR"),
        ask(1, " acme ", "5000.50", "EUR"),
        ask(2, "Globex", "1000000", "JPY"),
        ask(2, "Initech", "100", "GBP"),
        ask(3, "Umbrella", "2500.00", "USD"),
    ];
    let got = demand(&asks, &rates(), date!(2026 - 06 - 01));
    // EUR 15000.50 × 1.1 = 16500.55; JPY 1,000,000 × 0.0067 = 6700.00; USD 2500.00:
    // 16500.55 + 6700.00 + 2500.00 = 25700.55. GBP has no rate: shown apart.
    assert_eq!(got.revenue, d("25700.55"));
    assert_eq!(got.not_converted, vec![("GBP".to_owned(), d("100"))]);
    assert_eq!(got.partners, 3);
    // Acme twice from partner 1 is one customer.
    assert_eq!(got.customers, 4);
}

#[test]
fn the_rate_in_force_on_the_day_and_one_rounding_half_to_even() {
    // Before any rate: nothing converts.
    let early = demand(
        &[ask(1, "Acme", "10", "EUR")],
        &rates(),
        date!(2025 - 12 - 31),
    );
    assert_eq!(early.revenue, d("0"));
    assert_eq!(early.not_converted, vec![("EUR".to_owned(), d("10"))]);
    // 0.05 × 1.1 = 0.055 → 0.06 (half to even: 5 is odd, up); 0.15 × 1.1 = 0.165 → 0.16.
    let day = date!(2026 - 02 - 01);
    assert_eq!(
        demand(&[ask(1, "A", "0.05", "EUR")], &rates(), day).revenue,
        d("0.06")
    );
    assert_eq!(
        demand(&[ask(1, "A", "0.15", "EUR")], &rates(), day).revenue,
        d("0.16")
    );
    // Two asks of 0.05 EUR: summed first (0.10 × 1.1 = 0.11), not 0.06 + 0.06.
    let two = [ask(1, "A", "0.05", "EUR"), ask(2, "B", "0.05", "EUR")];
    assert_eq!(demand(&two, &rates(), day).revenue, d("0.11"));
}

#[test]
fn ranking_is_by_revenue_then_the_older_request() {
    let worth = |revenue: &str| Demand {
        revenue: d(revenue),
        not_converted: Vec::new(),
        partners: 1,
        customers: 1,
    };
    let mut items = vec![
        ("first", 1, worth("25700.55")),
        ("second", 2, worth("30000.00")),
        ("third", 3, worth("25700.55")),
        ("fourth", 4, worth("0.06")),
    ];
    rank(&mut items);
    let order: Vec<&str> = items.iter().map(|i| i.0).collect();
    assert_eq!(order, ["second", "first", "third", "fourth"]);
}

#[test]
fn every_bad_field_is_named() {
    let form = Form {
        title: " ".into(),
        description: "Sync deals both ways".into(),
        system: "Salesforce".into(),
        customers: vec![
            CustomerForm {
                name: "Acme".into(),
                amount: "0".into(),
                currency: "EUR".into(),
                deal_id: None,
            },
            CustomerForm {
                name: "Globex".into(),
                amount: "12.5".into(),
                currency: "JPY".into(),
                deal_id: None,
            },
            CustomerForm {
                name: "Initech".into(),
                amount: "100".into(),
                currency: "ABC".into(),
                deal_id: None,
            },
            CustomerForm {
                name: "".into(),
                amount: "".into(),
                currency: "".into(),
                deal_id: None,
            },
        ],
    };
    let errors = validate(&form, "USD").unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "title",
            "customers[0].amount",
            "customers[1].amount",
            "customers[2].currency",
            "customers[3].name",
            "customers[3].amount",
        ]
    );
    assert_eq!(errors[1].message, "must be above zero");
    assert_eq!(errors[2].message, "JPY amounts have no decimals");
    let none = validate(
        &Form {
            customers: Vec::new(),
            ..form
        },
        "USD",
    )
    .unwrap_err();
    assert!(none.iter().any(|e| e.field == "customers"));
}

#[test]
fn a_good_request_reads_back_typed() {
    let deal = Uuid::from_u128(9);
    let form = Form {
        title: "Salesforce sync".into(),
        description: "Deals both ways".into(),
        system: "Salesforce".into(),
        customers: vec![
            CustomerForm {
                name: "Acme".into(),
                amount: "1,250.50".into(),
                currency: "eur".into(),
                deal_id: Some(deal),
            },
            // No currency: the program's.
            CustomerForm {
                name: "Globex".into(),
                amount: "300.25".into(),
                currency: " ".into(),
                deal_id: None,
            },
        ],
    };
    let input = validate(&form, "USD").unwrap();
    assert_eq!(
        input.customers,
        [
            CustomerInput {
                name: "Acme".into(),
                amount: d("1250.50"),
                currency: "EUR".into(),
                deal_id: Some(deal),
            },
            CustomerInput {
                name: "Globex".into(),
                amount: d("300.25"),
                currency: "USD".into(),
                deal_id: None,
            },
        ]
    );
    // The program's currency rules the amount it takes: yen have no decimals.
    let errors = validate(&form, "JPY").unwrap_err();
    assert_eq!(errors[0].field, "customers[1].amount");
    assert_eq!(errors[0].message, "JPY amounts have no decimals");
}

#[test]
fn moves_and_final_states() {
    assert_eq!(
        next(State::Submitted, Transition::Review),
        Ok(State::UnderReview)
    );
    assert_eq!(
        next(State::UnderReview, Transition::Plan),
        Ok(State::Planned)
    );
    assert_eq!(next(State::Planned, Transition::Ship), Ok(State::Shipped));
    assert_eq!(
        next(State::Submitted, Transition::Decline),
        Ok(State::Declined)
    );
    let refused = next(State::Submitted, Transition::Ship).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "a request that is submitted cannot be moved by 'Mark shipped' (only from: under review, planned)"
    );
    assert!(State::Declined.moves().is_empty());
    assert!(State::Shipped.is_final());
    assert_eq!(
        State::UnderReview.moves(),
        [Transition::Plan, Transition::Decline, Transition::Ship]
    );
    assert_eq!(reference(42), "INT-000042");
}

#[test]
fn a_reference_reads_back_as_its_number_however_it_is_typed() {
    assert_eq!(reference(123), "INT-000123");
    assert_eq!(number_of("INT-000123"), Some(123));
    assert_eq!(number_of(" int-123 "), Some(123));
    assert_eq!(number_of("INT-0"), None);
    assert_eq!(number_of("INT-"), None);
    assert_eq!(number_of("INT-+12"), None);
    assert_eq!(number_of("DR-000123"), None);
    assert_eq!(number_of("123"), None);
    assert_eq!(number_of("INT-99999999999999999999"), None);
}
