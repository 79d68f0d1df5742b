//! Partner organisations: their classification, lifecycle and the validation of their records.

mod regions;

pub use regions::{NO_REGION, Region, RegionFilter};

use crate::choice_enum;
use crate::validation::{Choice, FieldError, Validation, is_valid_domain};
use serde::{Deserialize, Serialize};

choice_enum! {
    /// What kind of business the partner is.
    PartnerType {
        SystemsIntegrator => ("si", "Systems integrator"),
        Technology => ("technology", "ISV / technology"),
        Reseller => ("reseller", "Reseller / channel"),
        Referral => ("referral", "Referral"),
        Oem => ("oem", "OEM"),
        Msp => ("msp", "Managed service provider"),
    }
}

choice_enum! {
    /// How the partner goes to market with us.
    GtmModel {
        Referral => ("referral", "Referral"),
        Resell => ("resell", "Resell"),
        CoSell => ("co_sell", "Co-sell"),
        Oem => ("oem", "OEM"),
    }
}

choice_enum! {
    /// Where a partner stands in its relationship with us.
    LifecycleStage {
        Prospect => ("prospect", "Prospect"),
        Recruiting => ("recruiting", "Recruiting"),
        Onboarding => ("onboarding", "Onboarding"),
        Active => ("active", "Active"),
        Growing => ("growing", "Growing"),
        Strategic => ("strategic", "Strategic"),
        Paused => ("paused", "Paused"),
        Exited => ("exited", "Exited"),
    }
}

impl LifecycleStage {
    /// The stages a partner may move to from this one.
    ///
    /// The main path moves one step at a time (prospect → … → strategic) and may step back
    /// one stage when a relationship cools. Any stage may be paused or exited; a paused
    /// partner resumes into any working stage; an exited partner can only be re-recruited.
    pub fn next_stages(self) -> &'static [LifecycleStage] {
        use LifecycleStage::*;
        match self {
            Prospect => &[Recruiting, Exited],
            Recruiting => &[Prospect, Onboarding, Paused, Exited],
            Onboarding => &[Active, Paused, Exited],
            Active => &[Growing, Paused, Exited],
            Growing => &[Strategic, Active, Paused, Exited],
            Strategic => &[Growing, Paused, Exited],
            Paused => &[Onboarding, Active, Growing, Strategic, Exited],
            Exited => &[Recruiting],
        }
    }

    pub fn can_move_to(self, to: LifecycleStage) -> bool {
        self.next_stages().contains(&to)
    }

    /// Whether entering this stage ends the partner's portal access: every session and API
    /// token of its people, at once. Such a move needs a stated reason.
    pub fn ends_access(self) -> bool {
        self == LifecycleStage::Exited
    }

    /// What is missing from a move to this stage with `note`, if anything: a move that ends
    /// access says why.
    pub fn note_problem(self, note: &str) -> Option<&'static str> {
        (self.ends_access() && note.trim().is_empty())
            .then_some("say why the partner exits: its people lose portal access at once")
    }

    /// Checks a stage change, explaining which moves are possible when it is refused.
    pub fn check_transition(self, to: LifecycleStage) -> Result<(), FieldError> {
        if self == to {
            return Err(FieldError {
                field: "stage".into(),
                message: format!("the partner is already in stage {}", self.label()),
            });
        }
        if self.can_move_to(to) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.next_stages().iter().map(|s| s.as_str()).collect();
        Err(FieldError {
            field: "stage".into(),
            message: format!(
                "a partner cannot move from {} to {}; possible next stages: {}",
                self.as_str(),
                to.as_str(),
                allowed.join(", ")
            ),
        })
    }
}

pub const MAX_NAME: usize = 200;
pub const MAX_NOTES: usize = 10_000;
pub const MAX_SHORT: usize = 120;
pub const MAX_DOMAINS: usize = 10;
pub const MAX_INDUSTRIES: usize = 20;

/// A partner record as a person or client typed it: every field still text.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PartnerInput {
    /// Legal name, e.g. "Northwind Consulting GmbH".
    pub legal_name: String,
    /// The name people use; defaults to the legal name.
    pub display_name: String,
    /// Website domains, e.g. ["northwind.de"].
    #[serde(deserialize_with = "crate::validation::list_or_text")]
    pub domains: Vec<String>,
    /// One of: si, technology, reseller, referral, oem, msp.
    pub partner_type: String,
    /// One of: referral, resell, co_sell, oem.
    pub gtm_model: String,
    /// Any of: north_america, latin_america, emea, apac.
    pub regions: Vec<String>,
    #[serde(deserialize_with = "crate::validation::list_or_text")]
    pub industries: Vec<String>,
    /// One of: registered, bronze, silver, gold, platinum.
    pub tier: String,
    /// Initial lifecycle stage (creation only; later changes go through stage transitions).
    pub stage: String,
    /// The partner manager who owns the relationship (a user id).
    pub owner_id: Option<uuid::Uuid>,
    pub our_exec_sponsor: String,
    pub partner_exec_sponsor: String,
    pub notes: String,
}

