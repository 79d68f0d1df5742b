//! Is this customer one we already know? Company names are compared after normalisation
//! (case, accents, punctuation, legal suffixes, a leading "The"), web addresses by their
//! registrable domain (public-suffix aware: www.shop.acme.co.uk → acme.co.uk), and names
//! that are not equal by a similarity score.

use unicode_normalization::UnicodeNormalization;

/// Legal forms that say nothing about which company it is, as single tokens after
/// punctuation is removed ("S.A." → "sa", "L.L.C." → "llc").
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "ev",
    "sa",
    "sas",
    "sarl",
    "sasu",
    "srl",
    "spa",
    "sl",
    "slu",
    "sau",
    "bv",
    "nv",
    "pty",
    "pte",
    "oy",
    "oyj",
    "ab",
    "as",
    "asa",
    "aps",
    "kk",
    "sdn",
    "bhd",
    "ltda",
    "cv",
    "de",
    "pc",
    "pllc",
    "se",
    "zoo",
    "sp",
    "kft",
    "doo",
    "ooo",
    "pvt",
];

/// Letters whose accent-free form is more than dropping a combining mark.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// The words of a company name as compared: lower case, accents and punctuation gone,
/// "&" read as "and", runs of single letters joined ("S. A." → "sa").
fn words(name: &str) -> Vec<String> {
    let mut text = String::with_capacity(name.len());
    for c in name.nfkd().flat_map(char::to_lowercase) {
        if unicode_normalization::char::is_combining_mark(c) || c == '\'' || c == '’' {
            continue;
        }
        if let Some(folded) = fold(c) {
            text.push_str(folded);
        } else if c == '&' || c == '+' {
            text.push_str(" and ");
        } else if c.is_alphanumeric() {
            text.push(c);
        } else {
            text.push(' ');
        }
    }
    let mut words: Vec<String> = Vec::new();
    let mut letters = String::new();
    for word in text.split_whitespace() {
        if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
            letters.push_str(word);
            continue;
        }
        if !letters.is_empty() {
            words.push(std::mem::take(&mut letters));
        }
        words.push(word.to_owned());
    }
    if !letters.is_empty() {
        words.push(letters);
    }
    words
}

/// A company name as compared: "The ACME Corp., Inc." and "acme corp" are both "acme".
/// Legal suffixes are dropped from the end (several: "GmbH & Co. KG") and "the" from the
/// start, unless nothing would be left.
pub fn normalize_company_name(name: &str) -> String {
    let mut words = words(name);
    while words.len() > 1 && words.first().is_some_and(|w| w == "the") {
        words.remove(0);
    }
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LEGAL_SUFFIXES.contains(&w.as_str()) || w == "and")
    {
        words.pop();
    }
    words.join(" ")
}

/// The registrable domain of a web address, host or email address ("https://www.Shop.Acme.co.uk/x"
/// → "acme.co.uk"); None when there is no domain in it or it is itself a public suffix.
pub fn registrable_domain(text: &str) -> Option<String> {
    let text = text.trim();
    let without_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
    let host = without_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host.split(':').next().unwrap_or("").trim_end_matches('.');
    if !host.contains('.') || host.chars().any(char::is_whitespace) {
        return None;
    }
    psl2::registrable_domain(host)
}

/// The consonants of a word with repeats collapsed ("velmorra" → "vlmr"): two spellings of
/// the same name usually share it, so it finds candidates for the similarity score.
pub fn skeleton(word: &str) -> String {
    let mut out = String::new();
    let mut last = None;
    for (i, c) in word.chars().enumerate() {
        if i > 0 && matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
            continue;
        }
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// How alike two normalised names are, 0–100. Names with the same number of words are as
/// alike as their least alike pair of words (in written or sorted order), so one distinctive
/// word that differs ("Northwind" / "Southwind Traders") keeps them apart however long the
/// shared words are; names with different numbers of words are compared without spaces
/// ("AdventureWorks" / "Adventure Works").
pub fn name_similarity(a: &str, b: &str) -> u32 {
    similarity_from(a, b, 0)
}

/// [`name_similarity`] when only results of at least `floor` matter: a pair of words whose
/// lengths alone keep them below it is not compared letter by letter (the edit distance is
/// at least the difference in length). Results of `floor` or more are exact; below it, the
/// value is only known to be below.
fn similarity_from(a: &str, b: &str, floor: u32) -> u32 {
    if a == b {
        return 100;
    }
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let percent = |x: &str, y: &str| {
        let (lx, ly) = (x.chars().count(), y.chars().count());
        let longest = lx.max(ly);
        let bound = 100 * (longest - lx.abs_diff(ly)) / longest.max(1);
        if (bound as u32) < floor {
            return bound as u32;
        }
        (strsim::normalized_damerau_levenshtein(x, y) * 100.0).floor() as u32
    };
    let wa: Vec<&str> = a.split(' ').collect();
    let wb: Vec<&str> = b.split(' ').collect();
    if wa.len() != wb.len() {
        return percent(&wa.concat(), &wb.concat());
    }
    let weakest_pair = |x: &[&str], y: &[&str]| {
        x.iter()
            .zip(y)
            .map(|(p, q)| percent(p, q))
            .min()
            .unwrap_or(0)
    };
    let (mut sa, mut sb) = (wa.clone(), wb.clone());
    sa.sort_unstable();
    sb.sort_unstable();
    weakest_pair(&wa, &wb).max(weakest_pair(&sa, &sb))
}

/// A customer as the conflict check sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerKey {
    /// The normalised company name.
    pub name: String,
    /// The registrable domain of its website, when one was given.
    pub domain: Option<String>,
}

