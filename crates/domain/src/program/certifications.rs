//! The certification catalog: what partners' people can be certified
//! in. Tier criteria may ask for a number of people holding a given certification; the
//! enablement features read the same catalog for requirements, pass marks and validity.

use rust_decimal::Decimal;
use serde::Deserialize;

use super::issues::Checks;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    Sales,
    Technical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Foundation,
    Advanced,
    Expert,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub key: String,
    pub name: String,
    pub track: Track,
    pub level: Level,
    /// Percent needed to pass.
    pub pass_mark_percent: Decimal,
    /// Months a certification stays valid; none = until a major release retires it.
    #[serde(default)]
    pub valid_months: Option<u32>,
    /// A major product release expires it.
    #[serde(default)]
    pub expires_on_major_release: bool,
    #[serde(default)]
    pub requirements: Vec<String>,
}

/// The shipped catalog: sales and technical certifications at three levels.
pub fn default_catalog() -> Vec<Certification> {
    let sales = [
        "Training attended",
        "10-question quiz",
        "Mock pitch",
        "Use-case Q&A",
    ];
    let technical = [
        "Sandbox set up",
        "Core integration demonstrated",
        "Troubleshooting test",
        "Implementation case study",
    ];
    let mut catalog = Vec::new();
    for (track, track_name, requirements) in [
        (Track::Sales, "Sales", sales),
        (Track::Technical, "Technical", technical),
    ] {
        for (level, level_name, pass) in [
            (Level::Foundation, "Foundation", 70),
            (Level::Advanced, "Advanced", 80),
            (Level::Expert, "Expert", 80),
        ] {
            catalog.push(Certification {
                key: format!(
                    "{}_{}",
                    track_name.to_lowercase(),
                    level_name.to_lowercase()
                ),
                name: format!("{track_name} — {level_name}"),
                track,
                level,
                pass_mark_percent: Decimal::from(pass),
                valid_months: Some(12),
                expires_on_major_release: true,
                requirements: requirements.map(String::from).to_vec(),
            });
        }
    }
    catalog
}

pub(super) fn check(catalog: &[Certification], checks: &mut Checks) {
    for (i, cert) in catalog.iter().enumerate() {
        let path = format!("certifications.{i}");
        if cert.key.is_empty()
            || !cert
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            checks.error(
                &format!("{path}.key"),
                format!(
                    "certification key '{}' must be lower-case letters, digits or _",
                    cert.key
                ),
                "use a short key such as \"sales_foundation\"",
            );
        }
        if catalog[..i].iter().any(|c| c.key == cert.key) {
            checks.error(
                &format!("{path}.key"),
                format!("certification key '{}' is used twice", cert.key),
                "give every certification its own key",
            );
        }
        if cert.pass_mark_percent <= Decimal::ZERO || cert.pass_mark_percent > Decimal::ONE_HUNDRED
        {
            checks.error(
                &format!("{path}.pass_mark_percent"),
                format!(
                    "certification {}: pass_mark_percent {} is outside 1-100",
                    cert.key, cert.pass_mark_percent
                ),
                "write the pass mark as a percentage, e.g. 70",
            );
        }
        if cert.valid_months == Some(0)
            || (cert.valid_months.is_none() && !cert.expires_on_major_release)
        {
            checks.error(
                &format!("{path}.key"),
                format!("certification {} never expires", cert.key),
                "set valid_months (e.g. 12) or expires_on_major_release = true",
            );
        }
    }
}
