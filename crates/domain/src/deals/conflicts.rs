//! Channel-conflict detection: the customers we already know (other partners' open or
//! protected registrations, the direct pipeline, existing customers) in an index that
//! answers "who else has this customer?" in well under a millisecond against a million, and
//! the program's policy deciding what a new registration's matches mean.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use time::Date;
use uuid::Uuid;

use super::matching::{CustomerKey, Likeness, likeness_of, skeleton};
use crate::program::policy::DealRegistration;

/// Where a known customer comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A partner's registration that is open (submitted, waiting for more information) or
    /// approved and protected.
    Registration {
        partner_id: Uuid,
        reference: Box<str>,
        registered_on: Date,
        /// Set once approved.
        protected_until: Option<Date>,
    },
    /// An opportunity of our direct sales team.
    DirectOpportunity {
        reference: Box<str>,
        owner: Box<str>,
    },
    /// An existing customer account.
    Customer { account: Box<str> },
}

/// A customer we know, held compactly (the name as written stays in the database).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: Uuid,
    /// Normalised, as [`CustomerKey::name`].
    pub name: Box<str>,
    pub domain: Option<Box<str>>,
    pub source: Source,
}

impl Known {
    pub fn new(id: Uuid, name: &str, website: &str, source: Source) -> Known {
        let key = CustomerKey::new(name, website);
        Known {
            id,
            name: key.name.into(),
            domain: key.domain.map(Into::into),
            source,
        }
    }

    pub fn key(&self) -> CustomerKey {
        CustomerKey {
            name: self.name.to_string(),
            domain: self.domain.as_deref().map(str::to_owned),
        }
    }
}

/// A word-skeleton key whose entries exceed this many is too common ("traders",
/// "solutions") to narrow anything down; the check skips it.
const MAX_FUZZY_POSTINGS: usize = 200;

/// A posting value below this is the one slot holding the key; from it on, it points into
/// the lists of keys held by several slots.
const SHARED: u32 = 1 << 31;

