//! A deal registration: its fields as a partner types them, its
//! states and the moves between them, and the dates the policy sets (decision due, protected
//! until, extensions).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::choice_enum;
use crate::validation::{Choice, FieldError, Validation};

choice_enum! {
    /// Where a registration is in its life.
    #[schema(as = RegistrationStatus)]
    Status {
        Draft => ("draft", "Draft"),
        Submitted => ("submitted", "Submitted"),
        MoreInfoRequested => ("more_info_requested", "More information requested"),
        Approved => ("approved", "Approved"),
        Rejected => ("rejected", "Rejected"),
        Won => ("won", "Won"),
        Lost => ("lost", "Lost"),
        Expired => ("expired", "Expired"),
    }
}

choice_enum! {
    /// The sales stage.
    Stage {
        Discovery => ("discovery", "Discovery"),
        Demo => ("demo", "Demo"),
        Proposal => ("proposal", "Proposal"),
        Negotiation => ("negotiation", "Negotiation"),
    }
}

choice_enum! {
    /// The forecast category of the pipeline tracker.
    ForecastCategory {
        Pipeline => ("pipeline", "Pipeline"),
        BestCase => ("best_case", "Best case"),
        Commit => ("commit", "Commit"),
    }
}

impl Stage {
    /// The policy's view of the stage, for co-sell rules.
    pub fn policy_stage(self) -> crate::program::policy::DealStage {
        use crate::program::policy::DealStage as P;
        match self {
            Stage::Discovery => P::Discovery,
            Stage::Demo => P::Demo,
            Stage::Proposal => P::Proposal,
            Stage::Negotiation => P::Negotiation,
        }
    }
}

impl Status {
    /// Open: the customer is claimed and other partners' registrations of it conflict.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::MoreInfoRequested | Status::Approved
        )
    }

    /// Decided for good (won, lost, rejected, expired): out of the pipeline, with no
    /// pipeline stage and no weighted value.
    pub fn is_closed(self) -> bool {
        !self.is_open() && self != Status::Draft
    }

    /// The states a registration may move to from this one.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Draft => &[Submitted],
            Submitted => &[Approved, Rejected, MoreInfoRequested],
            MoreInfoRequested => &[Submitted, Rejected],
            Approved => &[Won, Lost, Expired],
            Rejected | Won | Lost | Expired => &[],
        }
    }

    /// Whether `to` follows this state; the refusal names the moves there are.
    pub fn check_move(self, to: Status) -> Result<(), String> {
        if self.next().contains(&to) {
            return Ok(());
        }
        let possible: Vec<&str> = self.next().iter().map(|s| s.label()).collect();
        Err(if possible.is_empty() {
            format!(
                "a registration that is {} does not change any more",
                self.label().to_lowercase()
            )
        } else {
            format!(
                "a registration that is {} can only become: {}",
                self.label().to_lowercase(),
                possible.join(", ")
            )
        })
    }
}

/// A registration as typed in the portal or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DealInput {
    pub customer_name: String,
    /// The customer's website (any form: acme.com, https://www.acme.com/…).
    pub website: String,
    pub industry: String,
    pub region: String,
    /// Annual contract value, in `currency`.
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    pub deal_size: String,
    /// ISO 4217, e.g. USD; the program's currency when empty.
    pub currency: String,
    /// YYYY-MM-DD
    pub expected_close: String,
    pub use_case: String,
    pub pain_points: String,
    /// discovery, demo, proposal or negotiation
    pub stage: String,
    /// Percent, 0–100.
    #[serde(deserialize_with = "crate::validation::number_or_text")]
    pub probability: String,
    pub risks: String,
    pub competitor: String,
    /// The partner's salesperson on the deal.
    pub partner_rep: String,
}

/// A registration's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DealFields {
    pub customer_name: String,
    pub website: String,
    /// What the conflict check compares: the normalised name and the registrable domain.
    #[serde(skip)]
    pub key: super::matching::CustomerKey,
    pub industry: String,
    pub region: crate::partners::Region,
    pub deal_size: Decimal,
    pub currency: String,
    pub expected_close: Date,
    pub use_case: String,
    pub pain_points: String,
    pub stage: Stage,
    pub probability: u8,
    pub risks: String,
    pub competitor: String,
    pub partner_rep: String,
}

const SHORT: usize = 200;
const LONG: usize = 4_000;