/// A validated partner record, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnerFields {
    pub legal_name: String,
    pub display_name: String,
    pub domains: Vec<String>,
    pub partner_type: PartnerType,
    pub gtm_model: GtmModel,
    pub regions: Vec<Region>,
    pub industries: Vec<String>,
    /// A tier key of the program (`registered`, `gold`, …).
    pub tier: String,
    pub stage: LifecycleStage,
    pub owner_id: Option<uuid::Uuid>,
    pub our_exec_sponsor: String,
    pub partner_exec_sponsor: String,
    pub notes: String,
}

/// Whether two email addresses name the same person: the case of an address and the spaces
/// around it are how it was typed, not who it is.
pub fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Lower-cases a domain and strips what people paste around it (scheme, www., path).
pub fn normalize_domain(raw: &str) -> String {
    let lower = raw.trim().to_ascii_lowercase();
    let without_scheme = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let host = without_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let mut host = host.trim_end_matches('.');
    while let Some(rest) = host.strip_prefix("www.") {
        host = rest;
    }
    host.to_owned()
}

impl PartnerInput {
    /// Checks every field; `tiers` are the program's tier keys, lowest first (an empty tier
    /// means the lowest).
    pub fn validate(&self, tiers: &[String]) -> Result<PartnerFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let legal_name = v.name("legal_name", &self.legal_name, true, MAX_NAME);
        let mut display_name = v.name("display_name", &self.display_name, false, MAX_NAME);
        if display_name.is_empty() {
            display_name = legal_name.clone();
        }

        let mut domains: Vec<String> = Vec::new();
        for raw in self.domains.iter().filter(|d| !d.trim().is_empty()) {
            let domain = normalize_domain(raw);
            if !is_valid_domain(&domain) {
                v.add(
                    "domains",
                    format!(
                        "'{}' is not a valid website domain (e.g. acme.com)",
                        raw.trim()
                    ),
                );
            } else if !domains.contains(&domain) {
                domains.push(domain);
            }
        }
        if domains.len() > MAX_DOMAINS {
            v.add("domains", format!("at most {MAX_DOMAINS} domains"));
        }

        let partner_type = v.choice::<PartnerType>("partner_type", &self.partner_type);
        let gtm_model = v.choice::<GtmModel>("gtm_model", &self.gtm_model);
        let mut regions = Vec::new();
        for raw in self.regions.iter().filter(|r| !r.trim().is_empty()) {
            if let Some(region) = v.choice::<Region>("regions", raw)
                && !regions.contains(&region)
            {
                regions.push(region);
            }
        }
        let mut industries: Vec<String> = Vec::new();
        for raw in self.industries.iter().filter(|i| !i.trim().is_empty()) {
            let industry = v.text("industries", raw, false, MAX_SHORT);
            if !industries.contains(&industry) {
                industries.push(industry);
            }
        }
        if industries.len() > MAX_INDUSTRIES {
            v.add("industries", format!("at most {MAX_INDUSTRIES} industries"));
        }
        let tier = match self.tier.trim().to_ascii_lowercase() {
            key if key.is_empty() => tiers.first().cloned().unwrap_or_default(),
            key if tiers.contains(&key) => key,
            _ => {
                v.add(
                    "tier",
                    format!(
                        "'{}' is not a tier of the program; choose one of: {}",
                        self.tier.trim(),
                        tiers.join(", ")
                    ),
                );
                String::new()
            }
        };
        let stage = if self.stage.trim().is_empty() {
            Some(LifecycleStage::Prospect)
        } else {
            v.choice::<LifecycleStage>("stage", &self.stage)
        };
        let our_exec_sponsor = v.text("our_exec_sponsor", &self.our_exec_sponsor, false, MAX_SHORT);
        let partner_exec_sponsor = v.text(
            "partner_exec_sponsor",
            &self.partner_exec_sponsor,
            false,
            MAX_SHORT,
        );
        let notes = v.text("notes", &self.notes, false, MAX_NOTES);
        v.into_result()?;
        Ok(PartnerFields {
            legal_name,
            display_name,
            domains,
            partner_type: partner_type.expect("validated"),
            gtm_model: gtm_model.expect("validated"),
            regions,
            industries,
            tier,
            stage: stage.expect("validated"),
            owner_id: self.owner_id,
            our_exec_sponsor,
            partner_exec_sponsor,
            notes,
        })
    }
}

