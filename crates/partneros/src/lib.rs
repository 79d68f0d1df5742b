//! What starts a PartnerOS server, shared by the CLI (`serve`, `demo`) and the tests, so a test
//! runs the server the binary runs: open the database, bind, serve pages and API with the
//! shipped limits, tick the background jobs, stop gracefully.

pub mod startup;
