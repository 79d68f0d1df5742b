//! Which registrations to list: the query as a client or the list page sends it, checked
//! field by field, and the store filter it becomes for one actor (a partner's people only
//! ever their own organisation's).

use domain::deals::pipeline;
use domain::deals::registration::{ForecastCategory, Status};
use domain::partners::{PartnerType, RegionFilter};
use domain::quarter::Quarter;
use domain::validation::Choice;
use store::deals::{DealFilter, DealPartners};
use uuid::Uuid;

use crate::paging::PageRequest;
use crate::partners::query::tier_key;
use crate::{Actor, Error, Result};

/// Which registrations to list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DealQuery {
    /// Only these states (comma-separated: submitted,approved,…).
    pub status: String,
    /// Only the open pipeline: the states it counts (submitted, more information requested,
    /// approved) of partners in the program (neither archived nor exited).
    pub open: bool,
    /// Only this partner's (internal users; a partner's people may name only their own).
    pub partner: String,
    /// Only partners of this tier (its key).
    pub tier: String,
    /// Only partners of this type: si, technology, reseller, referral, oem, msp.
    pub partner_type: String,
    /// Only partners covering this region: north_america, latin_america, emea, apac; several
    /// separated by commas (partners covering each), or `none` (partners covering no region).
    pub region: String,
    /// Only partners this user (id) manages.
    pub owner: String,
    /// Expected to close within this quarter, e.g. 2027-Q1.
    pub close_quarter: String,
    /// Only this forecast category: pipeline, best_case, commit.
    pub forecast: String,
    /// Customer name contains.
    pub q: String,
    /// Only registrations with an open conflict case (internal users): the review queue.
    pub conflicts: bool,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

impl DealQuery {
    /// The list's filters and paging as (key, value) pairs, without the cursor: what a link
    /// to the next page carries along.
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = [
            ("status", &self.status),
            ("partner", &self.partner),
            ("tier", &self.tier),
            ("partner_type", &self.partner_type),
            ("region", &self.region),
            ("owner", &self.owner),
            ("close_quarter", &self.close_quarter),
            ("forecast", &self.forecast),
            ("q", &self.q),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(key, value)| (key, value.trim().to_owned()))
        .collect();
        for (key, on) in [("open", self.open), ("conflicts", self.conflicts)] {
            if on {
                pairs.push((key, "true".to_owned()));
            }
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        pairs
    }

