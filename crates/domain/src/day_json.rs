//! Days in JSON as the rest of the API writes them, `2026-12-31` — not `time`'s default
//! `[2026, 365]` pair. Use with `#[serde(with = "domain::day_json")]`, or
//! `domain::day_json::option` for an optional day.

time::serde::format_description!(pub day_json_format, Date, "[year]-[month]-[day]");

pub use day_json_format::*;

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct Due {
        #[serde(with = "crate::day_json")]
        on: time::Date,
        #[serde(with = "crate::day_json::option")]
        maybe: Option<time::Date>,
    }

    #[test]
    fn days_are_written_year_month_day() {
        let due = Due {
            on: time::macros::date!(2026 - 12 - 31),
            maybe: None,
        };
        assert_eq!(
            serde_json::to_string(&due).unwrap(),
            r#"{"on":"2026-12-31","maybe":null}"#
        );
    }
}
