//! Accounts: who can sign in, with which role, for which organisation.

use crate::roles::Role;
use crate::validation::{FieldError, Validation};
use serde::{Deserialize, Serialize};

pub const MIN_PASSWORD: usize = 10;
pub const MAX_PASSWORD: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: uuid::Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Set for partner-side accounts: the organisation they belong to.
    pub partner_id: Option<uuid::Uuid>,
    pub time_zone: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<time::OffsetDateTime>,
}

/// Whether an account lets its holder in now, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Active,
    /// The account itself is disabled.
    Disabled,
    /// Its partner is archived: nobody of it signs in.
    PartnerArchived,
    /// Its partner has exited the program: nobody of it signs in.
    PartnerExited,
}

impl Access {
    /// `partner_out`: why the account's partner is out of the program, if it is.
    pub fn of(user: &User, partner_out: Option<crate::partners::OutOfProgram>) -> Access {
        use crate::partners::OutOfProgram;
        match (user.disabled_at, partner_out) {
            (Some(_), _) => Access::Disabled,
            (None, Some(OutOfProgram::Archived)) => Access::PartnerArchived,
            (None, Some(OutOfProgram::Exited)) => Access::PartnerExited,
            (None, None) => Access::Active,
        }
    }

    pub fn lets_in(self) -> bool {
        self == Access::Active
    }

    /// In words, for the list of users.
    pub fn label(self) -> &'static str {
        match self {
            Access::Active => "active",
            Access::Disabled => "disabled",
            Access::PartnerArchived => "no access: its partner is archived",
            Access::PartnerExited => "no access: its partner has exited the program",
        }
    }
}

/// Why `email` may not be a partner's person's address, if so: one at a domain our own
/// people's addresses use would let a partner's account pass for one of ours.
pub fn partner_address_problem<'a>(
    email: &str,
    our_domains: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let domain = email.rsplit_once('@')?.1.to_ascii_lowercase();
    our_domains
        .into_iter()
        .any(|ours| ours.eq_ignore_ascii_case(&domain))
        .then(|| {
            format!(
                "addresses at {domain} are ours: a partner's people sign in with an address of their own organisation"
            )
        })
}

/// A new account as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewUserInput {
    pub email: String,
    pub name: String,
    /// admin, partner_manager, sales, marketing, finance, executive, partner_admin, partner_user
    pub role: String,
    /// Required for partner roles, forbidden for internal ones.
    pub partner_id: Option<uuid::Uuid>,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub partner_id: Option<uuid::Uuid>,
    pub password: String,
}

impl NewUserInput {
    pub fn validate(&self) -> Result<NewUser, Vec<FieldError>> {
        let mut v = Validation::new();
        let email = v.email("email", &self.email);
        let name = v.name("name", &self.name, true, 120);
        let role = v.choice::<Role>("role", &self.role);
        if let Some(role) = role {
            match (role.is_partner_side(), self.partner_id) {
                (true, None) => v.add(
                    "partner_id",
                    "a partner account needs the partner it belongs to",
                ),
                (false, Some(_)) => v.add(
                    "partner_id",
                    "an internal account cannot belong to a partner",
                ),
                _ => {}
            }
        }
        if let Err(message) = check_password(&self.password) {
            v.add("password", message);
        }
        v.into_result()?;
        Ok(NewUser {
            email,
            name,
            role: role.expect("validated"),
            partner_id: self.partner_id,
            password: self.password.clone(),
        })
    }
}

/// Length is what makes a password strong; we ask for a passphrase-friendly minimum.
pub fn check_password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        Err(format!("must be at least {MIN_PASSWORD} characters"))
    } else if length > MAX_PASSWORD {
        Err(format!("must be at most {MAX_PASSWORD} characters"))
    } else {
        Ok(())
    }
}

/// Checks an IANA time zone name ("Europe/Berlin") against the bundled time zone database.
pub fn check_time_zone(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("is required, e.g. Europe/Berlin or UTC".into());
    }
    crate::time_zone::canonical_name(name)
        .map(str::to_owned)
        .ok_or_else(|| {
            format!("'{name}' is not a time zone name like Europe/Berlin or America/New_York")
        })
}

