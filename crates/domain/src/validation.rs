//! Field-level validation shared by every input path (forms, API, CLI, CSV).

use serde::Serialize;

/// Dates as people and CSV files write them: 2026-12-31.
pub const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// One problem with one input field, phrased for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Collects every field error of one input so the user sees them all at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Validation {
    errors: Vec<FieldError>,
}

impl Validation {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }

    /// Trims `value`, checks it is present (when `required`) and at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, required: bool, max: usize) -> String {
        let trimmed = value.trim();
        if required && trimmed.is_empty() {
            self.add(field, "is required");
        } else if trimmed.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        } else if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.add(field, "must not contain control characters");
        }
        trimmed.to_owned()
    }

    /// An optional email address: empty means none.
    pub fn optional_email(&mut self, field: &str, value: &str) -> Option<String> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        if is_valid_email(value) {
            Some(value.to_ascii_lowercase())
        } else {
            self.add(field, format!("'{value}' is not a valid email address"));
            None
        }
    }

    /// A web address someone will open: [`Validation::text`], then an absolute `http` or
    /// `https` URL with a host (an empty value passes when not `required`).
    pub fn link(&mut self, field: &str, value: &str, required: bool, max: usize) -> String {
        let before = self.errors.len();
        let link = self.text(field, value, required, max);
        if self.errors.len() == before && !link.is_empty() {
            let web = url::Url::parse(&link).is_ok_and(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.host_str().is_some_and(|h| !h.is_empty())
            });
            if !web {
                self.add(field, "must be a web address like https://example.com/page");
            }
        }
        link
    }

    /// A required email address, normalised to lower case.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        if value.trim().is_empty() {
            self.add(field, "is required");
            return String::new();
        }
        self.optional_email(field, value).unwrap_or_default()
    }

    /// A currency of the active ISO 4217 list (upper-cased, see [`crate::money::currency`]);
    /// `default` when empty.
    pub fn currency(&mut self, field: &str, value: &str, default: &str) -> String {
        if value.trim().is_empty() {
            return default.to_owned();
        }
        crate::money::currency(value).unwrap_or_else(|message| {
            self.add(field, message);
            String::new()
        })
    }

    /// A name of a person, an organisation or a customer: [`Validation::text`] plus
    /// [`name_problem`].
    pub fn name(&mut self, field: &str, value: &str, required: bool, max: usize) -> String {
        let before = self.errors.len();
        let name = self.text(field, value, required, max);
        if self.errors.len() == before
            && let Some(problem) = name_problem(&name)
        {
            self.add(field, problem);
        }
        name
    }

    /// Parses a value against a closed set of choices, naming the allowed ones on error.
    pub fn choice<T: Choice>(&mut self, field: &str, value: &str) -> Option<T> {
        let value = value.trim();
        match T::parse(value) {
            Some(parsed) => Some(parsed),
            None => {
                let allowed: Vec<&str> = T::ALL.iter().map(|c| c.as_str()).collect();
                if value.is_empty() {
                    self.add(
                        field,
                        format!("is required (one of: {})", allowed.join(", ")),
                    );
                } else {
                    self.add(
                        field,
                        format!("'{value}' is not one of: {}", allowed.join(", ")),
                    );
                }
                None
            }
        }
    }
}

/// A closed set of named values (enums stored and shown by their snake_case name).
pub trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(&self) -> &'static str;
    fn label(&self) -> &'static str;
    fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == value)
    }
}

/// Declares a `Choice` enum with its storage names and human labels in one place.
#[macro_export]
macro_rules! choice_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($key:literal, $label:literal)),+ $(,)? }) => {
        // Serialised as its key, so what the API returns is what its filters and inputs take.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        // After the derive, so a `#[schema(as = …)]` among them names the schema.
        $(#[$meta])*
        pub enum $name { $(#[serde(rename = $key)] $variant),+ }

        impl $crate::validation::Choice for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(&self) -> &'static str { match self { $(Self::$variant => $key),+ } }
            fn label(&self) -> &'static str { match self { $(Self::$variant => $label),+ } }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::validation::Choice::as_str(self))
            }
        }
    };
}

