use super::*;
use ipp::{IppAnswers, IppVerdict, ipp_fit};
use scoring_3c4c::{Band, Scores, score};

fn all_scored(value: u8) -> IppAnswers {
    let profile = ipp::Ipp::default();
    IppAnswers {
        scores: profile
            .categories
            .iter()
            .flat_map(|c| c.criteria.iter().map(|k| (k.key.clone(), value)))
            .collect(),
        red_flags: Default::default(),
    }
}

#[test]
fn fit_score_runs_from_0_to_100_with_contributions() {
    let profile = ipp::Ipp::default();
    let top = ipp_fit(&profile, &all_scored(5));
    assert_eq!(top.score, Decimal::from(100));
    assert_eq!(top.verdict, IppVerdict::Fit);
    let sum: Decimal = top.criteria.iter().map(|c| c.contribution).sum();
    assert!(
        (sum - Decimal::from(100)).abs() < Decimal::new(5, 2),
        "{sum}"
    );
    let geography = top.criteria.iter().find(|c| c.key == "geography").unwrap();
    assert_eq!(
        geography.max_contribution,
        Decimal::new(667, 2),
        "20 points over 3 criteria"
    );

    let mut answers = all_scored(3);
    answers.scores.insert("deal_economics".into(), 0);
    let result = ipp_fit(&profile, &answers);
    assert_eq!(result.score, Decimal::from(54), "60 - 6 for economics");
    assert_eq!(result.verdict, IppVerdict::Fit);
}

#[test]
fn a_must_have_category_below_its_minimum_is_not_a_fit() {
    let profile = ipp::Ipp::default();
    let mut answers = all_scored(5);
    answers.scores.insert("integrations".into(), 0);
    answers.scores.insert("certifications_delivery".into(), 5);
    let result = ipp_fit(&profile, &answers);
    assert_eq!(result.verdict, IppVerdict::BelowMinimum);
    assert_eq!(
        result.reasons,
        ["Capability averages 2.5 of 5, below the minimum of 3"]
    );
    answers.scores.insert("integrations".into(), 1);
    assert_eq!(
        ipp_fit(&profile, &answers).verdict,
        IppVerdict::Fit,
        "3.0 meets 3"
    );
}

#[test]
fn any_red_flag_disqualifies_and_says_why() {
    let profile = ipp::Ipp::default();
    let mut answers = all_scored(5);
    answers.red_flags.insert("direct_competitor".into());
    let result = ipp_fit(&profile, &answers);
    assert_eq!(result.verdict, IppVerdict::Disqualified);
    assert_eq!(result.score, Decimal::from(100), "the score still shows");
    assert_eq!(result.reasons, ["red flag: Is a direct competitor"]);
}

#[test]
fn ipp_answers_are_validated_by_name() {
    let profile = ipp::Ipp::default();
    let mut answers = all_scored(6);
    answers.scores.insert("charisma".into(), 2);
    answers.red_flags.insert("too_big".into());
    let errors = answers.validate(&profile).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"charisma")
            && fields.contains(&"too_big")
            && fields.contains(&"geography"),
        "{fields:?}"
    );
    assert!(all_scored(5).validate(&profile).is_ok());
}

#[test]
fn bands_follow_the_playbook_boundaries() {
    let config = scoring_3c4c::Scoring3c4c::default();
    let s = |capacity, capability, commitment, customers| Scores {
        capacity,
        capability,
        commitment,
        customers,
    };
    // 3C weights 30/40/30.
    assert_eq!(score(&config, &s(4, 4, 3, None)).score, Decimal::new(37, 1));
    assert_eq!(score(&config, &s(4, 4, 3, None)).band, Band::Go);
    assert_eq!(
        score(&config, &s(3, 3, 3, None)).band,
        Band::Develop,
        "3.0 is develop"
    );
    assert_eq!(
        score(&config, &s(2, 3, 3, None)).band,
        Band::Conditional,
        "2.7"
    );
    assert_eq!(
        score(&config, &s(3, 2, 3, None)).band,
        Band::Conditional,
        "2.6"
    );
    assert_eq!(score(&config, &s(2, 2, 3, None)).band, Band::NoGo, "2.3");
    // 4C weights 25/30/25/20: 3*.25 + 4*.3 + 3*.25 + 4*.2 = 3.5 → go.
    let four = score(&config, &s(3, 4, 3, Some(4)));
    assert_eq!((four.score, four.band), (Decimal::new(350, 2), Band::Go));
    // 3.45 shows as 3.45 and stays below go.
    let mut custom = config.clone();
    custom.weights_3c = scoring_3c4c::Weights3c {
        capacity: 45,
        capability: 55,
        commitment: 0,
    };
    let edge = score(&custom, &s(3, 4, 0, None)); // 1.35 + 2.2 = 3.55
    assert_eq!(edge.band, Band::Go);
    custom.weights_3c = scoring_3c4c::Weights3c {
        capacity: 55,
        capability: 45,
        commitment: 0,
    };
    let edge = score(&custom, &s(3, 4, 0, None)); // 1.65 + 1.8 = 3.45
    assert_eq!(
        (edge.score, edge.band),
        (Decimal::new(345, 2), Band::Develop)
    );
    assert!(s(6, 0, 0, Some(9)).validate().is_err());
}

proptest! {
    #[test]
    fn fit_score_stays_in_range_and_rises_with_any_score(scores in proptest::collection::vec(0u8..=5, 9), bump in 0usize..9) {
        let profile = ipp::Ipp::default();
        let keys: Vec<String> = profile.categories.iter().flat_map(|c| c.criteria.iter().map(|k| k.key.clone())).collect();
        let answers = IppAnswers { scores: keys.iter().cloned().zip(scores.iter().copied()).collect(), red_flags: Default::default() };
        let result = ipp_fit(&profile, &answers);
        prop_assert!(result.score >= Decimal::ZERO && result.score <= Decimal::from(100));
        let mut better = answers.clone();
        let key = &keys[bump];
        let current = better.scores[key];
        better.scores.insert(key.clone(), (current + 1).min(5));
        prop_assert!(ipp_fit(&profile, &better).score >= result.score);
    }

    #[test]
    fn a_higher_c_never_lowers_the_band(capacity in 0u8..=5, capability in 0u8..=5, commitment in 0u8..=5, customers in proptest::option::of(0u8..=5)) {
        let config = scoring_3c4c::Scoring3c4c::default();
        let base = Scores { capacity, capability, commitment, customers };
        let better = Scores { capacity: (capacity + 1).min(5), ..base };
        let rank = |b: Band| [Band::NoGo, Band::Conditional, Band::Develop, Band::Go].iter().position(|x| *x == b).unwrap();
        prop_assert!(rank(score(&config, &better).band) >= rank(score(&config, &base).band));
    }
}
