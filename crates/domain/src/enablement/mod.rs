//! Certifications people hold: which renewal reminder is due, learning paths, the gates that
//! need certified people, tiers at risk from expiries, and records as typed or imported.
//! What each held certification is worth on a day is in [`held`].

pub mod held;

use crate::csv_import::{Columns, RowError, read_rows};
pub use held::*;

use rust_decimal::Decimal;
use time::Date;

use crate::program::certifications::{Certification, Level};

/// Whether `score` (percent) passes.
pub fn passes(certification: &Certification, score: Decimal) -> bool {
    score >= certification.pass_mark_percent
}

/// How far one person is along a learning path: steps held and valid on `today`, and the
/// first step still to earn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PathProgress {
    pub done: usize,
    pub total: usize,
    /// The catalog key of the next certification to earn; None when the path is complete.
    pub next: Option<String>,
}

pub fn path_progress(
    path: &crate::program::policy::LearningPath,
    person: uuid::Uuid,
    held: &[Held],
    today: Date,
) -> PathProgress {
    let holds = |step: &String| {
        held.iter().any(|h| {
            h.person == person
                && &h.certification == step
                && h.earned_on <= today
                && status(h, today, 0).is_valid()
        })
    };
    PathProgress {
        done: path.steps.iter().filter(|step| holds(step)).count(),
        total: path.steps.len(),
        next: path.steps.iter().find(|step| !holds(step)).cloned(),
    }
}

/// The renewal reminder due on `today`: the smallest offset (days before expiry) already
/// reached that is smaller than the last one sent, so a day the job did not run is caught up
/// with one reminder, never a burst. `offsets` are days before expiry, any order.
pub fn reminder_due(
    expires_on: Date,
    today: Date,
    offsets: &[u32],
    last_sent: Option<u32>,
) -> Option<u32> {
    let days_left = (expires_on - today).whole_days();
    if days_left < 0 {
        return None;
    }
    offsets
        .iter()
        .copied()
        .filter(|offset| i64::from(*offset) >= days_left)
        .filter(|offset| last_sent.is_none_or(|sent| *offset < sent))
        .min()
}

/// Whether the certifications expiring within `horizon_days` would take a partner that keeps
/// its tier today below that tier's keep criteria; says how when so. `history` already has
/// the records applied.
pub fn tier_at_risk(
    program: &crate::program::Program,
    current_tier: usize,
    history: &[crate::program::history::QuarterFacts],
    held: &[Held],
    today: Date,
    horizon_days: u32,
) -> Option<String> {
    use crate::program::evaluation::keeps_tier;
    let quarter = crate::quarter::Quarter::containing(today);
    let now = crate::program::history::facts_as_of(history, quarter);
    if !keeps_tier(program, current_tier, &now) {
        return None;
    }
    let until = today + time::Duration::days(horizon_days.into());
    let later = counts(held, &program.certifications, until);
    let mut then = now.clone();
    then.certified_people = later.certified_people;
    then.advanced_certified_people = later.advanced_certified_people;
    then.certifications = later.by_certification;
    if keeps_tier(program, current_tier, &then) {
        return None;
    }
    let tier = &program.tiers[current_tier];
    Some(format!(
        "tier at risk: certifications expiring by {until} would leave {} certified people ({} advanced); {} keeps {} ({} advanced)",
        then.certified_people,
        then.advanced_certified_people,
        tier.name,
        tier.keep.certified_people,
        tier.keep.advanced_certified_people
    ))
}

/// Whether a partner's people pass a gate on `today`, and why not in words a partner reads.
/// `certified` is what [`crate::sources::certified_as_of`] says counts today.
pub fn gate_status(
    gate: &crate::program::policy::Gate,
    certified: crate::sources::Certified,
    catalog: &[Certification],
    today: Date,
) -> Result<(), String> {
    let people =
        crate::sources::people_meeting(certified, catalog, gate.track, gate.min_level, today);
    if people >= gate.min_people {
        return Ok(());
    }
    let track = match gate.track {
        Some(crate::program::certifications::Track::Sales) => "sales ",
        Some(crate::program::certifications::Track::Technical) => "technical ",
        None => "",
    };
    let level = match gate.min_level {
        Some(Level::Foundation) | None => "",
        Some(Level::Advanced) => " at advanced level or above",
        Some(Level::Expert) => " at expert level",
    };
    let need = if gate.min_people == 1 {
        format!("one active {track}certification{level}")
    } else {
        format!(
            "{} people with an active {track}certification{level}",
            gate.min_people
        )
    };
    Err(format!(
        "to {} your organisation needs {need}; it has {}",
        gate.action.label(),
        people
    ))
}

