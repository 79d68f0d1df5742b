//! A partner's facts quarter by quarter, and the trailing-12-month view the tier engine reads.
//! Flows (revenue, QBRs held, co-marketing activities) add up over the four quarters ending
//! with the one evaluated; stocks (certified people, references, sponsor, IPP score) are the
//! latest recorded on or before it, so a quarter without a row keeps the last known values.

use std::collections::BTreeMap;

pub use crate::csv_import::RowError;
use crate::csv_import::{Columns, read_rows};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::evaluation::PartnerFacts;
use super::model::SponsorLevel;
use crate::quarter::Quarter;
use crate::{FieldError, Validation};

/// Quarters in the trailing window the criteria are written for ("per year", "12 months").
pub const WINDOW_QUARTERS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterFacts {
    pub quarter: Quarter,
    /// Partner-sourced closed-won revenue booked in the quarter.
    pub sourced_revenue: Decimal,
    pub qbrs: u32,
    pub co_marketing: u32,
    pub certified_people: u32,
    pub advanced_certified_people: u32,
    pub customer_references: u32,
    pub executive_sponsor: Option<SponsorLevel>,
    pub ipp_score: u32,
    /// People holding each certification at quarter end, by catalog key.
    pub certifications: BTreeMap<String, u32>,
}

impl QuarterFacts {
    pub fn empty(quarter: Quarter) -> Self {
        Self {
            quarter,
            sourced_revenue: Decimal::ZERO,
            qbrs: 0,
            co_marketing: 0,
            certified_people: 0,
            advanced_certified_people: 0,
            customer_references: 0,
            executive_sponsor: None,
            ipp_score: 0,
            certifications: BTreeMap::new(),
        }
    }

    /// The values as they would be typed again, to fill a form or show in an audit entry.
    pub fn to_input(&self) -> QuarterFactsInput {
        QuarterFactsInput {
            quarter: self.quarter.to_string(),
            sourced_revenue: self.sourced_revenue.normalize().to_string(),
            qbrs: self.qbrs.to_string(),
            co_marketing: self.co_marketing.to_string(),
            certified_people: self.certified_people.to_string(),
            advanced_certified_people: self.advanced_certified_people.to_string(),
            customer_references: self.customer_references.to_string(),
            executive_sponsor: sponsor_key(self.executive_sponsor).into(),
            ipp_score: self.ipp_score.to_string(),
            certifications: self
                .certifications
                .iter()
                .map(|(k, n)| (k.clone(), n.to_string()))
                .collect(),
        }
    }

    fn check_consistency(&self, v: &mut Validation) {
        if self.advanced_certified_people > self.certified_people {
            v.add(
                "advanced_certified_people",
                format!(
                    "{} advanced exceeds {} certified people (advanced certifications count among them)",
                    self.advanced_certified_people, self.certified_people
                ),
            );
        }
    }
}

pub fn sponsor_key(level: Option<SponsorLevel>) -> &'static str {
    match level {
        Some(SponsorLevel::Vp) => "vp",
        Some(SponsorLevel::CLevel) => "c_level",
        _ => "none",
    }
}

/// What the tier engine sees for `quarter`: the trailing four quarters of `history`.
pub fn facts_as_of(history: &[QuarterFacts], quarter: Quarter) -> PartnerFacts {
    let first = (1..WINDOW_QUARTERS).fold(quarter, |q, _| q.previous());
    let in_window = || {
        history
            .iter()
            .filter(move |q| first <= q.quarter && q.quarter <= quarter)
    };
    let latest = history
        .iter()
        .filter(|q| q.quarter <= quarter)
        .max_by_key(|q| q.quarter);
    PartnerFacts {
        sourced_revenue_12m: in_window().map(|q| q.sourced_revenue).sum(),
        qbrs_per_year: in_window().map(|q| q.qbrs).sum(),
        co_marketing_per_year: in_window().map(|q| q.co_marketing).sum(),
        certified_people: latest.map_or(0, |q| q.certified_people),
        advanced_certified_people: latest.map_or(0, |q| q.advanced_certified_people),
        customer_references: latest.map_or(0, |q| q.customer_references),
        executive_sponsor: latest.and_then(|q| q.executive_sponsor),
        ipp_score: latest.map_or(0, |q| q.ipp_score),
        certifications: latest.map(|q| q.certifications.clone()).unwrap_or_default(),
    }
}

// ---- reading values as people type them (forms, API, CSV) ----

fn count(text: &str, max: u32) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    match text.parse::<i64>() {
        Ok(n) if (0..=i64::from(max)).contains(&n) => Ok(n as u32),
        Ok(_) => Err(format!("must be between 0 and {max}")),
        Err(_) => Err(format!("'{text}' is not a whole number")),
    }
}

fn sponsor(text: &str) -> Result<Option<SponsorLevel>, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "none" => Ok(None),
        "vp" => Ok(Some(SponsorLevel::Vp)),
        "c_level" | "c-level" => Ok(Some(SponsorLevel::CLevel)),
        other => Err(format!("'{other}' is not one of: none, vp, c_level")),
    }
}

