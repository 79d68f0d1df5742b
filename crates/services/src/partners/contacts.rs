//! A partner's contacts: the people we deal with there.

use domain::partners::{Contact, ContactInput};
use domain::permissions::Action;
use store::Read;
use uuid::Uuid;

use crate::partners::organisations::visible_partner;
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record, snapshot};

impl Services {
    pub async fn list_contacts(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        include_archived: bool,
        page: &PageRequest<(String, Uuid)>,
    ) -> Result<Page<Contact>> {
        let mut tx = self.db.read().await?;
        visible_partner(&mut tx, actor, partner_id).await?;
        let contacts = store::contacts::list_for_partner_after(
            &mut tx,
            partner_id,
            include_archived,
            page.after.clone(),
            page.limit,
        )
        .await?;
        Ok(page.page(contacts, |c| (c.name.clone(), c.id)))
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

async fn visible_contact(tx: &mut Read, actor: &Actor, id: Uuid) -> Result<Contact> {
    let contact = store::contacts::get(tx, id).await?.ok_or(Error::NotFound)?;
    if !actor.sees_partner(contact.partner_id) {
        return Err(Error::NotFound);
    }
    Ok(contact)
}
