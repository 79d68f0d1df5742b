//! Partner-sourced leads (referrals): what a partner hands to our sales team, and the
//! acceptance SLA it is handled within.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::csv_import::{Columns, RowError, read_rows};
use crate::validation::{FieldError, Validation};

/// A lead as a partner types it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LeadInput {
    pub company: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    /// What the customer needs.
    pub need: String,
    /// Estimated annual value, in `currency`.
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    pub estimated_value: String,
    /// ISO 4217; the program's when empty.
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadFields {
    pub company: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
    pub need: String,
    pub estimated_value: Decimal,
    pub currency: String,
}

impl LeadInput {
    pub fn validate(&self, currency: &str) -> Result<LeadFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let company = v.name("company", &self.company, true, 200);
        // A blank-looking name already has its error from the name rule.
        if !company.is_empty()
            && super::matching::normalize_company_name(&company).is_empty()
            && crate::validation::name_problem(&company).is_none()
        {
            v.add("company", "must contain letters or digits");
        }
        let website = v.text("website", &self.website, false, 200);
        if !website.is_empty() && super::matching::registrable_domain(&website).is_none() {
            v.add(
                "website",
                format!("'{website}' is not a website like acme.com"),
            );
        }
        let contact_name = v.name("contact_name", &self.contact_name, true, 200);
        let contact_email = v.email("contact_email", &self.contact_email);
        let need = v.text("need", &self.need, true, 4_000);
        let currency = v.currency("currency", &self.currency, currency);
        let estimated_value = match crate::money::amount(&self.estimated_value, Some(&currency)) {
            Ok(a) => a.unwrap_or_default(),
            Err(e) => {
                v.add("estimated_value", e);
                Decimal::ZERO
            }
        };
        v.into_result()?;
        Ok(LeadFields {
            company,
            website,
            contact_name,
            contact_email,
            need,
            estimated_value,
            currency,
        })
    }
}

/// The columns of a leads CSV, in the order the export writes them.
pub const CSV_COLUMNS: &[&str] = &[
    "reference",
    "partner",
    "company",
    "website",
    "contact_name",
    "contact_email",
    "need",
    "estimated_value",
    "currency",
    "status",
    "accept_by",
    "rejection_reason",
    "counts_against_quota",
];

const CSV_REQUIRED: &[&str] = &[
    "partner",
    "company",
    "contact_name",
    "contact_email",
    "need",
];

/// Where a lead stands.
pub const STATUSES: &[&str] = &["submitted", "accepted", "rejected"];

/// One row of a leads CSV, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRecord {
    pub line: u64,
    /// A lead to update; a new one when `None`.
    pub reference: Option<String>,
    /// The partner as written (id, domain or name); the caller resolves it.
    pub partner: String,
    pub fields: LeadFields,
    pub status: &'static str,
    /// The end of this day (UTC) is the acceptance deadline; the SLA from now when `None`.
    pub accept_by: Option<time::Date>,
    pub rejection_reason: String,
}

/// Reads a leads CSV (the export's columns). Every bad cell is reported by line and column:
/// the lead's own checks, statuses, dates, a rejection without a reason, a lead claimed to
/// count against quota, and references repeated in the file.
pub fn parse_csv(text: &str, currency: &str) -> (Vec<LeadRecord>, Vec<RowError>) {
    let mut rows = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let errors = read_rows(
        text,
        &Columns::new(CSV_COLUMNS, CSV_REQUIRED),
        |row, errors| {
            let line = row.line;
            let cell = |name: &str| row.cell(name);
            let before = errors.len();
            let input = LeadInput {
                company: cell("company").into(),
                website: cell("website").into(),
                contact_name: cell("contact_name").into(),
                contact_email: cell("contact_email").into(),
                need: cell("need").into(),
                estimated_value: cell("estimated_value").into(),
                currency: cell("currency").into(),
            };
            let fields = input.validate(currency).map_err(|found| {
                errors.extend(found.into_iter().map(|e| row.error(&e.field, e.message)));
            });
            let status = match STATUSES
                .iter()
                .find(|s| s.eq_ignore_ascii_case(cell("status")))
            {
                Some(s) => *s,
                None if cell("status").is_empty() => "submitted",
                None => {
                    errors.push(row.error(
                        "status",
                        format!(
                            "'{}' is not one of: {}",
                            cell("status"),
                            STATUSES.join(", ")
                        ),
                    ));
                    "submitted"
                }
            };
            let accept_by = match cell("accept_by") {
                "" => None,
                text => crate::validation::date(text)
                    .map_err(|e| errors.push(row.error("accept_by", e)))
                    .ok(),
            };
            let rejection_reason = cell("rejection_reason").to_owned();
            if status == "rejected" && rejection_reason.is_empty() {
                errors.push(row.error(
                    "rejection_reason",
                    "a rejected lead needs the reason it was rejected",
                ));
            } else if status != "rejected" && !rejection_reason.is_empty() {
                errors.push(row.error(
                    "rejection_reason",
                    format!("only rejected leads have a rejection reason (this one is {status})"),
                ));
            }
            if !matches!(
                cell("counts_against_quota").to_ascii_lowercase().as_str(),
                "" | "false" | "no" | "0"
            ) {
                errors.push(row.error(
                    "counts_against_quota",
                    "partner-sourced leads never count against the internal rep's quota",
                ));
            }
            let partner = cell("partner").to_owned();
            if partner.is_empty() {
                errors.push(row.error("partner", "is required"));
            }
            let reference = Some(cell("reference").to_owned()).filter(|r| !r.is_empty());
            if let Some(reference) = &reference
                && let Some(first) = seen.insert(reference.clone(), line)
            {
                errors.push(row.error("reference", format!("{reference} is also on line {first}")));
            }
            let Ok(fields) = fields else { return };
            if errors.len() > before {
                return;
            }
            rows.push(LeadRecord {
                line,
                reference,
                partner,
                fields,
                status,
                accept_by,
                rejection_reason,
            });
        },
    );
    (rows, errors)
}

