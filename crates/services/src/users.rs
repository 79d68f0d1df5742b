//! Accounts: admins manage everyone, partner admins manage the accounts of their own org.

use crate::auth::passwords::hash_password_blocking;
use crate::{Actor, Change, Error, Page, PageRequest, Result, Services, record, snapshot};
use domain::Choice;
use domain::permissions::Action;
use domain::users::{Access, NewUserInput, User};
use std::collections::HashMap;
use store::Read;
use uuid::Uuid;

/// An account in the list of users, with whether it lets its holder in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct UserEntry {
    #[serde(flatten)]
    pub user: User,
    pub access: Access,
}

/// Loads an account the actor may manage; others' accounts are "not found".
async fn managed_user(tx: &mut Read, actor: &Actor, id: Uuid) -> Result<User> {
    actor.require(Action::ManageUsers)?;
    let user = store::users::get(tx, id).await?.ok_or(Error::NotFound)?;
    if actor.role.is_partner_side() && user.partner_id != actor.partner_id {
        return Err(Error::NotFound);
    }
    Ok(user)
}

/// The account `id` when it is one of our active people; otherwise a field error on `field`
/// saying why, ending with `because` ("a champion is one of our people").
pub(crate) async fn one_of_our_people(
    tx: &mut Read,
    id: Uuid,
    field: &str,
    because: &str,
) -> Result<User> {
    match store::users::get(tx, id).await? {
        Some(u) if u.role.is_internal() && u.disabled_at.is_none() => Ok(u),
        Some(u) if u.role.is_partner_side() => Err(Error::field(
            field,
            format!("{} belongs to a partner organisation; {because}", u.email),
        )),
        Some(u) => Err(Error::field(
            field,
            format!("{}'s account is disabled", u.email),
        )),
        None => Err(Error::field(field, "no account has this id")),
    }
}