/// A certification record entered by hand (a completion the LMS export missed, or one
/// earned elsewhere), as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RecordInput {
    pub contact_id: String,
    /// A catalog key.
    pub certification: String,
    /// YYYY-MM-DD, not in the future.
    pub earned_on: String,
    /// Percent; must reach the certification's pass mark.
    pub score: String,
    /// A link or file reference showing the result.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRecord {
    pub contact_id: uuid::Uuid,
    pub certification: Certification,
    pub earned_on: Date,
    pub expires_on: Option<Date>,
    pub score: Decimal,
    pub evidence: String,
}

impl RecordInput {
    pub fn validate(
        &self,
        catalog: &[Certification],
        today: Date,
    ) -> Result<ValidRecord, Vec<crate::validation::FieldError>> {
        let mut v = crate::validation::Validation::new();
        let contact_id = uuid::Uuid::parse_str(self.contact_id.trim()).ok();
        if contact_id.is_none() {
            v.add("contact_id", "choose the person who earned it");
        }
        let certification = catalog.iter().find(|c| c.key == self.certification.trim());
        if certification.is_none() {
            let keys: Vec<&str> = catalog.iter().map(|c| c.key.as_str()).collect();
            v.add(
                "certification",
                format!("choose one of: {}", keys.join(", ")),
            );
        }
        let earned_on = match crate::validation::date(&self.earned_on) {
            Ok(d) if d > today => {
                v.add("earned_on", format!("{d} is in the future"));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                v.add("earned_on", e);
                None
            }
        };
        let score = match self.score.trim().trim_end_matches('%').parse::<Decimal>() {
            Ok(s) if s < Decimal::ZERO || s > Decimal::ONE_HUNDRED => {
                v.add("score", "must be between 0 and 100");
                None
            }
            Ok(s) => Some(s),
            Err(_) => {
                v.add("score", "must be a percentage like 85");
                None
            }
        };
        if let (Some(cert), Some(score)) = (certification, score)
            && !passes(cert, score)
        {
            v.add(
                "score",
                format!(
                    "{score}% is below the pass mark of {}% for {}",
                    cert.pass_mark_percent, cert.name
                ),
            );
        }
        let evidence = v.text("evidence", &self.evidence, false, 2_000);
        v.into_result()?;
        let (Some(contact_id), Some(certification), Some(earned_on), Some(score)) =
            (contact_id, certification, earned_on, score)
        else {
            unreachable!("every missing part added an error")
        };
        Ok(ValidRecord {
            contact_id,
            expires_on: expiry(certification, earned_on),
            certification: certification.clone(),
            earned_on,
            score,
            evidence,
        })
    }
}

/// One completion from an LMS export, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub line: u64,
    /// A partner id, website domain or exact name.
    pub partner: String,
    pub email: String,
    /// For people not yet known: the contact to create.
    pub name: String,
    pub certification: String,
    pub earned_on: Date,
    pub score: Decimal,
}

pub const COMPLETION_COLUMNS: [&str; 6] =
    ["partner", "email", "name", "certification", "date", "score"];

