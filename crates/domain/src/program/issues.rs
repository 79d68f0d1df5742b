//! Problems found in a program file, each located (line, column) with a fix, and the
//! checks every section's reader reports them through.

use toml::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a program file, located and explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub severity: Severity,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub fix: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}: {kind}: {}\n  fix: {}",
            self.line, self.column, self.message, self.fix
        )
    }
}

/// Turns byte offsets into 1-based line and column.
pub(super) struct Locator<'a>(pub(super) &'a str);

impl Locator<'_> {
    pub(super) fn at(&self, offset: usize) -> (usize, usize) {
        let before = &self.0[..offset.min(self.0.len())];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        (line, column)
    }

    pub(super) fn issue(
        &self,
        severity: Severity,
        span: std::ops::Range<usize>,
        message: String,
        fix: &str,
    ) -> Issue {
        let (line, column) = self.at(span.start);
        Issue {
            severity,
            line,
            column,
            message,
            fix: fix.to_owned(),
        }
    }
}

/// Checks of the sections that are read into plain types: each problem is located by the
/// dotted path of the value it concerns (`commissions.accelerators.2.multiplier`).
pub(crate) struct Checks<'a> {
    pub(super) locate: Locator<'a>,
    pub(super) document: Option<Spanned<toml::de::DeTable<'a>>>,
    pub(super) issues: Vec<Issue>,
}

impl<'a> Checks<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            locate: Locator(text),
            document: toml::de::DeTable::parse(text).ok(),
            issues: Vec::new(),
        }
    }

    /// Where the value at `path` is written, or the nearest enclosing table that is; None
    /// when the file does not mention the section at all (the value is a shipped default).
    pub(super) fn span_of(&self, path: &str) -> Option<std::ops::Range<usize>> {
        use toml::de::{DeTable, DeValue};
        fn entry<'v, 'i>(table: &'v DeTable<'i>, key: &str) -> Option<&'v Spanned<DeValue<'i>>> {
            table
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == key)
                .map(|(_, v)| v)
        }
        let mut segments = path.split('.');
        let mut current = entry(self.document.as_ref()?.get_ref(), segments.next()?)?;
        for segment in segments {
            let next = match current.get_ref() {
                DeValue::Table(table) => entry(table, segment),
                DeValue::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(next) => current = next,
                None => break,
            }
        }
        Some(current.span())
    }

    pub(crate) fn error(&mut self, path: &str, message: String, fix: &str) {
        self.raise(Severity::Error, path, message, fix);
    }

    pub(crate) fn warning(&mut self, path: &str, message: String, fix: &str) {
        self.raise(Severity::Warning, path, message, fix);
    }

    fn raise(&mut self, severity: Severity, path: &str, message: String, fix: &str) {
        let issue = match self.span_of(path) {
            Some(span) => self.locate.issue(severity, span, message, fix),
            None => Issue {
                severity,
                line: 1,
                column: 1,
                message: format!("{message} (a shipped default: the file does not set `{path}`)"),
                fix: format!("{fix}; or write the section so it fits this program"),
            },
        };
        self.issues.push(issue);
    }

    pub(crate) fn known_tier(&mut self, path: &str, key: &str, tiers: &[String]) {
        if !tiers.iter().any(|t| t == key) {
            self.error(
                path,
                format!("{path} names tier '{key}', which the program does not define"),
                &format!("use one of the tier keys: {}", tiers.join(", ")),
            );
        }
    }

    pub(crate) fn weights_sum_to_100(&mut self, path: &str, sum: u32) {
        if sum != 100 {
            self.error(
                path,
                format!("the weights in {path} add up to {sum}, not 100"),
                "adjust the weights so they add up to 100",
            );
        }
    }
}

/// A plain-language fix for what the TOML reader refused.
pub(super) fn fix_for(message: &str) -> &'static str {
    if message.contains("unknown field") {
        "remove this key or correct its spelling to one of the keys listed"
    } else if message.contains("untagged enum Owner") {
        "write one of the teams (sales, marketing, product, finance, legal, customer_success, partner_manager, executive) or \"partner\""
    } else if message.contains("unknown variant") {
        "use one of the values listed"
    } else if message.contains("missing field") {
        "add the missing key to this table (`partneros program init` writes a complete example)"
    } else if message.contains("invalid type") {
        "write the value as the type named: numbers without quotes, text in quotes, lists in [ ]"
    } else if message.contains("duplicate key") {
        "keep one of the two keys"
    } else {
        "check the TOML syntax on this line (quotes, brackets, `key = value`)"
    }
}
