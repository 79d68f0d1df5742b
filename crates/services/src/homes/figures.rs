//! A figure on a home: what it counts, its value (a count or an amount, formatted by the
//! reader's page, never here) and the list behind it.

use rust_decimal::Decimal;

/// One figure and the list it was counted from.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = HomeFigure)]
pub struct Figure {
    /// A stable name for the figure, e.g. `registrations_to_decide`.
    pub key: String,
    pub label: String,
    pub value: Amount,
    /// The page listing what was counted.
    pub link: String,
}

/// A figure's value.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Amount {
    /// `n` things, named `noun` (one) or `plural` (several).
    Count {
        n: usize,
        noun: String,
        plural: String,
    },
    /// An amount in `currency`.
    Money { amount: Decimal, currency: String },
}

impl Figure {
    pub(crate) fn count(key: &str, label: &str, n: i64, noun: (&str, &str), link: &str) -> Figure {
        Figure {
            key: key.into(),
            label: label.into(),
            value: Amount::Count {
                n: usize::try_from(n).unwrap_or(0),
                noun: noun.0.into(),
                plural: noun.1.into(),
            },
            link: link.into(),
        }
    }

    pub(crate) fn money(
        key: &str,
        label: &str,
        amount: Decimal,
        currency: &str,
        link: &str,
    ) -> Figure {
        Figure {
            key: key.into(),
            label: label.into(),
            value: Amount::Money {
                amount,
                currency: currency.into(),
            },
            link: link.into(),
        }
    }
}