/// The name of an uploaded file without any folder a browser or client put in front of it
/// ("C:\\fakepath\\nda.pdf" → "nda.pdf"), checked: present, at most 200 characters, no control
/// characters, and [`name_problem`].
pub fn clean_filename(name: &str) -> Result<String, String> {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    if base.is_empty() || base == "." || base == ".." {
        Err("the file needs a name".into())
    } else if base.chars().count() > 200 {
        Err("the file name must be at most 200 characters".into())
    } else if base.chars().any(char::is_control) {
        Err("the file name must not contain control characters".into())
    } else if let Some(problem) = name_problem(&base) {
        Err(format!("the file name {problem}"))
    } else {
        Ok(base)
    }
}

/// An address as RFC 5322 writes it (the `email_address` crate), without a display name or
/// an IP literal, whose domain is a host name with at least two labels.
pub fn is_valid_email(value: &str) -> bool {
    let options = email_address::Options::default()
        .without_display_text()
        .without_domain_literal();
    value.len() <= 254
        && email_address::EmailAddress::parse_with_options(value, options)
            .is_ok_and(|address| is_valid_domain(address.domain()))
}

/// A DNS host name with at least two labels, each 1–63 letters, digits or inner hyphens.
pub fn is_valid_domain(value: &str) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    value.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// The years a date or quarter anyone types may fall in. Business dates outside them are
/// typing mistakes ("0000-01-01", "9999-Q4") that would otherwise sit in sums, sorts and
/// deadlines for ever.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=2100;

/// A date written 2026-12-31 within [`YEARS`]; every date parser of input goes through here.
pub fn date(text: &str) -> Result<time::Date, String> {
    let text = text.trim();
    // The format reads a signed year ("+2027-01-05"); a date is written with digits only.
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("'{text}' is not a date like 2027-03-31"));
    }
    match time::Date::parse(text, DATE_FORMAT) {
        Ok(d) if YEARS.contains(&d.year()) => Ok(d),
        Ok(_) => Err(format!(
            "'{text}' is outside the years {}-{}",
            YEARS.start(),
            YEARS.end()
        )),
        Err(_) => Err(format!("'{text}' is not a date like 2027-03-31")),
    }
}

/// How far ahead a due date may be set: two years (730 days). A promise to do something
/// later than that is not followed up by anyone (the person, the case or the meeting has moved
/// on by then), and a day such as 2099-12-31 or 2100-01-01 is a typing mistake that would
/// otherwise sit at the bottom of every work queue for ever.
pub const DUE_HORIZON_DAYS: i64 = 730;

/// A due date written 2026-12-31: today or later, and at most [`DUE_HORIZON_DAYS`] after
/// `today` (the day on the program's calendar, which the caller reads from the clock).
pub fn due_date(text: &str, today: time::Date) -> Result<time::Date, String> {
    due_day(date(text)?, today)
}

/// The rule of [`due_date`] for a day already read.
pub fn due_day(day: time::Date, today: time::Date) -> Result<time::Date, String> {
    let last = today + time::Duration::days(DUE_HORIZON_DAYS);
    if day < today {
        Err(format!(
            "{day} is in the past: a due date is today ({today}) or later"
        ))
    } else if day > last {
        Err(format!(
            "{day} is too far ahead: a due date is at most two years away ({last} at the latest)"
        ))
    } else {
        Ok(day)
    }
}

/// Characters that reorder the text around them (bidi embeddings, overrides, isolates and
/// marks): in a name they make "Acme\u{202E}gpj.exe" show as "Acmeexe.jpg", so a record
/// or file can pose as another.
fn reorders_text(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing on their own: spaces, zero-width characters, invisible
/// operators, fillers, variation selectors.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || reorders_text(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2064}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// The one rule for names (partners, contacts, customers, companies, users) and file names:
/// nothing that reorders the text and at least one visible character, so a name can neither
/// disguise itself nor look blank. `None` when the name is fine; an empty name is left to
/// the caller, for whom it may be optional.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.chars().any(reorders_text) {
        Some(
            "must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)",
        )
    } else if !name.is_empty() && name.chars().all(invisible) {
        Some("must contain a visible character")
    } else {
        None
    }
}

/// Accepts `3` as well as `"3"` so API clients may send numbers while forms send text.
pub fn number_or_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(serde_json::Number),
        Text(String),
    }
    Ok(
        match <NumberOrText as serde::Deserialize>::deserialize(deserializer)? {
            NumberOrText::Number(n) => n.to_string(),
            NumberOrText::Text(t) => t,
        },
    )
}

