//! What-if: evaluate every partner under the program in force and under a proposed one, and
//! show who would move and what the program would commit in benefits. Both sides are computed
//! the same way (the tier each partner qualifies for), so the difference is the program change
//! alone, not tiers that are already due to move.

use rust_decimal::Decimal;

use super::evaluation::{PartnerFacts, qualifies_for};
use super::model::{Program, TierDef};
use super::policy::MdfBudgetBasis;

/// A partner as the simulation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimPartner {
    pub name: String,
    pub facts: PartnerFacts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    /// The tier it qualifies for now does not exist in the proposed program.
    Reclassified,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMove {
    /// Index into the partners given.
    pub partner: usize,
    /// Tier name under the program in force (None: below the first tier).
    pub from: Option<String>,
    pub to: Option<String>,
    pub direction: Direction,
}

/// Benefits a program commits when every partner sits in the tier it qualifies for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Commitment {
    /// Σ discount % × the partner's trailing-12-month sourced revenue.
    pub discount_exposure: Decimal,
    /// Σ MDF budgets (by tier or % of revenue, per `[mdf]`) plus the discretionary pool.
    pub mdf_allocation: Decimal,
    /// Partners per tier name, lowest first; partners below the first tier are not counted.
    pub by_tier: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    pub moves: Vec<SimMove>,
    pub unchanged: usize,
    pub current: Commitment,
    pub proposed: Commitment,
}

fn tier_mdf(program: &Program, tier: &TierDef, facts: &PartnerFacts) -> Decimal {
    match program.policies.mdf.budget_basis {
        MdfBudgetBasis::Tier => tier.benefits.mdf_per_year,
        MdfBudgetBasis::RevenuePercent => {
            facts.sourced_revenue_12m * program.policies.mdf.revenue_percent / Decimal::ONE_HUNDRED
        }
    }
}

fn commitment(program: &Program, placed: &[(Option<usize>, &PartnerFacts)]) -> Commitment {
    let mut result = Commitment {
        mdf_allocation: program.policies.mdf.discretionary_pool,
        by_tier: program.tiers.iter().map(|t| (t.name.clone(), 0)).collect(),
        ..Commitment::default()
    };
    for (tier, facts) in placed {
        let Some(index) = tier else { continue };
        let tier = &program.tiers[*index];
        result.discount_exposure +=
            tier.benefits.discount_percent * facts.sourced_revenue_12m / Decimal::ONE_HUNDRED;
        result.mdf_allocation += tier_mdf(program, tier, facts);
        result.by_tier[*index].1 += 1;
    }
    result.discount_exposure = result.discount_exposure.round_dp(2);
    result.mdf_allocation = result.mdf_allocation.round_dp(2);
    result
}

pub fn simulate(current: &Program, proposed: &Program, partners: &[SimPartner]) -> Simulation {
    let mut moves = Vec::new();
    let mut now_placed = Vec::with_capacity(partners.len());
    let mut new_placed = Vec::with_capacity(partners.len());
    for (i, partner) in partners.iter().enumerate() {
        let before = qualifies_for(current, &partner.facts);
        let after = qualifies_for(proposed, &partner.facts);
        now_placed.push((before, &partner.facts));
        new_placed.push((after, &partner.facts));
        let before_key = before.map(|b| current.tiers[b].key.as_str());
        let after_key = after.map(|a| proposed.tiers[a].key.as_str());
        if before_key == after_key {
            continue;
        }
        // Ranks compared in the proposed program; a tier it no longer has cannot be ranked.
        let before_rank = match before_key {
            None => Some(None),
            Some(key) => proposed.tier_index(key).map(Some),
        };
        let direction = match before_rank {
            None => Direction::Reclassified,
            Some(rank) if after > rank => Direction::Up,
            Some(_) => Direction::Down,
        };
        moves.push(SimMove {
            partner: i,
            from: before.map(|b| current.tiers[b].name.clone()),
            to: after.map(|a| proposed.tiers[a].name.clone()),
            direction,
        });
    }
    Simulation {
        unchanged: partners.len() - moves.len(),
        moves,
        current: commitment(current, &now_placed),
        proposed: commitment(proposed, &new_placed),
    }
}
