//! How every list is paged: a client's `cursor` and `limit`, checked once here into a
//! [`PageRequest`] (at most `limit` rows after a key), and the rows fetched made a [`Page`].
//!
//! Lists are keyset-paged in SQL: a cursor carries the key of the last row shown. Lists in id
//! order (ids are UUID v7, time-ordered) use the id itself; a list in another order carries
//! that key with the id, which breaks its ties.

use base64::Engine;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::{Error, Result};

pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

/// What a cursor that does not decode is told.
pub const FOREIGN_CURSOR: &str = "is not a cursor this server issued";

/// One page of results and where the next one starts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The same page with each item made into another.
    pub fn map<U>(self, each: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(each).collect(),
            next_cursor: self.next_cursor,
        }
    }

    /// The same page with each item made into another, or the first failure.
    pub fn try_map<U, E>(
        self,
        each: impl FnMut(T) -> std::result::Result<U, E>,
    ) -> std::result::Result<Page<U>, E> {
        Ok(Page {
            items: self
                .items
                .into_iter()
                .map(each)
                .collect::<std::result::Result<_, _>>()?,
            next_cursor: self.next_cursor,
        })
    }
}

/// The paging part of a list request, as a client sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

impl PageQuery {
    /// The checked request; a bad limit or cursor is a 422 naming it.
    pub fn request<K: CursorKey>(&self) -> Result<PageRequest<K>> {
        let mut v = domain::Validation::new();
        let request = check(&mut v, &self.cursor, self.limit);
        v.into_result().map_err(Error::Invalid)?;
        Ok(request)
    }
}

/// At most `limit` rows, after the row whose key is `after` (from the first when `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest<K> {
    pub after: Option<K>,
    pub limit: i64,
}

impl<K: CursorKey> PageRequest<K> {
    /// The whole list in one page: for the portal's pages and the CLI, which show all of a
    /// list that stays short, never for a client's request.
    pub fn everything() -> Self {
        PageRequest {
            after: None,
            limit: i64::MAX,
        }
    }

    /// The first `limit` rows.
    pub fn first(limit: i64) -> Self {
        PageRequest { after: None, limit }
    }

    /// The rows fetched for this request as a page: a full page says where the next starts
    /// (the key of its last row), a shorter one is the last.
    pub fn page<T>(&self, items: Vec<T>, key: impl Fn(&T) -> K) -> Page<T> {
        let next_cursor = (items.len() as i64 == self.limit)
            .then(|| items.last().map(|last| key(last).to_cursor()))
            .flatten();
        Page { items, next_cursor }
    }
}

/// Checks a client's `cursor` and `limit`, adding what is wrong to `v`.
pub fn check<K: CursorKey>(
    v: &mut domain::Validation,
    cursor: &str,
    limit: Option<i64>,
) -> PageRequest<K> {
    let limit = check_limit(v, limit);
    let cursor = cursor.trim();
    let after = if cursor.is_empty() {
        None
    } else {
        K::from_cursor(cursor).or_else(|| {
            v.add("cursor", FOREIGN_CURSOR);
            None
        })
    };
    PageRequest { after, limit }
}

/// Checks a client's `limit` alone, for lists whose cursor depends on other parameters.
pub fn check_limit(v: &mut domain::Validation, limit: Option<i64>) -> i64 {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        v.add("limit", format!("must be between 1 and {MAX_PAGE}"));
    }
    limit
}

/// The key a list is ordered by, written into its cursors.
pub trait CursorKey: Sized {
    fn to_cursor(&self) -> String;
    /// `None` for text that is not a cursor of this kind.
    fn from_cursor(text: &str) -> Option<Self>;
}

/// Lists in id order: the cursor is the last id shown.
impl CursorKey for Uuid {
    fn to_cursor(&self) -> String {
        self.to_string()
    }

    fn from_cursor(text: &str) -> Option<Self> {
        Uuid::parse_str(text).ok()
    }
}

/// Lists in the order of a unique number (program versions): the last number shown.
impl CursorKey for i64 {
    fn to_cursor(&self) -> String {
        self.to_string()
    }

    fn from_cursor(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

/// Lists of one row a day (a partner's health history): the last day shown.
impl CursorKey for time::Date {
    fn to_cursor(&self) -> String {
        self.to_string()
    }

    fn from_cursor(text: &str) -> Option<Self> {
        domain::validation::date(text).ok()
    }
}

/// Lists in another order: that key and what breaks its ties (the id), as URL-safe base64
/// of their JSON.
macro_rules! tuple_cursor {
    ($($part:ident),+) => {
        impl<$($part: Serialize + DeserializeOwned),+> CursorKey for ($($part,)+) {
            fn to_cursor(&self) -> String {
                encode(self)
            }

            fn from_cursor(text: &str) -> Option<Self> {
                decode(text)
            }
        }
    };
}
tuple_cursor!(A, B);
tuple_cursor!(A, B, C);

/// A cursor's text for `key`.
pub fn encode(key: &impl Serialize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(key).expect("a cursor key serialises"))
}

/// The key in a cursor's text; `None` for text this server did not issue.
pub fn decode<K: DeserializeOwned>(text: &str) -> Option<K> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A page of a short list kept in memory, paged by position (the cursor is the position of
/// the last item shown).
pub fn by_position<T>(all: Vec<T>, page: &PageRequest<i64>) -> Page<T> {
    let skip = usize::try_from(page.after.unwrap_or(0)).unwrap_or(0);
    let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let rows: Vec<(i64, T)> = all
        .into_iter()
        .enumerate()
        .skip(skip)
        .take(take)
        .map(|(n, item)| (i64::try_from(n).unwrap_or(i64::MAX) + 1, item))
        .collect();
    page.page(rows, |(n, _)| *n).map(|(_, item)| item)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(cursor: &str, limit: Option<i64>) -> Vec<String> {
        let query = PageQuery {
            cursor: cursor.into(),
            limit,
        };
        match query.request::<(String, Uuid)>() {
            Ok(_) => Vec::new(),
            Err(Error::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn limit_and_cursor_are_checked() {
        assert!(fields("", None).is_empty());
        assert!(fields("", Some(1)).is_empty());
        assert!(fields("", Some(200)).is_empty());
        assert_eq!(fields("", Some(0)), ["limit"]);
        assert_eq!(fields("", Some(201)), ["limit"]);
        assert_eq!(fields("nonsense", None), ["cursor"]);
        assert_eq!(fields("nonsense", Some(-1)), ["limit", "cursor"]);
    }

    #[test]
    fn a_full_page_points_past_its_last_row() {
        let id = Uuid::from_u128(7);
        let request = PageRequest::<Uuid>::first(2);
        let full = request.page(vec![Uuid::from_u128(9), id], |row| *row);
        assert_eq!(
            full.next_cursor.as_deref(),
            Some("00000000-0000-0000-0000-000000000007")
        );
        let short = request.page(vec![id], |row| *row);
        assert_eq!(short.next_cursor, None);
    }

    #[test]
    fn a_key_with_its_id_round_trips() {
        let key = ("ana@example.com".to_owned(), Uuid::from_u128(1));
        let text = key.to_cursor();
        assert_eq!(
            <(String, Uuid)>::from_cursor(&text),
            Some(("ana@example.com".to_owned(), Uuid::from_u128(1)))
        );
        assert_eq!(<(String, Uuid)>::from_cursor("nonsense"), None);
    }
}
