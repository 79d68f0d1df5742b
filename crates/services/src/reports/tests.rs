use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use time::macros::date;

use super::*;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn table() -> Table {
    Table {
        title: "Tracker: Q4/2026".into(),
        columns: vec![
            "Partner".into(),
            "Won".into(),
            "Share".into(),
            "Deals".into(),
            "Since".into(),
            "Flagged".into(),
        ],
        rows: vec![
            vec![
                Cell::Text("Acme".into()),
                Cell::Money(dec("1405000.00"), "USD".into()),
                Cell::Percent(dec("12.5")),
                Cell::Count(3),
                Cell::Day(date!(2026 - 10 - 01)),
                Cell::Flag(true),
            ],
            vec![
                Cell::Text("=cmd()".into()),
                Cell::Empty,
                Cell::Empty,
                Cell::Count(0),
                Cell::Empty,
                Cell::Flag(false),
            ],
        ],
    }
}

#[test]
fn csv_keeps_amounts_numeric_with_their_currency_beside_them_and_quotes_formulas() {
    let text = String::from_utf8(to_csv(&table()).unwrap()).unwrap();
    assert_eq!(
        text,
        "Partner,Won,Won currency,Share,Deals,Since,Flagged\n\
         Acme,1405000.00,USD,12.5,3,2026-10-01,yes\n\
         '=cmd(),,,,0,,no\n"
    );
}

#[test]
fn the_workbook_opens_with_numbers_as_numbers() {
    let bytes = to_xlsx(&table()).unwrap();
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    // `:` and `/` may not be in a sheet's name.
    assert_eq!(workbook.sheet_names(), vec!["Tracker Q42026".to_owned()]);
    let range = workbook.worksheet_range("Tracker Q42026").unwrap();
    assert_eq!(range.get_size(), (3, 6));
    assert_eq!(range.get((0, 1)), Some(&Data::String("Won".into())));
    assert_eq!(range.get((1, 0)), Some(&Data::String("Acme".into())));
    assert_eq!(range.get((1, 1)), Some(&Data::Float(1_405_000.0)));
    assert_eq!(range.get((1, 2)), Some(&Data::Float(0.125)));
    assert_eq!(range.get((1, 3)), Some(&Data::Float(3.0)));
    assert_eq!(range.get((1, 5)), Some(&Data::String("yes".into())));
    // A workbook runs no text as a formula: the cell holds the text as typed.
    assert_eq!(range.get((2, 0)), Some(&Data::String("=cmd()".into())));
    assert_eq!(range.get((2, 1)), Some(&Data::Empty));
}
