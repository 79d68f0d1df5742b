//! Where one partner stands in the tiers, and why: its trailing four quarters, each figure
//! with its source, against the program in force — the tier it holds and keeps, the next
//! tier and the gap, and the benefits it has.

use domain::program::evaluation;
use uuid::Uuid;

use crate::program::{CriterionView, TierReport};
use crate::{Actor, Result, Services};

/// The figures of `facts` in words, each with its source.
fn source_lines(
    facts: &domain::program::evaluation::PartnerFacts,
    sources: &domain::sources::SourcesAsOf,
    currency: &str,
    internal: bool,
) -> Vec<String> {
    let revenue: Vec<String> = sources
        .sourced_revenue
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut lines = vec![
        format!(
            "revenue {} in 12 months ({})",
            domain::display::money_whole(facts.sourced_revenue_12m, currency),
            revenue.join(" and ")
        ),
        format!(
            "{} certified people, {} advanced ({})",
            facts.certified_people, facts.advanced_certified_people, sources.certified_people
        ),
    ];
    if internal {
        lines.push(format!("IPP {} ({})", facts.ipp_score, sources.ipp_score));
    }
    lines
}

/// A criterion as people read it: "Certified people", "People certified in Sales — Advanced".
pub(crate) fn criterion_name(check: &evaluation::CriterionCheck) -> String {
    match &check.subject {
        Some(subject) => format!("{} {subject}", evaluation::criterion_label(check.criterion)),
        None => evaluation::criterion_label(check.criterion).to_owned(),
    }
}

/// What a tier gives, in words: (benefit, value).
pub(crate) fn benefit_list(
    benefits: &domain::program::Benefits,
    currency: &str,
) -> Vec<(String, String)> {
    let coverage = match benefits.partner_manager {
        domain::program::Coverage::None => "none",
        domain::program::Coverage::Shared => "shared",
        domain::program::Coverage::Dedicated => "dedicated",
    };
    vec![
        (
            "Discount".into(),
            format!("{}%", benefits.discount_percent.normalize()),
        ),
        (
            "Market development funds per year".into(),
            domain::display::money_whole(benefits.mdf_per_year, currency),
        ),
        (
            "Deal registration protection".into(),
            format!("{} days", benefits.deal_protection_days),
        ),
        (
            "Support response".into(),
            format!("within {} hours", benefits.support_response_hours),
        ),
        ("Partner manager".into(), coverage.into()),
        (
            "Portal sections".into(),
            benefits.portal_sections.join(", "),
        ),
    ]
}

impl Services {
    /// Evaluates a partner against the program in force, naming the version used.
    pub async fn evaluate_partner(&self, actor: &Actor, partner_id: Uuid) -> Result<TierReport> {
        let partner = self.get_partner(actor, partner_id).await?;
        let history = self.sourced_history(actor, partner_id).await?;
        let quarter = crate::clock::current_quarter();
        let facts = domain::program::history::facts_as_of(
            &history.iter().map(|s| s.facts.clone()).collect::<Vec<_>>(),
            quarter,
        );
        let sources = domain::sources::sources_as_of(&history, quarter);
        let (program_version, program) = self.program_in_force().await?;
        let result = evaluation::evaluate(&program, &facts);
        let current = program
            .tiers
            .iter()
            .position(|t| t.key == partner.tier.as_str());
        let shown = result
            .next
            .as_ref()
            .map(|(i, _)| *i)
            .or(result.qualifies_for)
            .unwrap_or(0);
        Ok(TierReport {
            program_version,
            quarter: quarter.to_string(),
            sources: source_lines(&facts, &sources, &program.currency, actor.is_internal()),
            current_tier: current
                .map(|i| program.tiers[i].name.clone())
                .unwrap_or_else(|| partner.tier.as_str().to_owned()),
            qualifies_for: result.qualifies_for.map(|i| program.tiers[i].name.clone()),
            keeps_current_tier: current
                .is_some_and(|i| evaluation::keeps_tier(&program, i, &facts)),
            next_tier: result
                .next
                .as_ref()
                .map(|(i, _)| program.tiers[*i].name.clone()),
            gap: result.next.map(|(_, sentence)| sentence),
            // A partner out of the program (archived, exited) keeps no tier benefits.
            benefits: current
                .filter(|_| partner.out_of_program().is_none())
                .map(|i| benefit_list(&program.tiers[i].benefits, &program.currency))
                .unwrap_or_default(),
            out_of_program: partner.out_of_program().map(|why| {
                format!(
                    "{} is {why}: it keeps no tier benefits",
                    partner.display_name
                )
            }),
            criteria: result
                .tiers
                .get(shown)
                .into_iter()
                .flatten()
                // The IPP score is our judgement: its criterion is ours to read.
                .filter(|c| actor.is_internal() || c.criterion != "min_ipp_score")
                .map(|c| CriterionView {
                    criterion: criterion_name(c),
                    required: c.required.clone(),
                    // The IPP fit is our judgement: a partner learns whether it is met.
                    actual: if c.criterion == "min_ipp_score" && !actor.is_internal() {
                        "assessed by us".into()
                    } else {
                        c.actual.clone()
                    },
                    met: c.met,
                })
                .collect(),
        })
    }
}
