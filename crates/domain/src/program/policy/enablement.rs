//! Enablement policies: gates that need certified people, learning paths, reminders.

use serde::Deserialize;

use super::checks::Checks;

/// What a partner must hold before it may do something (deal registration, MDF requests).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// deal_registration | mdf_request
    pub action: GatedAction,
    /// People with an active certification matching `track` and `min_level`.
    pub min_people: u32,
    #[serde(default)]
    pub track: Option<crate::program::certifications::Track>,
    #[serde(default)]
    pub min_level: Option<crate::program::certifications::Level>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GatedAction {
    DealRegistration,
    MdfRequest,
}

impl GatedAction {
    pub fn label(self) -> &'static str {
        match self {
            GatedAction::DealRegistration => "register deals",
            GatedAction::MdfRequest => "request MDF",
        }
    }
}

/// An ordered series of certifications a person works through (e.g. sales foundation, then
/// advanced, then expert).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningPath {
    pub key: String,
    pub name: String,
    /// Certification catalog keys, in the order they are earned.
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Enablement {
    /// Days before a certification expires when the person and their partner are reminded.
    pub reminder_days: Vec<u32>,
    pub gates: Vec<Gate>,
    pub learning_paths: Vec<LearningPath>,
}

impl Default for Enablement {
    fn default() -> Self {
        use crate::program::certifications::Track;
        Self {
            reminder_days: vec![90, 30, 7],
            gates: vec![
                Gate {
                    action: GatedAction::DealRegistration,
                    min_people: 1,
                    track: Some(Track::Sales),
                    min_level: None,
                },
                Gate {
                    action: GatedAction::MdfRequest,
                    min_people: 1,
                    track: None,
                    min_level: None,
                },
            ],
            learning_paths: ["sales", "technical"]
                .into_iter()
                .map(|track| LearningPath {
                    key: format!("{track}_path"),
                    name: format!("{}{} path", track[..1].to_uppercase(), &track[1..]),
                    steps: ["foundation", "advanced", "expert"]
                        .iter()
                        .map(|level| format!("{track}_{level}"))
                        .collect(),
                })
                .collect(),
        }
    }
}

impl Enablement {
    pub(super) fn check(&self, checks: &mut Checks, certification_keys: &[&str]) {
        for (i, path) in self.learning_paths.iter().enumerate() {
            if self.learning_paths[..i].iter().any(|p| p.key == path.key) {
                checks.error(
                    &format!("enablement.learning_paths.{i}.key"),
                    format!("learning path key '{}' is used twice", path.key),
                    "give every learning path its own key",
                );
            }
            if path.steps.is_empty() {
                checks.error(
                    &format!("enablement.learning_paths.{i}.steps"),
                    format!("learning path '{}' has no steps", path.key),
                    "list the certification keys to earn, in order",
                );
            }
            for (j, step) in path.steps.iter().enumerate() {
                if !certification_keys.contains(&step.as_str()) {
                    checks.error(
                        &format!("enablement.learning_paths.{i}.steps.{j}"),
                        format!(
                            "learning path '{}' names certification '{step}', which is not in the catalog",
                            path.key
                        ),
                        &format!("use one of: {}", certification_keys.join(", ")),
                    );
                } else if path.steps[..j].contains(step) {
                    checks.error(
                        &format!("enablement.learning_paths.{i}.steps.{j}"),
                        format!("learning path '{}' lists '{step}' twice", path.key),
                        "list each certification once",
                    );
                }
            }
        }
        if self.reminder_days.is_empty() || !self.reminder_days.windows(2).all(|w| w[0] > w[1]) {
            checks.error(
                "enablement.reminder_days",
                "enablement.reminder_days must list at least one day, from the largest to the smallest".into(),
                "write them as e.g. [90, 30, 7]",
            );
        }
    }

    /// From this many days before expiry a certification shows as expiring.
    pub fn expiring_within(&self) -> u32 {
        self.reminder_days.first().copied().unwrap_or(0)
    }
}