impl DealInput {
    /// Checks every field, naming each problem; `today` bounds the expected close (not in
    /// the past, at most three years ahead) and `currency` is the program's, used when the
    /// input names none.
    pub fn validate(&self, today: Date, currency: &str) -> Result<DealFields, Vec<FieldError>> {
        self.check(Some(today), currency)
    }

    /// As [`DealInput::validate`], for a registration imported with its history: the
    /// expected close may lie in the past.
    pub fn validate_imported(&self, currency: &str) -> Result<DealFields, Vec<FieldError>> {
        self.check(None, currency)
    }

    fn check(&self, today: Option<Date>, currency: &str) -> Result<DealFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let customer_name = v.name("customer_name", &self.customer_name, true, SHORT);
        let website = v.text("website", &self.website, false, SHORT);
        let key = super::matching::CustomerKey::new(&customer_name, &website);
        // A blank-looking name already has its error from the name rule.
        if !customer_name.is_empty()
            && key.name.is_empty()
            && crate::validation::name_problem(&customer_name).is_none()
        {
            v.add("customer_name", "must contain letters or digits");
        }
        if !website.is_empty() && key.domain.is_none() {
            v.add(
                "website",
                format!("'{website}' is not a website like acme.com"),
            );
        }
        let industry = v.text("industry", &self.industry, true, SHORT);
        let region = v.choice("region", &self.region);
        let currency = v.currency("currency", &self.currency, currency);
        let deal_size = match crate::money::amount(&self.deal_size, Some(&currency)) {
            Ok(Some(a)) if a > Decimal::ZERO => Some(a),
            Ok(_) => {
                v.add("deal_size", "is required and must be more than 0");
                None
            }
            Err(e) => {
                v.add("deal_size", e);
                None
            }
        };
        let expected_close = match crate::validation::date(&self.expected_close) {
            Ok(d) if today.is_some_and(|today| d < today) => {
                v.add("expected_close", format!("{d} is in the past"));
                None
            }
            Ok(d) if today.is_some_and(|today| d > today + Duration::days(3 * 366)) => {
                v.add("expected_close", "is more than three years away");
                None
            }
            Ok(d) => Some(d),
            Err(_) if self.expected_close.trim().is_empty() => {
                v.add("expected_close", "is required, e.g. 2027-03-31");
                None
            }
            Err(e) => {
                v.add("expected_close", e);
                None
            }
        };
        let use_case = v.text("use_case", &self.use_case, true, LONG);
        let pain_points = v.text("pain_points", &self.pain_points, false, LONG);
        let stage = v.choice("stage", &self.stage);
        let probability = match self.probability.trim().trim_end_matches('%').parse::<u8>() {
            Ok(p) if p <= 100 => Some(p),
            _ if self.probability.trim().is_empty() => {
                v.add("probability", "is required (0-100)");
                None
            }
            _ => {
                v.add("probability", "must be a whole percentage from 0 to 100");
                None
            }
        };
        let risks = v.text("risks", &self.risks, false, LONG);
        let competitor = v.text("competitor", &self.competitor, false, SHORT);
        let partner_rep = v.name("partner_rep", &self.partner_rep, true, SHORT);
        v.into_result()?;
        let (Some(region), Some(deal_size), Some(expected_close), Some(stage), Some(probability)) =
            (region, deal_size, expected_close, stage, probability)
        else {
            unreachable!("every missing part added an error")
        };
        Ok(DealFields {
            customer_name,
            website,
            key,
            industry,
            region,
            deal_size,
            currency,
            expected_close,
            use_case,
            pain_points,
            stage,
            probability,
            risks,
            competitor,
            partner_rep,
        })
    }
}

/// Whether the decision is overdue on `today` (due day passed, still undecided).
pub fn decision_overdue(status: Status, due: Date, today: Date) -> bool {
    matches!(status, Status::Submitted) && today > due
}

/// The last protected day of a registration approved on `approved_on` for a partner whose
/// tier protects deals `protection_days` days.
pub fn protected_until(approved_on: Date, protection_days: u32) -> Date {
    approved_on + Duration::days(protection_days.into())
}

/// Whether a registration may be auto-approved: the policy's limit for the partner's tier
/// (and those above it) exceeds the deal size, and the conflict check found nothing.
/// `size_in_program_currency` is the deal size converted at today's rate (limits are in the
/// program currency); a size without a rate (`None`) is never auto-approved: a person
/// decides.
pub fn auto_approves(
    policy: &crate::program::policy::DealRegistration,
    tier: &str,
    tier_order: &[String],
    size_in_program_currency: Option<Decimal>,
    verdict: super::conflicts::Verdict,
) -> bool {
    verdict == super::conflicts::Verdict::Clear
        && size_in_program_currency.is_some_and(|size| {
            policy
                .auto_approve_limit(tier, tier_order)
                .is_some_and(|limit| size < limit)
        })
}

