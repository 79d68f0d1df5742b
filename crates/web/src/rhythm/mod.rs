//! The communication rhythm's meetings: the list, the form to record one, and a meeting with
//! its pack, decisions and action items; the pack as Markdown and print-ready HTML. Our
//! people only.

pub(crate) mod api;
mod export;
pub(crate) mod pages;
