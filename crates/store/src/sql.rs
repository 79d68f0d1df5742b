//! Statements and their bound values, independent of the backend that will run them.

use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone)]
pub enum Arg {
    Uuid(Option<uuid::Uuid>),
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Time(Option<time::OffsetDateTime>),
    Date(Option<time::Date>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($variant:ident, $ty:ty) => {
        impl From<$ty> for Arg {
            fn from(value: $ty) -> Self {
                Arg::$variant(Some(value.into()))
            }
        }
        impl From<Option<$ty>> for Arg {
            fn from(value: Option<$ty>) -> Self {
                Arg::$variant(value.map(Into::into))
            }
        }
    };
}
arg_from!(Uuid, uuid::Uuid);
arg_from!(Text, String);
arg_from!(Text, &str);
arg_from!(Int, i64);
arg_from!(Bool, bool);
arg_from!(Time, time::OffsetDateTime);
arg_from!(Date, time::Date);
arg_from!(Bytes, Vec<u8>);
arg_from!(Bytes, &[u8]);

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(Some(value.clone()))
    }
}
impl From<Option<&String>> for Arg {
    fn from(value: Option<&String>) -> Self {
        Arg::Text(value.cloned())
    }
}

/// A statement in the SQL subset shared by SQLite and PostgreSQL, with its arguments.
#[derive(Debug, Clone)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    /// A statement from literal SQL: `&'static str`, so no value typed at run time can become
    /// SQL text (values are bound: [`Sql::arg`], [`Sql::push_bind`]).
    pub fn new(text: &'static str) -> Self {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// The one escape hatch for SQL text made at run time: only text this program wrote
    /// from its own constants (a pragma's number) or that the database itself gave back (an
    /// index definition read from `sqlite_master` to rebuild it). Never anything a user typed.
    /// Each call site says which.
    pub fn trusted_text(text: String) -> Self {
        Sql {
            text,
            args: Vec::new(),
        }
    }

    /// Binds the next `$n` already written in the text.
    pub fn arg(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Appends literal SQL (never user input: that goes through [`Sql::push_bind`]).
    pub fn push(&mut self, text: &'static str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder numbered after the arguments bound so far, and binds `value` to it.
    pub fn push_bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Appends `(…)` with a bound placeholder for each value: the list of an `IN`. An empty
    /// list becomes `(NULL)`, which no value is `IN` (`IN ()` is a syntax error on
    /// PostgreSQL); it is no list for a `NOT IN`, which `(NULL)` never satisfies either.
    pub fn push_bind_list<T: Into<Arg>>(
        &mut self,
        values: impl IntoIterator<Item = T>,
    ) -> &mut Self {
        self.text.push('(');
        let mut empty = true;
        for value in values {
            if !empty {
                self.text.push_str(", ");
            }
            self.push_bind(value);
            empty = false;
        }
        if empty {
            self.text.push_str("NULL");
        }
        self.text.push(')');
        self
    }

    /// Ends a query over a table with `created_at` and `id` as one page, newest first: rows
    /// before `before` (the last row of the previous page), at most `limit` of them.
    pub fn newest_first_page(
        &mut self,
        before: Option<(time::OffsetDateTime, uuid::Uuid)>,
        limit: i64,
    ) -> &mut Self {
        if let Some((created_at, id)) = before {
            self.push(" AND (created_at, id) < ")
                .push_bind_list::<Arg>([created_at.into(), id.into()]);
        }
        self.push(" ORDER BY created_at DESC, id DESC LIMIT ")
            .push_bind(limit)
    }

    /// Appends the `VALUES` tuples of a multi-row insert, `rows` of `width` placeholders
    /// (see [`values_list`]); the statement must have no argument bound before them.
    pub fn push_values(&mut self, backend: Backend, width: usize, rows: usize) -> &mut Self {
        debug_assert!(self.args.is_empty(), "values are numbered from $1");
        self.text.push_str(&values_list(backend, width, rows));
        self
    }

    /// The statement as SQLite's `EXPLAIN QUERY PLAN`, same text and binds: one row a step
    /// of the plan it would run (`crate::plans`).
    #[cfg(test)]
    pub(crate) fn query_plan(mut self) -> Self {
        self.text.insert_str(0, "EXPLAIN QUERY PLAN ");
        self
    }

    pub(crate) fn into_parts(self) -> (SqlStr, Vec<Arg>) {
        // Safe: the text is assembled only from literals; every value is a bound argument.
        (AssertSqlSafe(self.text).into_sql_str(), self.args)
    }
}

/// The database a statement is written for, where their SQL differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The `VALUES` list of a multi-row insert: `rows` tuples of `width` placeholders, bound in
/// order. SQLite gets plain `?`: it looks numbered parameters up by name, one linear scan
/// each, so a statement with thousands of `$n` binds in quadratic time.
pub fn values_list(backend: Backend, width: usize, rows: usize) -> String {
    let mut text = String::with_capacity(rows * width * 4);
    for r in 0..rows {
        text.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                text.push_str(", ");
            }
            if backend == Backend::Sqlite {
                text.push('?');
            } else {
                text.push_str(&format!("${}", r * width + c + 1));
            }
        }
        text.push(')');
    }
    text
}

/// `sql!("… $1 … $2", a, b)` builds a [`Sql`] with its arguments in order.
#[macro_export]
macro_rules! sql {
    ($text:expr $(, $arg:expr)* $(,)?) => {
        $crate::Sql::new($text)$(.arg($arg))*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lists_number_postgres_placeholders_across_rows() {
        assert_eq!(values_list(Backend::Postgres, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(values_list(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }

    #[test]
    fn push_bind_numbers_placeholders_after_existing_args() {
        let mut sql = Sql::new("SELECT * FROM t WHERE a = $1").arg("x");
        sql.push(" AND b = ")
            .push_bind(2_i64)
            .push(" AND c = ")
            .push_bind(true);
        assert_eq!(
            sql.text,
            "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3"
        );
        assert_eq!(sql.args.len(), 3);
    }

    #[test]
    fn bind_lists_number_their_placeholders_and_an_empty_one_matches_nothing() {
        let mut sql = Sql::new("SELECT * FROM t WHERE a = $1 AND b IN ").arg("x");
        sql.push_bind_list(["y", "z"]);
        assert_eq!(sql.text, "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
        assert_eq!(sql.args.len(), 3);

        let mut sql = Sql::new("SELECT * FROM t WHERE b IN ");
        sql.push_bind_list(Vec::<i64>::new())
            .push(" AND c = ")
            .push_bind(1_i64);
        assert_eq!(sql.text, "SELECT * FROM t WHERE b IN (NULL) AND c = $1");
        assert_eq!(sql.args.len(), 1);
    }
}
