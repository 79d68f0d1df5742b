//! Activities on a deal: calls, meetings, demos, emails and notes, logged by the partner's
//! people or ours, and how each side reads the other's.

use domain::deals::registration;
use domain::permissions::Action;
use uuid::Uuid;

use crate::convert::parse_day;
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record};

/// An activity logged on a deal.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActivityInput {
    /// call, meeting, demo, email or note
    pub kind: String,
    /// A call or meeting with both our team and the partner on it.
    #[serde(deserialize_with = "domain::validation::checkbox")]
    pub joint: bool,
    pub note: String,
    /// YYYY-MM-DD; today when empty.
    pub occurred_on: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ActivityView {
    pub id: Uuid,
    pub kind: String,
    pub joint: bool,
    pub note: String,
    pub occurred_on: String,
    pub by: String,
    pub by_partner: bool,
    /// Who of ours confirmed a partner's activity.
    pub confirmed_by: Option<String>,
    /// Logged by our people or confirmed by them: counts for deal credit and the co-sell
    /// joint-call rule.
    pub counts_for_credit: bool,
}

pub const ACTIVITY_KINDS: [&str; 5] = ["call", "meeting", "demo", "email", "note"];

use crate::names::OUR_TEAM;

impl Services {
    /// Logs a call, meeting, demo, email or note on a deal (its partner's people and our
    /// internal editors).
    pub async fn log_activity(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &ActivityInput,
    ) -> Result<ActivityView> {
        let mut tx = self.db.write().await?;
        let deal = self.visible_deal(&mut tx, actor, id).await?;
        actor.require(Action::LogDealActivity)?;
        let mut v = domain::Validation::new();
        let kind = input.kind.trim();
        if !ACTIVITY_KINDS.contains(&kind) {
            v.add(
                "kind",
                format!("'{kind}' is not one of: {}", ACTIVITY_KINDS.join(", ")),
            );
        }
        let note = v.text("note", &input.note, true, 4_000);
        let occurred_on = parse_day(&mut v, "occurred_on", &input.occurred_on, actor.today());
        if let Some(d) = occurred_on.filter(|d| *d > actor.today()) {
            v.add("occurred_on", format!("{d} is in the future"));
        }
        v.into_result().map_err(Error::Invalid)?;
        let now = store::now();
        let row = store::deals::ActivityRow {
            id: Uuid::now_v7(),
            deal_id: id,
            kind: kind.to_owned(),
            joint: input.joint && matches!(kind, "call" | "meeting" | "demo"),
            note,
            occurred_on: occurred_on.expect("validated"),
            by_label: actor.label.clone(),
            by_partner: actor.role.is_partner_side(),
            created_at: now,
            confirmed_by: None,
        };
        store::deals::insert_activity(&mut tx, &row).await?;
        let mut deal_after = deal.clone();
        deal_after.last_activity_at = Some(now);
        deal_after.updated_at = now;
        deal_after.change_no = store::deals::next(&mut tx, "conflict_change").await?;
        store::deals::update(&mut tx, &deal_after, deal.change_no).await?;
        record(
            &mut tx,
            actor,
            now,
            Change {
                partner_id: Some(deal.partner_id),
                entity_type: "deal_registration",
                entity_id: deal.id,
                // A partner's own report may show on its timeline; ours stays internal.
                action: if actor.role.is_partner_side() {
                    "activity_reported"
                } else {
                    "activity"
                },
                summary: format!(
                    "{}: {}{} logged",
                    deal.reference.clone(),
                    if row.joint { "joint " } else { "" },
                    row.kind
                ),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(activity_view(row, actor))
    }

    /// A registration's activities, newest first.
    pub async fn deal_activities(
        &self,
        actor: &Actor,
        id: Uuid,
        page: &PageRequest<(time::Date, Uuid)>,
    ) -> Result<Page<ActivityView>> {
        let mut tx = self.db.read().await?;
        self.visible_deal(&mut tx, actor, id).await?;
        // Our own calls, emails and notes about a deal are internal; the partner sees what
        // its people logged and the joint activities both sides were on.
        let partner_side = !actor.is_internal();
        let rows =
            store::deals::activities_before(&mut tx, id, partner_side, page.after, page.limit)
                .await?;
        drop(tx);
        Ok(page
            .page(rows, |row| (row.occurred_on, row.id))
            .map(|row| activity_view(row, actor)))
    }
}

/// An activity as `reader` may see it. A partner's people read our joint activities
/// without our note, and our people as [`OUR_TEAM`].
pub(crate) fn activity_view(row: store::deals::ActivityRow, reader: &Actor) -> ActivityView {
    let by_partner = row.by_partner;
    let ours_for_partner = !by_partner && !reader.is_internal();
    ActivityView {
        id: row.id,
        kind: row.kind,
        joint: row.joint,
        note: if ours_for_partner {
            String::new()
        } else {
            row.note
        },
        occurred_on: row.occurred_on.to_string(),
        by: if ours_for_partner {
            OUR_TEAM.into()
        } else {
            row.by_label
        },
        by_partner,
        counts_for_credit: registration::activity_counts(by_partner, row.confirmed_by.is_some()),
        confirmed_by: row.confirmed_by.map(|who| {
            if reader.is_internal() {
                who
            } else {
                OUR_TEAM.into()
            }
        }),
    }
}
