//! Browser tests: headless Debian Chromium driven through chromedriver against a real
//! server, on SQLite and PostgreSQL. A missing browser fails with what to install.

mod dashboard;
mod escalation_insight;
mod escalations;
mod homes;
mod mail_and_teams;
mod meetings;
mod phone;
mod portal;
mod scorecards;
mod support;