/// Whether another extension may be requested: approved, still protected, fewer than the
/// policy's extensions used.
pub fn may_request_extension(
    status: Status,
    protected_until: Option<Date>,
    extensions_used: u32,
    max_extensions: u32,
    today: Date,
) -> Result<(), String> {
    if status != Status::Approved {
        return Err("only an approved registration can be extended".into());
    }
    if protected_until.is_none_or(|until| until < today) {
        return Err("the protection has already ended".into());
    }
    if extensions_used >= max_extensions {
        return Err(format!(
            "the program allows {max_extensions} extension(s) and {extensions_used} have been used"
        ));
    }
    Ok(())
}

/// What is wrong with closing a deal registered on `registered_on` on `closed_on`, if
/// anything: a close lies between the registration and today (a back-dated win would make
/// velocity negative and move revenue into quarters before the deal existed).
pub fn close_date_problem(closed_on: Date, registered_on: Date, today: Date) -> Option<String> {
    if closed_on > today {
        Some(format!("{closed_on} is in the future"))
    } else if closed_on < registered_on {
        Some(format!(
            "{closed_on} is before the deal was registered ({registered_on})"
        ))
    } else {
        None
    }
}

/// Whether the deal must be co-sold: partner-sourced (when the policy says so) or above the
/// policy's size (in the program currency). A size without a rate (`None`) counts as above
/// it: a deal of unknown size in our currency is not let past the co-sell rule.
pub fn co_sell_required(
    policy: &crate::program::policy::CoSell,
    partner_sourced: bool,
    size_in_program_currency: Option<Decimal>,
) -> bool {
    (partner_sourced && policy.required_when_partner_sourced)
        || size_in_program_currency.is_none_or(|size| size > policy.required_above)
}

/// Whether an activity counts towards deal credit and the co-sell joint-call rule: one our
/// own people logged, or a partner's that one of them confirmed. A partner's own word never
/// earns its credit.
pub fn activity_counts(by_partner: bool, confirmed_by_us: bool) -> bool {
    !by_partner || confirmed_by_us
}

/// Whether winning a deal needs a joint call first: a win passes every stage, so the policy's
/// joint-call stage is always behind it when the deal is co-sold.
pub fn joint_call_needed_to_win(policy: &crate::program::policy::CoSell) -> bool {
    joint_call_needed(policy, Stage::Negotiation)
}

/// Whether moving to `stage` needs a logged joint call first (a stage past the policy's).
pub fn joint_call_needed(policy: &crate::program::policy::CoSell, stage: Stage) -> bool {
    stage.policy_stage() > policy.joint_call_required_after
}

/// Σ value × probability, rounded to cents.
pub fn weighted_value(deal_size: Decimal, probability: u8) -> Decimal {
    (deal_size * Decimal::from(probability) / Decimal::ONE_HUNDRED).round_dp(2)
}

/// Registration to close, in days.
pub fn velocity_days(registered_on: Date, closed_on: Date) -> i64 {
    (closed_on - registered_on).whole_days()
}

/// The registration number a reference (DR-4821937) stands for, in the installation keyed
/// `key`; None when it is not a reference.
pub fn number_of(reference: &str, key: &[u8]) -> Option<i64> {
    let scrambled: u32 = reference.trim().strip_prefix("DR-")?.parse().ok()?;
    (scrambled < super::references::CAPACITY)
        .then(|| super::references::unscramble(scrambled, key, 1).into())
}