/// The calendar day it is at `at` in the time zone `zone` (UTC when the name is unknown):
/// "expires today" and "overdue" are judged on the reader's own calendar.
pub fn today_in(zone: &str, at: time::OffsetDateTime) -> time::Date {
    crate::time_zone::TimeZone::named_or_utc(zone).today(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partners_person_never_has_one_of_our_addresses() {
        let ours = ["vendor.test", "vendor.example"];
        assert_eq!(partner_address_problem("ana@alpha.com", ours), None);
        assert_eq!(
            partner_address_problem("CEO@Vendor.Test", ours).as_deref(),
            Some(
                "addresses at vendor.test are ours: a partner's people sign in with an address of their own organisation"
            )
        );
        assert_eq!(partner_address_problem("x@sub.vendor.test", ours), None);
    }

    #[test]
    fn an_account_of_a_partner_out_of_the_program_lets_nobody_in() {
        use crate::partners::OutOfProgram;
        let mut user = User {
            id: uuid::Uuid::nil(),
            email: "ana@alpha.test".into(),
            name: "Ana".into(),
            role: Role::PartnerUser,
            partner_id: Some(uuid::Uuid::nil()),
            time_zone: "UTC".into(),
            disabled_at: None,
        };
        assert_eq!(Access::of(&user, None), Access::Active);
        assert_eq!(
            Access::of(&user, Some(OutOfProgram::Exited)).label(),
            "no access: its partner has exited the program"
        );
        assert_eq!(
            Access::of(&user, Some(OutOfProgram::Archived)).label(),
            "no access: its partner is archived"
        );
        user.disabled_at = Some(time::OffsetDateTime::UNIX_EPOCH);
        assert_eq!(
            Access::of(&user, Some(OutOfProgram::Exited)),
            Access::Disabled
        );
    }

    #[test]
    fn today_is_the_day_on_the_readers_calendar() {
        use time::macros::datetime;
        let late_utc = datetime!(2027-02-28 23:30 UTC);
        assert_eq!(
            today_in("UTC", late_utc),
            time::macros::date!(2027 - 02 - 28)
        );
        assert_eq!(
            today_in("Pacific/Auckland", late_utc),
            time::macros::date!(2027 - 03 - 01)
        );
        assert_eq!(
            today_in("America/Los_Angeles", datetime!(2028-03-01 03:00 UTC)),
            time::macros::date!(2028 - 02 - 29),
            "a leap day in Los Angeles while it is already March in UTC"
        );
        assert_eq!(today_in("Not/AZone", late_utc), late_utc.date());
    }

    fn input(role: &str, partner: bool) -> NewUserInput {
        NewUserInput {
            email: "Pat@Example.com".into(),
            name: "Pat".into(),
            role: role.into(),
            partner_id: partner.then(uuid::Uuid::now_v7),
            password: "correct horse battery".into(),
        }
    }

    #[test]
    fn user_names_need_a_visible_character_and_keep_their_direction() {
        for (name, message) in [
            ("\u{200B}", "must contain a visible character"),
            (
                "Pat\u{2066}",
                "must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)",
            ),
        ] {
            let errors = NewUserInput {
                name: name.into(),
                ..input("sales", false)
            }
            .validate()
            .unwrap_err();
            assert_eq!(
                (errors[0].field.as_str(), errors[0].message.as_str()),
                ("name", message)
            );
        }
    }

    #[test]
    fn partner_roles_need_a_partner_and_internal_roles_must_not_have_one() {
        assert!(input("partner_user", true).validate().is_ok());
        assert!(input("sales", false).validate().is_ok());
        assert_eq!(
            input("partner_user", false).validate().unwrap_err()[0].field,
            "partner_id"
        );
        assert_eq!(
            input("sales", true).validate().unwrap_err()[0].field,
            "partner_id"
        );
    }

    #[test]
    fn time_zones_are_checked_against_the_database() {
        assert_eq!(check_time_zone(" Europe/Berlin ").unwrap(), "Europe/Berlin");
        assert_eq!(check_time_zone("UTC").unwrap(), "UTC");
        assert!(
            check_time_zone("Europe/Berlinn")
                .unwrap_err()
                .contains("'Europe/Berlinn' is not a time zone")
        );
        assert!(check_time_zone("").is_err());
    }

    #[test]
    fn email_is_lower_cased_and_password_length_checked() {
        assert_eq!(
            input("admin", false).validate().unwrap().email,
            "pat@example.com"
        );
        let mut short = input("admin", false);
        short.password = "short".into();
        assert_eq!(
            short.validate().unwrap_err()[0].message,
            "must be at least 10 characters"
        );
        assert!(check_password(&"x".repeat(MAX_PASSWORD + 1)).is_err());
    }
}
