//! Conflicts between registrations, as our people see them: the preview of the check on the
//! registration form (`previews`). A registration whose check is not clear opens a
//! channel-conflict escalation case at submission (`crate::deals::submission`), worked,
//! escalated and closed as every escalation case is (`crate::escalations`). The check itself
//! and the index it reads are the registrations' (`crate::deals::cache`).
//!
//! This file is the feature's face: the code lives in the file beside it.

mod previews;