#[derive(Hash)]
enum IndexKey<'a> {
    Domain(&'a str),
    Name(&'a str),
    Skeleton(&'a str),
}

/// 32 bits keep the index small; a collision only adds a candidate that the comparison
/// rules out.
fn hash_of(key: IndexKey<'_>) -> u32 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    let h = hasher.finish();
    (h ^ (h >> 32)) as u32
}

/// The lookup keys of a customer: its domain, its name, and the skeletons of its words
/// and of its name without spaces (for misspellings). The flag marks the fuzzy ones.
fn keys(name: &str, domain: Option<&str>) -> Vec<(u32, bool)> {
    let mut out = Vec::new();
    if let Some(domain) = domain {
        out.push((hash_of(IndexKey::Domain(domain)), false));
    }
    if !name.is_empty() {
        out.push((hash_of(IndexKey::Name(name)), false));
        let mut skeletons: Vec<String> = name
            .split(' ')
            .filter(|w| w.chars().count() >= 3)
            .map(skeleton)
            .collect();
        skeletons.push(skeleton(&name.replace(' ', "")));
        skeletons.sort_unstable();
        skeletons.dedup();
        out.extend(
            skeletons
                .iter()
                .map(|s| (hash_of(IndexKey::Skeleton(s)), true)),
        );
    }
    out
}

/// Every known customer, looked up by domain, name and misspelling.
#[derive(Default)]
pub struct ConflictIndex {
    entries: Vec<Option<Known>>,
    slots: HashMap<Uuid, u32>,
    /// Key → its one slot, or SHARED + the index of its list in `shared`.
    postings: HashMap<u32, u32>,
    shared: Vec<Vec<u32>>,
}

impl ConflictIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many customers it holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Adds a customer, or replaces the one with the same id.
    pub fn insert(&mut self, known: Known) {
        self.remove(known.id);
        let slot = self.entries.len() as u32;
        for (key, _) in keys(&known.name, known.domain.as_deref()) {
            match self.postings.get_mut(&key) {
                Some(value) if *value >= SHARED => {
                    self.shared[(*value - SHARED) as usize].push(slot)
                }
                Some(value) => {
                    self.shared.push(vec![*value, slot]);
                    *value = SHARED + (self.shared.len() - 1) as u32;
                }
                None => {
                    self.postings.insert(key, slot);
                }
            }
        }
        self.slots.insert(known.id, slot);
        self.entries.push(Some(known));
    }

    /// Forgets a customer (a registration closed, an opportunity lost). Its postings stay
    /// behind as tombstones, skipped when read.
    pub fn remove(&mut self, id: Uuid) {
        if let Some(slot) = self.slots.remove(&id) {
            self.entries[slot as usize] = None;
        }
    }

    /// The known customers that look like `key` (at least `threshold` percent alike by
    /// name, or the same domain or name), with why.
    pub fn matches(&self, key: &CustomerKey, threshold: u32) -> Vec<(&Known, Likeness)> {
        let mut candidates: Vec<u32> = Vec::new();
        for (hash, fuzzy) in keys(&key.name, key.domain.as_deref()) {
            let slots = match self.postings.get(&hash) {
                None => continue,
                Some(value) if *value >= SHARED => {
                    self.shared[(*value - SHARED) as usize].as_slice()
                }
                Some(value) => std::slice::from_ref(value),
            };
            if fuzzy && slots.len() > MAX_FUZZY_POSTINGS {
                continue;
            }
            candidates.extend_from_slice(slots);
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter_map(|slot| self.entries[slot as usize].as_ref())
            .filter_map(|known| {
                likeness_of(
                    (&key.name, key.domain.as_deref()),
                    (&known.name, known.domain.as_deref()),
                    threshold,
                )
                .map(|l| (known, l))
            })
            .collect()
    }
}

/// What the submitting partner is told: nothing about anyone else.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Clear,
    NeedsReview,
    AlreadyRegistered,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::NeedsReview => "needs review",
            Verdict::AlreadyRegistered => "already registered",
        }
    }

    /// What the registering partner is told: clear, or needs review. "Already registered"
    /// would say we know the customer firmly (our account, our direct pipeline, another
    /// partner's protected deal), so probe by probe a partner could list our customers;
    /// a partner manager looks at every registration that is not clear either way.
    pub fn for_partner(self) -> Verdict {
        match self {
            Verdict::Clear => Verdict::Clear,
            Verdict::NeedsReview | Verdict::AlreadyRegistered => Verdict::NeedsReview,
        }
    }
}

/// One match, as partner managers read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Finding {
    /// The matching registration, opportunity or account.
    pub id: Uuid,
    /// The partner that registered it, for registrations.
    pub partner_id: Option<Uuid>,
    pub likeness: Likeness,
    pub score: u32,
    /// What this match alone would mean for the new registration.
    pub verdict: Verdict,
    /// "same domain acme.com as DR-1017, registered 12 days earlier by another partner,
    /// protected until 30 Jan 2027" (days as people read them, `crate::display::day`)
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ConflictCheck {
    pub verdict: Verdict,
    /// Internal only: never shown to the submitting partner.
    pub findings: Vec<Finding>,
}

impl ConflictCheck {
    /// The check as a partner may read it: the partner's verdict, no findings.
    pub fn for_partner(self) -> ConflictCheck {
        ConflictCheck {
            verdict: self.verdict.for_partner(),
            findings: Vec::new(),
        }
    }
}

fn describe(likeness: &Likeness, what: &str) -> String {
    match likeness {
        Likeness::SameDomain { domain } => format!("same domain {domain} as {what}"),
        Likeness::SameName => format!("same name as {what}"),
        Likeness::SimilarName { percent } => format!("name {percent}% like {what}"),
    }
}

