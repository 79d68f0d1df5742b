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

    /// A required email address, normalised to lower case.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        if value.trim().is_empty() {
            self.add(field, "is required");
            return String::new();
        }
        self.optional_email(field, value).unwrap_or_default()
    }

    /// A three-letter currency code (upper-cased); `default` when empty.
    pub fn currency(&mut self, field: &str, value: &str, default: &str) -> String {
        match value.trim() {
            "" => default.to_owned(),
            c if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
                c.to_ascii_uppercase()
            }
            c => {
                self.add(
                    field,
                    format!("'{c}' is not a three-letter currency code like USD"),
                );
                String::new()
            }
        }
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
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

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

/// A pragmatic address check: one `@`, a non-empty local part, and a valid domain name.
/// The name of an uploaded file without any folder a browser or client put in front of it
/// ("C:\\fakepath\\nda.pdf" → "nda.pdf"), checked: present, at most 200 characters, no control
/// characters.
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
    } else {
        Ok(base)
    }
}

pub fn is_valid_email(value: &str) -> bool {
    if value.len() > 254 || value.chars().any(char::is_whitespace) {
        return false;
    }
    match value.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !local.contains('@')
                && is_valid_domain(domain)
        }
        None => false,
    }
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

/// The largest amount of money anyone types (a trillion).
const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// An amount of money as people type it ("380,000", "$380000.50"); None when empty.
pub fn amount(text: &str) -> Result<Option<rust_decimal::Decimal>, String> {
    use rust_decimal::Decimal;
    let cleaned = text.trim().replace([',', '_', ' '], "");
    let cleaned = cleaned.trim_start_matches(['$', '€', '£']);
    if cleaned.is_empty() {
        return Ok(None);
    }
    match cleaned.parse::<Decimal>() {
        Ok(a) if a < Decimal::ZERO => Err("cannot be negative".into()),
        Ok(a) if a.scale() > 2 => Err("at most 2 decimal places".into()),
        Ok(a) if a > Decimal::from(MAX_AMOUNT) => Err("is implausibly large".into()),
        Ok(a) => Ok(Some(a)),
        Err(_) => Err(format!(
            "'{}' is not an amount like 380000 or 380000.50",
            text.trim()
        )),
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
