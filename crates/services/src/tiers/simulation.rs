//! What-if: every active partner evaluated under the program in force and under a proposed
//! program file, and what would move. Nothing is stored.

use domain::permissions;
use uuid::Uuid;

use crate::{Actor, Result, Services};

/// One partner who would change tier under a proposed program.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SimulatedMove {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub current_tier: String,
    /// The tier it qualifies for under the program in force ("none" below the first tier).
    pub from: String,
    pub to: String,
    /// up, down or reclassified (its tier does not exist in the proposed program).
    pub direction: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CommitmentView {
    pub discount_exposure: String,
    pub mdf_allocation: String,
    /// (tier, partners)
    pub by_tier: Vec<(String, usize)>,
}

/// The what-if result: nothing is stored.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SimulationReport {
    pub program_version: i64,
    pub quarter: String,
    pub partners: usize,
    pub moves_up: usize,
    pub moves_down: usize,
    pub reclassified: usize,
    pub unchanged: usize,
    pub moves: Vec<SimulatedMove>,
    pub current: CommitmentView,
    pub proposed: CommitmentView,
    pub discount_exposure_change: String,
    pub mdf_allocation_change: String,
    /// Warnings the checker raised on the proposed file.
    pub warnings: Vec<String>,
}

fn signed_money(amount: rust_decimal::Decimal, currency: &str) -> String {
    let text = domain::display::money_whole(amount.abs(), currency);
    if amount.is_sign_negative() && !amount.is_zero() {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

impl Services {
    /// Evaluates every active partner under the program in force and under `source`, without
    /// storing anything. Internal users only; a file with errors is refused by line.
    pub async fn simulate_program(&self, actor: &Actor, source: &str) -> Result<SimulationReport> {
        actor.require(permissions::Action::ReadInternal)?;
        let proposed = crate::program::check(source)?;
        let warnings = domain::program::parse(source)
            .1
            .iter()
            .map(ToString::to_string)
            .collect();
        let (version, current) = self.program_in_force().await?;
        let quarter = crate::clock::current_quarter();
        let mut tx = self.db.read().await?;
        let book = crate::facts::sources::active_book(&mut tx, &current).await?;
        drop(tx);
        let (partners, histories) = (book.partners, book.histories);
        let empty = Vec::new();
        let book: Vec<domain::program::simulation::SimPartner> = partners
            .iter()
            .map(|p| domain::program::simulation::SimPartner {
                name: p.display_name.clone(),
                facts: domain::program::history::facts_as_of(
                    histories.get(&p.id).unwrap_or(&empty),
                    quarter,
                ),
            })
            .collect();
        let result = domain::program::simulation::simulate(&current, &proposed, &book);
        use domain::program::simulation::Direction;
        let count = |d: Direction| result.moves.iter().filter(|m| m.direction == d).count();
        let currency = &proposed.currency;
        let commitment =
            |c: &domain::program::simulation::Commitment, currency: &str| CommitmentView {
                discount_exposure: domain::display::money_whole(c.discount_exposure, currency),
                mdf_allocation: domain::display::money_whole(c.mdf_allocation, currency),
                by_tier: c.by_tier.clone(),
            };
        Ok(SimulationReport {
            program_version: version,
            quarter: quarter.to_string(),
            partners: partners.len(),
            moves_up: count(Direction::Up),
            moves_down: count(Direction::Down),
            reclassified: count(Direction::Reclassified),
            unchanged: result.unchanged,
            moves: result
                .moves
                .iter()
                .map(|m| {
                    let p = &partners[m.partner];
                    SimulatedMove {
                        partner_id: p.id,
                        partner_name: p.display_name.clone(),
                        current_tier: current.tier_name(&p.tier).to_owned(),
                        from: m.from.clone().unwrap_or_else(|| "none".into()),
                        to: m.to.clone().unwrap_or_else(|| "none".into()),
                        direction: match m.direction {
                            Direction::Up => "up",
                            Direction::Down => "down",
                            Direction::Reclassified => "reclassified",
                        }
                        .into(),
                    }
                })
                .collect(),
            discount_exposure_change: signed_money(
                result.proposed.discount_exposure - result.current.discount_exposure,
                currency,
            ),
            mdf_allocation_change: signed_money(
                result.proposed.mdf_allocation - result.current.mdf_allocation,
                currency,
            ),
            current: commitment(&result.current, &current.currency),
            proposed: commitment(&result.proposed, currency),
            warnings,
        })
    }
}
