//! A partner's tier facts by quarter: each number with its source (records, won deals, an
//! assessment, or typed), and typing a quarter's facts by hand. CSV imports are in `imports`.

pub(crate) mod api;
pub(crate) mod pages;
