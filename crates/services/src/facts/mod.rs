//! The facts the tier engine reads, quarter by quarter: typed on a partner's page or imported
//! from CSV (`import`), and replaced by records wherever records reach (`sources`: one source
//! for each fact).
//!
//! This file is the feature's face: the code lives in the files beside it, which name each
//! other by their own paths.

mod import;
mod quarters;
pub(crate) mod rows;
pub(crate) mod sources;

pub use quarters::{QuarterView, SourcesView};
