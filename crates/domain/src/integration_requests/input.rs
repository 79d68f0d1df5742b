//! What a request is submitted with, checked field by field; a customer's field errors are
//! named by its place in the list (`customers[1].amount`).

use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use crate::money;
use crate::validation::{FieldError, Validation};

/// Long enough for a use case and its context, short enough to read on a page.
pub const MAX_DESCRIPTION: usize = 5000;
const MAX_TITLE: usize = 200;
/// A request names the customers that need it; a list longer than this is a survey, not a
/// request.
const MAX_CUSTOMERS: usize = 50;

/// One customer who needs the integration, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CustomerForm {
    #[serde(default)]
    pub name: String,
    /// The revenue this customer puts at stake: 25000.00 (decimals as the currency has).
    #[serde(default)]
    pub amount: String,
    /// ISO 4217: USD, EUR, JPY; empty for the program currency.
    #[serde(default)]
    pub currency: String,
    /// Optionally one of the partner's registered deals for this customer.
    #[serde(default)]
    pub deal_id: Option<Uuid>,
}

/// A request as typed into the form or sent to the API: every field as text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = IntegrationRequestForm)]
pub struct Form {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The system to integrate with: "Salesforce", "SAP S/4HANA".
    #[serde(default)]
    pub system: String,
    #[serde(default)]
    pub customers: Vec<CustomerForm>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerInput {
    pub name: String,
    /// Above zero, in `currency` (at most its decimals).
    pub amount: Decimal,
    pub currency: String,
    pub deal_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub title: String,
    pub description: String,
    pub system: String,
    pub customers: Vec<CustomerInput>,
}

/// The checked request, or every problem with it. A customer without a currency is counted
/// in `program_currency` (program.toml's), the one most revenue is written in.
pub fn validate(form: &Form, program_currency: &str) -> Result<Input, Vec<FieldError>> {
    let mut v = Validation::new();
    let title = v.text("title", &form.title, true, MAX_TITLE);
    let description = v.text("description", &form.description, true, MAX_DESCRIPTION);
    let system = v.text("system", &form.system, true, MAX_TITLE);
    if form.customers.is_empty() {
        v.add(
            "customers",
            "name at least one customer who needs the integration",
        );
    }
    if form.customers.len() > MAX_CUSTOMERS {
        v.add(
            "customers",
            format!("at most {MAX_CUSTOMERS} customers in one request"),
        );
    }
    let customers = form
        .customers
        .iter()
        .enumerate()
        .filter_map(|(i, c)| customer(&mut v, i, c, program_currency))
        .collect();
    v.into_result()?;
    Ok(Input {
        title,
        description,
        system,
        customers,
    })
}

fn customer(
    v: &mut Validation,
    i: usize,
    form: &CustomerForm,
    program_currency: &str,
) -> Option<CustomerInput> {
    let field = |name: &str| format!("customers[{i}].{name}");
    let name = v.name(&field("name"), &form.name, true, MAX_TITLE);
    let typed = match form.currency.trim() {
        "" => program_currency,
        typed => typed,
    };
    let currency = money::currency(typed)
        .map_err(|message| v.add(&field("currency"), message))
        .ok();
    let amount = match money::amount(&form.amount, currency.as_deref()) {
        Ok(Some(amount)) if amount > Decimal::ZERO => Some(amount),
        Ok(Some(_)) => {
            v.add(&field("amount"), "must be above zero");
            None
        }
        Ok(None) => {
            v.add(&field("amount"), "is required");
            None
        }
        Err(message) => {
            v.add(&field("amount"), message);
            None
        }
    };
    Some(CustomerInput {
        name,
        amount: amount?,
        currency: currency?,
        deal_id: form.deal_id,
    })
}