/// A person at a partner, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactInput {
    pub name: String,
    /// Their job or role in the partnership, e.g. "Alliance lead".
    pub role: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactFields {
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: String,
}

impl ContactInput {
    pub fn validate(&self) -> Result<ContactFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.name("name", &self.name, true, MAX_SHORT);
        let role = v.text("role", &self.role, false, MAX_SHORT);
        let email = v.optional_email("email", &self.email);
        let phone = v.text("phone", &self.phone, false, 40);
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().x".contains(c))
        {
            v.add("phone", "may contain only digits, spaces and + - ( ) . x");
        }
        v.into_result()?;
        Ok(ContactFields {
            name,
            role,
            email,
            phone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_api_returns_its_filters_take_back() {
        assert_eq!(
            serde_json::to_value(PartnerType::SystemsIntegrator).unwrap(),
            "si"
        );
        for t in PartnerType::ALL {
            let sent = serde_json::to_value(t).unwrap();
            assert_eq!(PartnerType::parse(sent.as_str().unwrap()), Some(*t));
        }
        for m in GtmModel::ALL {
            let sent = serde_json::to_value(m).unwrap();
            assert_eq!(GtmModel::parse(sent.as_str().unwrap()), Some(*m));
        }
    }
    use proptest::prelude::*;

    fn valid_input() -> PartnerInput {
        PartnerInput {
            legal_name: "Northwind Consulting GmbH".into(),
            domains: vec!["https://www.Northwind.de/about".into()],
            partner_type: "si".into(),
            gtm_model: "co_sell".into(),
            regions: vec!["emea".into(), "emea".into()],
            industries: vec!["Manufacturing".into()],
            ..Default::default()
        }
    }

    fn tiers() -> Vec<String> {
        ["registered", "bronze", "gold"].map(String::from).to_vec()
    }

    #[test]
    fn valid_partner_gets_defaults_and_normalised_domains() {
        let fields = valid_input().validate(&tiers()).unwrap();
        assert_eq!(fields.display_name, "Northwind Consulting GmbH");
        assert_eq!(fields.domains, vec!["northwind.de"]);
        assert_eq!(fields.regions, vec![Region::Emea]);
        assert_eq!(fields.tier, "registered");
        assert_eq!(fields.stage, LifecycleStage::Prospect);
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = PartnerInput {
            legal_name: "x".repeat(MAX_NAME + 1),
            domains: vec!["not a domain".into()],
            partner_type: "reseler".into(),
            gtm_model: String::new(),
            regions: vec!["mars".into()],
            tier: "diamond".into(),
            ..Default::default()
        };
        let errors = input.validate(&tiers()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "legal_name",
                "domains",
                "partner_type",
                "gtm_model",
                "regions",
                "tier"
            ]
        );
        assert!(
            errors[2]
                .message
                .contains("'reseler' is not one of: si, technology")
        );
        assert!(errors[3].message.starts_with("is required"));
    }

    #[test]
    fn partner_and_contact_names_refuse_direction_overrides_and_blanks() {
        let messages = |errors: Vec<FieldError>| -> Vec<(String, String)> {
            errors.into_iter().map(|e| (e.field, e.message)).collect()
        };
        let partner = PartnerInput {
            legal_name: "\u{200B}\u{200C}".into(),
            display_name: "Northwind\u{202E}dnihtroN".into(),
            ..valid_input()
        };
        let contact = ContactInput {
            name: "\u{FEFF}\u{2060}".into(),
            ..Default::default()
        };
        assert_eq!(
            messages(partner.validate(&tiers()).unwrap_err()),
            [
                ("legal_name".into(), "must contain a visible character".into()),
                (
                    "display_name".into(),
                    "must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)".into()
                )
            ]
        );
        assert_eq!(
            messages(contact.validate().unwrap_err()),
            [("name".into(), "must contain a visible character".into())]
        );
    }

    #[test]
    fn the_same_email_whatever_its_case_and_spaces() {
        assert!(same_email(
            " Ana.Schmidt@Alpha.com ",
            "ana.schmidt@alpha.com"
        ));
        assert!(!same_email(
            "ana.schmidt@alpha.com",
            "ana.schmidt.0@alpha.com"
        ));
    }

    #[test]
    fn contact_validation() {
        let ok = ContactInput {
            name: "Ana".into(),
            email: "Ana@Acme.com".into(),
            phone: "+49 (30) 1234-5".into(),
            ..Default::default()
        };
        assert_eq!(
            ok.validate().unwrap().email.as_deref(),
            Some("ana@acme.com")
        );
        let bad = ContactInput {
            name: "".into(),
            email: "ana@".into(),
            phone: "call me".into(),
            ..Default::default()
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "email", "phone"]);
    }

