//! A partner's page: the record, and a section for each thing kept about the partner (contacts,
//! portal users, stage, tier and its facts, qualification, onboarding, certifications and
//! learning, the timeline). The features whose forms sit on it (`partners`, `contacts`,
//! `users`, `tiers`, `facts`, `recruitment`, `onboarding`, `enablement`) show it again through
//! [`partner_view`] with their form's errors, or go back to their section.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, Upload};
use crate::layout::{Errors, EventView, Layout, Opt, fmt_time, iso_time, tier_options};
use crate::respond::{PageResult, render, see_other, service_error};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::partners::{Contact, ContactInput, Partner};
use domain::permissions::Action;
use domain::program::history::QuarterFactsInput;
use domain::{Choice, FieldError};
use services::PageRequest;
use uuid::Uuid;

/// A partner as the partner list and the page's heading show it.
pub struct PartnerRow {
    pub id: Uuid,
    pub name: String,
    pub domains: String,
    pub tier: String,
    pub stage: &'static str,
    /// The stage's key, as a form sends it back.
    pub stage_key: &'static str,
    pub partner_type: &'static str,
    pub regions: String,
    pub owner: String,
    pub updated: String,
    pub updated_iso: String,
    pub archived: bool,
}

impl PartnerRow {
    pub(crate) fn from(
        p: &Partner,
        program: &domain::program::Program,
        zone: &domain::time_zone::TimeZone,
    ) -> PartnerRow {
        PartnerRow {
            id: p.id,
            name: p.display_name.clone(),
            domains: p.domains.join(", "),
            tier: program.tier_name(&p.tier).to_owned(),
            stage: p.stage.label(),
            stage_key: p.stage.as_str(),
            partner_type: p.partner_type.label(),
            regions: p
                .regions
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            owner: p.owner_name.clone().unwrap_or_default(),
            updated: fmt_time(&p.updated_at, zone),
            updated_iso: iso_time(&p.updated_at),
            archived: p.archived_at.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "partner.html")]
struct PartnerPage {
    layout: Layout,
    csrf_token: String,
    p: PartnerRow,
    legal_name: String,
    gtm_model: &'static str,
    industries: String,
    our_exec_sponsor: String,
    partner_exec_sponsor: String,
    notes: String,
    contacts: Vec<Contact>,
    next_stages: Vec<Opt>,
    /// One of the next stages ends the partner's access: the form asks to confirm it.
    may_end_access: bool,
    can_edit: bool,
    can_edit_contacts: bool,
    can_add_users: bool,
    portal_users: Vec<services::users::UserEntry>,
    contact: ContactInput,
    contact_errors: Errors,
    user_email: String,
    user_name: String,
    user_errors: Errors,
    stage_errors: Errors,
    report: services::program::TierReport,
    facts: QuarterFactsInput,
    facts_errors: Errors,
    tier_errors: Errors,
    tier_choices: Vec<Opt>,
    proposals: Vec<services::tiers::TierProposal>,
    internal: bool,
    certifications: Vec<services::enablement::CertificationView>,
    gates: Vec<services::enablement::GateView>,
    onboarding: services::onboarding::Checklist,
    onboarding_errors: Vec<String>,
    learning: services::enablement::learning::Learning,
    certification_errors: Vec<String>,
    /// (key, name) of each certification of the program.
    catalog: Vec<(String, String)>,
    /// Internal users only.
    ipp_history: Vec<services::recruitment::IppAssessment>,
    ipp_profile: domain::program::ipp::Ipp,
    ipp_input: domain::program::ipp::IppInput,
    ipp_errors: Errors,
    evaluations: Vec<services::recruitment::Evaluation3c4c>,
    evaluation_input: domain::program::scoring_3c4c::EvaluationInput,
    evaluation_errors: Errors,
    history: Vec<services::facts::QuarterView>,
    /// Won deals its revenue leaves out for want of a rate, per currency.
    wins_not_counted: Vec<domain::deals::revenue::NotCounted>,
    timeline: Vec<EventView>,
    older_link: Option<String>,
}

impl PartnerPage {
    /// Whether evidence is something to follow: an attached file or a web address.
    fn is_link(evidence: &str) -> bool {
        evidence.starts_with("/attachments/")
            || evidence.starts_with("/deals")
            || evidence.starts_with("/partners/")
            || evidence.starts_with("https://")
            || evidence.starts_with("http://")
    }

    /// How evidence reads: an attached file by its name, a link as "link", text as itself.
    fn evidence_label(evidence: &str) -> String {
        match evidence.strip_prefix("/attachments/") {
            Some(rest) => rest
                .split_once('/')
                .map(|(_, name)| percent_encoding_decode(name))
                .unwrap_or_else(|| "file".into()),
            None if evidence.starts_with("/deals") => "registrations".into(),
            None if evidence.starts_with("/partners/") => "on record".into(),
            None if Self::is_link(evidence) => "link".into(),
            None => evidence.to_owned(),
        }
    }

