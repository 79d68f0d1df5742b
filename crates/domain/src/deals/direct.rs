//! Our own side of conflict detection, imported from CSV: the direct sales pipeline and the
//! customer accounts we already have. Rows are read and checked here; every problem is
//! reported by line and column.

use rust_decimal::Decimal;

use super::matching::{normalize_company_name, registrable_domain};
use crate::csv_import::{Columns, RowError, read_rows};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectKind {
    /// reference, customer, website, owner, stage, amount, currency, status
    Opportunities,
    /// account, name, website, owner
    Accounts,
}

impl DirectKind {
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            DirectKind::Opportunities => &[
                "reference",
                "customer",
                "website",
                "owner",
                "stage",
                "amount",
                "currency",
                "status",
            ],
            DirectKind::Accounts => &["account", "name", "website", "owner"],
        }
    }

    fn required(self) -> &'static [&'static str] {
        match self {
            DirectKind::Opportunities => &["reference", "customer"],
            DirectKind::Accounts => &["account", "name"],
        }
    }
}

/// One row, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectRecord {
    pub line: u64,
    pub reference: String,
    pub name: String,
    /// Normalised company name.
    pub name_key: String,
    pub website: String,
    pub domain: Option<String>,
    pub owner: String,
    pub stage: String,
    pub amount: Decimal,
    pub currency: String,
    /// Opportunities: open, won or lost (open when empty).
    pub status: String,
}

/// Reads a direct-pipeline or customer-account export. Unknown columns, missing required
/// columns, empty required cells, bad websites, amounts and statuses and repeated references
/// are reported by line.
pub fn parse_csv(
    text: &str,
    kind: DirectKind,
    currency: &str,
) -> (Vec<DirectRecord>, Vec<RowError>) {
    let mut rows = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let errors = read_rows(
        text,
        &Columns::new(kind.columns(), kind.required()),
        |row, errors| {
            let line = row.line;
            let columns = kind.columns();
            let cell = |i: usize| row.cell(columns[i]);
            let before = errors.len();
            let reference = cell(0).to_owned();
            let name = cell(1).to_owned();
            let required = kind.required();
            if reference.is_empty() {
                errors.push(row.error(required[0], "is required"));
            } else if reference.chars().count() > 100 {
                errors.push(row.error(required[0], "must be at most 100 characters"));
            }
            let name_key = normalize_company_name(&name);
            if name.is_empty() {
                errors.push(row.error(required[1], "is required"));
            } else if name.chars().count() > 200 || name_key.is_empty() {
                errors.push(row.error(required[1], format!("'{name}' is not a company name")));
            } else if let Some(problem) = crate::validation::name_problem(&name) {
                errors.push(row.error(required[1], problem));
            }
            let website = cell(2).to_owned();
            let domain = registrable_domain(&website);
            if !website.is_empty() && domain.is_none() {
                errors.push(row.error(
                    "website",
                    format!("'{website}' is not a website like acme.com"),
                ));
            }
            let owner = cell(3).to_owned();
            let (stage, amount, record_currency, status) = if kind == DirectKind::Opportunities {
                let c = cell(6);
                let record_currency = if c.is_empty() {
                    currency.to_owned()
                } else {
                    crate::money::currency(c).unwrap_or_else(|e| {
                        errors.push(row.error("currency", e));
                        String::new()
                    })
                };
                let amount = match crate::money::amount(cell(5), Some(&record_currency)) {
                    Ok(a) => a.unwrap_or_default(),
                    Err(e) => {
                        errors.push(row.error("amount", e));
                        Decimal::ZERO
                    }
                };
                let status = match cell(7).to_ascii_lowercase().as_str() {
                    "" | "open" => "open",
                    "won" => "won",
                    "lost" => "lost",
                    other => {
                        errors.push(row.error(
                            "status",
                            format!("'{other}' is not one of: open, won, lost"),
                        ));
                        ""
                    }
                };
                (
                    cell(4).to_owned(),
                    amount,
                    record_currency,
                    status.to_owned(),
                )
            } else {
                (
                    String::new(),
                    Decimal::ZERO,
                    currency.to_owned(),
                    "active".to_owned(),
                )
            };
            if errors.len() > before {
                return;
            }
            if let Some(first) = seen.insert(reference.clone(), line) {
                errors.push(row.error(
                    required[0],
                    format!("'{reference}' is also on line {first}"),
                ));
                return;
            }
            rows.push(DirectRecord {
                line,
                reference,
                name,
                name_key,
                website,
                domain,
                owner,
                stage,
                amount,
                currency: record_currency,
                status,
            });
        },
    );
    (rows, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opportunities_are_read_and_every_bad_cell_reported() {
        let text = "reference,customer,website,owner,stage,amount,currency,status\n\
                    OPP-1,Initech LLC,www.initech.com,Sam Sales,Proposal,\"120,000\",,open\n\
                    OPP-2,,initech,Sam,Demo,-5,dollars,maybe\n\
                    OPP-1,Globex,globex.com,Sam,Demo,10,EUR,won\n\
                    OPP-5,Hooli,hooli.com,Sam,Demo,\"12,34\",EUR,open\n\
                    OPP-6,Hooli KK,hooli.jp,Sam,Demo,1500.50,JPY,open\n\
                    OPP-7,Hooli UK,hooli.co.uk,Sam,Demo,10,XXX,open\n\
                    OPP-8,Hooli\u{202E}moc,hooli.de,Sam,Demo,10,EUR,open\n";
        let (rows, errors) = parse_csv(text, DirectKind::Opportunities, "USD");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name_key, "initech");
        assert_eq!(rows[0].domain.as_deref(), Some("initech.com"));
        assert_eq!(rows[0].amount, Decimal::from(120_000));
        assert_eq!(rows[0].currency, "USD");
        let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 3, customer: is required",
                "line 3, website: 'initech' is not a website like acme.com",
                "line 3, currency: 'dollars' is not a currency of ISO 4217 like USD, EUR or JPY",
                "line 3, amount: cannot be negative",
                "line 3, status: 'maybe' is not one of: open, won, lost",
                "line 4, reference: 'OPP-1' is also on line 2",
                "line 5, amount: '12,34' is not an amount: write decimals after a point (12.34); a comma only separates thousands, as in 1,234.50",
                "line 6, amount: JPY amounts have no decimals",
                "line 7, currency: 'XXX' is not a currency of ISO 4217 like USD, EUR or JPY",
                "line 8, customer: must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)",
            ]
        );
    }

    #[test]
    fn accounts_need_their_columns() {
        let (rows, errors) = parse_csv(
            "account,name,website\nACC-1,Globex Inc,globex.com\n",
            DirectKind::Accounts,
            "USD",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            (rows[0].reference.as_str(), rows[0].status.as_str()),
            ("ACC-1", "active")
        );
        let (_, errors) = parse_csv("acct,name,colour\n", DirectKind::Accounts, "USD");
        let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 1, acct: unknown column 'acct'; the columns are: account, name, website, owner",
                "line 1, colour: unknown column 'colour'; the columns are: account, name, website, owner",
                "line 1, account: the header has no 'account' column",
            ]
        );
    }
}
