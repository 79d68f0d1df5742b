//! A partner list request as a user or client expresses it (filters, sort, cursor): plain
//! text, validated here into the store's filter.

use domain::FieldError;
use domain::insight::Band;
use domain::partners::{LifecycleStage, PartnerType, RegionFilter};
use store::partners::{PartnerAfter, PartnerFilter, PartnerSort};
use uuid::Uuid;

use crate::paging::{self, FOREIGN_CURSOR};

/// The `health` filter of partners the latest daily run gave no band (no data yet).
pub const NO_BAND: &str = "none";

/// A partner list request as a user or client expresses it: plain text, validated here.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PartnerQuery {
    /// Matches display name, legal name and domains (case-insensitive substring).
    pub q: String,
    /// registered, bronze, silver, gold, platinum
    pub tier: String,
    /// prospect, recruiting, onboarding, active, growing, strategic, paused, exited
    pub stage: String,
    /// si, technology, reseller, referral, oem, msp
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub partner_type: String,
    /// north_america, latin_america, emea, apac; several separated by commas (partners
    /// covering each), or `none` (partners covering no region).
    pub region: String,
    /// The owning partner manager's user id.
    pub owner: String,
    /// Include archived partners.
    pub archived: bool,
    /// Only partners in the program (neither archived nor exited), as the dashboard counts
    /// them.
    pub in_program: bool,
    /// Only partners in this band of the latest daily health run: healthy, at_risk,
    /// intervene, or `none` (scored with no data yet); internal users only.
    pub health: String,
    /// name (default), -name, updated, -updated
    pub sort: String,
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "k")]
enum Cursor {
    #[serde(rename = "n")]
    Name { v: String, id: Uuid },
    #[serde(rename = "u")]
    Updated {
        #[serde(with = "time::serde::rfc3339")]
        v: time::OffsetDateTime,
        id: Uuid,
    },
}

pub(super) fn encode_cursor(after: &PartnerAfter) -> String {
    let cursor = match after {
        PartnerAfter::Name(v, id) => Cursor::Name {
            v: v.clone(),
            id: *id,
        },
        PartnerAfter::Updated(v, id) => Cursor::Updated { v: *v, id: *id },
    };
    paging::encode(&cursor)
}

fn decode_cursor(text: &str, sort: PartnerSort) -> std::result::Result<PartnerAfter, String> {
    let cursor: Cursor = paging::decode(text).ok_or_else(|| FOREIGN_CURSOR.to_string())?;
    match (cursor, sort) {
        (Cursor::Name { v, id }, PartnerSort::Name | PartnerSort::NameDesc) => {
            Ok(PartnerAfter::Name(v, id))
        }
        (Cursor::Updated { v, id }, PartnerSort::Updated | PartnerSort::UpdatedDesc) => {
            Ok(PartnerAfter::Updated(v, id))
        }
        _ => Err("belongs to a different sort order; start again from the first page".into()),
    }
}

fn parse_sort(text: &str) -> Option<PartnerSort> {
    match text {
        "" | "name" => Some(PartnerSort::Name),
        "-name" => Some(PartnerSort::NameDesc),
        "updated" => Some(PartnerSort::Updated),
        "-updated" => Some(PartnerSort::UpdatedDesc),
        _ => None,
    }
}

/// The program's tier key `text` names (any case), or None with the error on `tier`.
pub(crate) fn tier_key(v: &mut domain::Validation, text: &str, tiers: &[String]) -> Option<String> {
    let key = text.to_ascii_lowercase();
    if tiers.contains(&key) {
        Some(key)
    } else {
        v.add(
            "tier",
            format!(
                "'{text}' is not a tier; choose one of: {}",
                tiers.join(", ")
            ),
        );
        None
    }
}

impl PartnerQuery {
    /// Turns the request into a store filter, naming every bad parameter.
    /// `tiers` are the program's tier keys.
    pub fn to_filter(
        &self,
        tiers: &[String],
    ) -> std::result::Result<PartnerFilter, Vec<FieldError>> {
        let mut v = domain::Validation::new();
        let optional = |text: &str| (!text.trim().is_empty()).then_some(text.trim().to_owned());
        let tier = optional(&self.tier).and_then(|t| tier_key(&mut v, &t, tiers));
        let stage = optional(&self.stage).and_then(|t| v.choice::<LifecycleStage>("stage", &t));
        let partner_type =
            optional(&self.partner_type).and_then(|t| v.choice::<PartnerType>("type", &t));
        let region = optional(&self.region)
            .and_then(|r| RegionFilter::parse(&r).map_err(|m| v.add("region", m)).ok());
        let owner_id = optional(&self.owner).and_then(|t| match Uuid::parse_str(&t) {
            Ok(id) => Some(id),
            Err(_) => {
                v.add("owner", format!("'{t}' is not a user id"));
                None
            }
        });
        let health_band = optional(&self.health).and_then(|h| match Band::parse(&h) {
            Some(band) => Some(Some(band.key().to_owned())),
            None if h == NO_BAND => Some(None),
            None => {
                let bands: Vec<&str> = Band::ALL.iter().map(|b| b.key()).collect();
                v.add(
                    "health",
                    format!("'{h}' is not one of: {}, {NO_BAND}", bands.join(", ")),
                );
                None
            }
        });
        let sort = parse_sort(self.sort.trim()).unwrap_or_else(|| {
            v.add(
                "sort",
                format!(
                    "'{}' is not one of: name, -name, updated, -updated",
                    self.sort
                ),
            );
            PartnerSort::Name
        });
        let after = optional(&self.cursor).and_then(|c| match decode_cursor(&c, sort) {
            Ok(after) => Some(after),
            Err(message) => {
                v.add("cursor", message);
                None
            }
        });
        let limit = crate::paging::check_limit(&mut v, self.limit);
        let search = optional(&self.q);
        if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
            v.add("q", "must be at most 200 characters");
        }
        v.into_result()?;
        Ok(PartnerFilter {
            search,
            tier,
            stage,
            partner_type,
            region,
            owner_id,
            include_archived: self.archived,
            in_program: self.in_program,
            health_band,
            only_partner: None,
            sort,
            after,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_foreign_input() {
        let after = PartnerAfter::Name("acme".into(), Uuid::now_v7());
        let text = encode_cursor(&after);
        assert_eq!(decode_cursor(&text, PartnerSort::Name).unwrap(), after);
        assert!(
            decode_cursor(&text, PartnerSort::Updated)
                .unwrap_err()
                .contains("different sort order")
        );
        assert!(decode_cursor("garbage!", PartnerSort::Name).is_err());
    }

    #[test]
    fn query_names_each_bad_parameter() {
        let query = PartnerQuery {
            tier: "diamond".into(),
            sort: "size".into(),
            limit: Some(0),
            owner: "bob".into(),
            health: "sickly".into(),
            ..Default::default()
        };
        let fields: Vec<String> = query
            .to_filter(&["registered".to_owned(), "gold".to_owned()])
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["tier", "owner", "health", "sort", "limit"]);
    }
}