/// How a certification count is named in forms and CSV headers: `cert.sales_advanced`.
pub const CERT_PREFIX: &str = "cert.";

fn not_in_catalog(key: &str, catalog: &[String]) -> String {
    format!(
        "'{key}' is not a certification of the program; the catalog has: {}",
        catalog.join(", ")
    )
}

/// The fields a quarter has, with what each may hold.
const COUNT_FIELDS: [(&str, u32); 6] = [
    ("qbrs", 100),
    ("co_marketing", 10_000),
    ("certified_people", 100_000),
    ("advanced_certified_people", 100_000),
    ("customer_references", 100_000),
    ("ipp_score", 100),
];

/// One quarter's facts as typed into a form or sent to the API, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QuarterFactsInput {
    /// e.g. "2026-Q4"; empty means the current quarter.
    pub quarter: String,
    /// Partner-sourced closed-won revenue booked in the quarter, e.g. "120000" or "120000.50".
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    pub sourced_revenue: String,
    /// QBRs held in the quarter.
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub qbrs: String,
    /// Co-marketing activities run in the quarter.
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub co_marketing: String,
    /// People holding an active certification at the end of the quarter.
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub certified_people: String,
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub advanced_certified_people: String,
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    #[schema(value_type = i64)]
    pub customer_references: String,
    /// none, vp or c_level
    pub executive_sponsor: String,
    /// 0-100; internal (the Ideal Partner Profile is our judgement), so absent from what a
    /// partner's own people receive.
    #[serde(
        deserialize_with = "crate::validation::number_or_text",
        skip_serializing_if = "String::is_empty"
    )]
    #[schema(value_type = i64)]
    pub ipp_score: String,
    /// People holding each certification at quarter end, by catalog key (empty = 0).
    #[serde(deserialize_with = "crate::validation::map_of_number_or_text")]
    #[schema(value_type = BTreeMap<String, i64>)]
    pub certifications: BTreeMap<String, String>,
}

impl QuarterFactsInput {
    fn field(&self, name: &str) -> &str {
        match name {
            "qbrs" => &self.qbrs,
            "co_marketing" => &self.co_marketing,
            "certified_people" => &self.certified_people,
            "advanced_certified_people" => &self.advanced_certified_people,
            "customer_references" => &self.customer_references,
            "ipp_score" => &self.ipp_score,
            "sourced_revenue" => &self.sourced_revenue,
            "executive_sponsor" => &self.executive_sponsor,
            _ => "",
        }
    }

    /// Checks every field (all errors at once); an empty quarter means `default_quarter`;
    /// `catalog` holds the certification keys of the program and `currency` its currency.
    pub fn validate(
        &self,
        default_quarter: Quarter,
        catalog: &[String],
        currency: &str,
    ) -> Result<QuarterFacts, Vec<FieldError>> {
        let mut v = Validation::new();
        let quarter = if self.quarter.trim().is_empty() {
            default_quarter
        } else {
            Quarter::parse(&self.quarter).unwrap_or_else(|e| {
                v.add("quarter", e);
                default_quarter
            })
        };
        let mut facts = QuarterFacts::empty(quarter);
        for (name, text) in [
            ("sourced_revenue", self.sourced_revenue.as_str()),
            ("executive_sponsor", self.executive_sponsor.as_str()),
        ]
        .into_iter()
        .chain(
            COUNT_FIELDS
                .iter()
                .map(|(name, _)| (*name, self.field(name))),
        ) {
            if let Err(message) = facts.set(name, text, currency) {
                v.add(name, message);
            }
        }
        for (key, text) in &self.certifications {
            let field = format!("{CERT_PREFIX}{key}");
            let result = if catalog.contains(key) {
                facts.set(&field, text, currency)
            } else {
                Err(not_in_catalog(key, catalog))
            };
            if let Err(message) = result {
                v.add(&field, message);
            }
        }
        if v.is_empty() {
            facts.check_consistency(&mut v);
        }
        v.into_result()?;
        Ok(facts)
    }
}

impl QuarterFacts {
    /// Sets one field from text; the name is one of the input's field names and amounts
    /// are in `currency`, the program's.
    fn set(&mut self, name: &str, text: &str, currency: &str) -> Result<(), String> {
        let max = |name: &str| {
            COUNT_FIELDS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, m)| *m)
        };
        match name {
            "sourced_revenue" => {
                self.sourced_revenue =
                    crate::money::amount(text, Some(currency))?.unwrap_or_default()
            }
            "executive_sponsor" => self.executive_sponsor = sponsor(text)?,
            "qbrs" => self.qbrs = count(text, max(name).unwrap_or(0))?,
            "co_marketing" => self.co_marketing = count(text, max(name).unwrap_or(0))?,
            "certified_people" => self.certified_people = count(text, max(name).unwrap_or(0))?,
            "advanced_certified_people" => {
                self.advanced_certified_people = count(text, max(name).unwrap_or(0))?
            }
            "customer_references" => {
                self.customer_references = count(text, max(name).unwrap_or(0))?
            }
            "ipp_score" => self.ipp_score = count(text, max(name).unwrap_or(0))?,
            other => match other.strip_prefix(CERT_PREFIX) {
                Some(key) => {
                    let n = count(text, 100_000)?;
                    if n == 0 {
                        self.certifications.remove(key);
                    } else {
                        self.certifications.insert(key.to_owned(), n);
                    }
                }
                None => return Err(format!("'{other}' is not a facts field")),
            },
        }
        Ok(())
    }
}

