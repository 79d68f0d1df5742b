//! Deal registration: who registered which customer, whether it conflicts
//! with another partner's registration, the direct pipeline or an existing customer, and
//! what the program's policy decides.

pub mod cases;
pub mod conflicts;
pub mod csv_io;
pub mod direct;
pub mod leads;
pub mod matching;
pub mod pipeline;
pub mod previews;
pub mod references;
pub mod registration;
pub mod revenue;
