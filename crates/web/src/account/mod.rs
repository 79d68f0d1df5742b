//! One's own account: signing in and out, the password, the time zone pages are shown in, and
//! personal API tokens.

pub(crate) mod api;
pub(crate) mod pages;
