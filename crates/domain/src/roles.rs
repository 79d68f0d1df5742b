//! Who may do what: the roles of internal staff and of partner users.

use crate::choice_enum;

choice_enum! {
    /// A user's role. Internal roles work for the vendor; partner roles belong to one partner org.
    Role {
        Admin => ("admin", "Administrator"),
        PartnerManager => ("partner_manager", "Partner manager"),
        Sales => ("sales", "Sales"),
        Marketing => ("marketing", "Marketing"),
        Finance => ("finance", "Finance"),
        Executive => ("executive", "Executive (read-only)"),
        PartnerAdmin => ("partner_admin", "Partner admin"),
        PartnerUser => ("partner_user", "Partner user"),
    }
}

impl Role {
    pub fn is_partner_side(self) -> bool {
        matches!(self, Role::PartnerAdmin | Role::PartnerUser)
    }

    pub fn is_internal(self) -> bool {
        !self.is_partner_side()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Choice;

    #[test]
    fn partner_roles_are_not_internal() {
        for role in Role::ALL {
            assert_eq!(role.is_internal(), !role.is_partner_side());
        }
        assert!(Role::PartnerUser.is_partner_side());
        assert!(Role::Executive.is_internal());
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
