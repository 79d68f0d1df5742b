//! The page frame and the small view pieces pages share: [`Layout`] (title and navigation),
//! field [`Errors`], select [`Opt`]ions and timeline rows (their times through
//! [`crate::format`]). Plain data: it uses no other module of this crate but `format` (a
//! signed-in page's layout comes from [`crate::auth::PageAuth::layout`]).

use domain::audit::AuditEvent;
use domain::time_zone::TimeZone;
use domain::{Choice, FieldError};
use std::collections::HashMap;

/// What the page frame needs: the title and, when signed in, the navigation.
pub struct Layout {
    pub title: String,
    pub nav: Option<Nav>,
}

pub struct Nav {
    pub user_name: String,
    pub role: &'static str,
    pub csrf_token: String,
    pub internal: bool,
    pub manages_users: bool,
    pub admin: bool,
    pub unread_notifications: i64,
}

/// Field errors by field name, for showing each next to its input.
#[derive(Default)]
pub struct Errors(HashMap<String, String>);

impl Errors {
    pub(crate) fn from(errors: Vec<FieldError>) -> Errors {
        let mut map: HashMap<String, String> = HashMap::new();
        for e in errors {
            map.entry(e.field)
                .and_modify(|m| m.push_str(&format!("; {}", e.message)))
                .or_insert(e.message);
        }
        Errors(map)
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The program's tiers as choices, lowest first.
pub(crate) fn tier_options(program: &domain::program::Program, selected: &str) -> Vec<Opt> {
    program
        .tiers
        .iter()
        .map(|t| Opt {
            value: t.key.clone(),
            label: t.name.clone(),
            selected: t.key == selected,
        })
        .collect()
}

pub(crate) fn options<T: Choice>(selected: &[String]) -> Vec<Opt> {
    T::ALL
        .iter()
        .map(|c| Opt {
            value: c.as_str().into(),
            label: c.label().into(),
            selected: selected.iter().any(|s| s == c.as_str()),
        })
        .collect()
}

/// The choices of a region filter (`selected` as the query holds it): each region, "No
/// region", and the regions a link combined ("EMEA and APAC"), so the form shows the filter
/// in force.
pub(crate) fn region_filter_options(selected: &str) -> Vec<Opt> {
    use domain::partners::{NO_REGION, Region, RegionFilter};
    let selected = selected.trim();
    let mut choices = select_one::<Region>(selected);
    choices.push(Opt {
        value: NO_REGION.into(),
        label: "No region".into(),
        selected: selected == NO_REGION,
    });
    if let Ok(RegionFilter::Covering(regions)) = RegionFilter::parse(selected)
        && regions.len() > 1
    {
        let labels: Vec<&str> = regions.iter().map(|r| r.label()).collect();
        choices.push(Opt {
            value: selected.into(),
            label: domain::display::list(&labels),
            selected: true,
        });
    }
    choices
}

pub fn iso_time(at: &time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub struct EventView {
    pub when: String,
    pub when_iso: String,
    pub who: String,
    pub summary: String,
    /// The note recorded with the change (stage, tier): only in what services hand to our
    /// own readers, with the event's values.
    pub note: Option<String>,
}

impl EventView {
    pub(crate) fn from(e: &AuditEvent, zone: &TimeZone) -> EventView {
        EventView {
            when: crate::format::moment(&e.at, zone),
            when_iso: iso_time(&e.at),
            who: e.actor_label.clone(),
            summary: e.summary.clone(),
            note: e
                .after
                .as_ref()
                .and_then(|after| after.get("note"))
                .and_then(|note| note.as_str())
                .filter(|note| !note.is_empty())
                .map(str::to_owned),
        }
    }
}

/// The choices of `T` for a select, `selected` chosen.
pub(crate) fn select_one<T: Choice>(selected: &str) -> Vec<Opt> {
    T::ALL
        .iter()
        .map(|c| Opt {
            value: c.as_str().into(),
            label: c.label().into(),
            selected: c.as_str() == selected,
        })
        .collect()
}

/// The link to a list's next page: `path` with the filters that are set, then the cursor.
pub(crate) fn next_page_link(path: &str, filters: &[(&str, &str)], cursor: &str) -> String {
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for (key, value) in filters {
        if !value.trim().is_empty() {
            pairs.append_pair(key, value);
        }
    }
    pairs.append_pair("cursor", cursor);
    format!("{path}?{}", pairs.finish())
}
