//! The sales regions a partner covers, and what list filters keep of partners by them: the
//! partner list, the deal list and the dashboard take the same `region` text, so every region
//! figure of the dashboard can link to exactly the records behind it.

use crate::choice_enum;
use crate::validation::Choice;

choice_enum! {
    /// Sales regions a partner covers.
    Region {
        NorthAmerica => ("north_america", "North America"),
        LatinAmerica => ("latin_america", "Latin America"),
        Emea => ("emea", "EMEA"),
        Apac => ("apac", "APAC"),
    }
}

/// Partners covering every one of some regions, or partners covering none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionFilter {
    /// Covering each of these (at least one; no region twice).
    Covering(Vec<Region>),
    /// Covering no region at all.
    NoRegion,
}

/// The `region` text that asks for partners covering no region.
pub const NO_REGION: &str = "none";

impl RegionFilter {
    /// `emea`, `emea,apac` (covering both) or `none`; what is wrong otherwise, in words.
    pub fn parse(text: &str) -> Result<RegionFilter, String> {
        let text = text.trim();
        if text == NO_REGION {
            return Ok(RegionFilter::NoRegion);
        }
        let mut regions = Vec::new();
        for key in text.split(',').map(str::trim) {
            let region = Region::parse(key).ok_or_else(|| {
                let keys: Vec<&str> = Region::ALL.iter().map(|r| r.as_str()).collect();
                format!(
                    "'{key}' is not one of: {}, or {NO_REGION} alone",
                    keys.join(", ")
                )
            })?;
            if regions.contains(&region) {
                return Err(format!("'{key}' is named twice"));
            }
            regions.push(region);
        }
        Ok(RegionFilter::Covering(regions))
    }

    /// The filter as `parse` reads it, for a link.
    pub fn to_query(&self) -> String {
        match self {
            RegionFilter::NoRegion => NO_REGION.to_owned(),
            RegionFilter::Covering(regions) => regions
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// This filter narrowed to the partners covering `region` too: the records behind one
    /// region's slice of figures this filter already narrowed.
    pub fn and(&self, region: Region) -> RegionFilter {
        match self {
            RegionFilter::NoRegion => RegionFilter::NoRegion,
            RegionFilter::Covering(regions) => {
                let mut regions = regions.clone();
                if !regions.contains(&region) {
                    regions.push(region);
                }
                RegionFilter::Covering(regions)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_filters_read_one_several_or_none() {
        assert_eq!(
            RegionFilter::parse("emea"),
            Ok(RegionFilter::Covering(vec![Region::Emea]))
        );
        assert_eq!(
            RegionFilter::parse(" emea, apac "),
            Ok(RegionFilter::Covering(vec![Region::Emea, Region::Apac]))
        );
        assert_eq!(RegionFilter::parse("none"), Ok(RegionFilter::NoRegion));
        assert_eq!(
            RegionFilter::parse("mars"),
            Err(
                "'mars' is not one of: north_america, latin_america, emea, apac, or none alone"
                    .to_owned()
            )
        );
        assert_eq!(
            RegionFilter::parse("emea,none"),
            Err(
                "'none' is not one of: north_america, latin_america, emea, apac, or none alone"
                    .to_owned()
            )
        );
        assert_eq!(
            RegionFilter::parse("emea,emea"),
            Err("'emea' is named twice".to_owned())
        );
    }

    #[test]
    fn a_slice_of_a_filter_keeps_the_partners_of_both() {
        let emea = RegionFilter::Covering(vec![Region::Emea]);
        assert_eq!(emea.and(Region::Apac).to_query(), "emea,apac");
        assert_eq!(emea.and(Region::Emea).to_query(), "emea");
        assert_eq!(RegionFilter::NoRegion.and(Region::Emea).to_query(), "none");
    }
}