/// The human reference of registration number `n` in the installation keyed `key`.
pub fn reference(n: i64, key: &[u8]) -> String {
    let n = u32::try_from(n).unwrap_or(u32::MAX) % super::references::CAPACITY;
    format!("DR-{}", super::references::scramble(n, key, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deals::conflicts::Verdict;
    use crate::program::policy::{CoSell, DealRegistration};
    use time::macros::date;

    fn input() -> DealInput {
        DealInput {
            customer_name: "Acme Corp".into(),
            website: "https://www.acme.com".into(),
            industry: "Manufacturing".into(),
            region: "emea".into(),
            deal_size: "48,000".into(),
            currency: "".into(),
            expected_close: "2027-02-15".into(),
            use_case: "Replace the legacy ERP connector".into(),
            pain_points: "Manual reconciliation".into(),
            stage: "discovery".into(),
            probability: "30".into(),
            risks: String::new(),
            competitor: "Globex".into(),
            partner_rep: "Ana Alves".into(),
        }
    }

    const TODAY: Date = date!(2026 - 11 - 27);

    #[test]
    fn a_complete_registration_is_accepted() {
        let fields = input().validate(TODAY, "USD").unwrap();
        assert_eq!(fields.deal_size, Decimal::from(48_000));
        assert_eq!(fields.currency, "USD");
        assert_eq!(fields.stage, Stage::Discovery);
        assert_eq!(fields.probability, 30);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = DealInput {
            customer_name: " , . ".into(),
            website: "not a site".into(),
            industry: String::new(),
            region: "mars".into(),
            deal_size: "-5".into(),
            currency: "dollars".into(),
            expected_close: "2026-11-26".into(),
            use_case: String::new(),
            stage: "closing".into(),
            probability: "120".into(),
            partner_rep: String::new(),
            ..input()
        };
        let fields: Vec<String> = bad
            .validate(TODAY, "USD")
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "customer_name",
                "website",
                "industry",
                "region",
                "currency",
                "deal_size",
                "expected_close",
                "use_case",
                "stage",
                "probability",
                "partner_rep"
            ]
        );
        let far = DealInput {
            expected_close: "2031-01-01".into(),
            ..input()
        };
        assert_eq!(
            far.validate(TODAY, "USD").unwrap_err()[0].message,
            "is more than three years away"
        );
        let zero = DealInput {
            deal_size: "0".into(),
            ..input()
        };
        assert_eq!(
            zero.validate(TODAY, "USD").unwrap_err()[0].field,
            "deal_size"
        );
    }

    #[test]
    fn amounts_dates_currencies_and_names_follow_the_shared_rules() {
        let refused = |input: DealInput| -> Vec<(String, String)> {
            input
                .validate_imported("USD")
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.message))
                .collect()
        };
        let pair = |field: &str, message: &str| vec![(field.to_owned(), message.to_owned())];
        assert_eq!(
            refused(DealInput {
                deal_size: "12,34".into(),
                ..input()
            }),
            pair(
                "deal_size",
                "'12,34' is not an amount: write decimals after a point (12.34); a comma only separates thousands, as in 1,234.50"
            )
        );
        assert_eq!(
            refused(DealInput {
                deal_size: "1500000.50".into(),
                currency: "JPY".into(),
                ..input()
            }),
            pair("deal_size", "JPY amounts have no decimals")
        );
        assert_eq!(
            refused(DealInput {
                currency: "XXX".into(),
                ..input()
            }),
            pair(
                "currency",
                "'XXX' is not a currency of ISO 4217 like USD, EUR or JPY"
            )
        );
        assert_eq!(
            refused(DealInput {
                expected_close: "0000-01-01".into(),
                ..input()
            }),
            pair(
                "expected_close",
                "'0000-01-01' is outside the years 1970-2100"
            )
        );
        assert_eq!(
            refused(DealInput {
                customer_name: "Acme\u{202E}".into(),
                ..input()
            }),
            pair(
                "customer_name",
                "must not contain characters that change the text direction (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F)"
            )
        );
        let fine = DealInput {
            deal_size: "1,250,000".into(),
            currency: "jpy".into(),
            ..input()
        }
        .validate_imported("USD")
        .unwrap();
        assert_eq!(
            (fine.deal_size, fine.currency.as_str()),
            (Decimal::from(1_250_000), "JPY")
        );
    }

    #[test]
    fn states_move_only_as_the_seed_says() {
        use Status::*;
        assert!(Draft.check_move(Submitted).is_ok());
        assert!(Submitted.check_move(Approved).is_ok());
        assert!(MoreInfoRequested.check_move(Submitted).is_ok());
        assert!(Approved.check_move(Expired).is_ok());
        assert_eq!(
            Submitted.check_move(Won).unwrap_err(),
            "a registration that is submitted can only become: Approved, Rejected, More information requested"
        );
        assert_eq!(
            Lost.check_move(Approved).unwrap_err(),
            "a registration that is lost does not change any more"
        );
        for status in Status::ALL {
            assert_eq!(
                status.is_open(),
                matches!(status, Submitted | MoreInfoRequested | Approved)
            );
            assert!(
                !status.next().contains(status),
                "{status:?} never moves to itself"
            );
        }
    }

    #[test]
    fn a_decision_is_overdue_the_day_after_its_due_day() {
        let due = date!(2026 - 12 - 01);
        assert!(!decision_overdue(Status::Submitted, due, due));
        assert!(decision_overdue(
            Status::Submitted,
            due,
            due + Duration::days(1)
        ));
        assert!(!decision_overdue(
            Status::Approved,
            due,
            due + Duration::days(9)
        ));
    }

    #[test]
    fn protection_extension_and_auto_approval() {
        assert_eq!(protected_until(TODAY, 90), date!(2027 - 02 - 25));
        let policy = DealRegistration::default();
        let tiers: Vec<String> = ["registered", "bronze", "silver", "gold", "platinum"]
            .map(String::from)
            .to_vec();
        let size = Some(Decimal::from(49_999));
        assert!(auto_approves(&policy, "gold", &tiers, size, Verdict::Clear));
        assert!(
            !auto_approves(&policy, "gold", &tiers, None, Verdict::Clear),
            "a size without a rate goes to a person"
        );
        assert!(
            !auto_approves(
                &policy,
                "gold",
                &tiers,
                Some(Decimal::from(50_000)),
                Verdict::Clear
            ),
            "strictly below"
        );
        assert!(auto_approves(
            &policy,
            "platinum",
            &tiers,
            Some(Decimal::from(99_999)),
            Verdict::Clear
        ));
        assert!(!auto_approves(
            &policy,
            "silver",
            &tiers,
            Some(Decimal::from(10)),
            Verdict::Clear
        ));
        assert!(
            !auto_approves(&policy, "gold", &tiers, size, Verdict::NeedsReview),
            "a conflict always goes to a person"
        );
        let until = Some(TODAY + Duration::days(5));
        assert!(may_request_extension(Status::Approved, until, 0, 1, TODAY).is_ok());
        assert_eq!(
            may_request_extension(Status::Approved, until, 1, 1, TODAY).unwrap_err(),
            "the program allows 1 extension(s) and 1 have been used"
        );
        assert!(may_request_extension(Status::Submitted, until, 0, 1, TODAY).is_err());
        assert!(
            may_request_extension(
                Status::Approved,
                Some(TODAY - Duration::days(1)),
                0,
                1,
                TODAY
            )
            .is_err()
        );
    }

    #[test]
    fn a_deal_closes_between_its_registration_and_today() {
        let registered = date!(2026 - 11 - 01);
        assert_eq!(close_date_problem(registered, registered, TODAY), None);
        assert_eq!(close_date_problem(TODAY, registered, TODAY), None);
        assert_eq!(
            close_date_problem(date!(2020 - 01 - 01), registered, TODAY).as_deref(),
            Some("2020-01-01 is before the deal was registered (2026-11-01)")
        );
        assert_eq!(
            close_date_problem(TODAY + Duration::days(1), registered, TODAY).as_deref(),
            Some("2026-11-28 is in the future")
        );
    }

    #[test]
    fn co_sell_joint_calls_and_pipeline_figures() {
        let policy = CoSell::default();
        assert!(co_sell_required(&policy, true, Some(Decimal::from(10))));
        assert!(
            !co_sell_required(&policy, false, Some(Decimal::from(50_000))),
            "over, not at, the threshold"
        );
        assert!(co_sell_required(
            &policy,
            false,
            Some(Decimal::from(50_001))
        ));
        assert!(
            co_sell_required(&policy, false, None),
            "a size without a rate is not let past the rule"
        );
        assert!(!joint_call_needed(&policy, Stage::Discovery));
        assert!(joint_call_needed_to_win(&policy));
        assert!(activity_counts(false, false), "ours");
        assert!(!activity_counts(true, false), "the partner's own word");
        assert!(
            activity_counts(true, true),
            "the partner's, confirmed by us"
        );
        assert!(joint_call_needed(&policy, Stage::Demo));
        assert_eq!(
            weighted_value(Decimal::from(48_000), 30),
            Decimal::from(14_400)
        );
        assert_eq!(
            weighted_value(Decimal::new(100_001, 2), 33),
            Decimal::new(33_000, 2)
        );
        assert_eq!(
            velocity_days(date!(2026 - 10 - 01), date!(2026 - 11 - 15)),
            45
        );
        let (a, b) = (reference(1042, b"k"), reference(1043, b"k"));
        assert!(a.starts_with("DR-") && b.starts_with("DR-") && a != b);
        assert_eq!(number_of(&a, b"k"), Some(1042));
        assert_eq!(number_of("DR-x", b"k"), None);
        assert_eq!(number_of("1042", b"k"), None);
    }
}