    #[test]
    fn main_path_moves_one_step_at_a_time() {
        use LifecycleStage::*;
        let path = [Prospect, Recruiting, Onboarding, Active, Growing, Strategic];
        for pair in path.windows(2) {
            assert!(
                pair[0].can_move_to(pair[1]),
                "{:?} -> {:?}",
                pair[0],
                pair[1]
            );
        }
        assert!(!Prospect.can_move_to(Active));
        assert!(!Onboarding.can_move_to(Strategic));
        assert!(!Exited.can_move_to(Active));
        assert!(Exited.can_move_to(Recruiting));
    }

    #[test]
    fn refused_transition_explains_the_options() {
        let err = LifecycleStage::Prospect
            .check_transition(LifecycleStage::Active)
            .unwrap_err();
        assert_eq!(err.field, "stage");
        assert!(
            err.message
                .contains("possible next stages: recruiting, exited"),
            "{}",
            err.message
        );
        assert!(
            LifecycleStage::Active
                .check_transition(LifecycleStage::Active)
                .is_err()
        );
    }

    proptest! {
        #[test]
        fn no_stage_moves_to_itself(i in 0usize..8) {
            let s = LifecycleStage::ALL[i];
            prop_assert!(!s.can_move_to(s));
        }

        #[test]
        fn every_working_stage_can_pause_or_exit(i in 0usize..8) {
            let s = LifecycleStage::ALL[i];
            if !matches!(s, LifecycleStage::Prospect | LifecycleStage::Paused | LifecycleStage::Exited) {
                prop_assert!(s.can_move_to(LifecycleStage::Paused));
            }
            if s != LifecycleStage::Exited {
                prop_assert!(s.can_move_to(LifecycleStage::Exited));
            }
        }

        #[test]
        fn normalize_domain_is_idempotent(s in "[a-zA-Z0-9./:-]{0,40}") {
            let once = normalize_domain(&s);
            prop_assert_eq!(normalize_domain(&once), once.clone());
        }
    }
}

/// A stored partner organisation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Partner {
    pub id: uuid::Uuid,
    pub legal_name: String,
    pub display_name: String,
    pub domains: Vec<String>,
    pub partner_type: PartnerType,
    pub gtm_model: GtmModel,
    pub regions: Vec<Region>,
    pub industries: Vec<String>,
    /// A tier key of the program in force when it was set.
    pub tier: String,
    pub stage: LifecycleStage,
    pub owner_id: Option<uuid::Uuid>,
    pub owner_name: Option<String>,
    pub our_exec_sponsor: String,
    pub partner_exec_sponsor: String,
    /// Internal: left out of what a partner's own people receive.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub archived_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
}

/// Why a partner takes no part in the program any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfProgram {
    Archived,
    Exited,
}

impl OutOfProgram {
    /// Whether a partner in `stage`, archived or not, is out of the program, and why.
    pub fn of(stage: LifecycleStage, archived: bool) -> Option<OutOfProgram> {
        if archived {
            Some(OutOfProgram::Archived)
        } else if stage == LifecycleStage::Exited {
            Some(OutOfProgram::Exited)
        } else {
            None
        }
    }
}

impl std::fmt::Display for OutOfProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OutOfProgram::Archived => "archived",
            OutOfProgram::Exited => "exited",
        })
    }
}

impl Partner {
    /// Why the partner takes no part in the program any more — archived or exited — if so.
    /// Such a partner's people lose portal access, and it registers nothing and keeps no
    /// tier benefits; its records stay for us.
    pub fn out_of_program(&self) -> Option<OutOfProgram> {
        OutOfProgram::of(self.stage, self.archived_at.is_some())
    }

    /// The fields of the record that are ours alone (left out of what partners receive, and
    /// of the edits their timeline tells them about).
    pub const INTERNAL_FIELDS: &[&str] = &["notes"];

    /// The record as the partner's own people receive it: our internal notes left out.
    pub fn as_seen_by_partner(mut self) -> Partner {
        self.notes = String::new();
        self
    }

    pub fn to_input(&self) -> PartnerInput {
        PartnerInput {
            legal_name: self.legal_name.clone(),
            display_name: self.display_name.clone(),
            domains: self.domains.clone(),
            partner_type: self.partner_type.to_string(),
            gtm_model: self.gtm_model.to_string(),
            regions: self.regions.iter().map(ToString::to_string).collect(),
            industries: self.industries.clone(),
            tier: self.tier.clone(),
            stage: self.stage.to_string(),
            owner_id: self.owner_id,
            our_exec_sponsor: self.our_exec_sponsor.clone(),
            partner_exec_sponsor: self.partner_exec_sponsor.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// A stored person at a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: uuid::Uuid,
    pub partner_id: uuid::Uuid,
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub archived_at: Option<time::OffsetDateTime>,
}
