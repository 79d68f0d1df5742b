use super::*;
use crate::program::evaluation::{PartnerFacts, evaluate, keeps_tier};

fn silver_partner() -> PartnerFacts {
    PartnerFacts {
        sourced_revenue_12m: Decimal::from(380_000),
        certified_people: 4,
        advanced_certified_people: 2,
        customer_references: 10,
        qbrs_per_year: 4,
        executive_sponsor: Some(SponsorLevel::Vp),
        co_marketing_per_year: 2,
        ipp_score: 70,
        certifications: Default::default(),
    }
}

#[test]
fn qualifies_for_the_highest_tier_met_and_explains_the_gap() {
    let program = default_program();
    let evaluation = evaluate(&program, &silver_partner());
    assert_eq!(evaluation.qualifies_for, Some(2), "Silver");
    let (next, sentence) = evaluation.next.unwrap();
    assert_eq!(next, 3);
    assert_eq!(
        sentence,
        "$120,000 more closed-won revenue and 1 more certified person to reach Gold"
    );
    let gold = &evaluation.tiers[3];
    let revenue = gold
        .iter()
        .find(|c| c.criterion == "sourced_revenue_12m")
        .unwrap();
    assert_eq!(
        (
            revenue.required.as_str(),
            revenue.actual.as_str(),
            revenue.met
        ),
        ("$500,000", "$380,000", false)
    );
    assert!(
        gold.iter()
            .find(|c| c.criterion == "customer_references")
            .unwrap()
            .met
    );
}

#[test]
fn nobody_and_top_tier_edges() {
    let program = default_program();
    let nothing = evaluate(&program, &PartnerFacts::default());
    assert_eq!(nothing.qualifies_for, Some(0), "Registered asks nothing");
    assert_eq!(
        nothing.next.unwrap().1,
        "1 more certified person, 1 more customer reference and 1 more QBR this year to reach Bronze"
    );
    let top = PartnerFacts {
        sourced_revenue_12m: Decimal::from(2_000_000),
        certified_people: 9,
        advanced_certified_people: 4,
        customer_references: 20,
        qbrs_per_year: 12,
        executive_sponsor: Some(SponsorLevel::CLevel),
        co_marketing_per_year: 4,
        ipp_score: 90,
        certifications: Default::default(),
    };
    let evaluation = evaluate(&program, &top);
    assert_eq!(evaluation.qualifies_for, Some(4));
    assert!(evaluation.next.is_none());
}

#[test]
fn keep_criteria_are_gentler_than_entry() {
    let program = default_program();
    let mut facts = silver_partner();
    facts.sourced_revenue_12m = Decimal::from(80_000);
    assert_eq!(
        evaluate(&program, &facts).qualifies_for,
        Some(1),
        "below Silver entry"
    );
    assert!(
        keeps_tier(&program, 2, &facts),
        "but above Silver keep ($75K)"
    );
    facts.sourced_revenue_12m = Decimal::from(70_000);
    assert!(!keeps_tier(&program, 2, &facts));
}

fn facts_strategy() -> impl Strategy<Value = PartnerFacts> {
    (
        0u64..3_000_000,
        0u32..12,
        0u32..6,
        0u32..20,
        0u32..14,
        0usize..4,
        0u32..6,
        0u32..101,
    )
        .prop_map(
            |(revenue, certified, advanced, references, qbrs, sponsor, co_marketing, ipp)| {
                PartnerFacts {
                    sourced_revenue_12m: Decimal::from(revenue),
                    certified_people: certified,
                    advanced_certified_people: advanced.min(certified),
                    customer_references: references,
                    qbrs_per_year: qbrs,
                    executive_sponsor: [
                        None,
                        Some(SponsorLevel::None),
                        Some(SponsorLevel::Vp),
                        Some(SponsorLevel::CLevel),
                    ][sponsor],
                    co_marketing_per_year: co_marketing,
                    ipp_score: ipp,
                    certifications: [("sales_advanced".to_owned(), certified / 2)].into(),
                }
            },
        )
}

proptest! {
    #[test]
    fn raising_a_threshold_never_upgrades_anyone(facts in facts_strategy(), tier in 0usize..5, bump in 1u32..500_000) {
        let program = default_program();
        let before = evaluate(&program, &facts).qualifies_for;
        let mut stricter = program.clone();
        stricter.tiers[tier].entry.sourced_revenue_12m += Decimal::from(bump);
        stricter.tiers[tier].entry.certified_people += bump % 3;
        let after = evaluate(&stricter, &facts).qualifies_for;
        prop_assert!(after <= before, "{:?} -> {:?}", before, after);
    }

    #[test]
    fn the_fast_path_agrees_with_the_explained_evaluation(facts in facts_strategy()) {
        let program = default_program();
        prop_assert_eq!(
            crate::program::evaluation::qualifies_for(&program, &facts),
            evaluate(&program, &facts).qualifies_for
        );
        for tier in &program.tiers {
            let explained = crate::program::evaluation::check_criteria(&tier.keep, &facts, &program).iter().all(|c| c.met);
            prop_assert_eq!(crate::program::evaluation::meets(&tier.keep, &facts), explained);
        }
    }

    #[test]
    fn evaluation_is_deterministic(facts in facts_strategy()) {
        let program = default_program();
        prop_assert_eq!(evaluate(&program, &facts), evaluate(&program, &facts));
    }

    #[test]
    fn more_of_everything_never_lowers_the_tier(facts in facts_strategy(), extra in 0u32..5) {
        let program = default_program();
        let mut better = facts.clone();
        better.sourced_revenue_12m += Decimal::from(extra * 100_000);
        better.certified_people += extra;
        better.customer_references += extra;
        prop_assert!(evaluate(&program, &better).qualifies_for >= evaluate(&program, &facts).qualifies_for);
    }
}