/// Reads completions (`partner,email,name,certification,date,score`; `name` optional):
/// the certification by key or name, a date (YYYY-MM-DD) not after `today`, a score that
/// passes. Returns the good rows and every problem by line.
pub fn parse_completions_csv(
    text: &str,
    catalog: &[Certification],
    today: Date,
) -> (Vec<Completion>, Vec<RowError>) {
    let mut rows = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let columns = Columns::new(
        &COMPLETION_COLUMNS,
        &["partner", "email", "certification", "date", "score"],
    );
    let errors = read_rows(text, &columns, |row, errors| {
        let line = row.line;
        let cell = |name: &str| row.cell(name).to_owned();
        let before = errors.len();
        let partner = cell("partner");
        if partner.is_empty() {
            errors.push(row.error("partner", "is required"));
        }
        let email = cell("email").to_ascii_lowercase();
        if !crate::validation::is_valid_email(&email) {
            errors.push(row.error("email", format!("'{email}' is not a valid email address")));
        }
        // The name becomes a contact's when the person is new to the partner.
        let name = cell("name");
        if let Some(problem) = crate::validation::name_problem(name.trim()) {
            errors.push(row.error("name", problem));
        }
        let wanted = cell("certification");
        let cert = catalog
            .iter()
            .find(|c| c.key == wanted || c.name.eq_ignore_ascii_case(&wanted));
        if cert.is_none() {
            let keys: Vec<&str> = catalog.iter().map(|c| c.key.as_str()).collect();
            errors.push(row.error(
                "certification",
                format!("'{wanted}' is not in the catalog ({})", keys.join(", ")),
            ));
        }
        let date_text = cell("date");
        let earned_on = match crate::validation::date(&date_text) {
            Ok(d) if d > today => {
                errors.push(row.error("date", format!("{d} is in the future")));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(row.error("date", e));
                None
            }
        };
        let score_text = cell("score");
        let score = match score_text.trim_end_matches('%').parse::<Decimal>() {
            Ok(s) if s < Decimal::ZERO || s > Decimal::ONE_HUNDRED => {
                errors.push(row.error("score", format!("{s} is outside 0-100")));
                None
            }
            Ok(s) => Some(s),
            Err(_) => {
                errors.push(row.error("score", format!("'{score_text}' is not a percentage")));
                None
            }
        };
        if let (Some(cert), Some(score)) = (cert, score)
            && !passes(cert, score)
        {
            errors.push(row.error(
                "score",
                format!(
                    "{score}% is below the pass mark of {}% for {}: not a completion",
                    cert.pass_mark_percent, cert.name
                ),
            ));
        }
        if errors.len() > before {
            return;
        }
        let (Some(cert), Some(earned_on), Some(score)) = (cert, earned_on, score) else {
            return;
        };
        if let Some(first) = seen.insert((email.clone(), cert.key.clone(), earned_on), line) {
            errors.push(row.error("email", format!("the same completion is on line {first}")));
            return;
        }
        rows.push(Completion {
            line,
            partner,
            email,
            name,
            certification: cert.key.clone(),
            earned_on,
            score,
        });
    });
    (rows, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::certifications::default_catalog;
    use proptest::prelude::*;
    use time::macros::date;

    fn held(person: u128, cert: &str, earned_on: Date) -> Held {
        let catalog = default_catalog();
        let c = catalog.iter().find(|c| c.key == cert).unwrap();
        Held {
            person: uuid::Uuid::from_u128(person),
            certification: cert.into(),
            earned_on,
            expires_on: expiry(c, earned_on),
            retired: false,
            left_on: None,
        }
    }

    #[test]
    fn a_record_earned_again_is_renewed_only_once_the_new_one_is_earned() {
        let old = held(1, "sales_foundation", date!(2025 - 12 - 01));
        let new = held(1, "sales_foundation", date!(2026 - 11 - 20));
        let other_person = held(2, "sales_foundation", date!(2026 - 11 - 25));
        let other_cert = held(1, "sales_advanced", date!(2026 - 11 - 25));
        let all = [old.clone(), new.clone(), other_person, other_cert];
        let today = date!(2026 - 11 - 27);
        assert_eq!(status_among(&old, &all, today, 90), Status::Renewed);
        assert_eq!(status_among(&new, &all, today, 90), Status::Active);
        assert_eq!(
            status_among(&old, &all, date!(2026 - 11 - 19), 90),
            Status::Expiring,
            "the day before the renewal it is still the one that counts"
        );
        let alone = [
            old.clone(),
            held(2, "sales_foundation", date!(2026 - 11 - 20)),
        ];
        assert_eq!(status_among(&old, &alone, today, 90), Status::Expiring);
        assert_eq!(Status::Renewed.label(), "renewed");
    }

    #[test]
    fn learning_path_progress_counts_valid_steps_and_names_the_next() {
        let path = crate::program::policy::Enablement::default().learning_paths[0].clone();
        assert_eq!(path.steps[0], "sales_foundation");
        let person = uuid::Uuid::from_u128(1);
        let today = date!(2026 - 11 - 27);
        let none = path_progress(&path, person, &[], today);
        assert_eq!((none.done, none.total), (0, 3));
        assert_eq!(none.next.as_deref(), Some("sales_foundation"));
        let records = [
            held(1, "sales_foundation", date!(2026 - 01 - 10)),
            held(1, "sales_advanced", date!(2026 - 06 - 10)),
            held(2, "sales_expert", date!(2026 - 06 - 10)),
        ];
        let two = path_progress(&path, person, &records, today);
        assert_eq!((two.done, two.next.as_deref()), (2, Some("sales_expert")));
        let later = path_progress(&path, person, &records, date!(2027 - 01 - 11));
        assert_eq!(
            (later.done, later.next.as_deref()),
            (1, Some("sales_foundation")),
            "an expired step has to be earned again"
        );
        let before = path_progress(&path, person, &records, date!(2026 - 01 - 09));
        assert_eq!(before.done, 0, "not earned yet on that day");
    }

    #[test]
    fn a_hand_entered_record_names_every_bad_field() {
        let catalog = default_catalog();
        let today = date!(2026 - 11 - 27);
        let good = RecordInput {
            contact_id: uuid::Uuid::from_u128(7).to_string(),
            certification: "sales_advanced".into(),
            earned_on: "2026-11-27".into(),
            score: "80%".into(),
            evidence: " https://lms.example/cert/1 ".into(),
        };
        let record = good.validate(&catalog, today).unwrap();
        assert_eq!(record.expires_on, Some(date!(2027 - 11 - 27)));
        assert_eq!(record.evidence, "https://lms.example/cert/1");
        let fields = |input: RecordInput| -> Vec<String> {
            input
                .validate(&catalog, today)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        let bad = RecordInput {
            contact_id: "someone".into(),
            certification: "sales_guru".into(),
            earned_on: "2026-11-28".into(),
            score: "120".into(),
            evidence: String::new(),
        };
        assert_eq!(
            fields(bad),
            ["contact_id", "certification", "earned_on", "score"]
        );
        let below = RecordInput {
            score: "79.9".into(),
            ..good.clone()
        };
        let errors = below.validate(&catalog, today).unwrap_err();
        assert!(
            errors[0].message.contains("below the pass mark of 80%"),
            "{errors:?}"
        );
        let undated = RecordInput {
            earned_on: "27/11/2026".into(),
            ..good
        };
        assert_eq!(fields(undated), ["earned_on"]);
    }

    #[test]
    fn expiry_is_a_year_later_and_month_ends_clamp() {
        let sales = &default_catalog()[0];
        assert_eq!(
            expiry(sales, date!(2026 - 03 - 15)),
            Some(date!(2027 - 03 - 15))
        );
        assert_eq!(
            expiry(sales, date!(2024 - 02 - 29)),
            Some(date!(2025 - 02 - 28)),
            "leap day"
        );
        assert_eq!(add_months(date!(2027 - 01 - 31), 1), date!(2027 - 02 - 28));
        assert_eq!(
            add_months(date!(2028 - 01 - 31), 1),
            date!(2028 - 02 - 29),
            "leap year"
        );
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        let mut release_only = sales.clone();
        release_only.valid_months = None;
        assert_eq!(expiry(&release_only, date!(2026 - 01 - 01)), None);
    }

    #[test]
    fn valid_through_the_expiry_day_expiring_within_the_warning() {
        let h = held(1, "sales_foundation", date!(2025 - 12 - 01));
        assert_eq!(h.expires_on, Some(date!(2026 - 12 - 01)));
        assert_eq!(
            status(&h, date!(2026 - 12 - 01), 90),
            Status::Expiring,
            "expiring today"
        );
        assert_eq!(status(&h, date!(2026 - 12 - 02), 90), Status::Expired);
        assert_eq!(
            status(&h, date!(2026 - 09 - 02), 90),
            Status::Expiring,
            "90 days before"
        );
        assert_eq!(
            status(&h, date!(2026 - 09 - 01), 90),
            Status::Active,
            "91 days before"
        );
        let left = Held {
            left_on: Some(date!(2026 - 06 - 15)),
            ..h.clone()
        };
        assert_eq!(status(&left, date!(2026 - 06 - 14), 90), Status::Active);
        assert_eq!(
            status(&left, date!(2026 - 06 - 15), 90),
            Status::Left,
            "counts for nothing from the day they left"
        );
        assert!(!Status::Left.is_valid());
        let retired = Held { retired: true, ..h };
        assert_eq!(status(&retired, date!(2026 - 01 - 01), 90), Status::Expired);
    }

    #[test]
    fn reminders_at_90_30_7_days_without_bursts() {
        let expires = date!(2027 - 03 - 31);
        let offsets = [90, 30, 7];
        let on = |days_before: i64| expires - time::Duration::days(days_before);
        assert_eq!(reminder_due(expires, on(91), &offsets, None), None);
        assert_eq!(reminder_due(expires, on(90), &offsets, None), Some(90));
        assert_eq!(reminder_due(expires, on(60), &offsets, Some(90)), None);
        assert_eq!(reminder_due(expires, on(30), &offsets, Some(90)), Some(30));
        // The job did not run for weeks: one reminder, the nearest.
        assert_eq!(reminder_due(expires, on(5), &offsets, Some(90)), Some(7));
        assert_eq!(reminder_due(expires, on(5), &offsets, Some(7)), None);
        assert_eq!(
            reminder_due(expires, on(0), &offsets, Some(30)),
            Some(7),
            "expiring today"
        );
        assert_eq!(
            reminder_due(expires, on(-1), &offsets, None),
            None,
            "already expired"
        );
    }

    #[test]
    fn counts_distinct_people_with_valid_certifications() {
        let catalog = default_catalog();
        let today = date!(2026 - 11 - 27);
        let records = vec![
            held(1, "sales_foundation", date!(2026 - 01 - 10)),
            held(1, "technical_advanced", date!(2026 - 02 - 10)),
            held(2, "sales_foundation", date!(2026 - 03 - 10)),
            held(3, "technical_expert", date!(2025 - 11 - 26)), // expired yesterday
            held(4, "sales_expert", date!(2025 - 11 - 27)),     // expires today: still valid
        ];
        let c = counts(&records, &catalog, today);
        assert_eq!((c.certified_people, c.advanced_certified_people), (3, 2));
        assert_eq!(c.by_certification["sales_foundation"], 2);
        assert!(!c.by_certification.contains_key("technical_expert"));
        assert!(passes(&catalog[1], Decimal::from(80)) && !passes(&catalog[1], Decimal::from(79)));
    }

    #[test]
    fn expiries_that_would_drop_a_partner_below_its_tier_put_it_at_risk() {
        use crate::program::history::QuarterFacts;
        let program = crate::program::shipped();
        let today = date!(2026 - 11 - 27);
        // Bronze keeps 1 certified person; the only one's certification expires in 20 days.
        let records = vec![held(1, "sales_foundation", date!(2025 - 12 - 17))];
        let typed = vec![QuarterFacts {
            customer_references: 1,
            qbrs: 1,
            ..QuarterFacts::empty(crate::quarter::Quarter::containing(today))
        }];
        let recorded = crate::sources::Recorded {
            certifications: &records,
            ..Default::default()
        };
        let history: Vec<QuarterFacts> =
            crate::sources::derive(&typed, &recorded, &program.certifications, today)
                .into_iter()
                .map(|s| s.facts)
                .collect();
        let risk = tier_at_risk(&program, 1, &history, &records, today, 30).unwrap();
        assert_eq!(
            risk,
            "tier at risk: certifications expiring by 2026-12-27 would leave 0 certified people (0 advanced); Bronze keeps 1 (0 advanced)"
        );
        assert_eq!(
            tier_at_risk(&program, 1, &history, &records, today, 7),
            None,
            "not within a week"
        );
        let renewed = vec![
            records[0].clone(),
            held(1, "sales_foundation", date!(2026 - 11 - 01)),
        ];
        assert_eq!(
            tier_at_risk(&program, 1, &history, &renewed, today, 30),
            None,
            "renewed in time"
        );
    }

    #[test]
    fn gates_explain_themselves_when_they_block() {
        use crate::program::policy::Enablement;
        let gates = Enablement::default().gates;
        let catalog = default_catalog();
        let today = date!(2026 - 11 - 27);
        let technical = [held(1, "technical_expert", date!(2026 - 06 - 01))];
        let technical = crate::sources::Certified::Records(&technical);
        assert_eq!(
            gate_status(&gates[0], technical, &catalog, today),
            Err("to register deals your organisation needs one active sales certification; it has 0".into())
        );
        assert_eq!(
            gate_status(&gates[1], technical, &catalog, today),
            Ok(()),
            "any certification opens MDF"
        );
        let sales = [held(2, "sales_foundation", date!(2026 - 06 - 01))];
        let sales = crate::sources::Certified::Records(&sales);
        assert_eq!(gate_status(&gates[0], sales, &catalog, today), Ok(()));
        let expired = [held(2, "sales_foundation", date!(2025 - 06 - 01))];
        assert!(
            gate_status(
                &gates[0],
                crate::sources::Certified::Records(&expired),
                &catalog,
                today
            )
            .is_err(),
            "an expired one does not count"
        );
        let strict = crate::program::policy::Gate {
            min_people: 2,
            min_level: Some(Level::Advanced),
            ..gates[0].clone()
        };
        assert_eq!(
            gate_status(&strict, sales, &catalog, today),
            Err("to register deals your organisation needs 2 people with an active sales certification at advanced level or above; it has 0".into())
        );
    }

    #[test]
    fn completions_csv_reports_every_bad_row() {
        let catalog = default_catalog();
        let today = date!(2026 - 11 - 27);
        let text = "partner,email,name,certification,date,score\n\
                    acme.com,Ana@Acme.com,Ana,sales_foundation,2026-03-01,82\n\
                    acme.com,bo@acme.com,,Technical — Advanced,2026-04-01,85%\n\
                    acme.com,not-an-email,\u{200B},sales_foundation,2026-03-01,90\n\
                    acme.com,cy@acme.com,,wizardry,2026-13-01,abc\n\
                    acme.com,di@acme.com,,technical_advanced,2026-03-01,79\n\
                    acme.com,ed@acme.com,,sales_foundation,2027-01-01,90\n\
                    acme.com,ana@acme.com,,sales_foundation,2026-03-01,95\n";
        let (rows, errors) = parse_completions_csv(text, &catalog, today);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].email.as_str(), rows[1].certification.as_str()),
            ("ana@acme.com", "technical_advanced")
        );
        let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "line 4, email: 'not-an-email' is not a valid email address",
                "line 4, name: must contain a visible character",
                "line 5, certification: 'wizardry' is not in the catalog (sales_foundation, sales_advanced, sales_expert, technical_foundation, technical_advanced, technical_expert)",
                "line 5, date: '2026-13-01' is not a date like 2027-03-31",
                "line 5, score: 'abc' is not a percentage",
                "line 6, score: 79% is below the pass mark of 80% for Technical — Advanced: not a completion",
                "line 7, date: 2027-01-01 is in the future",
                "line 8, email: the same completion is on line 2",
            ]
        );
        let (_, errors) = parse_completions_csv("email,certification\n", &catalog, today);
        assert!(
            errors.iter().all(|e| e.line == 1) && errors.len() == 3,
            "{errors:?}"
        );
    }

    proptest! {
        #[test]
        fn completion_parsing_never_panics(text in "\\PC{0,300}") {
            let _ = parse_completions_csv(&text, &default_catalog(), date!(2026 - 11 - 27));
        }

        #[test]
        fn expiry_never_comes_before_earning_and_adding_months_is_monotone(
            days in 0i64..40_000, months in 0u32..60
        ) {
            let start = date!(1990 - 01 - 01) + time::Duration::days(days);
            let later = add_months(start, months);
            prop_assert!(later >= start);
            prop_assert!(add_months(start, months + 1) > later);
        }

        #[test]
        fn at_most_one_reminder_per_offset(today_offset in -10i64..200, last in proptest::option::of(prop_oneof![Just(90u32), Just(30), Just(7)])) {
            let expires = date!(2027 - 06 - 30);
            let today = expires - time::Duration::days(today_offset);
            if let Some(due) = reminder_due(expires, today, &[90, 30, 7], last) {
                prop_assert!(last.is_none_or(|sent| due < sent));
                prop_assert!(i64::from(due) >= today_offset);
            }
        }
    }
}
