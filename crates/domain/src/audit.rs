//! The audit trail: every change, who made it, and what it was before and after.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: uuid::Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    pub actor_id: Option<uuid::Uuid>,
    pub actor_label: String,
    pub partner_id: Option<uuid::Uuid>,
    pub entity_type: String,
    pub entity_id: uuid::Uuid,
    pub action: String,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The events a partner's own people see on its timeline, by entity type and action; every
/// other event (IPP assessments, 3C/4C results until shared, escalation cases, proposals,
/// deal-desk assignments, our activities, health checks, typed facts, imports) is internal. An allowlist, so an
/// event added later stays internal until someone decides its summary is fit for partners.
/// The summaries of these events carry no internal notes.
pub const PARTNER_TIMELINE: &[(&str, &[&str])] = &[
    (
        "partner",
        &[
            "created",
            "updated",
            "stage_changed",
            "tier_changed",
            "archived",
            "restored",
        ],
    ),
    ("contact", &["created", "updated", "archived"]),
    (
        "certification",
        &[
            "earned",
            "enrolled",
            "requirement_met",
            "requirement_reopened",
            "renewal_reminder",
        ],
    ),
    (
        "deal_registration",
        &[
            "drafted",
            "submitted",
            "approved",
            "rejected",
            "more_info_requested",
            "won",
            "lost",
            "expired",
            "extension_requested",
            "extension_granted",
            "extension_refused",
            "win_confirmed",
            "activity_confirmed",
            "activity_reported",
        ],
    ),
    ("evaluation_3c4c", &["shared", "unshared"]),
    ("lead", &["submitted", "accepted", "rejected"]),
    ("onboarding_item", &["done", "reopened"]),
    ("attachment", &["uploaded"]),
    ("user", &["created", "disabled", "enabled", "updated"]),
];

/// `entity_type:action` keys of [`PARTNER_TIMELINE`], as storage filters on them.
pub fn partner_timeline_keys() -> Vec<String> {
    PARTNER_TIMELINE
        .iter()
        .flat_map(|(entity, actions)| actions.iter().map(move |a| format!("{entity}:{a}")))
        .collect()
}

/// The names of the top-level fields whose values differ between two JSON objects.
pub fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// One changed field as a reader sees it: its name, the old and the new value as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

fn display(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "—".into(),
        Some(serde_json::Value::String(text)) if text.is_empty() => "—".into(),
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields that differ between two snapshots, with their values, ignoring bookkeeping
/// fields that change with every edit.
pub fn field_changes(before: &serde_json::Value, after: &serde_json::Value) -> Vec<FieldChange> {
    changed_fields(before, after)
        .into_iter()
        .filter(|field| !matches!(field.as_str(), "updated_at" | "owner_name"))
        .map(|field| FieldChange {
            before: display(before.get(&field)),
            after: display(after.get(&field)),
            field,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_changed_added_and_removed_fields() {
        let before = json!({"a": 1, "b": 2, "c": 3});
        let after = json!({"a": 1, "b": 5, "d": 4});
        assert_eq!(changed_fields(&before, &after), ["b", "c", "d"]);
        assert!(changed_fields(&before, &before).is_empty());
    }

    #[test]
    fn field_changes_show_values_and_skip_bookkeeping() {
        let before = json!({"notes": "", "tier": "gold", "updated_at": "1", "domains": ["a.com"]});
        let after = json!({"notes": "QBR booked", "tier": "gold", "updated_at": "2", "domains": ["a.com", "b.com"]});
        let changes = field_changes(&before, &after);
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[0],
            FieldChange {
                field: "domains".into(),
                before: r#"["a.com"]"#.into(),
                after: r#"["a.com","b.com"]"#.into()
            }
        );
        assert_eq!(
            changes[1],
            FieldChange {
                field: "notes".into(),
                before: "—".into(),
                after: "QBR booked".into()
            }
        );
    }
}
