//! Reading the CSV files people import, one way for every import: a byte-order mark is
//! skipped, cells are trimmed, column names are read in lower case with spaces and dashes as
//! underscores, the header is checked before any row, blank rows are skipped, a malformed row
//! is reported by its line in words a spreadsheet user can act on, and cells come back without
//! the quote our exports put before formula-like values ([`crate::csv_cell`]). Each import
//! only says what its columns are and what one row means.

use serde::Serialize;

/// A problem with one row (or the header, line 1) of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.message)
    }
}

/// Columns an import accepts beyond its fixed ones (e.g. `cert.<key>`), judged by name:
/// `Some(Ok(()))` accepted, `Some(Err(why))` refused for that reason, `None` not one of them.
pub type ExtraColumns<'a> = &'a dyn Fn(&str) -> Option<Result<(), String>>;

/// The columns a file may have.
#[derive(Clone, Copy)]
pub struct Columns<'a> {
    pub known: &'a [&'a str],
    pub required: &'a [&'a str],
    pub extra: Option<ExtraColumns<'a>>,
    /// How the accepted columns read in an "unknown column" error when `known` alone does
    /// not say it (e.g. "…, and cert.<key> for each certification").
    pub described: Option<&'a str>,
}

impl<'a> Columns<'a> {
    pub fn new(known: &'a [&'a str], required: &'a [&'a str]) -> Columns<'a> {
        Columns {
            known,
            required,
            extra: None,
            described: None,
        }
    }
}

/// One data row: its line and its cells by column name.
pub struct Row<'r> {
    pub line: u64,
    columns: &'r [String],
    record: &'r csv::StringRecord,
}

impl Row<'_> {
    /// The cell under `column`, trimmed and without our exports' formula quote; "" when the
    /// file has no such column.
    pub fn cell(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.record.get(i))
            .map_or("", crate::csv_cell::restore)
    }

    /// Every (column, cell) of the row, in the file's order, cells as [`Row::cell`] gives them.
    pub fn cells(&self) -> impl Iterator<Item = (&str, &str)> {
        self.columns
            .iter()
            .map(String::as_str)
            .zip(self.record.iter().map(crate::csv_cell::restore))
    }

    /// A problem with `field` on this row.
    pub fn error(&self, field: &str, message: impl Into<String>) -> RowError {
        RowError {
            line: self.line,
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A column name as the imports compare it: lower case, spaces and dashes as underscores.
pub fn column_key(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

/// The problems of a header (names as [`column_key`] gives them): unknown, repeated and
/// missing required columns, each reported on line 1.
pub fn header_errors(headers: &[String], columns: &Columns) -> Vec<RowError> {
    let error = |field: &str, message: String| RowError {
        line: 1,
        field: field.into(),
        message,
    };
    let mut errors = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        if headers[..i].contains(name) {
            errors.push(error(name, format!("column '{name}' appears twice")));
            continue;
        }
        if columns.known.contains(&name.as_str()) {
            continue;
        }
        match columns.extra.and_then(|extra| extra(name)) {
            Some(Ok(())) => {}
            Some(Err(why)) => errors.push(error(name, why)),
            None => errors.push(error(
                name,
                format!(
                    "unknown column '{name}'; the columns are: {}",
                    columns
                        .described
                        .map_or_else(|| columns.known.join(", "), str::to_owned)
                ),
            )),
        }
    }
    for required in columns.required {
        if !headers.iter().any(|h| h == required) {
            errors.push(error(
                required,
                format!("the header has no '{required}' column"),
            ));
        }
    }
    errors
}

/// Reads `text` as a file with `columns`, calling `each` for every non-blank data row with
/// the list of problems to add to. A bad header ends the reading: only its problems are
/// returned. Otherwise every row is read, and every problem found is returned.
pub fn read_rows(
    text: &str,
    columns: &Columns,
    mut each: impl FnMut(&Row, &mut Vec<RowError>),
) -> Vec<RowError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(column_key).collect(),
        Err(e) => {
            return vec![RowError {
                line: 1,
                field: "header".into(),
                message: malformed(&e),
            }];
        }
    };
    let mut errors = header_errors(&headers, columns);
    if !errors.is_empty() {
        return errors;
    }
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(RowError {
                    line: e.position().map_or(0, |p| p.line()),
                    field: "row".into(),
                    message: malformed(&e),
                });
                continue;
            }
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let row = Row {
            line: record.position().map_or(0, |p| p.line()),
            columns: &headers,
            record: &record,
        };
        each(&row, &mut errors);
    }
    errors
}

/// What is wrong with a row the CSV reader could not read, in words a spreadsheet user acts on.
fn malformed(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "has {len} cells but the header has {expected_len}; put values containing commas in double quotes"
        ),
        csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text; save the file as UTF-8 CSV".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, columns: &Columns) -> (Vec<(u64, String, String)>, Vec<String>) {
        let mut rows = Vec::new();
        let errors = read_rows(text, columns, |row, _| {
            rows.push((
                row.line,
                row.cell("name").to_owned(),
                row.cell("size").to_owned(),
            ));
        });
        (rows, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn every_import_reads_the_same_way() {
        let columns = Columns::new(&["name", "size", "note"], &["name"]);
        let text = "\u{feff}Name , SIZE\n Acme , 10 \n\n,\n'=HYPERLINK(1), 2\n\"Bad, row\n";
        let (rows, errors) = read(text, &columns);
        assert_eq!(
            rows,
            [
                (2, "Acme".to_owned(), "10".to_owned()),
                (5, "=HYPERLINK(1)".to_owned(), "2".to_owned()),
            ],
            "BOM, case, spaces, blank rows and our formula quote"
        );
        assert_eq!(
            errors,
            [
                "line 6, row: has 1 cells but the header has 2; put values containing commas in double quotes"
            ]
        );
    }

    #[test]
    fn a_bad_header_stops_before_any_row() {
        let cert = |name: &str| {
            name.strip_prefix("cert.").map(|key| {
                if key == "sales" {
                    Ok(())
                } else {
                    Err(format!("'{key}' is not in the catalog"))
                }
            })
        };
        let columns = Columns {
            extra: Some(&cert),
            described: Some("name, size and cert.<key>"),
            ..Columns::new(&["name", "size"], &["name", "size"])
        };
        let (rows, errors) = read(
            "Size,colour,cert.sales,cert.golf,size\n1,2,3,4,5\n",
            &columns,
        );
        assert!(rows.is_empty());
        assert_eq!(
            errors,
            [
                "line 1, colour: unknown column 'colour'; the columns are: name, size and cert.<key>",
                "line 1, cert.golf: 'golf' is not in the catalog",
                "line 1, size: column 'size' appears twice",
                "line 1, name: the header has no 'name' column",
            ]
        );
    }
}