    /// The count typed or stored for a certification ("" when none).
    fn cert_count(&self, key: &str) -> &str {
        self.facts
            .certifications
            .get(key)
            .map_or("", String::as_str)
    }

    /// A quarter's certification counts in words: "Sales — Foundation 2, …".
    fn cert_summary(&self, quarter: &QuarterFactsInput) -> String {
        quarter
            .certifications
            .iter()
            .map(|(key, n)| {
                let name = self
                    .catalog
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or(key.as_str(), |(_, name)| name.as_str());
                format!("{name} {n}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The score typed for an IPP criterion ("" when not scored).
    fn ipp_score(&self, key: &str) -> &str {
        self.ipp_input.scores.get(key).map_or("", String::as_str)
    }

    fn ipp_flagged(&self, key: &str) -> bool {
        self.ipp_input.red_flags.iter().any(|f| f == key)
    }

    /// The four Cs of the evaluation form: (field, label, typed score, notes field, notes).
    fn evaluation_fields(&self) -> [(&'static str, &'static str, &str, &'static str, &str); 4] {
        let e = &self.evaluation_input;
        [
            (
                "capacity",
                "Capacity (people, finances, reach)",
                &e.capacity,
                "capacity_notes",
                &e.capacity_notes,
            ),
            (
                "capability",
                "Capability (certifications, deployments, integrations)",
                &e.capability,
                "capability_notes",
                &e.capability_notes,
            ),
            (
                "commitment",
                "Commitment (pipeline, planning, sponsorship)",
                &e.commitment,
                "commitment_notes",
                &e.commitment_notes,
            ),
            (
                "customers",
                "Customers (optional 4th C: book in our ICP, references)",
                &e.customers,
                "customers_notes",
                &e.customers_notes,
            ),
        ]
    }
}

/// What a form on the page sent and what was wrong with it, to show it again.
#[derive(Default)]
pub(crate) struct PartnerPageForms {
    pub(crate) contact: ContactInput,
    pub(crate) contact_errors: Vec<FieldError>,
    pub(crate) user_email: String,
    pub(crate) user_name: String,
    pub(crate) user_errors: Vec<FieldError>,
    pub(crate) stage_errors: Vec<FieldError>,
    pub(crate) facts: Option<QuarterFactsInput>,
    pub(crate) facts_errors: Vec<FieldError>,
    pub(crate) tier_errors: Vec<FieldError>,
    pub(crate) ipp: Option<domain::program::ipp::IppInput>,
    pub(crate) ipp_errors: Vec<FieldError>,
    pub(crate) evaluation: Option<domain::program::scoring_3c4c::EvaluationInput>,
    pub(crate) evaluation_errors: Vec<FieldError>,
    pub(crate) onboarding_errors: Vec<String>,
    pub(crate) certification_errors: Vec<String>,
    /// The quarter whose facts the form shows (`?quarter=`); the current one when empty.
    pub(crate) quarter: String,
}

pub(crate) async fn partner_view(
    state: &AppState,
    auth: &PageAuth,
    id: Uuid,
    before: &str,
    forms: PartnerPageForms,
) -> PageResult {
    let services = &state.services;
    let partner = services
        .get_partner(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let contacts = services
        .list_contacts(&auth.actor, id, false, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let timeline = services
        .partner_timeline(&auth.actor, id, before, Some(25))
        .await
        .map_err(service_error)?;
    let can_add_users = auth.actor.may(Action::ManageUsers);
    let portal_users = if can_add_users {
        services
            .list_users(&auth.actor, &PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
            .into_iter()
            .filter(|u| u.user.partner_id == Some(id))
            .collect()
    } else {
        Vec::new()
    };
    let has_errors = !(forms.contact_errors.is_empty()
        && forms.user_errors.is_empty()
        && forms.stage_errors.is_empty()
        && forms.facts_errors.is_empty()
        && forms.tier_errors.is_empty()
        && forms.ipp_errors.is_empty()
        && forms.evaluation_errors.is_empty()
        && forms.onboarding_errors.is_empty()
        && forms.certification_errors.is_empty());
    let report = services
        .evaluate_partner(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let (_, program) = services.program_in_force().await.map_err(service_error)?;
    let proposals = services
        .partner_proposals(&auth.actor, id, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let ipp_history = if auth.actor.may(Action::ReadInternal) {
        services
            .ipp_assessments(&auth.actor, id, &PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
    } else {
        Vec::new()
    };
    let evaluations = services
        .evaluations_3c4c(&auth.actor, id, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let certifications = services
        .certification_records(&auth.actor, id, &PageRequest::everything())
        .await
        .map_err(service_error)?
        .items;
    let gates = services
        .eligibility(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let onboarding = services
        .onboarding_checklist(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let learning = services
        .learning(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let history = services
        .partner_quarters(&auth.actor, id)
        .await
        .map_err(service_error)?;
    let facts = match forms.facts {
        Some(typed) => typed,
        None => {
            let quarter = domain::quarter::Quarter::parse(&forms.quarter)
                .unwrap_or_else(|_| services::clock::current_quarter());
            services::facts::QuarterView::form(&history, quarter)
        }
    };
    let view = PartnerPage {
        layout: auth.layout(partner.display_name.clone()),
        csrf_token: auth.csrf_token.clone(),
        p: PartnerRow::from(&partner, &program, &auth.zone()),
        legal_name: partner.legal_name.clone(),
        gtm_model: partner.gtm_model.label(),
        industries: partner.industries.join(", "),
        our_exec_sponsor: partner.our_exec_sponsor.clone(),
        partner_exec_sponsor: partner.partner_exec_sponsor.clone(),
        // Services leave our notes out of what partners receive.
        notes: partner.notes.clone(),
        contacts,
        next_stages: partner
            .stage
            .next_stages()
            .iter()
            .map(|s| Opt {
                value: s.as_str().into(),
                label: s.label().into(),
                selected: false,
            })
            .collect(),
        may_end_access: partner.stage.next_stages().iter().any(|s| s.ends_access()),
        can_edit: auth.actor.may(Action::ManagePartners),
        can_edit_contacts: auth.actor.may(Action::EditContacts),
        can_add_users,
        portal_users,
        contact: forms.contact,
        contact_errors: Errors::from(forms.contact_errors),
        user_email: forms.user_email,
        user_name: forms.user_name,
        user_errors: Errors::from(forms.user_errors),
        stage_errors: Errors::from(forms.stage_errors),
        report,
        facts,
        facts_errors: Errors::from(forms.facts_errors),
        tier_errors: Errors::from(forms.tier_errors),
        tier_choices: tier_options(&program, &partner.tier),
        proposals,
        internal: auth.actor.may(Action::ReadInternal),
        certifications,
        gates,
        onboarding,
        onboarding_errors: forms.onboarding_errors,
        learning,
        certification_errors: forms.certification_errors,
        catalog: program
            .certifications
            .iter()
            .map(|c| (c.key.clone(), c.name.clone()))
            .collect(),
        ipp_history,
        ipp_profile: program.ipp.clone(),
        ipp_input: forms.ipp.unwrap_or_default(),
        ipp_errors: Errors::from(forms.ipp_errors),
        evaluations,
        evaluation_input: forms.evaluation.unwrap_or_default(),
        evaluation_errors: Errors::from(forms.evaluation_errors),
        history: history.into_iter().rev().collect(),
        wins_not_counted: services
            .wins_not_counted(&auth.actor, id)
            .await
            .map_err(service_error)?,
        timeline: timeline
            .items
            .iter()
            .map(|e| EventView::from(e, &auth.zone()))
            .collect(),
        older_link: timeline
            .next_cursor
            .map(|c| format!("/partners/{id}?before={c}#timeline")),
    };
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(view)).into_response())
}

/// A section of the partner page whose small forms report their problems as a list.
#[derive(Clone, Copy)]
pub(crate) enum Section {
    Onboarding,
    Certifications,
}

/// Goes back to the section of the partner page, or shows the page again with the
/// section's problems, or the error page.
pub(crate) async fn section_result<T>(
    state: &AppState,
    auth: &PageAuth,
    partner_id: Uuid,
    section: Section,
    result: services::Result<T>,
) -> PageResult {
    let anchor = match section {
        Section::Onboarding => "onboarding",
        Section::Certifications => "certifications",
    };
    let errors = match result {
        Ok(_) => return Ok(see_other(&format!("/partners/{partner_id}#{anchor}"))),
        Err(services::Error::Invalid(errors)) => errors
            .into_iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect(),
        Err(services::Error::Conflict(why)) => vec![why],
        Err(other) => return Err(service_error(other)),
    };
    let forms = match section {
        Section::Onboarding => PartnerPageForms {
            onboarding_errors: errors,
            ..Default::default()
        },
        Section::Certifications => PartnerPageForms {
            certification_errors: errors,
            ..Default::default()
        },
    };
    partner_view(state, auth, partner_id, "", forms).await
}

/// The partner a small form acts for, from its hidden `partner_id` field.
pub(crate) fn form_partner(form: &Form) -> Result<Uuid, Response> {
    Uuid::parse_str(&form.get("partner_id")).map_err(|_| service_error(services::Error::NotFound))
}

/// The evidence a small form gives: the uploaded file (stored first, as the partner's
/// attachment) or else the typed text.
pub(crate) async fn evidence_of(
    state: &AppState,
    auth: &PageAuth,
    partner_id: Uuid,
    file: &Option<Upload>,
    typed: &str,
) -> services::Result<String> {
    match file {
        Some(file) => Ok(state
            .services
            .upload_attachment(
                &auth.actor,
                partner_id,
                &file.filename,
                &file.content_type,
                &file.data,
            )
            .await?
            .url),
        None => Ok(typed.to_owned()),
    }
}

fn percent_encoding_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}
