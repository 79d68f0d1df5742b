//! A partner's page, in sections with their own URLs ([`Tab`]): the record and its stage,
//! tier and facts, evaluations (IPP, 3C/4C), onboarding, certifications and learning, contacts
//! and portal users, the timeline. Each section loads only what it shows. The features whose
//! forms sit on it (`partners`, `contacts`, `users`, `tiers`, `facts`, `recruitment`,
//! `onboarding`, `enablement`) show their section again through [`partner_view`] with their
//! form's errors, or go back to it.

use crate::AppState;
use crate::auth::PageAuth;
use crate::extract::{Form, Upload};
use crate::format::moment;
use crate::layout::{Errors, EventView, Layout, Opt, iso_time, select_one, tier_options};
use crate::respond::{PageResult, form_problems, render, see_other, service_error};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::partners::{Contact, ContactInput, Partner};
use domain::permissions::Action;
use domain::program::history::QuarterFactsInput;
use domain::{Choice, FieldError};
use services::PageRequest;
use uuid::Uuid;

/// A section of the partner page, each at its own URL under `/partners/{id}`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Tab {
    Overview,
    Tier,
    Evaluations,
    Onboarding,
    Enablement,
    Contacts,
    Timeline,
}

impl Tab {
    const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Tier,
        Tab::Evaluations,
        Tab::Onboarding,
        Tab::Enablement,
        Tab::Contacts,
        Tab::Timeline,
    ];

    /// The section's path after `/partners/{id}`.
    pub(crate) fn path(&self) -> &'static str {
        match self {
            Tab::Overview => "",
            Tab::Tier => "/tier",
            Tab::Evaluations => "/evaluations",
            Tab::Onboarding => "/onboarding",
            Tab::Enablement => "/enablement",
            Tab::Contacts => "/contacts",
            Tab::Timeline => "/timeline",
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Tier => "Tier & facts",
            Tab::Evaluations => "Evaluations",
            Tab::Onboarding => "Onboarding",
            Tab::Enablement => "Enablement",
            Tab::Contacts => "Contacts",
            Tab::Timeline => "Timeline",
        }
    }

    /// Where the section is: `/partners/{id}/tier`.
    pub(crate) fn url(self, partner: Uuid) -> String {
        format!("/partners/{partner}{}", self.path())
    }
}

