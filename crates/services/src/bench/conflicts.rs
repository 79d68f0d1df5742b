//! Conflict-check benchmark: a deterministic book of customers (partners' registrations,
//! existing customer accounts) and new registrations checked against it.

use std::time::{Duration, Instant};

use domain::deals::conflicts::{ConflictIndex, Known, Source, Verdict, check};
use domain::deals::matching::CustomerKey;
use domain::program::policy::DealRegistration;
use uuid::Uuid;

use crate::bench::generated::generated_partner;
use crate::bench::measure::{percentile, resident_bytes};

const SYLLABLES: &[&str] = &[
    "vel", "mor", "ka", "tri", "lon", "zen", "qua", "dor", "fi", "nex", "ar", "bel", "cor", "dan",
    "el", "gar", "hol", "is", "jun", "kel", "lum", "mar", "nor", "ost", "pal", "rin", "sol", "tor",
    "ul", "vin", "wes", "xan", "yor", "zir", "bra", "cli", "dro", "fen", "gla", "ster",
];
const KINDS: &[&str] = &[
    "Logistics",
    "Foods",
    "Health",
    "Retail",
    "Energy",
    "Bank",
    "Insurance",
    "Motors",
    "Pharma",
    "Media",
    "Textiles",
    "Telecom",
    "Airlines",
    "Hotels",
    "Chemicals",
    "Steel",
];
const FORMS: &[&str] = &[
    "Inc.", "Ltd", "GmbH", "S.A.", "LLC", "AG", "BV", "Pty Ltd", "plc", "",
];
const TLDS: &[&str] = &["com", "co.uk", "de", "fr", "com.au", "io", "nl", "com.br"];

/// The distinctive word of generated customer `c`: two or three syllables (64,000 words).
fn word(c: usize) -> String {
    let n = SYLLABLES.len();
    let mut w = String::new();
    w.push_str(SYLLABLES[c % n]);
    w.push_str(SYLLABLES[(c / n) % n]);
    if c >= n * n {
        w.push_str(SYLLABLES[(c / (n * n)) % n]);
    }
    let mut chars = w.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Generated customer number `c` as a partner would type it: name and website.
pub fn generated_customer(c: usize) -> (String, String) {
    let distinctive = word(c);
    let kind = KINDS[(c / 7) % KINDS.len()];
    let form = FORMS[c % FORMS.len()];
    let tld = TLDS[(c / 3) % TLDS.len()];
    let name = format!("{distinctive} {kind} {form}").trim().to_owned();
    let site = if c.is_multiple_of(4) {
        String::new()
    } else {
        format!(
            "https://www.{}{}.{tld}",
            distinctive.to_lowercase(),
            kind.to_lowercase()
        )
    };
    (name, site)
}

/// The generated book: `registrations` registrations by `partners` partners over a pool of
/// customers (so some customers are registered more than once), plus `customers` existing
/// customer accounts.
pub fn generated_book(registrations: usize, customers: usize, partners: usize) -> ConflictIndex {
    let mut index = ConflictIndex::new();
    let today = store::now().date();
    let pool = registrations.max(1) * 2 / 3 + 1;
    for i in 0..registrations {
        let c = (i * 7_919) % pool;
        let (name, site) = generated_customer(c);
        index.insert(Known::new(
            Uuid::from_u128(i as u128 + 1),
            &name,
            &site,
            Source::Registration {
                partner_id: Uuid::from_u128(1_000_000_000 + (i % partners.max(1)) as u128),
                reference: format!("DR-{}", 1_000 + i).into(),
                registered_on: today - time::Duration::days((i % 90) as i64 + 1),
                protected_until: (i % 3 != 0)
                    .then(|| today + time::Duration::days((i % 60) as i64 + 1)),
            },
        ));
    }
    for a in 0..customers {
        let (name, site) = generated_customer(pool + a);
        index.insert(Known::new(
            Uuid::from_u128(2_000_000_000 + a as u128),
            &name,
            &site,
            Source::Customer {
                account: format!("ACC-{a}").into(),
            },
        ));
    }
    index
}

/// A new registration to check: known customers (some misspelt, some under another
/// website), and new ones.
pub fn generated_query(q: usize, known: usize) -> CustomerKey {
    let c = (q * 104_729) % (known.max(1) * 2);
    let (mut name, site) = generated_customer(c);
    match q % 5 {
        0 => CustomerKey::new(&name, &site),
        1 => CustomerKey::new(&name.to_uppercase(), ""),
        2 => {
            // One letter doubled: a typo.
            let at = name.find(' ').unwrap_or(name.len()).saturating_sub(1);
            let letter = name[at..].chars().next().unwrap_or('x');
            name.insert(at, letter);
            CustomerKey::new(&name, "")
        }
        3 => CustomerKey::new("Unrelated Name", &site.replace("www.", "shop.")),
        _ => CustomerKey::new(&format!("The {name}"), ""),
    }
}

/// A CSV of `registrations` generated registrations (the import's columns) by the first
/// `partners` generated partners, referenced by their website domains.
pub fn generated_deals_csv(registrations: usize, partners: usize) -> String {
    let mut out = String::with_capacity(registrations * 200);
    out.push_str(
        "partner,customer_name,website,industry,region,deal_size,expected_close,use_case,stage,probability,partner_rep,status,registered_on,protected_until,closed_on\n",
    );
    let today = store::now().date();
    let statuses = ["submitted", "approved", "won", "lost", "expired"];
    for i in 0..registrations {
        let partner = generated_partner(i % partners.max(1));
        let (name, site) = generated_customer(i);
        // An exited partner's registrations come in closed: it registers no new work.
        let status = match statuses[i % statuses.len()] {
            "submitted" | "approved"
                if partner.stage == domain::partners::LifecycleStage::Exited =>
            {
                "lost"
            }
            status => status,
        };
        let registered = today - time::Duration::days((i % 300) as i64);
        let protected = if status == "approved" {
            (today + time::Duration::days(30)).to_string()
        } else {
            String::new()
        };
        let closed = if status == "won" {
            (registered + time::Duration::days(40))
                .min(today)
                .to_string()
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{},\"{name}\",{site},Retail,emea,{},{},Stock sync,discovery,{},Rep {},{status},{registered},{protected},{closed}\n",
            partner.domains[0],
            10_000 + (i % 90) * 1_000,
            registered + time::Duration::days(60),
            (i % 9) * 10 + 10,
            i % 50,
        ));
    }
    out
}

