//! Deterministic generated data: partners, their facts and eight quarters of history. The
//! same number gives the same partner, on every machine.

use domain::Choice;
use domain::partners::{GtmModel, LifecycleStage, PartnerFields, PartnerType, Region};
use domain::program::history::QuarterFacts;
use domain::quarter::Quarter;

const WORDS: &[&str] = &[
    "Acme",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Wingtip",
    "Adatum",
    "Litware",
    "Proseware",
    "Lucerne",
    "Coho",
    "Alpine",
    "Woodgrove",
    "Relecloud",
    "Datum",
    "Olympia",
    "Lamna",
    "Nordlicht",
    "Maple",
    "Harbour",
    "Baltic",
    "Andes",
];

const KINDS: &[&str] = &[
    "Cloud",
    "Systems",
    "Consulting",
    "Digital",
    "Integration",
    "Analytics",
    "Security",
    "Networks",
    "Labs",
    "Data",
];

const SUFFIXES: &[&str] = &["Ltd", "Inc.", "GmbH", "LLC", "S.A.", "AG", "BV", "Pty Ltd"];

/// The fields of generated partner number `i`: every tier, stage, type and region occurs.
pub fn generated_partner(i: usize) -> PartnerFields {
    let word = WORDS[(i * 7) % WORDS.len()];
    let kind = KINDS[(i / WORDS.len()) % KINDS.len()];
    let name = format!("{word} {kind} {i}");
    PartnerFields {
        legal_name: format!("{name} {}", SUFFIXES[i % SUFFIXES.len()]),
        domains: vec![format!(
            "{}-{}-{i}.example",
            word.to_lowercase(),
            kind.to_lowercase()
        )],
        display_name: name,
        partner_type: PartnerType::ALL[i % PartnerType::ALL.len()],
        gtm_model: GtmModel::ALL[(i / 3) % GtmModel::ALL.len()],
        // Independent of the name, so no region clusters at one end of the alphabet.
        regions: vec![Region::ALL[(i / 3 + i / 17) % Region::ALL.len()]],
        industries: vec!["Manufacturing".into()],
        tier: ["registered", "bronze", "silver", "gold", "platinum"][(i / 5) % 5].into(),
        stage: LifecycleStage::ALL[(i / 11) % LifecycleStage::ALL.len()],
        owner_id: None,
        our_exec_sponsor: String::new(),
        partner_exec_sponsor: String::new(),
        notes: String::new(),
    }
}

/// Facts of generated partner number `i`, spread over every tier.
pub fn generated_facts(i: usize) -> domain::program::evaluation::PartnerFacts {
    use domain::program::SponsorLevel;
    let spread = (i * 7919) % 1000;
    domain::program::evaluation::PartnerFacts {
        sourced_revenue_12m: rust_decimal::Decimal::from(spread as u64 * 1_500),
        certified_people: (spread / 100) as u32,
        advanced_certified_people: (spread / 300) as u32,
        customer_references: (spread / 60) as u32,
        qbrs_per_year: (spread / 80) as u32,
        executive_sponsor: [None, Some(SponsorLevel::Vp), Some(SponsorLevel::CLevel)]
            .get(spread / 400)
            .copied()
            .flatten(),
        co_marketing_per_year: (spread / 200) as u32,
        ipp_score: (spread / 10) as u32,
        certifications: [("sales_foundation".to_owned(), (spread / 100) as u32)].into(),
    }
}

/// Eight quarters of facts for generated partner `i`, ending with `now`, whose trailing
/// twelve months roughly match [`generated_facts`]: growing, flat and shrinking partners.
pub fn generated_history(i: usize, now: Quarter) -> Vec<QuarterFacts> {
    let target = generated_facts(i);
    let trend: i64 = [0, 1, -1][i % 3];
    let spread = |per_year: u32, k: u32| per_year / 4 + u32::from(k % 4 < per_year % 4);
    now.trailing(8)
        .into_iter()
        .zip(0u32..)
        .map(|(quarter, k)| {
            let percent = 100 + trend * (i64::from(k) * 2 - 11) * 4;
            QuarterFacts {
                quarter,
                sourced_revenue: target.sourced_revenue_12m / rust_decimal::Decimal::from(4)
                    * rust_decimal::Decimal::from(percent)
                    / rust_decimal::Decimal::ONE_HUNDRED,
                qbrs: spread(target.qbrs_per_year, k),
                co_marketing: spread(target.co_marketing_per_year, k),
                certified_people: target.certified_people,
                advanced_certified_people: target.advanced_certified_people,
                customer_references: target.customer_references,
                executive_sponsor: target.executive_sponsor,
                ipp_score: target.ipp_score,
                certifications: target.certifications.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_partners_are_valid_and_deterministic() {
        for i in [0, 1, 99, 12_345] {
            let fields = generated_partner(i);
            assert_eq!(fields, generated_partner(i));
            let input = domain::partners::PartnerInput {
                legal_name: fields.legal_name.clone(),
                domains: fields.domains.clone(),
                partner_type: fields.partner_type.to_string(),
                gtm_model: fields.gtm_model.to_string(),
                ..Default::default()
            };
            assert!(
                input
                    .validate(&domain::program::shipped().tier_keys())
                    .is_ok(),
                "{fields:?}"
            );
        }
    }
}