/// A map whose values may be numbers or text (see [`number_or_text`]).
pub fn map_of_number_or_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<std::collections::BTreeMap<String, String>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Value(#[serde(deserialize_with = "number_or_text")] String);
    let map: std::collections::BTreeMap<String, Value> =
        serde::Deserialize::deserialize(deserializer)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

/// A check box: the API sends `true`/`false`; a form sends `on` when ticked (a box without a
/// `value`) and nothing when not, so the field also needs `#[serde(default)]`.
pub fn checkbox<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum BoolOrText {
        Bool(bool),
        Text(String),
    }
    Ok(
        match <BoolOrText as serde::Deserialize>::deserialize(deserializer)? {
            BoolOrText::Bool(ticked) => ticked,
            BoolOrText::Text(text) => text == "on",
        },
    )
}

/// A list: the API sends an array; a form sends one text box holding the items separated by
/// commas or new lines (blank items dropped).
pub fn list_or_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum ListOrText {
        List(Vec<String>),
        Text(String),
    }
    Ok(
        match <ListOrText as serde::Deserialize>::deserialize(deserializer)? {
            ListOrText::List(items) => items,
            ListOrText::Text(text) => text
                .split([',', '\n'])
                .map(|item| item.trim().to_owned())
                .filter(|item| !item.is_empty())
                .collect(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_file_names_lose_their_folders() {
        assert_eq!(
            clean_filename("C:\\fakepath\\NDA signed.pdf").unwrap(),
            "NDA signed.pdf"
        );
        assert_eq!(clean_filename("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            clean_filename(" contrat-été.pdf ").unwrap(),
            "contrat-été.pdf"
        );
        assert!(clean_filename("").is_err());
        assert!(clean_filename("folder/").is_err());
        assert!(clean_filename("..").is_err());
        assert!(clean_filename("a\u{7}.pdf").is_err());
        assert!(clean_filename(&"x".repeat(201)).is_err());
        assert_eq!(
            clean_filename("invoice\u{202E}fdp.exe").unwrap_err(),
            "the file name must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)"
        );
        assert_eq!(
            clean_filename("\u{200B}\u{FEFF}").unwrap_err(),
            "the file name must contain a visible character"
        );
    }

    #[test]
    fn names_refuse_direction_overrides_and_need_a_visible_character() {
        for fine in [
            "Acme",
            "Ana Alves",
            "Müller GmbH",
            "شركة أكمي",
            "株式会社アクメ",
            "A\u{200D}B",
            "",
        ] {
            assert_eq!(name_problem(fine), None, "{fine}");
        }
        for reordering in [
            "Acme\u{202E}gpj.exe",
            "\u{202A}Acme",
            "Acme\u{202B}",
            "Acme\u{202C}",
            "Acme\u{202D}",
            "Acme\u{2066}x\u{2069}",
            "Acme\u{2067}",
            "Acme\u{2068}",
            "Acme\u{200E}",
            "Acme\u{200F}",
        ] {
            assert_eq!(
                name_problem(reordering),
                Some(
                    "must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)"
                ),
                "{reordering:?}"
            );
        }
        for blank in [
            "\u{200B}",
            "\u{200C}",
            "\u{200D}",
            "\u{FEFF}",
            "\u{2060}",
            "\u{200B} \u{3164}",
            "\u{00AD}",
        ] {
            assert_eq!(
                name_problem(blank),
                Some("must contain a visible character"),
                "{blank:?}"
            );
        }
        let mut v = Validation::new();
        assert_eq!(v.name("legal_name", " Acme ", true, 200), "Acme");
        v.name("legal_name", "\u{200B}", true, 200);
        v.name("display_name", "", false, 200);
        assert_eq!(
            v.into_result().unwrap_err(),
            [FieldError {
                field: "legal_name".into(),
                message: "must contain a visible character".into()
            }]
        );
    }

    #[test]
    fn due_dates_run_from_today_to_two_years_ahead() {
        let today = time::macros::date!(2026 - 12 - 02);
        assert_eq!(
            due_date("2026-12-02", today).unwrap().to_string(),
            "2026-12-02"
        );
        assert_eq!(
            due_date("2026-12-01", today).unwrap_err(),
            "2026-12-01 is in the past: a due date is today (2026-12-02) or later"
        );
        // 730 days after 2026-12-02 (2027 and 2028, a leap year: 365 + 366 = 731 days to
        // 2028-12-02) is 2028-12-01.
        assert_eq!(
            due_date("2028-12-01", today).unwrap().to_string(),
            "2028-12-01"
        );
        assert_eq!(
            due_date("2028-12-02", today).unwrap_err(),
            "2028-12-02 is too far ahead: a due date is at most two years away (2028-12-01 at the latest)"
        );
        assert_eq!(
            due_date("2099-12-31", today).unwrap_err(),
            "2099-12-31 is too far ahead: a due date is at most two years away (2028-12-01 at the latest)"
        );
        assert_eq!(
            due_date("2026-13-01", today).unwrap_err(),
            "'2026-13-01' is not a date like 2027-03-31"
        );
    }

    #[test]
    fn dates_lie_between_1970_and_2100() {
        assert_eq!(date(" 2026-12-31 ").unwrap().to_string(), "2026-12-31");
        assert_eq!(date("1970-01-01").unwrap().to_string(), "1970-01-01");
        assert_eq!(date("2100-12-31").unwrap().to_string(), "2100-12-31");
        assert_eq!(
            date("+2027-01-05").unwrap_err(),
            "'+2027-01-05' is not a date like 2027-03-31"
        );
        assert_eq!(
            date("0000-01-01").unwrap_err(),
            "'0000-01-01' is outside the years 1970-2100"
        );
        assert_eq!(
            date("9999-12-31").unwrap_err(),
            "'9999-12-31' is outside the years 1970-2100"
        );
        assert_eq!(
            date("1969-12-31").unwrap_err(),
            "'1969-12-31' is outside the years 1970-2100"
        );
        assert_eq!(
            date("31/12/2026").unwrap_err(),
            "'31/12/2026' is not a date like 2027-03-31"
        );
    }

    #[test]
    fn currencies_come_from_iso_4217_or_the_default() {
        let mut v = Validation::new();
        assert_eq!(v.currency("currency", "", "EUR"), "EUR");
        assert_eq!(v.currency("currency", "jpy", "EUR"), "JPY");
        v.currency("currency", "XXX", "EUR");
        v.currency("currency", "BTC", "EUR");
        let errors = v.into_result().unwrap_err();
        assert_eq!(
            errors[0].message,
            "'XXX' is not a currency of ISO 4217 like USD, EUR or JPY"
        );
        assert_eq!(
            errors[1].message,
            "'BTC' is not a currency of ISO 4217 like USD, EUR or JPY"
        );
    }

    #[test]
    fn links_are_web_addresses() {
        let mut v = Validation::new();
        assert_eq!(
            v.link("evidence", " https://drive.example.com/kit ", true, 100),
            "https://drive.example.com/kit"
        );
        assert_eq!(v.link("evidence", "", false, 100), "");
        v.link("a", "notaurl", false, 100);
        v.link("b", "javascript:alert(1)", false, 100);
        v.link("c", "ftp://files.example.com/x", false, 100);
        v.link("d", "https://", false, 100);
        v.link("e", "", true, 100);
        let errors = v.into_result().unwrap_err();
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        let web = "must be a web address like https://example.com/page";
        assert_eq!(
            got,
            [
                ("a", web),
                ("b", web),
                ("c", web),
                ("d", web),
                ("e", "is required")
            ]
        );
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("ana@acme.com"));
        assert!(is_valid_email("first.last+tag@sub.acme.co.uk"));
        for bad in [
            "",
            "ana",
            "ana@",
            "@acme.com",
            "ana@acme",
            "a b@acme.com",
            "ana@-acme.com",
            "ana@acme..com",
            "ana..b@acme.com",
            ".ana@acme.com",
            "ana@[10.0.0.1]",
            "Ana <ana@acme.com>",
            "ana@acme.com\n",
        ] {
            assert!(!is_valid_email(bad), "{bad} should be rejected");
        }
    }

    #[test]
    fn domains() {
        assert!(is_valid_domain("acme.com"));
        assert!(is_valid_domain("xn--bcher-kva.de"));
        for bad in [
            "acme",
            "acme.",
            ".com",
            "ac me.com",
            "acme.c0m",
            "http://acme.com",
            "acme.com/x",
        ] {
            assert!(!is_valid_domain(bad), "{bad} should be rejected");
        }
    }

    #[test]
    fn text_limits_and_required() {
        let mut v = Validation::new();
        assert_eq!(v.text("name", "  Acme  ", true, 10), "Acme");
        assert!(v.is_empty());
        v.text("name", "   ", true, 10);
        v.text("notes", &"x".repeat(11), false, 10);
        v.text("notes", "a\u{0}b", false, 10);
        let errors = v.into_result().unwrap_err();
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].message, "is required");
        assert_eq!(errors[1].message, "must be at most 10 characters");
        assert_eq!(errors[2].message, "must not contain control characters");
    }
}