/// When sales must have accepted or rejected a lead submitted at `at`.
pub fn accept_by(at: OffsetDateTime, sla_hours: u32) -> OffsetDateTime {
    at + Duration::hours(sla_hours.into())
}

/// The human reference of lead number `n` in the installation keyed `key`.
pub fn reference(n: i64, key: &[u8]) -> String {
    let n = u32::try_from(n).unwrap_or(u32::MAX) % super::references::CAPACITY;
    format!("L-{}", super::references::scramble(n, key, 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_lead_names_every_bad_field_and_has_an_sla() {
        let good = LeadInput {
            company: "Initech".into(),
            website: "initech.example".into(),
            contact_name: "Bill Lumbergh".into(),
            contact_email: "Bill@Initech.example".into(),
            need: "A TPS report integration".into(),
            estimated_value: "40,000".into(),
            currency: String::new(),
        };
        let fields = good.validate("USD").unwrap();
        assert_eq!(
            (fields.contact_email.as_str(), fields.currency.as_str()),
            ("bill@initech.example", "USD")
        );
        assert_eq!(fields.estimated_value, Decimal::from(40_000));
        let bad = LeadInput {
            company: String::new(),
            website: "nope".into(),
            contact_email: "bill".into(),
            need: String::new(),
            estimated_value: "-1".into(),
            ..good
        };
        let fields: Vec<String> = bad
            .validate("USD")
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "company",
                "website",
                "contact_email",
                "need",
                "estimated_value"
            ]
        );
        assert_eq!(
            accept_by(datetime!(2026-11-27 17:00 UTC), 48),
            datetime!(2026-11-29 17:00 UTC)
        );
        assert!(reference(101, b"k").starts_with("L-"));
    }

    #[test]
    fn a_leads_csv_reports_every_bad_cell_by_line() {
        let text = "reference,partner,company,website,contact_name,contact_email,need,estimated_value,currency,status,accept_by,rejection_reason,counts_against_quota\n\
                    L-1,northwind.example,Initech,initech.com,Bill,bill@initech.com,TPS reports,\"40,000\",,submitted,2026-12-01,,false\n\
                    ,Northwind,Globex,globex.com,Hank,hank@globex.com,Doomsday device,10,EUR,Rejected,,too early,\n\
                    L-1,,,nope,Ann,ann,Need,-1,dollars,lost,tomorrow,,true\n\
                    ,Northwind,Umbrella,,Alice,alice@umbrella.com,Vaccines,,,rejected,,,\n\
                    ,Northwind,Soylent,,Sol,sol@soylent.com,Food,,,accepted,,bad taste,\n";
        let (rows, errors) = parse_csv(text, "USD");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].reference.as_deref(), Some("L-1"));
        assert_eq!(rows[0].fields.estimated_value, Decimal::from(40_000));
        assert_eq!(rows[0].fields.currency, "USD");
        assert_eq!(rows[0].accept_by, Some(time::macros::date!(2026 - 12 - 01)));
        assert_eq!(
            (rows[1].status, rows[1].reference.clone()),
            ("rejected", None)
        );
        let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 4, company: is required",
                "line 4, website: 'nope' is not a website like acme.com",
                "line 4, contact_email: 'ann' is not a valid email address",
                "line 4, currency: 'dollars' is not a currency of ISO 4217 like USD, EUR or JPY",
                "line 4, estimated_value: cannot be negative",
                "line 4, status: 'lost' is not one of: submitted, accepted, rejected",
                "line 4, accept_by: 'tomorrow' is not a date like 2027-03-31",
                "line 4, counts_against_quota: partner-sourced leads never count against the internal rep's quota",
                "line 4, partner: is required",
                "line 4, reference: L-1 is also on line 2",
                "line 5, rejection_reason: a rejected lead needs the reason it was rejected",
                "line 6, rejection_reason: only rejected leads have a rejection reason (this one is accepted)",
            ]
        );
        let (_, header) = parse_csv("company,colour\nX,red\n", "USD");
        assert_eq!(header[0].field, "colour");
        assert!(header.iter().any(|e| e.field == "partner" && e.line == 1));
    }
}
