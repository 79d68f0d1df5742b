//! Notifications: what a person is told (a decision on their deal, a certification about to
//! lapse, …), the unread count in the navigation, and marking them read.

pub(crate) mod api;
pub(crate) mod pages;
