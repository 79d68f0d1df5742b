//! Registrations as CSV: the columns an export writes and an import reads, so an export
//! imports again unchanged. Rows are read one at a time, so a file of a million rows is
//! checked without holding it in memory twice.

use rust_decimal::Decimal;
use time::Date;

use super::registration::{DealFields, DealInput, Status};
use crate::program::history::RowError;
use crate::validation::Choice;

pub const COLUMNS: [&str; 21] = [
    "reference",
    "partner",
    "customer_name",
    "website",
    "industry",
    "region",
    "deal_size",
    "currency",
    "expected_close",
    "use_case",
    "pain_points",
    "stage",
    "probability",
    "risks",
    "competitor",
    "partner_rep",
    "status",
    "registered_on",
    "protected_until",
    "closed_on",
    "closed_amount",
];

const REQUIRED: [&str; 11] = [
    "partner",
    "customer_name",
    "industry",
    "region",
    "deal_size",
    "expected_close",
    "use_case",
    "stage",
    "probability",
    "partner_rep",
    "status",
];

/// One imported registration, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvDeal {
    pub line: u64,
    /// An existing registration to update (as exported, e.g. DR-4821937); none for a new one.
    pub reference: Option<String>,
    /// A partner id, website domain or exact name.
    pub partner: String,
    pub fields: DealFields,
    pub status: Status,
    pub registered_on: Date,
    pub protected_until: Option<Date>,
    pub closed_on: Option<Date>,
    pub closed_amount: Option<Decimal>,
}

/// Reads the header; the column positions, or every problem with it.
pub fn header(headers: &csv::StringRecord) -> Result<Vec<Option<usize>>, Vec<RowError>> {
    let names: Vec<String> = headers.iter().map(crate::csv_import::column_key).collect();
    let errors = crate::csv_import::header_errors(
        &names,
        &crate::csv_import::Columns::new(&COLUMNS, &REQUIRED),
    );
    if errors.is_empty() {
        Ok(COLUMNS
            .iter()
            .map(|c| names.iter().position(|h| h == c))
            .collect())
    } else {
        Err(errors)
    }
}

fn date(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    crate::validation::date(text).map(Some)
}

/// The trimmed value of column `name` in a data row ("" when the file has no such column),
/// without the quote our exports put before formula-like cells.
pub fn cell<'r>(record: &'r csv::StringRecord, columns: &[Option<usize>], name: &str) -> &'r str {
    crate::csv_cell::restore(
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|i| columns[i])
            .and_then(|i| record.get(i))
            .unwrap_or("")
            .trim(),
    )
}

/// Checks one data row; `today` is the registration day of rows that give none.
pub fn row(
    record: &csv::StringRecord,
    columns: &[Option<usize>],
    today: Date,
    currency: &str,
) -> Result<CsvDeal, Vec<RowError>> {
    let line = record.position().map_or(0, |p| p.line());
    let cell = |name: &str| cell(record, columns, name).to_owned();
    let input = DealInput {
        customer_name: cell("customer_name"),
        website: cell("website"),
        industry: cell("industry"),
        region: cell("region"),
        deal_size: cell("deal_size"),
        currency: cell("currency"),
        expected_close: cell("expected_close"),
        use_case: cell("use_case"),
        pain_points: cell("pain_points"),
        stage: cell("stage"),
        probability: cell("probability"),
        risks: cell("risks"),
        competitor: cell("competitor"),
        partner_rep: cell("partner_rep"),
    };
    let (checked, mut errors): (Option<DealFields>, Vec<RowError>) =
        match input.validate_imported(currency) {
            Ok(fields) => (Some(fields), Vec::new()),
            Err(fields) => (
                None,
                fields
                    .into_iter()
                    .map(|e| RowError {
                        line,
                        field: e.field,
                        message: e.message,
                    })
                    .collect(),
            ),
        };
    let mut error = |field: &str, message: String| {
        errors.push(RowError {
            line,
            field: field.into(),
            message,
        })
    };
    let partner = cell("partner");
    if partner.is_empty() {
        error("partner", "is required".into());
    }
    let reference = Some(cell("reference")).filter(|r| !r.is_empty());
    let status_text = cell("status");
    let status = Status::parse(&status_text);
    if status.is_none() {
        let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        error(
            "status",
            format!("'{status_text}' is not one of: {}", all.join(", ")),
        );
    }
    let mut dated = |field: &str| match date(&cell(field)) {
        Ok(d) => d,
        Err(e) => {
            error(field, e);
            None
        }
    };
    let registered_on = dated("registered_on").unwrap_or(today);
    let protected_until = dated("protected_until");
    let closed_on = dated("closed_on");
    let row_currency = checked.as_ref().map(|f| f.currency.as_str());
    let closed_amount = match crate::money::amount(&cell("closed_amount"), row_currency) {
        Ok(a) => a,
        Err(e) => {
            error("closed_amount", e);
            None
        }
    };
    if registered_on > today {
        error("registered_on", format!("{registered_on} is in the future"));
    }
    if let Some(status) = status {
        if status == Status::Won && closed_on.is_none() {
            error(
                "closed_on",
                "a won registration needs the day it closed".into(),
            );
        }
        if status == Status::Approved && protected_until.is_none() {
            error(
                "protected_until",
                "an approved registration needs the day its protection ends".into(),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let fields = checked.expect("no errors, so the fields were checked");
    Ok(CsvDeal {
        line,
        reference,
        partner,
        fields,
        status: status.expect("checked above"),
        registered_on,
        protected_until,
        closed_on,
        closed_amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn read(text: &str) -> Vec<Result<CsvDeal, Vec<RowError>>> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let columns = header(reader.headers().unwrap()).unwrap();
        reader
            .records()
            .map(|r| row(&r.unwrap(), &columns, date!(2026 - 11 - 27), "USD"))
            .collect()
    }

    #[test]
    fn rows_are_read_with_their_history_and_checked() {
        let text = "reference,partner,customer_name,website,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status,registered_on,closed_on,closed_amount\n\
                    DR-1042,alpha.com,Acme Corp,acme.com,Retail,emea,\"48,000\",2026-03-01,Sync,demo,40,Ana,won,2026-01-10,2026-02-20,45000\n\
                    ,alpha.com,Globex,,Retail,mars,0,someday,,closing,200,,maybe,2030-01-01,,\n";
        let rows = read(text);
        let good = rows[0].as_ref().unwrap();
        assert_eq!(
            (good.reference.as_deref(), good.status),
            (Some("DR-1042"), Status::Won)
        );
        assert_eq!(good.closed_amount, Some(Decimal::from(45_000)));
        assert_eq!(
            good.fields.expected_close,
            date!(2026 - 03 - 01),
            "history may lie in the past"
        );
        let fields: Vec<String> = rows[1]
            .as_ref()
            .unwrap_err()
            .iter()
            .map(|e| format!("{}:{}", e.line, e.field))
            .collect();
        assert_eq!(
            fields,
            [
                "3:region",
                "3:deal_size",
                "3:expected_close",
                "3:use_case",
                "3:stage",
                "3:probability",
                "3:partner_rep",
                "3:status",
                "3:registered_on"
            ]
        );
        let bad_header = csv::StringRecord::from(vec!["partner", "colour"]);
        let errors = header(&bad_header).unwrap_err();
        assert_eq!(
            errors[0].message,
            format!(
                "unknown column 'colour'; the columns are: {}",
                COLUMNS.join(", ")
            )
        );
        assert!(errors.iter().any(|e| e.field == "customer_name"));
    }
}
