use super::*;
use crate::program::evaluation::PartnerFacts;
use simulation::{Direction, SimPartner, simulate};

fn partner(name: &str, revenue: i64, certified: u32, references: u32, qbrs: u32) -> SimPartner {
    SimPartner {
        name: name.into(),
        facts: PartnerFacts {
            sourced_revenue_12m: Decimal::from(revenue),
            certified_people: certified,
            advanced_certified_people: 1.min(certified),
            customer_references: references,
            qbrs_per_year: qbrs,
            ..Default::default()
        },
    }
}

fn book() -> Vec<SimPartner> {
    vec![
        partner("Silver at 120K", 120_000, 3, 5, 2),
        partner("Silver at 400K", 400_000, 3, 5, 2),
        partner("Bronze", 20_000, 1, 1, 1),
        partner("Nothing yet", 0, 0, 0, 0),
    ]
}

#[test]
fn the_same_program_moves_nobody() {
    let program = default_program();
    let result = simulate(&program, &program, &book());
    assert!(result.moves.is_empty());
    assert_eq!(result.unchanged, 4);
    assert_eq!(result.current, result.proposed);
    // 15% of 120K + 15% of 400K + 10% of 20K; MDF 10K + 10K + 0.
    assert_eq!(result.current.discount_exposure, Decimal::from(80_000));
    assert_eq!(result.current.mdf_allocation, Decimal::from(20_000));
    let counts: Vec<usize> = result.current.by_tier.iter().map(|(_, n)| *n).collect();
    assert_eq!(
        counts,
        [1, 1, 2, 0, 0],
        "the partner with nothing still meets Registered"
    );
}

#[test]
fn raising_silvers_revenue_bar_moves_the_120k_partner_down_and_saves_benefits() {
    let current = default_program();
    let text = DEFAULT_PROGRAM.replacen(
        "sourced_revenue_12m = 100000",
        "sourced_revenue_12m = 150000",
        1,
    );
    let proposed = parse(&text).0.unwrap();
    let result = simulate(&current, &proposed, &book());
    assert_eq!(result.moves.len(), 1);
    let m = &result.moves[0];
    assert_eq!(
        (m.partner, m.from.as_deref(), m.to.as_deref(), m.direction),
        (0, Some("Silver"), Some("Bronze"), Direction::Down)
    );
    assert_eq!(
        result.current.discount_exposure - result.proposed.discount_exposure,
        Decimal::from(6_000),
        "(15% − 10%) × 120K"
    );
    assert_eq!(
        result.current.mdf_allocation - result.proposed.mdf_allocation,
        Decimal::from(10_000)
    );
}

#[test]
fn a_renamed_tier_is_reclassified_and_mdf_can_follow_revenue() {
    let current = default_program();
    let text = DEFAULT_PROGRAM
        .replacen("key = \"silver\"", "key = \"silver_plus\"", 1)
        .replacen("silver = 15\n", "silver_plus = 15\n", 1)
        .replacen(
            "budget_basis = \"tier\"",
            "budget_basis = \"revenue_percent\"",
            1,
        );
    let (proposed, issues) = parse(&text);
    let proposed = proposed.unwrap_or_else(|| panic!("{issues:?}"));
    let result = simulate(&current, &proposed, &book());
    assert_eq!(result.moves.len(), 2);
    assert!(
        result
            .moves
            .iter()
            .all(|m| m.direction == Direction::Reclassified)
    );
    // 15% of each partner's revenue, whatever its tier: 15% × 540K.
    assert_eq!(result.proposed.mdf_allocation, Decimal::from(81_000));
}

proptest! {
    #[test]
    fn raising_a_threshold_never_moves_anyone_up(revenues in proptest::collection::vec(0i64..2_000_000, 1..20), tier in 1usize..5, bump in 1i64..500_000) {
        let current = default_program();
        let mut proposed = current.clone();
        proposed.tiers[tier].entry.sourced_revenue_12m += Decimal::from(bump);
        let partners: Vec<SimPartner> = revenues.iter().map(|r| partner("p", *r, 8, 15, 12)).collect();
        let result = simulate(&current, &proposed, &partners);
        prop_assert!(result.moves.iter().all(|m| m.direction == Direction::Down));
        prop_assert!(result.proposed.discount_exposure <= result.current.discount_exposure);
    }
}
