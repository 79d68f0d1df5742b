//! Partner organisations: list, view, create, edit, lifecycle stage, archive.

use domain::Choice;
use domain::partners::{LifecycleStage, Partner, PartnerInput};
use domain::permissions::Action;
use domain::program::Program;
use store::{Read, Write};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::partners::query::{PartnerQuery, encode_cursor};
use crate::{Actor, Change, Error, Page, Result, Services, record, snapshot};

/// Loads a partner the actor may see; anything else is "not found", so ids cannot be probed.
pub(super) async fn visible_partner(tx: &mut Read, actor: &Actor, id: Uuid) -> Result<Partner> {
    if !actor.sees_partner(id) {
        return Err(Error::NotFound);
    }
    store::partners::get(tx, id).await?.ok_or(Error::NotFound)
}

async fn check_owner(tx: &mut Read, owner_id: Option<Uuid>) -> Result<()> {
    let Some(owner_id) = owner_id else {
        return Ok(());
    };
    match store::users::get(tx, owner_id).await? {
        Some(user) if user.disabled_at.is_none() && Action::ManagePartners.allows(user.role) => {
            Ok(())
        }
        Some(_) => Err(Error::field(
            "owner_id",
            "the owner must be an active partner manager or admin",
        )),
        None => Err(Error::field("owner_id", "no such user")),
    }
}

impl Services {
    pub async fn list_partners(
        &self,
        actor: &Actor,
        query: &PartnerQuery,
    ) -> Result<Page<Partner>> {
        if !actor.is_internal() && !query.health.trim().is_empty() {
            return Err(Error::Forbidden(
                "partner health is ours alone: partners cannot filter by it".into(),
            ));
        }
        let (_, program) = self.program_in_force().await?;
        let mut filter = query
            .to_filter(&program.tier_keys())
            .map_err(Error::Invalid)?;
        if !actor.is_internal() {
            filter.only_partner = Some(actor.partner_id.ok_or(Error::NotFound)?);
        }
        let mut tx = self.db.read().await?;
        let mut items = store::partners::list(&mut tx, &filter).await?;
        drop(tx);
        if !actor.is_internal() {
            items = items.into_iter().map(Partner::as_seen_by_partner).collect();
        }
        let next_cursor = (items.len() as i64 == filter.limit)
            .then(|| {
                items
                    .last()
                    .map(|last| encode_cursor(&store::partners::after(last, filter.sort)))
            })
            .flatten();
        Ok(Page { items, next_cursor })
    }

    pub async fn get_partner(&self, actor: &Actor, id: Uuid) -> Result<Partner> {
        let mut tx = self.db.read().await?;
        let partner = visible_partner(&mut tx, actor, id).await?;
        drop(tx);
        Ok(if actor.is_internal() {
            partner
        } else {
            partner.as_seen_by_partner()
        })
    }

    pub async fn create_partner(&self, actor: &Actor, input: &PartnerInput) -> Result<Partner> {
        actor.require(Action::ManagePartners)?;
        let (_, program) = self.program_in_force().await?;
        let fields = input
            .validate(&program.tier_keys())
            .map_err(Error::Invalid)?;
        if fields.stage == LifecycleStage::Exited {
            return Err(Error::field(
                "stage",
                "a new partner cannot start as exited",
            ));
        }
        let mut tx = self.db.write().await?;
        check_owner(&mut tx, fields.owner_id).await?;
        let id = Uuid::now_v7();
        let at = store::now();
        store::partners::insert(&mut tx, id, &fields, at).await?;
        let partner = store::partners::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let change = Change {
            partner_id: Some(id),
            entity_type: "partner",
            entity_id: id,
            action: "created",
            summary: format!(
                "Partner {} created in stage {}, tier {}",
                partner.display_name,
                partner.stage.label(),
                program.tier_name(&partner.tier)
            ),
            before: None,
            after: snapshot(&partner),
        };
        record(&mut tx, actor, at, change).await?;
        self.start_onboarding_if_entered(&mut tx, &partner).await?;
        tx.commit().await?;
        Ok(partner)
    }

    /// A partner now in onboarding gets its checklist (kept if it had one).
    async fn start_onboarding_if_entered(&self, tx: &mut Write, partner: &Partner) -> Result<()> {
        if partner.stage != LifecycleStage::Onboarding {
            return Ok(());
        }
        let (_, program) = self.program_in_force().await?;
        start_onboarding(tx, &program, partner.id, store::now()).await
    }

