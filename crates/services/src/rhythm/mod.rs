//! The communication rhythm: weekly partner standups, monthly cross-functional syncs and
//! quarterly executive reviews, each with a pack generated from the records as of its period,
//! and the decisions and action items recorded against it. Our people only: partners never
//! see a meeting or its pack.
//!
//! This file is the feature's face: the code lives in the files beside it.

mod meetings;
mod pack;

pub use meetings::{
    ActionItemView, DecisionView, MeetingDetail, MeetingQuery, MeetingSummary, Person,
};
pub use pack::{Figure, Line, Pack, Section};
