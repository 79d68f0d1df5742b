//! The audit log: every change, who made it and what it changed (admins read it).

pub(crate) mod api;
pub(crate) mod pages;
