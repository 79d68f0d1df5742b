//! Work items and "My work": our people's queues by the RACI matrix. Partners never reach
//! any of these routes (the services refuse every partner-side role).

pub(crate) mod api;
pub(crate) mod pages;
