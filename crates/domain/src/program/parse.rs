//! Reading `program.toml`: the file as written (with positions), located problems with a fix
//! for each, and the checked [`Program`] when there is no error.

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::issues::{Checks, Issue, Locator, Severity, fix_for};
use super::model::*;
use super::{certifications, ipp, onboarding, policy, scoring_3c4c};

// ---- the file as written, with positions ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    program: RawInfo,
    review: Review,
    progression: Progression,
    tiers: Spanned<Vec<Spanned<RawTier>>>,
    #[serde(default = "certifications::default_catalog")]
    certifications: Vec<certifications::Certification>,
    #[serde(default)]
    onboarding: onboarding::Onboarding,
    #[serde(default)]
    deal_registration: policy::DealRegistration,
    #[serde(default)]
    co_sell: policy::CoSell,
    #[serde(default)]
    mdf: policy::Mdf,
    #[serde(default)]
    commissions: policy::Commissions,
    #[serde(default)]
    slas: policy::Slas,
    #[serde(default)]
    business_hours: policy::BusinessHours,
    #[serde(default)]
    escalation_paths: policy::EscalationPaths,
    #[serde(default)]
    raci: policy::RaciMatrix,
    #[serde(default)]
    targets: policy::Targets,
    #[serde(default)]
    health_score: policy::HealthScore,
    #[serde(default)]
    enablement: policy::Enablement,
    #[serde(default)]
    dashboard: policy::Dashboard,
    #[serde(default)]
    tracker: policy::Tracker,
    #[serde(default)]
    internal_nps: policy::InternalNps,
    #[serde(default)]
    ipp: ipp::Ipp,
    #[serde(default)]
    scoring_3c4c: scoring_3c4c::Scoring3c4c,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    name: String,
    currency: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    key: Spanned<String>,
    name: String,
    #[serde(default)]
    entry: RawCriteria,
    keep: Option<Spanned<RawCriteria>>,
    benefits: RawBenefits,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, default)]
