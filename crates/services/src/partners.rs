//! Partner organisations and their contacts: list, view, create, edit, lifecycle, archive.

use crate::{
    Actor, Change, DEFAULT_PAGE, Error, MAX_PAGE, Page, Result, Services, record, snapshot,
};
use base64::Engine;
use domain::Choice;
use domain::FieldError;
use domain::partners::{
    Contact, ContactInput, LifecycleStage, Partner, PartnerInput, PartnerType, Region,
};
use domain::permissions::Action;
use store::Tx;
use store::partners::{PartnerAfter, PartnerFilter, PartnerSort};
use uuid::Uuid;

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
    /// north_america, latin_america, emea, apac
    pub region: String,
    /// The owning partner manager's user id.
    pub owner: String,
    /// Include archived partners.
    pub archived: bool,
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

fn encode_cursor(after: &PartnerAfter) -> String {
    let cursor = match after {
        PartnerAfter::Name(v, id) => Cursor::Name {
            v: v.clone(),
            id: *id,
        },
        PartnerAfter::Updated(v, id) => Cursor::Updated { v: *v, id: *id },
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&cursor).expect("cursor serialises"))
}

fn decode_cursor(text: &str, sort: PartnerSort) -> std::result::Result<PartnerAfter, String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| "is not a cursor this server issued".to_string())?;
    let cursor: Cursor = serde_json::from_slice(&bytes)
        .map_err(|_| "is not a cursor this server issued".to_string())?;
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

impl PartnerQuery {
    /// Turns the request into a store filter, naming every bad parameter.
    /// `tiers` are the program's tier keys.
    pub fn to_filter(
        &self,
        tiers: &[String],
    ) -> std::result::Result<PartnerFilter, Vec<FieldError>> {
        let mut v = domain::Validation::new();
        let optional = |text: &str| (!text.trim().is_empty()).then_some(text.trim().to_owned());
        let tier = optional(&self.tier).and_then(|t| {
            let key = t.to_ascii_lowercase();
            if tiers.contains(&key) {
                Some(key)
            } else {
                v.add(
                    "tier",
                    format!("'{t}' is not a tier; choose one of: {}", tiers.join(", ")),
                );
                None
            }
        });
        let stage = optional(&self.stage).and_then(|t| v.choice::<LifecycleStage>("stage", &t));
        let partner_type =
            optional(&self.partner_type).and_then(|t| v.choice::<PartnerType>("type", &t));
        let region = optional(&self.region).and_then(|t| v.choice::<Region>("region", &t));
        let owner_id = optional(&self.owner).and_then(|t| match Uuid::parse_str(&t) {
            Ok(id) => Some(id),
            Err(_) => {
                v.add("owner", format!("'{t}' is not a user id"));
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
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            v.add("limit", format!("must be between 1 and {MAX_PAGE}"));
        }
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
            only_partner: None,
            sort,
            after,
            limit,
        })
    }
}

