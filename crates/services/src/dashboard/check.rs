//! The dashboard's query, checked: every bad field named.

use domain::partners::RegionFilter;
use domain::quarter::Quarter;
use uuid::Uuid;

use super::view::DashboardQuery;
use crate::{Error, Result, Services};

/// The checked query.
pub(super) struct Checked {
    pub quarter: Quarter,
    pub period: domain::dashboard::Period,
    pub filter: store::dashboard::PartnerFilter,
}

impl Services {
    pub(super) async fn check_dashboard(
        &self,
        query: &DashboardQuery,
        today: time::Date,
    ) -> Result<Checked> {
        let (_, program) = self.program_in_force().await?;
        let mut v = domain::Validation::new();
        let quarter = match query.quarter.trim() {
            "" => Some(Quarter::containing(today)),
            text => match Quarter::parse(text) {
                Ok(quarter) if quarter.first_day() > today => {
                    v.add("quarter", "has not begun yet");
                    None
                }
                Ok(quarter) => Some(quarter),
                Err(message) => {
                    v.add("quarter", &message);
                    None
                }
            },
        };
        let tier = Some(query.tier.trim()).filter(|t| !t.is_empty());
        if let Some(key) = tier
            && program.tier_index(key).is_none()
        {
            v.add("tier", "is not a tier of the program");
        }
        let region = Some(query.region.trim())
            .filter(|r| !r.is_empty())
            .and_then(|r| RegionFilter::parse(r).map_err(|m| v.add("region", m)).ok());
        let owner = match query.owner.trim() {
            "" => None,
            text => match Uuid::parse_str(text) {
                Ok(id) => {
                    let mut tx = self.db.read().await?;
                    if store::users::get(&mut tx, id).await?.is_none() {
                        v.add("owner", "is not a user of PartnerOS");
                    }
                    Some(id)
                }
                Err(_) => {
                    v.add("owner", "is not a user id");
                    None
                }
            },
        };
        v.into_result().map_err(Error::Invalid)?;
        let quarter = quarter.unwrap_or(Quarter::containing(today));
        let period = domain::dashboard::period(quarter, today).ok_or_else(|| {
            Error::Invalid(vec![domain::FieldError {
                field: "quarter".into(),
                message: "has not begun yet".into(),
            }])
        })?;
        Ok(Checked {
            quarter,
            period,
            filter: store::dashboard::PartnerFilter {
                tier: tier.map(str::to_owned),
                region,
                owner,
            },
        })
    }
}
