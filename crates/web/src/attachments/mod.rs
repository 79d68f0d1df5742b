//! Files attached to a partner (evidence for onboarding items and certifications, signed
//! documents): uploading, and downloading them as files, never rendered inline.

pub(crate) mod api;
pub(crate) mod pages;