pub struct ConflictBench {
    pub known: usize,
    pub build: Duration,
    /// Resident memory the index added, in bytes (Linux; None elsewhere).
    pub memory: Option<u64>,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub checks: usize,
    /// Verdicts over the checks: clear, needs review, already registered.
    pub verdicts: [usize; 3],
}

/// Builds the generated book and times `checks` conflict checks against it (the policy
/// verdict included), each measured on its own.
pub fn bench_conflicts(
    registrations: usize,
    customers: usize,
    partners: usize,
    checks: usize,
) -> ConflictBench {
    let before = resident_bytes();
    let started = Instant::now();
    let index = generated_book(registrations, customers, partners);
    let build = started.elapsed();
    let memory = resident_bytes()
        .zip(before)
        .map(|(after, before)| after.saturating_sub(before));
    let policy = DealRegistration::default();
    let today = store::now().date();
    let submitter = Uuid::from_u128(999);
    let mut times = Vec::with_capacity(checks);
    let mut verdicts = [0usize; 3];
    for q in 0..checks {
        let key = generated_query(q, registrations + customers);
        let started = Instant::now();
        let result = check(&policy, &index, submitter, None, &key, today);
        times.push(started.elapsed());
        verdicts[match result.verdict {
            Verdict::Clear => 0,
            Verdict::NeedsReview => 1,
            Verdict::AlreadyRegistered => 2,
        }] += 1;
    }
    times.sort_unstable();
    ConflictBench {
        known: index.len(),
        build,
        memory,
        p50: percentile(&times, 0.50),
        p99: percentile(&times, 0.99),
        max: times.last().copied().unwrap_or_default(),
        checks,
        verdicts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_book_is_deterministic_and_finds_each_kind_of_match() {
        assert_eq!(generated_customer(12_345), generated_customer(12_345));
        assert_ne!(generated_customer(1).0, generated_customer(2).0);
        let bench = bench_conflicts(20_000, 5_000, 100, 500);
        assert_eq!(bench.known, 25_000);
        let [clear, review, registered] = bench.verdicts;
        assert!(
            clear > 0 && review > 0 && registered > 0,
            "{:?}",
            bench.verdicts
        );
    }
}