    /// The store filter of this query for `actor`, naming every bad parameter; `tiers` are
    /// the program's tier keys.
    pub(crate) fn to_filter(&self, actor: &Actor, tiers: &[String]) -> Result<DealFilter> {
        let mut v = domain::Validation::new();
        let page = crate::paging::check::<Uuid>(&mut v, &self.cursor, self.limit);
        let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        let mut statuses = Vec::new();
        for s in self
            .status
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match Status::parse(s) {
                Some(status) => statuses.push(status),
                None => v.add(
                    "status",
                    format!("'{s}' is not one of: {}", keys::<Status>()),
                ),
            }
        }
        let partner = optional(&self.partner).and_then(|p| {
            Uuid::parse_str(&p)
                .map_err(|_| v.add("partner", format!("'{p}' is not a partner id")))
                .ok()
        });
        let tier = optional(&self.tier).and_then(|t| tier_key(&mut v, &t, tiers));
        let partner_type = optional(&self.partner_type)
            .and_then(|t| v.choice::<PartnerType>("partner_type", &t))
            .map(|t| t.as_str().to_owned());
        let region = optional(&self.region)
            .and_then(|r| RegionFilter::parse(&r).map_err(|m| v.add("region", m)).ok());
        let owner_id = optional(&self.owner).and_then(|o| {
            Uuid::parse_str(&o)
                .map_err(|_| v.add("owner", format!("'{o}' is not a user id")))
                .ok()
        });
        let quarter = optional(&self.close_quarter).and_then(|q| {
            Quarter::parse(&q)
                .map_err(|message| v.add("close_quarter", message))
                .ok()
        });
        let forecast_category = optional(&self.forecast)
            .and_then(|f| v.choice::<ForecastCategory>("forecast", &f))
            .map(|f| f.as_str().to_owned());
        if self.open {
            let closed: Vec<&str> = statuses
                .iter()
                .filter(|s| !pipeline::open_statuses().any(|open| open == **s))
                .map(|s| s.as_str())
                .collect();
            if !closed.is_empty() {
                v.add(
                    "status",
                    format!(
                        "{} is not open: the open pipeline is {}",
                        closed.join(", "),
                        pipeline::open_statuses()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            if statuses.is_empty() {
                statuses = pipeline::open_statuses().collect();
            }
        }
        v.into_result().map_err(Error::Invalid)?;

        let partner_id = if actor.is_internal() {
            partner
        } else {
            let own = actor.partner_id.ok_or(Error::NotFound)?;
            if partner.is_some_and(|p| p != own) {
                return Err(Error::Forbidden(
                    "a partner's people list their own organisation's registrations only".into(),
                ));
            }
            Some(own)
        };
        let PageRequest { after, limit } = page;
        Ok(DealFilter {
            partner_id,
            statuses: statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            search: optional(&self.q),
            before_id: after,
            open_conflicts: self.conflicts && actor.is_internal(),
            partners: DealPartners {
                tier,
                partner_type,
                region,
                owner_id,
                in_program: self.open,
            },
            closing_between: quarter.map(|q| (q.first_day(), q.last_day())),
            forecast_category,
            limit,
        })
    }
}

fn keys<T: Choice>() -> String {
    T::ALL
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::partners::Region;
    use domain::roles::Role;
    use time::macros::date;

    fn actor(role: Role, partner_id: Option<Uuid>) -> Actor {
        Actor {
            user_id: None,
            label: "test".into(),
            role,
            partner_id,
            time_zone: "UTC".into(),
        }
    }

    fn tiers() -> Vec<String> {
        vec!["registered".into(), "gold".into()]
    }

    fn fields(query: &DealQuery) -> Vec<String> {
        match query.to_filter(&actor(Role::PartnerManager, None), &tiers()) {
            Err(Error::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_open_pipeline_of_a_tier_and_quarter_becomes_bound_days_and_states() {
        let query = DealQuery {
            open: true,
            tier: "Gold".into(),
            partner_type: "reseller".into(),
            region: "emea".into(),
            close_quarter: "2027-Q1".into(),
            forecast: "commit".into(),
            ..Default::default()
        };
        let filter = query
            .to_filter(&actor(Role::PartnerManager, None), &tiers())
            .unwrap();
        assert_eq!(
            filter.statuses,
            ["submitted", "more_info_requested", "approved"]
        );
        assert_eq!(
            filter.closing_between,
            Some((date!(2027 - 01 - 01), date!(2027 - 03 - 31)))
        );
        assert_eq!(filter.forecast_category.as_deref(), Some("commit"));
        assert_eq!(
            filter.partners,
            DealPartners {
                tier: Some("gold".into()),
                partner_type: Some("reseller".into()),
                region: Some(RegionFilter::Covering(vec![Region::Emea])),
                owner_id: None,
                in_program: true,
            }
        );
        assert_eq!(filter.partner_id, None);
        // Open and a status: the open ones asked for.
        let both = DealQuery {
            open: true,
            status: "approved".into(),
            ..Default::default()
        };
        let filter = both
            .to_filter(&actor(Role::PartnerManager, None), &tiers())
            .unwrap();
        assert_eq!(filter.statuses, ["approved"]);
    }

    #[test]
    fn every_bad_filter_is_named() {
        let query = DealQuery {
            status: "won".into(),
            open: true,
            tier: "diamond".into(),
            partner_type: "guild".into(),
            region: "mars".into(),
            owner: "bob".into(),
            close_quarter: "2027-Q5".into(),
            forecast: "maybe".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(&query),
            [
                "tier",
                "partner_type",
                "region",
                "owner",
                "close_quarter",
                "forecast",
                "status"
            ]
        );
    }

    #[test]
    fn a_partners_people_filter_their_own_registrations_only() {
        let (own, other) = (Uuid::now_v7(), Uuid::now_v7());
        let partner = actor(Role::PartnerUser, Some(own));
        let filter = DealQuery {
            tier: "gold".into(),
            conflicts: true,
            ..Default::default()
        }
        .to_filter(&partner, &tiers())
        .unwrap();
        assert_eq!(filter.partner_id, Some(own));
        assert!(!filter.open_conflicts, "the review queue is ours");
        let named_own = DealQuery {
            partner: own.to_string(),
            ..Default::default()
        };
        assert_eq!(
            named_own.to_filter(&partner, &tiers()).unwrap().partner_id,
            Some(own)
        );
        let named_other = DealQuery {
            partner: other.to_string(),
            ..Default::default()
        };
        assert!(matches!(
            named_other.to_filter(&partner, &tiers()),
            Err(Error::Forbidden(_))
        ));
    }

    #[test]
    fn paging_carries_every_filter() {
        let query = DealQuery {
            status: "submitted".into(),
            open: true,
            tier: "gold".into(),
            close_quarter: " 2027-Q1 ".into(),
            forecast: "commit".into(),
            limit: Some(20),
            cursor: "abc".into(),
            ..Default::default()
        };
        let pairs = query.filter_pairs();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("status", "submitted"),
                ("tier", "gold"),
                ("close_quarter", "2027-Q1"),
                ("forecast", "commit"),
                ("open", "true"),
                ("limit", "20"),
            ]
        );
    }
}