/// Loads a partner the actor may see; anything else is "not found", so ids cannot be probed.
async fn visible_partner(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Partner> {
    if !actor.sees_partner(id) {
        return Err(Error::NotFound);
    }
    store::partners::get(tx, id).await?.ok_or(Error::NotFound)
}

async fn check_owner(tx: &mut Tx, owner_id: Option<Uuid>) -> Result<()> {
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
        let (_, program) = self.program_in_force().await?;
        let mut filter = query
            .to_filter(&program.tier_keys())
            .map_err(Error::Invalid)?;
        if !actor.is_internal() {
            filter.only_partner = Some(actor.partner_id.ok_or(Error::NotFound)?);
        }
        let mut tx = self.db.read().await?;
        let mut items = store::partners::list(&mut tx, &filter).await?;
        tx.commit().await?;
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
        tx.commit().await?;
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
    async fn start_onboarding_if_entered(&self, tx: &mut Tx, partner: &Partner) -> Result<()> {
        if partner.stage != LifecycleStage::Onboarding {
            return Ok(());
        }
        let (_, program) = self.program_in_force().await?;
        crate::onboarding::start(tx, &program, partner.id, store::now()).await
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
        if !edited.is_empty() {
            let names: Vec<&str> = edited.iter().map(|f| f.as_str()).collect();
            let change = Change {
                partner_id: Some(id),
                entity_type: "partner",
                entity_id: id,
                action: "updated",
                summary: format!(
                    "Partner {} edited: {}",
                    after.display_name,
                    names.join(", ")
                ),
                before: snapshot(&before),
                after: snapshot(&after),
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
        let mut tx = self.db.write().await?;
        let partner = visible_partner(&mut tx, actor, id).await?;
        actor.require(Action::ManagePartners)?;
        let mut v = domain::Validation::new();
        let stage = v.choice::<LifecycleStage>("stage", stage);
        let note = v.text("note", note, false, 2_000);
        if stage.is_some_and(LifecycleStage::ends_access) && note.is_empty() {
            v.add(
                "note",
                "say why the partner exits: its people lose portal access at once",
            );
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

    pub async fn list_contacts(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        include_archived: bool,
    ) -> Result<Vec<Contact>> {
        let mut tx = self.db.read().await?;
        visible_partner(&mut tx, actor, partner_id).await?;
        let contacts =
            store::contacts::list_for_partner(&mut tx, partner_id, include_archived).await?;
        tx.commit().await?;
        Ok(contacts)
    }

    pub async fn add_contact(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        input: &ContactInput,
    ) -> Result<Contact> {
        let mut tx = self.db.write().await?;
        let partner = visible_partner(&mut tx, actor, partner_id).await?;
        require_contact_editor(actor)?;
        let fields = input.validate().map_err(Error::Invalid)?;
        let id = Uuid::now_v7();
        let at = store::now();
        store::contacts::insert(&mut tx, id, partner_id, &fields, at).await?;
        let contact = store::contacts::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let change = Change {
            partner_id: Some(partner_id),
            entity_type: "contact",
            entity_id: id,
            action: "created",
            summary: format!("Contact {} added to {}", contact.name, partner.display_name),
            before: None,
            after: snapshot(&contact),
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        Ok(contact)
    }

    pub async fn get_contact(&self, actor: &Actor, id: Uuid) -> Result<Contact> {
        let mut tx = self.db.read().await?;
        let contact = visible_contact(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(contact)
    }

    pub async fn update_contact(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &ContactInput,
    ) -> Result<Contact> {
        let mut tx = self.db.write().await?;
        let before = visible_contact(&mut tx, actor, id).await?;
        require_contact_editor(actor)?;
        let fields = input.validate().map_err(Error::Invalid)?;
        let at = store::now();
        store::contacts::update(&mut tx, id, &fields, at).await?;
        let after = store::contacts::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let changed = domain::audit::changed_fields(
            &serde_json::to_value(&before).unwrap_or_default(),
            &serde_json::to_value(&after).unwrap_or_default(),
        );
        if !changed.is_empty() {
            let change = Change {
                partner_id: Some(after.partner_id),
                entity_type: "contact",
                entity_id: id,
                action: "updated",
                summary: format!("Contact {} edited: {}", after.name, changed.join(", ")),
                before: snapshot(&before),
                after: snapshot(&after),
            };
            record(&mut tx, actor, at, change).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    pub async fn archive_contact(&self, actor: &Actor, id: Uuid) -> Result<Contact> {
        let mut tx = self.db.write().await?;
        let before = visible_contact(&mut tx, actor, id).await?;
        require_contact_editor(actor)?;
        if before.archived_at.is_some() {
            return Err(Error::Conflict("the contact is already archived".into()));
        }
        let at = store::now();
        store::contacts::set_archived(&mut tx, id, Some(at), at).await?;
        let after = store::contacts::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let change = Change {
            partner_id: Some(after.partner_id),
            entity_type: "contact",
            entity_id: id,
            action: "archived",
            summary: format!("Contact {} archived", after.name),
            before: snapshot(&before),
            after: snapshot(&after),
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        self.tokens.forget_all();
        Ok(after)
    }
}

fn require_contact_editor(actor: &Actor) -> Result<()> {
    actor.require(Action::EditContacts)
}

async fn visible_contact(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<Contact> {
    let contact = store::contacts::get(tx, id).await?.ok_or(Error::NotFound)?;
    if !actor.sees_partner(contact.partner_id) {
        return Err(Error::NotFound);
    }
    Ok(contact)
}

async fn move_stage(
    tx: &mut Tx,
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
            ..Default::default()
        };
        let fields: Vec<String> = query
            .to_filter(&["registered".to_owned(), "gold".to_owned()])
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["tier", "owner", "sort", "limit"]);
    }
}