struct RawCriteria {
    sourced_revenue_12m: Option<Spanned<Decimal>>,
    certified_people: Option<Spanned<u32>>,
    advanced_certified_people: Option<Spanned<u32>>,
    customer_references: Option<Spanned<u32>>,
    qbrs_per_year: Option<Spanned<u32>>,
    executive_sponsor: Option<Spanned<SponsorLevel>>,
    co_marketing_per_year: Option<Spanned<u32>>,
    min_ipp_score: Option<Spanned<u32>>,
    certifications: Option<std::collections::BTreeMap<String, Spanned<u32>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBenefits {
    discount_percent: Spanned<Decimal>,
    mdf_per_year: Spanned<Decimal>,
    deal_protection_days: u32,
    support_response_hours: u32,
    partner_manager: Coverage,
    #[serde(default)]
    portal_sections: Vec<String>,
}

impl RawCriteria {
    /// Criteria with unset values taken from `base` (keep defaults to entry) or zero.
    fn resolve(&self, base: Option<&Criteria>) -> Criteria {
        let zero = Criteria {
            sourced_revenue_12m: Decimal::ZERO,
            certified_people: 0,
            advanced_certified_people: 0,
            customer_references: 0,
            qbrs_per_year: 0,
            executive_sponsor: SponsorLevel::None,
            co_marketing_per_year: 0,
            min_ipp_score: 0,
            certifications: Default::default(),
        };
        let base = base.unwrap_or(&zero);
        Criteria {
            sourced_revenue_12m: self
                .sourced_revenue_12m
                .as_ref()
                .map_or(base.sourced_revenue_12m, |v| *v.get_ref()),
            certified_people: self
                .certified_people
                .as_ref()
                .map_or(base.certified_people, |v| *v.get_ref()),
            advanced_certified_people: self
                .advanced_certified_people
                .as_ref()
                .map_or(base.advanced_certified_people, |v| *v.get_ref()),
            customer_references: self
                .customer_references
                .as_ref()
                .map_or(base.customer_references, |v| *v.get_ref()),
            qbrs_per_year: self
                .qbrs_per_year
                .as_ref()
                .map_or(base.qbrs_per_year, |v| *v.get_ref()),
            executive_sponsor: self
                .executive_sponsor
                .as_ref()
                .map_or(base.executive_sponsor, |v| *v.get_ref()),
            co_marketing_per_year: self
                .co_marketing_per_year
                .as_ref()
                .map_or(base.co_marketing_per_year, |v| *v.get_ref()),
            min_ipp_score: self
                .min_ipp_score
                .as_ref()
                .map_or(base.min_ipp_score, |v| *v.get_ref()),
            // A keep table's certifications override the entry's one by one.
            certifications: {
                let mut merged = base.certifications.clone();
                for (key, count) in self.certifications.iter().flatten() {
                    merged.insert(key.clone(), *count.get_ref());
                }
                merged
            },
        }
    }
}

/// Each criterion by name, its value as a comparable number, and where it was written.
fn criteria_values(
    c: &Criteria,
    raw: &RawCriteria,
) -> Vec<(&'static str, Decimal, Option<std::ops::Range<usize>>)> {
    let span = |v: &Option<Spanned<u32>>| v.as_ref().map(|s| s.span());
    vec![
        (
            "sourced_revenue_12m",
            c.sourced_revenue_12m,
            raw.sourced_revenue_12m.as_ref().map(|s| s.span()),
        ),
        (
            "certified_people",
            c.certified_people.into(),
            span(&raw.certified_people),
        ),
        (
            "advanced_certified_people",
            c.advanced_certified_people.into(),
            span(&raw.advanced_certified_people),
        ),
        (
            "customer_references",
            c.customer_references.into(),
            span(&raw.customer_references),
        ),
        (
            "qbrs_per_year",
            c.qbrs_per_year.into(),
            span(&raw.qbrs_per_year),
        ),
        (
            "executive_sponsor",
            (c.executive_sponsor as u32).into(),
            raw.executive_sponsor.as_ref().map(|s| s.span()),
        ),
        (
            "co_marketing_per_year",
            c.co_marketing_per_year.into(),
            span(&raw.co_marketing_per_year),
        ),
        (
            "min_ipp_score",
            c.min_ipp_score.into(),
            span(&raw.min_ipp_score),
        ),
    ]
}

fn benefits_differing(a: &Benefits, b: &Benefits) -> usize {
    [
        a.discount_percent != b.discount_percent,
        a.mdf_per_year != b.mdf_per_year,
        a.deal_protection_days != b.deal_protection_days,
        a.support_response_hours != b.support_response_hours,
        a.partner_manager != b.partner_manager,
        a.portal_sections != b.portal_sections,
    ]
    .iter()
    .filter(|d| **d)
    .count()
}

/// Parses and checks a program file. Returns the program when it has no errors (warnings
/// may remain), and every issue found either way, in file order.
pub fn parse(text: &str) -> (Option<Program>, Vec<Issue>) {
    let locate = Locator(text);
    let mut raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().replace('\n', " ");
            let fix = fix_for(&message);
            return (
                None,
                vec![locate.issue(Severity::Error, span, message, fix)],
            );
        }
    };
    let mut issues = Vec::new();
    let mut error = |span: std::ops::Range<usize>, message: String, fix: &str| {
        issues.push(locate.issue(Severity::Error, span, message, fix))
    };

    let currency = raw.program.currency.get_ref();
    // The code exactly as ISO 4217 writes it: the file is the program's record, not a form
    // to tidy, so "usd" is refused too.
    if crate::money::minor_units(currency).is_none() {
        error(
            raw.program.currency.span(),
            format!("currency '{currency}' is not an ISO 4217 currency"),
            "write the capital three-letter code of a currency in use, e.g. \"USD\" or \"EUR\"",
        );
    }
    if raw.progression.upgrade_after_quarters == 0 || raw.progression.downgrade_after_quarters == 0
    {
        error(
            0..0,
            "progression: upgrade_after_quarters and downgrade_after_quarters must be at least 1"
                .into(),
            "set them to 1 or more (the default is 2)",
        );
    }
    if raw.tiers.get_ref().is_empty() {
        error(
            raw.tiers.span(),
            "the program has no tiers".into(),
            "add at least one [[tiers]] table",
        );
    }

    let mut tiers: Vec<TierDef> = Vec::new();
    let mut raws: Vec<&RawTier> = Vec::new();
    let mut warnings = Vec::new();
    for spanned in raw.tiers.get_ref() {
        let tier = spanned.get_ref();
        let key = tier.key.get_ref();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            error(
                tier.key.span(),
                format!("tier key '{key}' must be lower-case letters, digits or _"),
                "use a short lower-case key such as \"gold\"",
            );
        }
        if tiers.iter().any(|t| &t.key == key) {
            error(
                tier.key.span(),
                format!("tier key '{key}' is used twice"),
                "give every tier its own key",
            );
        }
        let entry = tier.entry.resolve(None);
        let keep = tier
            .keep
            .as_ref()
            .map(|k| k.get_ref().resolve(Some(&entry)))
            .unwrap_or_else(|| entry.clone());
        for ((name, entry_value, _), (_, keep_value, span)) in criteria_values(&entry, &tier.entry)
            .into_iter()
            .zip(criteria_values(
                &keep,
                tier.keep
                    .as_ref()
                    .map(|k| k.get_ref())
                    .unwrap_or(&RawCriteria::default()),
            ))
        {
            if keep_value > entry_value {
                error(
                    span.unwrap_or(spanned.span()),
                    format!(
                        "tier {key}: keep.{name} ({keep_value}) is stricter than entry.{name} ({entry_value})"
                    ),
                    "keep criteria must be at most the entry criteria; lower the keep value or raise the entry value",
                );
            }
        }
        if entry.advanced_certified_people > entry.certified_people {
            error(
                tier.entry
                    .advanced_certified_people
                    .as_ref()
                    .map(|s| s.span())
                    .unwrap_or(spanned.span()),
                format!(
                    "tier {key}: {} advanced certified people but only {} certified people",
                    entry.advanced_certified_people, entry.certified_people
                ),
                "advanced certifications count among certified people; raise certified_people",
            );
        }
        let catalog_keys: Vec<&str> = raw.certifications.iter().map(|c| c.key.as_str()).collect();
        let keep_raw = tier.keep.as_ref().map(|k| k.get_ref());
        for (table, raw_criteria) in [("entry", Some(&tier.entry)), ("keep", keep_raw)] {
            for (cert, count) in raw_criteria
                .and_then(|r| r.certifications.as_ref())
                .into_iter()
                .flatten()
            {
                if !catalog_keys.contains(&cert.as_str()) {
                    error(
                        count.span(),
                        format!(
                            "tier {key}: {table}.certifications names '{cert}', which is not in the certification catalog"
                        ),
                        &format!(
                            "use one of the catalog's keys ({}) or add it under [[certifications]]",
                            catalog_keys.join(", ")
                        ),
                    );
                }
            }
        }
        for (cert, keep_count) in &keep.certifications {
            let entry_count = entry.certifications.get(cert).copied().unwrap_or(0);
            if *keep_count > entry_count {
                let span = keep_raw
                    .and_then(|k| k.certifications.as_ref())
                    .and_then(|m| m.get(cert))
                    .map(|c| c.span())
                    .unwrap_or(spanned.span());
                error(
                    span,
                    format!(
                        "tier {key}: keep.certifications.{cert} ({keep_count}) is stricter than entry ({entry_count})"
                    ),
                    "keep criteria must be at most the entry criteria",
                );
            }
        }
        if entry.min_ipp_score > 100 {
            error(
                tier.entry
                    .min_ipp_score
                    .as_ref()
                    .map(|s| s.span())
                    .unwrap_or(spanned.span()),
                format!(
                    "tier {key}: min_ipp_score {} is above 100",
                    entry.min_ipp_score
                ),
                "IPP scores run from 0 to 100",
            );
        }
        let b = &tier.benefits;
        let discount = *b.discount_percent.get_ref();
        if discount < Decimal::ZERO || discount > Decimal::ONE_HUNDRED {
            error(
                b.discount_percent.span(),
                format!("tier {key}: discount_percent {discount} is outside 0-100"),
                "write the discount as a percentage, e.g. 15 for 15 %",
            );
        }
        if *b.mdf_per_year.get_ref() < Decimal::ZERO {
            error(
                b.mdf_per_year.span(),
                format!("tier {key}: mdf_per_year is negative"),
                "write 0 for no MDF",
            );
        }
        let benefits = Benefits {
            discount_percent: discount,
            mdf_per_year: *b.mdf_per_year.get_ref(),
            deal_protection_days: b.deal_protection_days,
            support_response_hours: b.support_response_hours,
            partner_manager: b.partner_manager,
            portal_sections: b.portal_sections.clone(),
        };
        if let (Some(below), Some(below_raw)) = (tiers.last(), raws.last()) {
            for ((name, value, span), (_, below_value, _)) in criteria_values(&entry, &tier.entry)
                .into_iter()
                .zip(criteria_values(&below.entry, &below_raw.entry))
            {
                if value < below_value {
                    error(
                        span.unwrap_or(spanned.span()),
                        format!(
                            "tiers out of order: {key} asks for {name} {value}, less than {} below it asks ({below_value})",
                            below.key
                        ),
                        "list tiers from lowest to highest; each tier's entry criteria must be at least those of the tier before",
                    );
                }
            }
            for (cert, below_count) in &below.entry.certifications {
                if !catalog_keys.contains(&cert.as_str()) {
                    continue; // reported once, as not in the catalog
                }
                let count = entry.certifications.get(cert).copied().unwrap_or(0);
                if count < *below_count {
                    error(
                        tier.entry
                            .certifications
                            .as_ref()
                            .and_then(|m| m.get(cert))
                            .map(|c| c.span())
                            .unwrap_or(spanned.span()),
                        format!(
                            "tiers out of order: {key} asks for {count} people with {cert}, fewer than {} below it asks ({below_count})",
                            below.key
                        ),
                        "a higher tier must ask at least what the tier below asks",
                    );
                }
            }
            let worse = [
                (
                    "discount_percent",
                    benefits.discount_percent < below.benefits.discount_percent,
                ),
                (
                    "mdf_per_year",
                    benefits.mdf_per_year < below.benefits.mdf_per_year,
                ),
                (
                    "deal_protection_days",
                    benefits.deal_protection_days < below.benefits.deal_protection_days,
                ),
                (
                    "support_response_hours",
                    benefits.support_response_hours > below.benefits.support_response_hours,
                ),
                (
                    "partner_manager",
                    benefits.partner_manager < below.benefits.partner_manager,
                ),
            ];
            for (name, is_worse) in worse {
                if is_worse {
                    warnings.push(locate.issue(
                        Severity::Warning,
                        tier.key.span(),
                        format!("tier {key} offers less {name} than {} below it", below.key),
                        "a higher tier should never give less than a lower one; check the order of tiers or this value",
                    ));
                }
            }
            let differing = benefits_differing(&benefits, &below.benefits);
            if differing < 3 {
                warnings.push(locate.issue(
                    Severity::Warning,
                    tier.key.span(),
                    format!("tier {key} differs from {} in only {differing} benefit(s)", below.key),
                    "make each tier differ from the one below in at least 3 benefits, or partners will not see why to move up",
                ));
            }
        }
        tiers.push(TierDef {
            key: key.clone(),
            name: tier.name.clone(),
            entry,
            keep,
            benefits,
        });
        raws.push(tier);
    }
    issues.extend(warnings);
    let mut deal_registration = raw.deal_registration;
    let mut business_hours = raw.business_hours;
    let moved_holidays = std::mem::take(&mut deal_registration.moved_holidays);
    let holidays_moved = !moved_holidays.is_empty();
    let mut slas = raw.slas;
    let retired_conflict_hours = slas.take_retired_conflict_hours();
    let retired_kickoff_days = slas.take_retired_kickoff_days();
    business_hours.holidays.extend(moved_holidays);
    business_hours.holidays.sort();
    business_hours.holidays.dedup();
    let policies = policy::Policies {
        deal_registration,
        co_sell: raw.co_sell,
        mdf: raw.mdf,
        commissions: raw.commissions,
        slas,
        business_hours,
        escalation_paths: raw.escalation_paths,
        raci: raw.raci,
        targets: raw.targets,
        health_score: raw.health_score,
        enablement: raw.enablement,
        dashboard: raw.dashboard,
        tracker: raw.tracker,
        internal_nps: raw.internal_nps,
    };
    let tier_keys: Vec<String> = tiers.iter().map(|t| t.key.clone()).collect();
    let mut checks = Checks::new(text);
    if holidays_moved {
        checks.warning(
            "deal_registration.holidays",
            "deal_registration.holidays is read as business_hours.holidays, the one list of \
             days off"
                .into(),
            "move these dates to holidays under [business_hours]",
        );
    }
    for key in retired_conflict_hours {
        checks.warning(
            &format!("slas.{key}"),
            format!(
                "slas.{key} is no longer read: a conflict case is an escalation case, timed by \
                 escalation_response_hours for its urgency and escalation_resolution_days"
            ),
            "remove it; set [deal_registration] conflict_urgency for the cases' response target",
        );
    }
    if retired_kickoff_days {
        checks.warning(
            "slas.onboarding_kickoff_days",
            "slas.onboarding_kickoff_days is no longer read: an onboarding item is due on its \
             checklist day, due_days of its [[onboarding.items]] row"
                .into(),
            "remove it; set due_days on the onboarding items instead",
        );
    }
    certifications::check(&raw.certifications, &mut checks);
    raw.onboarding.check(&mut checks, &policies.raci);
    let certification_keys: Vec<&str> = raw.certifications.iter().map(|c| c.key.as_str()).collect();
    policies.check(&mut checks, &tier_keys, &certification_keys);
    raw.ipp.check(&mut checks);
    raw.scoring_3c4c.check(&mut checks);
    issues.extend(checks.issues);
    issues.sort_by_key(|i| (i.line, i.column));
    let has_errors = issues.iter().any(|i| i.severity == Severity::Error);
    let program = (!has_errors).then(|| Program {
        name: raw.program.name,
        currency: currency.clone(),
        review: raw.review,
        progression: raw.progression,
        tiers,
        certifications: raw.certifications,
        onboarding: raw.onboarding,
        policies,
        ipp: raw.ipp,
        scoring_3c4c: raw.scoring_3c4c,
    });
    (program, issues)
}

/// The program PartnerOS ships, with the playbooks' numbers and comments for each setting.
pub const DEFAULT_PROGRAM: &str = include_str!("default_program.toml");

/// The shipped default program, parsed (a test keeps it free of errors).
pub fn shipped() -> Program {
    parse(DEFAULT_PROGRAM)
        .0
        .expect("the shipped program parses without errors")
}

/// A unified diff between two versions of a program file, for reviewers.
pub fn diff(before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header("previous version", "this version")
        .to_string()
}
