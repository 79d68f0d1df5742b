//! What one person's certification is worth on a given day: when it expires, its state, and
//! how many certified people a partner counts. What the tier engine, gates, learning paths and
//! `sources` read; it reads nothing of theirs.

use std::collections::{BTreeMap, BTreeSet};

use time::{Date, Month};

use crate::program::certifications::{Certification, Level};

/// One certification earned by one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The person (a contact), so people with several certifications count once.
    pub person: uuid::Uuid,
    pub certification: String,
    pub earned_on: Date,
    /// None: valid until a major release retires it.
    pub expires_on: Option<Date>,
    /// Set when a major release retired it.
    pub retired: bool,
    /// The day the person left the partner (their contact archived): from then on the
    /// certification counts for nothing there and no reminder goes out for it.
    pub left_on: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CertificationStatus)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Enrolled, requirements not all met yet (no record earned).
    InProgress,
    Active,
    /// Active, expiring within the first reminder offset.
    Expiring,
    Expired,
    /// Superseded by a later record of the same certification for the same person.
    Renewed,
    /// Its holder has left the partner.
    Left,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::InProgress => "in progress",
            Status::Active => "active",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::Renewed => "renewed",
            Status::Left => "holder left",
        }
    }

    /// Whether a certification in this state counts (for tiers, gates and learning paths).
    pub fn is_valid(self) -> bool {
        matches!(self, Status::Active | Status::Expiring)
    }
}

/// `months` after `date`, on the same day of the month or the month's last day (a
/// certification earned on 31 January with 1 month of validity expires on 28/29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let months_since_year_zero =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month()) - 1) + i64::from(months);
    let Ok(year) = i32::try_from(months_since_year_zero.div_euclid(12)) else {
        return date;
    };
    let month = Month::January.nth_next(months_since_year_zero.rem_euclid(12) as u8);
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// When a certification earned on `earned_on` expires (None: only a major release ends it).
pub fn expiry(certification: &Certification, earned_on: Date) -> Option<Date> {
    certification
        .valid_months
        .map(|months| add_months(earned_on, months))
}

/// The state of a held certification on `today`; `warn_days` is the earliest reminder offset.
/// It is valid through its expiry day and expired from the day after.
pub fn status(held: &Held, today: Date, warn_days: u32) -> Status {
    match held.expires_on {
        _ if held.left_on.is_some_and(|left| today >= left) => Status::Left,
        _ if held.retired => Status::Expired,
        Some(expires) if today > expires => Status::Expired,
        Some(expires) if (expires - today).whole_days() <= i64::from(warn_days) => Status::Expiring,
        _ => Status::Active,
    }
}

/// The state of one record among all the records of its partner: a record the person has
/// earned again since (on or before `today`) is renewed; otherwise as [`status`].
pub fn status_among(held: &Held, all: &[Held], today: Date, warn_days: u32) -> Status {
    let renewed = all.iter().any(|other| {
        other.person == held.person
            && other.certification == held.certification
            && other.earned_on > held.earned_on
            && other.earned_on <= today
    });
    if renewed {
        Status::Renewed
    } else {
        status(held, today, warn_days)
    }
}

/// What the tier engine counts for a partner on `today`: distinct people with at least one
/// valid certification, those with one at advanced level or above, and people per
/// certification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub certified_people: u32,
    pub advanced_certified_people: u32,
    pub by_certification: BTreeMap<String, u32>,
}

pub fn counts(held: &[Held], catalog: &[Certification], today: Date) -> Counts {
    let mut people = BTreeSet::new();
    let mut advanced = BTreeSet::new();
    let mut by_certification: BTreeMap<String, BTreeSet<uuid::Uuid>> = BTreeMap::new();
    for h in held
        .iter()
        .filter(|h| h.earned_on <= today && status(h, today, 0).is_valid())
    {
        let Some(cert) = catalog.iter().find(|c| c.key == h.certification) else {
            continue;
        };
        people.insert(h.person);
        if cert.level >= Level::Advanced {
            advanced.insert(h.person);
        }
        by_certification
            .entry(h.certification.clone())
            .or_default()
            .insert(h.person);
    }
    Counts {
        certified_people: people.len() as u32,
        advanced_certified_people: advanced.len() as u32,
        by_certification: by_certification
            .into_iter()
            .map(|(k, p)| (k, p.len() as u32))
            .collect(),
    }
}