// ---- CSV import ----

/// One data row: which partner and quarter, and the cells it sets (empty cells set nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsRow {
    pub line: u64,
    /// A partner id, website domain or exact name, as written.
    pub partner: String,
    pub quarter: Quarter,
    /// (column, text): the columns of `CSV_COLUMNS` or `cert.<key>`.
    pub cells: Vec<(String, String)>,
}

impl FactsRow {
    /// The quarter after applying this row's cells to what was stored (or nothing), amounts
    /// in the program's `currency`.
    pub fn apply(
        &self,
        stored: Option<&QuarterFacts>,
        currency: &str,
    ) -> Result<QuarterFacts, Vec<RowError>> {
        let mut facts = stored
            .cloned()
            .unwrap_or_else(|| QuarterFacts::empty(self.quarter));
        let mut errors = Vec::new();
        for (name, text) in &self.cells {
            if let Err(message) = facts.set(name, text, currency) {
                errors.push(RowError {
                    line: self.line,
                    field: name.clone(),
                    message,
                });
            }
        }
        if errors.is_empty() {
            let mut v = Validation::new();
            facts.check_consistency(&mut v);
            if let Err(problems) = v.into_result() {
                errors.extend(problems.into_iter().map(|p| RowError {
                    line: self.line,
                    field: p.field,
                    message: p.message,
                }));
            }
        }
        if errors.is_empty() {
            Ok(facts)
        } else {
            Err(errors)
        }
    }
}

pub const CSV_COLUMNS: [&str; 10] = [
    "partner",
    "quarter",
    "sourced_revenue",
    "qbrs",
    "co_marketing",
    "certified_people",
    "advanced_certified_people",
    "customer_references",
    "executive_sponsor",
    "ipp_score",
];

/// Reads a facts CSV: a header naming `partner`, `quarter` and any of the value columns, then
/// one row per partner and quarter. Returns the rows that read cleanly and every problem by
/// line, so a dry run can show them all. Amounts are in the program's `currency`.
pub fn parse_facts_csv(
    text: &str,
    catalog: &[String],
    currency: &str,
) -> (Vec<FactsRow>, Vec<RowError>) {
    let certification = |column: &str| {
        column.strip_prefix(CERT_PREFIX).map(|key| {
            if catalog.iter().any(|k| k == key) {
                Ok(())
            } else {
                Err(not_in_catalog(key, catalog))
            }
        })
    };
    let described = format!(
        "{}, and cert.<key> for each certification",
        CSV_COLUMNS.join(", ")
    );
    let columns = Columns {
        extra: Some(&certification),
        described: Some(&described),
        ..Columns::new(&CSV_COLUMNS, &["partner", "quarter"])
    };
    let mut rows: Vec<FactsRow> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let errors = read_rows(text, &columns, |row, errors| {
        let line = row.line;
        let partner = row.cell("partner").to_owned();
        if partner.is_empty() {
            errors.push(row.error("partner", "is required"));
        }
        let quarter = Quarter::parse(row.cell("quarter"))
            .map_err(|message| errors.push(row.error("quarter", message)))
            .ok();
        let (Some(quarter), false) = (quarter, partner.is_empty()) else {
            return;
        };
        if let Some(first) = seen.insert((partner.to_lowercase(), quarter), line) {
            errors.push(row.error(
                "quarter",
                format!("{partner} {quarter} already appears on line {first}"),
            ));
            return;
        }
        let cells: Vec<(String, String)> = row
            .cells()
            .filter(|(c, value)| !matches!(*c, "partner" | "quarter") && !value.is_empty())
            .map(|(c, value)| (c.to_owned(), value.to_owned()))
            .collect();
        // Each cell is read now, so a dry run lists bad values even for partners it cannot
        // find; consistency with the stored quarter is checked when the row is applied.
        let mut scratch = QuarterFacts::empty(quarter);
        let before = errors.len();
        for (name, text) in &cells {
            if let Err(message) = scratch.set(name, text, currency) {
                errors.push(row.error(name, message));
            }
        }
        if errors.len() == before {
            rows.push(FactsRow {
                line,
                partner,
                quarter,
                cells,
            });
        }
    });
    (rows, errors)
}