    /// Saves edited fields; a different `stage` goes through the lifecycle rules as a stage change.
    pub async fn update_partner(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &PartnerInput,
    ) -> Result<Partner> {
        let mut tx = self.db.write().await?;
        let before = visible_partner(&mut tx, actor, id).await?;
        actor.require(Action::ManagePartners)?;
        let (_, program) = self.program_in_force().await?;
        let mut tiers = program.tier_keys();
        if !tiers.contains(&before.tier) {
            tiers.push(before.tier.clone());
        }
        let mut fields = input.validate(&tiers).map_err(Error::Invalid)?;
        if input.stage.trim().is_empty() {
            fields.stage = before.stage;
        }
        if input.tier.trim().is_empty() {
            fields.tier = before.tier.clone();
        } else if fields.tier != before.tier {
            return Err(Error::field(
                "tier",
                "the tier changes only through a tier decision: approve a proposal or override it with a reason",
            ));
        }
        check_owner(&mut tx, fields.owner_id).await?;
        let at = store::now();
        store::partners::update(&mut tx, id, &fields, at).await?;
        let mut after = store::partners::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let changed = domain::audit::changed_fields(
            &serde_json::to_value(&before).unwrap_or_default(),
            &serde_json::to_value(&after).unwrap_or_default(),
        );
        let edited: Vec<&String> = changed
            .iter()
            .filter(|f| !matches!(f.as_str(), "updated_at" | "owner_name"))
            .collect();
        // What partners can see and what is ours alone are told apart: the partner's timeline
        // shows the first event, never the second (whose values only our people read).
        let (ours, shared): (Vec<&str>, Vec<&str>) = edited
            .iter()
            .map(|f| f.as_str())
            .partition(|f| Partner::INTERNAL_FIELDS.contains(f));
        let (before_json, after_json) = (snapshot(&before), snapshot(&after));
        for (action, names, keep_ours) in [
            ("updated", shared, false),
            ("internal_fields_updated", ours, true),
        ] {
            if names.is_empty() {
                continue;
            }
            let part = |value: &Option<serde_json::Value>| {
                value.as_ref().map(|v| {
                    let mut object = v.as_object().cloned().unwrap_or_default();
                    object
                        .retain(|k, _| Partner::INTERNAL_FIELDS.contains(&k.as_str()) == keep_ours);
                    serde_json::Value::Object(object)
                })
            };
            let change = Change {
                partner_id: Some(id),
                entity_type: "partner",
                entity_id: id,
                action,
                summary: format!(
                    "Partner {} edited: {}",
                    after.display_name,
                    names.join(", ")
                ),
                before: part(&before_json),
                after: part(&after_json),
            };
            record(&mut tx, actor, at, change).await?;
        }
        if fields.stage != before.stage {
            after = move_stage(&mut tx, actor, after, fields.stage, "").await?;
            self.start_onboarding_if_entered(&mut tx, &after).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    pub async fn change_partner_stage(
        &self,
        actor: &Actor,
        id: Uuid,
        stage: &str,
        note: &str,
    ) -> Result<Partner> {
        self.change_partner_stage_from(actor, id, "", stage, note)
            .await
    }

    /// Moves a partner along its lifecycle only if it is still in stage `from` (the stage
    /// the reader chose from; empty: whatever it is in now). A choice made on a page that
    /// someone else's move made stale is refused (409), never applied to the new stage.
    pub async fn change_partner_stage_from(
        &self,
        actor: &Actor,
        id: Uuid,
        from: &str,
        stage: &str,
        note: &str,
    ) -> Result<Partner> {
        let mut tx = self.db.write().await?;
        let partner = visible_partner(&mut tx, actor, id).await?;
        actor.require(Action::ManagePartners)?;
        let mut v = domain::Validation::new();
        let from = match from.trim() {
            "" => None,
            _ => v.choice::<LifecycleStage>("from", from),
        };
        if from.is_some_and(|seen| seen != partner.stage) {
            return Err(Error::Conflict(format!(
                "this partner was changed by someone else meanwhile: it is now {}; reload it and choose again",
                partner.stage.label()
            )));
        }
        let stage = v.choice::<LifecycleStage>("stage", stage);
        let note = v.text("note", note, false, 2_000);
        if let Some(problem) = stage.and_then(|to| to.note_problem(&note)) {
            v.add("note", problem);
        }
        v.into_result().map_err(Error::Invalid)?;
        let partner = move_stage(&mut tx, actor, partner, stage.expect("validated"), &note).await?;
        self.start_onboarding_if_entered(&mut tx, &partner).await?;
        tx.commit().await?;
        // Tokens ended by an exit must not live on in this process's memory.
        self.tokens.forget_all();
        Ok(partner)
    }

    pub async fn archive_partner(&self, actor: &Actor, id: Uuid) -> Result<Partner> {
        self.set_partner_archived(actor, id, true).await
    }

    pub async fn restore_partner(&self, actor: &Actor, id: Uuid) -> Result<Partner> {
        self.set_partner_archived(actor, id, false).await
    }

    async fn set_partner_archived(
        &self,
        actor: &Actor,
        id: Uuid,
        archive: bool,
    ) -> Result<Partner> {
        let mut tx = self.db.write().await?;
        let before = visible_partner(&mut tx, actor, id).await?;
        actor.require(Action::ManagePartners)?;
        if before.archived_at.is_some() == archive {
            return Err(Error::Conflict(if archive {
                "the partner is already archived".into()
            } else {
                "the partner is not archived".into()
            }));
        }
        let at = store::now();
        store::partners::set_archived(&mut tx, id, before.archived_at, archive.then_some(at), at)
            .await?;
        if archive {
            store::auth::end_partner_access(&mut tx, id, at).await?;
        }
        let after = store::partners::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let (action, verb) = if archive {
            ("archived", "archived")
        } else {
            ("restored", "restored from the archive")
        };
        let change = Change {
            partner_id: Some(id),
            entity_type: "partner",
            entity_id: id,
            action,
            summary: format!("Partner {} {verb}", after.display_name),
            before: snapshot(&before),
            after: snapshot(&after),
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        self.tokens.forget_all();
        Ok(after)
    }
}

/// Creates the onboarding checklist of a partner entering onboarding from the program's
/// template (items it has already are kept as they are), dated from `at`. The checklist is
/// worked in `crate::onboarding`.
pub(crate) async fn start_onboarding(
    tx: &mut store::Write,
    program: &Program,
    partner_id: Uuid,
    at: OffsetDateTime,
) -> Result<()> {
    for item in domain::program::onboarding::checklist(&program.onboarding, at.date()) {
        let row = store::onboarding::ItemRow {
            id: Uuid::now_v7(),
            partner_id,
            key: item.key,
            phase: item.phase,
            title: item.title,
            owner: item.owner.key().into(),
            due_on: item.due_on,
            evidence_kind: item.evidence.key().into(),
            completes_when: item.completes_when.map(|o| o.key().to_owned()),
            done_at: None,
            done_by: None,
            evidence: String::new(),
        };
        if store::onboarding::insert_item(tx, &row, at).await? {
            crate::work::open_onboarding_work(tx, program, &row, at).await?;
        }
    }
    Ok(())
}

async fn move_stage(
    tx: &mut Write,
    actor: &Actor,
    partner: Partner,
    to: LifecycleStage,
    note: &str,
) -> Result<Partner> {
    // Someone else moved it first (or a repeated click): a conflict, not a bad request.
    if partner.stage == to {
        return Err(Error::Conflict(format!(
            "the partner is already in stage {}",
            to.label()
        )));
    }
    partner
        .stage
        .check_transition(to)
        .map_err(|e| Error::Invalid(vec![e]))?;
    let at = store::now();
    store::partners::set_stage(tx, partner.id, partner.stage, to, at).await?;
    if to.ends_access() {
        store::auth::end_partner_access(tx, partner.id, at).await?;
    }
    let after = store::partners::get(tx, partner.id)
        .await?
        .ok_or(Error::NotFound)?;
    let summary = format!(
        "Stage changed from {} to {}",
        partner.stage.label(),
        to.label()
    );
    // The note is ours: it goes with the values partners never read, not in the summary.
    let change = Change {
        partner_id: Some(partner.id),
        entity_type: "partner",
        entity_id: partner.id,
        action: "stage_changed",
        summary,
        before: Some(serde_json::json!({ "stage": partner.stage })),
        after: Some(serde_json::json!({ "stage": to, "note": note })),
    };
    record(tx, actor, at, change).await?;
    Ok(after)
}