/// A link of the partner's section bar.
pub struct TabLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// The section bar of a partner's pages: the sections of the partner page, then its
/// scorecard and (ours only: partners never see a health score) its health page. `current`
/// is the path after `/partners/{id}` of the page shown ("/scorecard").
pub(crate) fn section_tabs(partner: Uuid, actor: &services::Actor, current: &str) -> Vec<TabLink> {
    let mut pages: Vec<(&'static str, &'static str)> =
        Tab::ALL.iter().map(|t| (t.path(), t.label())).collect();
    pages.push(("/scorecard", "Scorecard"));
    if actor.may(Action::ReadInternal) {
        pages.push(("/health", "Health"));
    }
    pages
        .into_iter()
        .map(|(path, label)| TabLink {
            href: format!("/partners/{partner}{path}"),
            label,
            current: path == current,
        })
        .collect()
}

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
            updated: moment(&p.updated_at, zone),
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
    tab: Tab,
    tabs: Vec<TabLink>,
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
    /// The tier section's report (only there).
    report: Option<services::program::TierReport>,
    facts: QuarterFactsInput,
    facts_errors: Errors,
    /// The facts form is open: it has errors, or a quarter was chosen to edit.
    facts_open: bool,
    tier_errors: Errors,
    tier_choices: Vec<Opt>,
    proposals: Vec<services::tiers::TierProposal>,
    internal: bool,
    certifications: Vec<services::enablement::CertificationView>,
    gates: Vec<services::enablement::GateView>,
    onboarding: Option<services::onboarding::Checklist>,
    onboarding_errors: Vec<String>,
    learning: Option<services::enablement::learning::Learning>,
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
    /// The program's currency, which typed revenue figures are in.
    currency: String,
    sponsor_choices: Vec<Opt>,
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
    tab: Tab,
    before: &str,
    forms: PartnerPageForms,
) -> PageResult {
    let services = &state.services;
    let actor = &auth.actor;
    let partner = services
        .get_partner(actor, id)
        .await
        .map_err(service_error)?;
    let (_, program) = services.program_in_force().await.map_err(service_error)?;
    let contacts = if matches!(tab, Tab::Contacts | Tab::Enablement) {
        services
            .list_contacts(actor, id, false, &PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
    } else {
        Vec::new()
    };
    let can_add_users = actor.may(Action::ManageUsers);
    let portal_users = if can_add_users && tab == Tab::Contacts {
        services
            .list_users(actor, &PageRequest::everything())
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
    let on_tier = tab == Tab::Tier;
    let report = if on_tier {
        Some(
            services
                .evaluate_partner(actor, id)
                .await
                .map_err(service_error)?,
        )
    } else {
        None
    };
    let proposals = if on_tier {
        services
            .partner_proposals(actor, id, &PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
    } else {
        Vec::new()
    };
    let history = if on_tier {
        services
            .partner_quarters(actor, id)
            .await
            .map_err(service_error)?
    } else {
        Vec::new()
    };
    let wins_not_counted = if on_tier {
        services
            .wins_not_counted(actor, id)
            .await
            .map_err(service_error)?
    } else {
        Vec::new()
    };
    let on_evaluations = tab == Tab::Evaluations;
    let ipp_history = if on_evaluations && actor.may(Action::ReadInternal) {
        services
            .ipp_assessments(actor, id, &PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
    } else {
        Vec::new()
    };
    let evaluations = if on_evaluations {
        services
            .evaluations_3c4c(actor, id, &PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
    } else {
        Vec::new()
    };
    let on_enablement = tab == Tab::Enablement;
    let certifications = if on_enablement {
        services
            .certification_records(actor, id, &PageRequest::everything())
            .await
            .map_err(service_error)?
            .items
    } else {
        Vec::new()
    };
    let gates = if on_enablement {
        services
            .eligibility(actor, id)
            .await
            .map_err(service_error)?
    } else {
        Vec::new()
    };
    let learning = if on_enablement {
        Some(services.learning(actor, id).await.map_err(service_error)?)
    } else {
        None
    };
    let onboarding = if tab == Tab::Onboarding {
        Some(
            services
                .onboarding_checklist(actor, id)
                .await
                .map_err(service_error)?,
        )
    } else {
        None
    };
    let (timeline, older_link) = if tab == Tab::Timeline {
        let page = services
            .partner_timeline(actor, id, before, Some(25))
            .await
            .map_err(service_error)?;
        let zone = auth.zone();
        (
            page.items
                .iter()
                .map(|e| EventView::from(e, &zone))
                .collect(),
            page.next_cursor
                .map(|c| format!("/partners/{id}/timeline?before={c}")),
        )
    } else {
        (Vec::new(), None)
    };
    let facts_open = !forms.facts_errors.is_empty() || !forms.quarter.is_empty();
    let facts = match forms.facts {
        Some(typed) => typed,
        None => {
            let quarter = domain::quarter::Quarter::parse(&forms.quarter)
                .unwrap_or_else(|_| services::clock::current_quarter());
            services::facts::QuarterView::form(&history, quarter)
        }
    };
    let sponsor_choices = select_one::<domain::program::SponsorLevel>(&facts.executive_sponsor);
    let view = PartnerPage {
        layout: auth.layout(partner.display_name.clone()),
        csrf_token: auth.csrf_token.clone(),
        tab,
        tabs: section_tabs(partner.id, actor, tab.path()),
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
        can_edit: actor.may(Action::ManagePartners),
        can_edit_contacts: actor.may(Action::EditContacts),
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
        facts_open,
        tier_errors: Errors::from(forms.tier_errors),
        tier_choices: tier_options(&program, &partner.tier),
        proposals,
        internal: actor.may(Action::ReadInternal),
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
        currency: program.currency.clone(),
        sponsor_choices,
        wins_not_counted,
        timeline,
        older_link,
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
    let tab = match section {
        Section::Onboarding => Tab::Onboarding,
        Section::Certifications => Tab::Enablement,
    };
    let Some(errors) = form_problems(result)? else {
        return Ok(see_other(&tab.url(partner_id)));
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
    partner_view(state, auth, partner_id, tab, "", forms).await
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