/// What the policy makes of a new registration of `key` by `partner_id` on `today`:
/// first to register wins within protection; an existing direct relationship wins (when the
/// policy says so); same-day registrations by two partners go to review (when the policy
/// says so); a name that is only similar always goes to a person. `own` is the
/// registration being checked, which never conflicts with itself; the partner's own other
/// registrations are not conflicts either.
pub fn check(
    policy: &DealRegistration,
    index: &ConflictIndex,
    partner_id: Uuid,
    own: Option<Uuid>,
    key: &CustomerKey,
    today: Date,
) -> ConflictCheck {
    let threshold = (policy.fuzzy_match_threshold * rust_decimal::Decimal::ONE_HUNDRED)
        .round()
        .try_into()
        .unwrap_or(85u32);
    let mut findings: Vec<Finding> = index
        .matches(key, threshold)
        .into_iter()
        .filter(|(known, _)| Some(known.id) != own)
        .filter_map(|(known, likeness)| {
            let strong = likeness.is_strong();
            let (verdict, partner, explanation) = match &known.source {
                Source::Registration {
                    partner_id: theirs, ..
                } if *theirs == partner_id => return None,
                Source::Registration {
                    partner_id: theirs,
                    reference,
                    registered_on,
                    protected_until,
                } => {
                    let days = (today - *registered_on).whole_days();
                    let when = match days {
                        0 => "registered the same day".to_owned(),
                        1 => "registered 1 day earlier".to_owned(),
                        d if d > 0 => format!("registered {d} days earlier"),
                        _ => "registered later".to_owned(),
                    };
                    let protection = match protected_until {
                        Some(until) => {
                            format!(", protected until {}", crate::display::day(*until))
                        }
                        None => ", not yet approved".to_owned(),
                    };
                    let verdict = if !strong {
                        Verdict::NeedsReview
                    } else if days == 0 {
                        if policy.same_day_ties_go_to_review {
                            Verdict::NeedsReview
                        } else {
                            Verdict::AlreadyRegistered
                        }
                    } else if protected_until.is_some_and(|until| until >= today) && days > 0 {
                        Verdict::AlreadyRegistered
                    } else {
                        Verdict::NeedsReview
                    };
                    (
                        verdict,
                        Some(*theirs),
                        format!(
                            "{}, {when} by another partner{protection}",
                            describe(&likeness, reference)
                        ),
                    )
                }
                Source::DirectOpportunity { reference, owner } => (
                    if strong && policy.direct_relationship_wins {
                        Verdict::AlreadyRegistered
                    } else {
                        Verdict::NeedsReview
                    },
                    None,
                    format!(
                        "{} (direct pipeline, owner {owner})",
                        describe(&likeness, &format!("opportunity {reference}"))
                    ),
                ),
                Source::Customer { account } => (
                    if strong && policy.direct_relationship_wins {
                        Verdict::AlreadyRegistered
                    } else {
                        Verdict::NeedsReview
                    },
                    None,
                    format!(
                        "{} (existing customer)",
                        describe(&likeness, &format!("account {account}"))
                    ),
                ),
            };
            Some(Finding {
                id: known.id,
                partner_id: partner,
                score: likeness.score(),
                likeness,
                verdict,
                explanation,
            })
        })
        .collect();
    findings.sort_by(|a, b| {
        b.verdict
            .cmp(&a.verdict)
            .then(b.score.cmp(&a.score))
            .then(a.id.cmp(&b.id))
    });
    ConflictCheck {
        verdict: findings
            .iter()
            .map(|f| f.verdict)
            .max()
            .unwrap_or(Verdict::Clear),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    fn partner(n: u128) -> Uuid {
        Uuid::from_u128(1_000 + n)
    }

    fn registration(
        id: u128,
        by: u128,
        name: &str,
        site: &str,
        days_ago: i64,
        protected: Option<Date>,
    ) -> Known {
        Known::new(
            Uuid::from_u128(id),
            name,
            site,
            Source::Registration {
                partner_id: partner(by),
                reference: format!("DR-{id}").into(),
                registered_on: TODAY - time::Duration::days(days_ago),
                protected_until: protected,
            },
        )
    }

    fn run(
        policy: &DealRegistration,
        known: &[Known],
        by: u128,
        name: &str,
        site: &str,
    ) -> ConflictCheck {
        let mut index = ConflictIndex::new();
        for k in known {
            index.insert(k.clone());
        }
        check(
            policy,
            &index,
            partner(by),
            None,
            &CustomerKey::new(name, site),
            TODAY,
        )
    }

    #[test]
    fn first_to_register_wins_within_protection_and_says_why() {
        let policy = DealRegistration::default();
        let known = [registration(
            1017,
            2,
            "Acme Corp",
            "acme.com",
            12,
            Some(date!(2027 - 01 - 30)),
        )];
        let result = run(
            &policy,
            &known,
            1,
            "ACME Corporation",
            "https://www.acme.com",
        );
        assert_eq!(result.verdict, Verdict::AlreadyRegistered);
        assert_eq!(
            result.findings[0].explanation,
            "same domain acme.com as DR-1017, registered 12 days earlier by another partner, protected until 30 Jan 2027"
        );
        assert_eq!(result.findings[0].partner_id, Some(partner(2)));
        assert_eq!(
            run(&policy, &known, 2, "Acme", "acme.com").verdict,
            Verdict::Clear,
            "a partner's own registrations are not conflicts"
        );
        assert_eq!(
            run(&policy, &known, 1, "Globex", "globex.com").verdict,
            Verdict::Clear
        );
    }

    #[test]
    fn pending_same_day_and_similar_registrations_go_to_review() {
        let policy = DealRegistration::default();
        let pending = [registration(1, 2, "Acme Corp", "acme.com", 3, None)];
        let result = run(&policy, &pending, 1, "Acme", "acme.com");
        assert_eq!(result.verdict, Verdict::NeedsReview);
        assert!(
            result.findings[0]
                .explanation
                .ends_with("by another partner, not yet approved"),
            "{:?}",
            result.findings
        );
        let today = [registration(
            1,
            2,
            "Acme Corp",
            "acme.com",
            0,
            Some(date!(2027 - 01 - 30)),
        )];
        assert_eq!(
            run(&policy, &today, 1, "Acme", "").verdict,
            Verdict::NeedsReview,
            "same-day tie"
        );
        let first_wins = DealRegistration {
            same_day_ties_go_to_review: false,
            ..policy.clone()
        };
        assert_eq!(
            run(&first_wins, &today, 1, "Acme", "").verdict,
            Verdict::AlreadyRegistered
        );
        let similar = [registration(
            1,
            2,
            "Umbrella Corporation",
            "",
            30,
            Some(date!(2027 - 01 - 30)),
        )];
        let result = run(&policy, &similar, 1, "Umbrela Corp", "");
        assert_eq!(result.verdict, Verdict::NeedsReview);
        assert!(
            result.findings[0]
                .explanation
                .starts_with("name 87% like DR-1, registered 30 days earlier"),
            "{:?}",
            result.findings
        );
        let lapsed = [registration(
            1,
            2,
            "Acme Corp",
            "acme.com",
            200,
            Some(date!(2026 - 10 - 01)),
        )];
        assert_eq!(
            run(&policy, &lapsed, 1, "Acme", "acme.com").verdict,
            Verdict::NeedsReview
        );
    }

    #[test]
    fn partners_read_our_customers_and_protected_deals_alike_as_needs_review() {
        let policy = DealRegistration::default();
        let known = [
            Known::new(
                Uuid::from_u128(8),
                "Globex Inc",
                "globex.com",
                Source::Customer {
                    account: "ACC-12".into(),
                },
            ),
            Known::new(
                Uuid::from_u128(7),
                "Initech",
                "initech.com",
                Source::DirectOpportunity {
                    reference: "OPP-77".into(),
                    owner: "Sam Sales".into(),
                },
            ),
            registration(
                1017,
                2,
                "Acme Corp",
                "acme.com",
                12,
                Some(date!(2027 - 01 - 30)),
            ),
            registration(1018, 2, "Hooli", "hooli.com", 0, None),
        ];
        let told = |name: &str, site: &str| {
            let internal = run(&policy, &known, 1, name, site);
            (internal.verdict, internal.for_partner())
        };
        let needs_review = ConflictCheck {
            verdict: Verdict::NeedsReview,
            findings: Vec::new(),
        };
        for (name, site) in [
            ("Globex", "globex.com"),
            ("Initech", ""),
            ("Acme", "acme.com"),
        ] {
            assert_eq!(
                told(name, site),
                (Verdict::AlreadyRegistered, needs_review.clone()),
                "{name}"
            );
        }
        assert_eq!(
            told("Hooli", "hooli.com"),
            (Verdict::NeedsReview, needs_review)
        );
        let clear = ConflictCheck {
            verdict: Verdict::Clear,
            findings: Vec::new(),
        };
        assert_eq!(told("Umbrella", "umbrella.com"), (Verdict::Clear, clear));
    }

    #[test]
    fn a_direct_relationship_wins_when_the_policy_says_so() {
        let policy = DealRegistration::default();
        let direct = [
            Known::new(
                Uuid::from_u128(7),
                "Initech",
                "initech.com",
                Source::DirectOpportunity {
                    reference: "OPP-77".into(),
                    owner: "Sam Sales".into(),
                },
            ),
            Known::new(
                Uuid::from_u128(8),
                "Globex Inc",
                "globex.com",
                Source::Customer {
                    account: "ACC-12".into(),
                },
            ),
        ];
        let result = run(&policy, &direct, 1, "Initech LLC", "");
        assert_eq!(result.verdict, Verdict::AlreadyRegistered);
        assert_eq!(
            result.findings[0].explanation,
            "same name as opportunity OPP-77 (direct pipeline, owner Sam Sales)"
        );
        let customer = run(&policy, &direct, 1, "Globex Europe", "eu.globex.com");
        assert_eq!(customer.verdict, Verdict::AlreadyRegistered);
        assert!(
            customer.findings[0]
                .explanation
                .contains("account ACC-12 (existing customer)")
        );
        let partners_may_compete = DealRegistration {
            direct_relationship_wins: false,
            ..policy
        };
        assert_eq!(
            run(&partners_may_compete, &direct, 1, "Initech", "").verdict,
            Verdict::NeedsReview
        );
    }

    #[test]
    fn removed_and_replaced_entries() {
        let mut index = ConflictIndex::new();
        index.insert(registration(
            1,
            2,
            "Acme",
            "acme.com",
            5,
            Some(date!(2027 - 01 - 30)),
        ));
        index.insert(registration(
            1,
            2,
            "Globex",
            "globex.com",
            5,
            Some(date!(2027 - 01 - 30)),
        ));
        assert_eq!(index.len(), 1, "the same id replaces");
        let policy = DealRegistration::default();
        let key = CustomerKey::new("Acme", "acme.com");
        assert_eq!(
            check(&policy, &index, partner(1), None, &key, TODAY).verdict,
            Verdict::Clear
        );
        index.remove(Uuid::from_u128(1));
        assert!(index.is_empty());
        let key = CustomerKey::new("Globex", "");
        assert_eq!(
            check(&policy, &index, partner(1), None, &key, TODAY).verdict,
            Verdict::Clear
        );
    }

    fn arb_known() -> impl Strategy<Value = Vec<Known>> {
        let names = prop::sample::select(vec![
            "Acme",
            "Acme Corp",
            "Globex",
            "Globex Inc",
            "Initech",
            "Umbrella",
            "Umbrela",
            "Hooli",
        ]);
        let sites = prop::sample::select(vec![
            "",
            "acme.com",
            "globex.com",
            "www.acme.com",
            "hooli.xyz",
        ]);
        prop::collection::vec((names, sites, 0u128..4, 0i64..40, any::<bool>()), 0..12).prop_map(
            |rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(i, (name, site, by, days, protected))| {
                        registration(
                            i as u128 + 1,
                            by,
                            name,
                            site,
                            days,
                            protected.then_some(date!(2027 - 01 - 30)),
                        )
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn a_registration_never_conflicts_with_itself(known in arb_known(), pick in any::<prop::sample::Index>()) {
            prop_assume!(!known.is_empty());
            let mine = &known[pick.index(known.len())];
            let mut index = ConflictIndex::new();
            for k in &known {
                index.insert(k.clone());
            }
            let result = check(&DealRegistration::default(), &index, partner(99), Some(mine.id), &mine.key(), TODAY);
            prop_assert!(result.findings.iter().all(|f| f.id != mine.id));
        }

        #[test]
        fn results_do_not_depend_on_input_order(known in arb_known(), seed in any::<u64>(), by in 0u128..4) {
            let mut shuffled = known.clone();
            // A deterministic shuffle from the seed.
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let key = CustomerKey::new("Acme", "acme.com");
            let policy = DealRegistration::default();
            let build = |rows: &[Known]| {
                let mut index = ConflictIndex::new();
                for k in rows {
                    index.insert(k.clone());
                }
                check(&policy, &index, partner(by), None, &key, TODAY)
            };
            prop_assert_eq!(build(&known), build(&shuffled));
        }
    }
}