impl CustomerKey {
    pub fn new(name: &str, website: &str) -> CustomerKey {
        CustomerKey {
            name: normalize_company_name(name),
            domain: registrable_domain(website),
        }
    }
}

/// Why two customers look like the same one, strongest first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Likeness {
    SameDomain { domain: String },
    SameName,
    SimilarName { percent: u32 },
}

impl Likeness {
    /// The score a match carries (0–100).
    pub fn score(&self) -> u32 {
        match self {
            Likeness::SameDomain { .. } | Likeness::SameName => 100,
            Likeness::SimilarName { percent } => *percent,
        }
    }

    /// Same domain or same name: certain enough to decide without a person.
    pub fn is_strong(&self) -> bool {
        !matches!(self, Likeness::SimilarName { .. })
    }
}

/// Whether `a` and `b` look like the same customer, and why; names must be at least
/// `threshold` percent alike to count as similar.
pub fn likeness(a: &CustomerKey, b: &CustomerKey, threshold: u32) -> Option<Likeness> {
    likeness_of(
        (&a.name, a.domain.as_deref()),
        (&b.name, b.domain.as_deref()),
        threshold,
    )
}

/// [`likeness`] of two (normalised name, registrable domain) pairs.
pub fn likeness_of(
    (a_name, a_domain): (&str, Option<&str>),
    (b_name, b_domain): (&str, Option<&str>),
    threshold: u32,
) -> Option<Likeness> {
    if let (Some(x), Some(y)) = (a_domain, b_domain)
        && x == y
    {
        return Some(Likeness::SameDomain { domain: x.into() });
    }
    // Two websites that differ make an equal name only a likeness (Acme in the US and an
    // unrelated Acme in the UK): a person decides.
    let different_sites = a_domain.is_some() && b_domain.is_some();
    if !a_name.is_empty() && a_name == b_name && !different_sites {
        return Some(Likeness::SameName);
    }
    if a_name.is_empty() {
        return None;
    }
    let percent = similarity_from(a_name, b_name, threshold);
    (percent >= threshold).then_some(Likeness::SimilarName { percent })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_lose_case_accents_punctuation_and_legal_forms() {
        let table = [
            ("ACME Corp.", "acme"),
            ("The Acme Company, Inc.", "acme"),
            ("Acme, LLC", "acme"),
            ("Acme L.L.C.", "acme"),
            ("Müller GmbH & Co. KG", "muller"),
            ("Société Générale S.A.", "societe generale"),
            ("Nestlé S.A.", "nestle"),
            ("Straße Bau AG", "strasse bau"),
            ("Ørsted A/S", "orsted"),
            ("Banco do Brasil S.A.", "banco do brasil"),
            ("Telefónica, S.A.U.", "telefonica"),
            ("Marks & Spencer plc", "marks and spencer"),
            ("Marks and Spencer Group", "marks and spencer group"),
            ("McDonald's Corporation", "mcdonalds"),
            ("  Wide   World\tImporters Ltd ", "wide world importers"),
            ("The Home Depot", "home depot"),
            ("The Company", "company"),
            ("Toyota Jidosha K.K.", "toyota jidosha"),
            ("Łódź Logistics Sp. z o.o.", "lodz logistics"),
            ("株式会社日立製作所", "株式会社日立製作所"),
            ("Сбербанк ПАО", "сбербанк пао"),
            ("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo sab"),
            ("AT&T Inc.", "at and t"),
            ("3M Company", "3m"),
        ];
        for (raw, expected) in table {
            assert_eq!(normalize_company_name(raw), expected, "{raw}");
        }
    }

    #[test]
    fn registrable_domains_are_public_suffix_aware() {
        let table = [
            ("acme.com", Some("acme.com")),
            ("www.acme.com", Some("acme.com")),
            ("https://WWW.Acme.com/about?x=1", Some("acme.com")),
            ("http://shop.eu.acme.com:8080", Some("acme.com")),
            ("acme.co.uk", Some("acme.co.uk")),
            ("www.shop.acme.co.uk", Some("acme.co.uk")),
            ("sales@acme.de", Some("acme.de")),
            ("acme.com.au", Some("acme.com.au")),
            ("portal.acme.com.br", Some("acme.com.br")),
            ("acme.github.io", Some("acme.github.io")),
            ("acme.com.", Some("acme.com")),
            ("co.uk", None),
            ("localhost", None),
            ("", None),
            ("not a domain", None),
            ("münchen-bau.de", Some("xn--mnchen-bau-9db.de")),
        ];
        for (raw, expected) in table {
            assert_eq!(registrable_domain(raw).as_deref(), expected, "{raw}");
        }
    }

    fn same(a: (&str, &str), b: (&str, &str)) -> Option<Likeness> {
        likeness(&CustomerKey::new(a.0, a.1), &CustomerKey::new(b.0, b.1), 85)
    }

    #[test]
    fn the_same_customer_written_differently_is_found() {
        let pairs = [
            (("Acme Corp", "acme.com"), ("ACME Corporation", "")),
            (
                ("Acme", "www.acme.com"),
                ("Acme Holdings", "https://acme.com"),
            ),
            (("Acme Ltd", "acme.co.uk"), ("Acme UK", "shop.acme.co.uk")),
            (("Globex", ""), ("Globex, Inc.", "")),
            (("The Globex Company", ""), ("globex", "")),
            (("Initech LLC", ""), ("Initech L.L.C.", "")),
            (("Umbrella Corporation", ""), ("Umbrela Corporation", "")),
            (("Stark Industries", ""), ("Stark Industires", "")),
            (("Wayne Enterprises", ""), ("Wayne Enterprise", "")),
            (
                ("Müller Maschinenbau GmbH", ""),
                ("Mueller Maschinenbau", ""),
            ),
            (
                ("Müller Maschinenbau GmbH", ""),
                ("Muller Maschinenbau AG", ""),
            ),
            (("Société Générale", ""), ("Societe Generale SA", "")),
            (
                ("Nestlé", "nestle.com"),
                ("Nestle Purina", "purina.nestle.com"),
            ),
            (("Marks & Spencer", ""), ("Marks and Spencer", "")),
            (("Bank of Acme", ""), ("Acme Bank of", "")),
            (("Hooli", "hooli.xyz"), ("Hooli XYZ", "mail.hooli.xyz")),
            (("Telefónica", ""), ("Telefonica S.A.", "")),
            (("Ørsted", ""), ("Orsted A/S", "")),
            (
                ("Wide World Importers", ""),
                ("Wide World Importers Ltd.", ""),
            ),
            (("Northwind Traders", ""), ("Northwind Trader", "")),
            (
                ("Contoso Pharmaceuticals", ""),
                ("Contoso Pharmaceutical", ""),
            ),
            (
                ("Fabrikam Manufacturing", ""),
                ("Fabrikam Manufactoring", ""),
            ),
            (
                ("Tailspin Toys", "tailspintoys.com"),
                ("TST", "tailspintoys.com"),
            ),
            (("Banco do Brasil", ""), ("Banco do Brasil S/A", "")),
            (("株式会社日立製作所", ""), ("株式会社日立製作所", "")),
            (
                ("Litware Consulting Group", ""),
                ("Litware Consultng Group", ""),
            ),
            (
                ("Proseware, Inc.", "proseware.io"),
                ("Proseware Labs", "app.proseware.io"),
            ),
            (
                ("AdventureWorks Cycles", ""),
                ("Adventure Works Cycles", ""),
            ),
        ];
        for (a, b) in pairs {
            assert!(same(a, b).is_some(), "{a:?} and {b:?} should match");
            assert!(
                same(b, a).is_some(),
                "{b:?} and {a:?} should match (symmetric)"
            );
        }
    }

    #[test]
    fn different_customers_are_not_confused() {
        let pairs = [
            (("Acme Systems", ""), ("Acme Solutions", "")),
            (("Acme", ""), ("Acne", "")),
            (("Globex", ""), ("Globus", "")),
            (("Initech", ""), ("Initrode", "")),
            (("Stark Industries", ""), ("Stark Insurance", "")),
            (("Wayne Enterprises", ""), ("Wayne Energy", "")),
            (("Müller Maschinenbau", ""), ("Müller Logistik", "")),
            (("Northwind Traders", ""), ("Southwind Traders", "")),
            (("Contoso Bank", ""), ("Contoso Health", "")),
            (("Blue Yonder Airlines", ""), ("Blue Sky Airlines", "")),
            (("Alpine Ski House", ""), ("Alpine Software House", "")),
            (("Fourth Coffee", ""), ("Fifth Coffee", "")),
            (("Coho Winery", ""), ("Coho Vineyard", "")),
            (("Banco do Brasil", ""), ("Banco de Chile", "")),
            (
                ("Shop One", "shopone.myshopify.com"),
                ("Shop Two", "shoptwo.myshopify.com"),
            ),
            (
                ("Acme Blog", "acme.github.io"),
                ("Globex Blog", "globex.github.io"),
            ),
            (("Margie's Travel", ""), ("Margie's Transport", "")),
            (("Trey Research", ""), ("Troy Research", "")),
            (("Lucerne Publishing", ""), ("Lucerne Printing", "")),
            (
                ("Graphic Design Institute", ""),
                ("Graphic Arts Institute", ""),
            ),
            (("City Power & Light", ""), ("City Water & Gas", "")),
            (("Humongous Insurance", ""), ("Humongous Entertainment", "")),
            (("株式会社日立製作所", ""), ("株式会社東芝", "")),
        ];
        for (a, b) in pairs {
            assert_eq!(same(a, b), None, "{a:?} and {b:?} should not match");
            assert_eq!(same(b, a), None, "{b:?} and {a:?} should not match");
        }
    }

    #[test]
    fn likeness_says_why() {
        assert_eq!(
            same(("Acme", "www.acme.com"), ("Other", "acme.com")),
            Some(Likeness::SameDomain {
                domain: "acme.com".into()
            })
        );
        assert_eq!(
            same(("Acme Inc", ""), ("ACME", "")),
            Some(Likeness::SameName)
        );
        assert_eq!(
            same(("Acme", "acme.com"), ("Acme", "acme.co.uk")),
            Some(Likeness::SimilarName { percent: 100 }),
            "the same name on two different websites is for a person to judge"
        );
        let similar = same(("Umbrella Corporation", ""), ("Umbrela Corp", "")).unwrap();
        assert!(
            matches!(similar, Likeness::SimilarName { percent } if (85..100).contains(&percent))
        );
        assert!(!similar.is_strong());
    }

    #[test]
    fn skeletons_keep_consonants_once() {
        assert_eq!(skeleton("velmora"), "vlmr");
        assert_eq!(skeleton("velmorra"), "vlmr");
        assert_eq!(skeleton("acme"), "acm");
        assert_eq!(skeleton("acmee"), "acm");
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(name in "\\\\PC{0,40}") {
            let once = normalize_company_name(&name);
            prop_assert_eq!(normalize_company_name(&once), once.clone());
        }

        #[test]
        fn similarity_is_symmetric_and_bounded(a in "[a-z ]{0,20}", b in "[a-z ]{0,20}") {
            let ab = name_similarity(&a, &b);
            prop_assert_eq!(ab, name_similarity(&b, &a));
            prop_assert!(ab <= 100);
            prop_assert_eq!(name_similarity(&a, &a), 100);
        }

        #[test]
        fn skipping_hopeless_pairs_never_changes_a_match(a in "[a-z]{1,9}( [a-z]{1,9}){0,2}", b in "[a-z]{1,9}( [a-z]{1,9}){0,2}", floor in 0u32..=100) {
            let exact = name_similarity(&a, &b);
            let quick = similarity_from(&a, &b, floor);
            prop_assert_eq!(exact >= floor, quick >= floor);
            if exact >= floor {
                prop_assert_eq!(exact, quick);
            }
        }

        #[test]
        fn domains_are_found_behind_any_subdomain(sub in "[a-z]{1,8}", name in "cust[a-z]{2,12}", tld in prop::sample::select(vec!["com", "co.uk", "de", "com.au", "io"])) {
            let plain = format!("{name}.{tld}");
            prop_assert_eq!(registrable_domain(&format!("https://{sub}.{plain}/x")), Some(plain.clone()));
            prop_assert_eq!(registrable_domain(&format!("www.{plain}")), Some(plain));
        }
    }
}