impl Services {
    pub async fn create_user(&self, actor: &Actor, input: &NewUserInput) -> Result<User> {
        actor.require(Action::ManageUsers)?;
        let new = input.validate().map_err(Error::Invalid)?;
        if !domain::permissions::assignable_roles(actor.role).contains(&new.role) {
            return Err(Error::field(
                "role",
                format!("you cannot create accounts with role {}", new.role.as_str()),
            ));
        }
        if actor.role.is_partner_side() && new.partner_id != actor.partner_id {
            return Err(Error::field(
                "partner_id",
                "you can only add accounts to your own organisation",
            ));
        }
        // Hashed before the write transaction: it holds the database's single writer.
        let hash = hash_password_blocking(&new.password).await;
        let mut tx = self.db.write().await?;
        if let Some(partner_id) = new.partner_id
            && store::partners::get(&mut tx, partner_id).await?.is_none()
        {
            return Err(Error::field("partner_id", "no such partner"));
        }
        if new.role.is_partner_side() {
            let users = store::users::list(&mut tx, None).await?;
            let ours = users
                .iter()
                .filter(|u| u.role.is_internal())
                .filter_map(|u| u.email.rsplit_once('@').map(|(_, domain)| domain));
            if let Some(problem) = domain::users::partner_address_problem(&new.email, ours) {
                return Err(Error::field("email", problem));
            }
        }
        if store::users::get_by_email(&mut tx, &new.email)
            .await?
            .is_some()
        {
            // A partner admin learns no more about accounts beyond its organisation than
            // that this address is not available.
            return Err(Error::field(
                "email",
                if actor.role.is_partner_side() {
                    "this address cannot be used for a new account"
                } else {
                    "an account with this email already exists"
                },
            ));
        }
        let id = Uuid::now_v7();
        let at = store::now();
        let row = store::users::NewUserRow {
            id,
            email: &new.email,
            name: &new.name,
            role: new.role,
            partner_id: new.partner_id,
            password_hash: &hash,
        };
        store::users::insert(&mut tx, &row, at).await?;
        let user = store::users::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let change = Change {
            partner_id: user.partner_id,
            entity_type: "user",
            entity_id: id,
            action: "created",
            summary: format!(
                "Account {} created with role {}",
                user.email,
                user.role.label()
            ),
            before: None,
            after: snapshot(&user),
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Accounts the actor manages: all for admins, their own org's for partner admins.
    pub async fn list_users(
        &self,
        actor: &Actor,
        page: &PageRequest<(String, Uuid)>,
    ) -> Result<Page<UserEntry>> {
        actor.require(Action::ManageUsers)?;
        let only = if actor.role.is_partner_side() {
            Some(actor.partner_id.ok_or(Error::NotFound)?)
        } else {
            None
        };
        let mut tx = self.db.read().await?;
        let users = store::users::list_after(&mut tx, only, page.after.clone(), page.limit).await?;
        let mut out_of_program = HashMap::new();
        for partner_id in users.iter().filter_map(|u| u.partner_id) {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                out_of_program.entry(partner_id)
            {
                let partner = store::partners::get(&mut tx, partner_id).await?;
                slot.insert(partner.and_then(|p| p.out_of_program()));
            }
        }
        drop(tx);
        Ok(page
            .page(users, |user| (user.email.clone(), user.id))
            .map(|user| {
                let out = user.partner_id.and_then(|p| out_of_program[&p]);
                UserEntry {
                    access: Access::of(&user, out),
                    user,
                }
            }))
    }

    /// Partner managers and admins, who may own partner relationships.
    pub async fn list_partner_owners(&self, actor: &Actor) -> Result<Vec<User>> {
        actor.require(Action::ReadInternal)?;
        let mut tx = self.db.read().await?;
        let users = store::users::list(&mut tx, None).await?;
        drop(tx);
        Ok(users
            .into_iter()
            .filter(|u| Action::ManagePartners.allows(u.role) && u.disabled_at.is_none())
            .collect())
    }

    pub async fn find_user_by_email(&self, actor: &Actor, email: &str) -> Result<User> {
        let mut tx = self.db.read().await?;
        let user = store::users::get_by_email(&mut tx, email)
            .await?
            .ok_or(Error::NotFound)?;
        let user = managed_user(&mut tx, actor, user.id).await?;
        Ok(user)
    }

    /// Disables or re-enables an account; disabling also ends its sessions.
    pub async fn set_user_disabled(&self, actor: &Actor, id: Uuid, disabled: bool) -> Result<User> {
        let mut tx = self.db.write().await?;
        let before = managed_user(&mut tx, actor, id).await?;
        if actor.user_id == Some(id) && disabled {
            return Err(Error::Conflict(
                "you cannot disable your own account".into(),
            ));
        }
        if before.disabled_at.is_some() == disabled {
            return Err(Error::Conflict(if disabled {
                "the account is already disabled".into()
            } else {
                "the account is not disabled".into()
            }));
        }
        let at = store::now();
        store::users::set_disabled(&mut tx, id, before.disabled_at, disabled.then_some(at), at)
            .await?;
        if disabled {
            store::auth::delete_user_sessions(&mut tx, id).await?;
        }
        let after = store::users::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        let change = Change {
            partner_id: after.partner_id,
            entity_type: "user",
            entity_id: id,
            action: if disabled { "disabled" } else { "enabled" },
            summary: format!(
                "Account {} {}",
                after.email,
                if disabled { "disabled" } else { "enabled" }
            ),
            before: snapshot(&before),
            after: snapshot(&after),
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        self.tokens.forget_all();
        Ok(after)
    }

    /// Sets a new password for someone else's account and signs it out everywhere: its
    /// sessions end and its API tokens are revoked; its owner is told (by mail whatever
    /// they chose: a security notice).
    pub async fn reset_password(&self, actor: &Actor, id: Uuid, password: &str) -> Result<User> {
        let mut tx = self.db.read().await?;
        managed_user(&mut tx, actor, id).await?;
        drop(tx);
        domain::users::check_password(password).map_err(|m| Error::field("password", m))?;
        // Hashed before the write transaction: it holds the database's single writer.
        let hash = hash_password_blocking(password).await;
        let mut tx = self.db.write().await?;
        let user = managed_user(&mut tx, actor, id).await?;
        let at = store::now();
        store::users::set_password_hash(&mut tx, id, &hash, at).await?;
        store::auth::delete_user_sessions(&mut tx, id).await?;
        let revoked = store::auth::revoke_user_api_tokens(&mut tx, id, at).await?;
        let change = Change {
            partner_id: user.partner_id,
            entity_type: "user",
            entity_id: id,
            action: "password_reset",
            summary: format!(
                "Password of {} reset ({revoked} API tokens revoked)",
                user.email
            ),
            before: None,
            after: None,
        };
        record(&mut tx, actor, at, change).await?;
        crate::notifications::notify(
            &mut tx,
            &[id],
            &store::notifications::NewNotification {
                partner_id: user.partner_id,
                kind: "password_reset",
                message: "Your PartnerOS password was reset by an administrator and you were signed out everywhere. If you did not ask for this, tell your administrator.",
                link: "/account",
            },
            at,
        )
        .await?;
        tx.commit().await?;
        self.tokens.forget_all();
        Ok(user)
    }

    /// The actor's own account.
    pub async fn current_user(&self, actor: &Actor) -> Result<User> {
        let user_id = actor.user_id.ok_or(Error::Unauthenticated)?;
        let mut tx = self.db.read().await?;
        let user = store::users::get(&mut tx, user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        Ok(user)
    }

    /// Sets the time zone the actor's times are shown in.
    pub async fn set_own_time_zone(&self, actor: &Actor, time_zone: &str) -> Result<User> {
        let user_id = actor.user_id.ok_or(Error::Unauthenticated)?;
        let zone =
            domain::users::check_time_zone(time_zone).map_err(|m| Error::field("time_zone", m))?;
        let mut tx = self.db.write().await?;
        let before = store::users::get(&mut tx, user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let at = store::now();
        store::users::set_time_zone(&mut tx, user_id, &zone, at).await?;
        let after = store::users::get(&mut tx, user_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let change = Change {
            partner_id: after.partner_id,
            entity_type: "user",
            entity_id: user_id,
            action: "updated",
            summary: format!("{} set their time zone to {zone}", after.email),
            before: snapshot(&before),
            after: snapshot(&after),
        };
        record(&mut tx, actor, at, change).await?;
        tx.commit().await?;
        self.tokens.forget_all();
        Ok(after)
    }

    /// Whether any account exists yet (the CLI's `init` creates the first admin once).
    pub async fn has_users(&self) -> Result<bool> {
        let mut tx = self.db.read().await?;
        let n = store::users::count(&mut tx).await?;
        Ok(n > 0)
    }
}
