//! Partner-sourced leads (referrals): what a partner hands to our sales team, and the
//! acceptance SLA it is handled within.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

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
        let company = v.text("company", &self.company, true, 200);
        if !company.is_empty() && super::matching::normalize_company_name(&company).is_empty() {
            v.add("company", "must contain letters or digits");
        }
        let website = v.text("website", &self.website, false, 200);
        if !website.is_empty() && super::matching::registrable_domain(&website).is_none() {
            v.add(
                "website",
                format!("'{website}' is not a website like acme.com"),
            );
        }
        let contact_name = v.text("contact_name", &self.contact_name, true, 200);
        let contact_email = v.email("contact_email", &self.contact_email);
        let need = v.text("need", &self.need, true, 4_000);
        let estimated_value = match crate::validation::amount(&self.estimated_value) {
            Ok(a) => a.unwrap_or_default(),
            Err(e) => {
                v.add("estimated_value", e);
                Decimal::ZERO
            }
        };
        let currency = v.currency("currency", &self.currency, currency);
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
}
