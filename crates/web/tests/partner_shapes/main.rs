//! Partners see only their shapes. Internal-only values are planted in every internal field
//! of partner A and of partner B (our notes, stage and tier notes, our own deal activity, a
//! deal-desk flag and our AE, a health check, an IPP assessment and score, an unshared 3C/4C
//! evaluation, conflict findings and our note on the conflict case, who of ours confirmed a
//! win); then A's own people call
//! every GET endpoint the API documents in its OpenAPI document and every GET page the
//! router registers, once with the ids of A's records and once with the ids of B's. Nothing
//! internal of A and nothing at all of B may come back — on both databases.
//!
//! The endpoints are not listed here: they come from `/api/v1/openapi.json` (and, for the
//! pages, from the `.route(...)` calls in the web crate's source), so an endpoint added later
//! is covered without touching this file. A path or query parameter the test cannot fill
//! fails the test by name, and so does a GET route the OpenAPI document does not describe.

#[path = "../common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use axum::http::{Method, StatusCode};
use common::Fixture;
use domain::Choice;
use domain::roles::Role;
use services::deals::{ActivityInput, AssignmentInput, DealClose, DealDecision};
use store::testing::BACKENDS;
use uuid::Uuid;

/// One partner's records, planted by [`plant`]: the values that fill path and query
/// parameters, and what must never reach anyone outside us (and, for B, outside B).
struct Side {
    partner: Uuid,
    deal: Uuid,
    activity: Uuid,
    contact: Uuid,
    attachment: Uuid,
    attachment_name: String,
    lead: Uuid,
    escalation: Uuid,
    work: Uuid,
    integration_request: Uuid,
    /// One of our meetings, with a decision naming the partner: never a partner's to read.
    meeting: Uuid,
    decision: Uuid,
    evaluation: Uuid,
    ipp: Uuid,
    onboarding_item: Uuid,
    enrollment: Uuid,
    user: Uuid,
    token: Uuid,
    /// Values only we may read; any of them in the partner's own responses is a leak.
    internal: Vec<String>,
    /// Everything else that is the partner's: any of it in another partner's responses is a
    /// leak (with `internal`).
    own: Vec<String>,
}

impl Side {
    /// What a path parameter stands for, keyed by the literal segment before it and its
    /// name (`partners/{id}`), or by a name that says it alone (`{deal_id}`).
    fn path_values(&self) -> BTreeMap<&'static str, String> {
        let id = |u: Uuid| u.to_string();
        BTreeMap::from([
            ("partners/{id}", id(self.partner)),
            ("{partner_id}", id(self.partner)),
            ("deals/{id}", id(self.deal)),
            ("{deal_id}", id(self.deal)),
            ("activities/{activity}", id(self.activity)),
            ("activities/{id}", id(self.activity)),
            ("{activity_id}", id(self.activity)),
            ("contacts/{id}", id(self.contact)),
            ("{contact_id}", id(self.contact)),
            ("attachments/{id}", id(self.attachment)),
            ("attachments/{name}", self.attachment_name.clone()),
            ("leads/{id}", id(self.lead)),
            ("{lead_id}", id(self.lead)),
            ("escalations/{id}", id(self.escalation)),
            ("work/{id}", id(self.work)),
            ("integration-requests/{id}", id(self.integration_request)),
            ("meetings/{id}", id(self.meeting)),
            ("tier-proposals/{id}", id(self.decision)),
            ("tiers/{id}", id(self.decision)),
            ("3c4c-evaluations/{id}", id(self.evaluation)),
            ("3c4c/{id}", id(self.evaluation)),
            ("ipp-assessments/{id}", id(self.ipp)),
            ("onboarding-items/{id}", id(self.onboarding_item)),
            ("enrollments/{id}", id(self.enrollment)),
            ("users/{id}", id(self.user)),
            ("tokens/{id}", id(self.token)),
            ("teams/{key}", "marketing".to_owned()),
            ("members/{user_id}", id(self.user)),
        ])
    }
}

mod plant;
use plant::plant;

/// A GET to make: the path with its parameters filled, and the values the request itself
/// carries (an answer may repeat what it was asked).
struct Call {
    /// The route as registered, e.g. `/api/v1/partners/{id}/contacts`.
    route: String,
    uri: String,
    sent: Vec<String>,
    takes_ids: bool,
}

/// The route's path parameters in order, each with the literal segment before it.
fn path_params(route: &str) -> Vec<(String, String)> {
    let mut literal = String::new();
    let mut params = Vec::new();
    for segment in route.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            params.push((literal.clone(), name.trim_start_matches('*').to_owned()));
        } else if !segment.is_empty() {
            literal = segment.to_owned();
        }
    }
    params
}

/// `route` with each `{param}` replaced from `side`; fails naming the route and the
/// parameter when nothing says what it stands for.
fn fill_path(route: &str, side: &Side, sent: &mut Vec<String>) -> String {
    let values = side.path_values();
    let mut uri = route.to_owned();
    for (literal, name) in path_params(route) {
        let value = values
            .get(format!("{literal}/{{{name}}}").as_str())
            .or_else(|| values.get(format!("{{{name}}}").as_str()))
            .unwrap_or_else(|| {
                panic!(
                    "{route}: no planted record for its path parameter {{{name}}} (after \
                     '{literal}'): add one to Side::path_values in {}",
                    file!()
                )
            });
        uri = uri.replacen(&format!("{{{name}}}"), &common::urlenc(value), 1);
        sent.push(value.clone());
    }
    uri
}

/// The value for a query parameter named `name`, with `side`'s records (`probe` is B's
/// registered customer, for the conflict preview).
fn query_value(name: &str, side: &Side, probe: &(String, String)) -> Option<String> {
    match name {
        "partner" | "partner_id" => Some(side.partner.to_string()),
        "deal" | "deal_id" => Some(side.deal.to_string()),
        "contact" | "contact_id" => Some(side.contact.to_string()),
        "limit" => Some("200".into()),
        // Downloads as text, so their cells are searched like any other body.
        "format" => Some("csv".into()),
        "customer_name" => Some(probe.0.clone()),
        "website" => Some(probe.1.clone()),
        _ => None,
    }
}

/// Every GET of the OpenAPI document, filled with `side`'s records.
fn api_calls(doc: &serde_json::Value, side: &Side, probe: &(String, String)) -> Vec<Call> {
    let paths = doc["paths"].as_object().expect("the document has paths");
    let mut calls = Vec::new();
    for (route, item) in paths {
        let Some(get) = item.get("get") else { continue };
        let mut sent = Vec::new();
        let uri = fill_path(route, side, &mut sent);
        let mut query = Vec::new();
        let params = item
            .get("parameters")
            .and_then(|p| p.as_array())
            .into_iter()
            .chain(get.get("parameters").and_then(|p| p.as_array()))
            .flatten();
        for param in params {
            let name = param["name"].as_str().expect("a parameter has a name");
            match param["in"].as_str() {
                Some("query") => {}
                Some("path") => {
                    assert!(
                        route.contains(&format!("{{{name}}}")),
                        "{route}: documents a path parameter {name} it does not have"
                    );
                    continue;
                }
                _ => continue,
            }
            let required = param["required"].as_bool().unwrap_or(false);
            let is_id = param["schema"]["format"].as_str() == Some("uuid") || name.ends_with("_id");
            match query_value(name, side, probe) {
                Some(value) => {
                    query.push(format!("{name}={}", common::urlenc(&value)));
                    sent.push(value);
                }
                None if required || is_id => panic!(
                    "GET {route}: no value for its query parameter '{name}': add one to \
                     query_value in {}",
                    file!()
                ),
                None => {}
            }
        }
        let uri = if query.is_empty() {
            uri
        } else {
            format!("{uri}?{}", query.join("&"))
        };
        calls.push(Call {
            takes_ids: !path_params(route).is_empty(),
            route: route.clone(),
            uri,
            sent,
        });
    }
    calls
}

/// The web crate's source files.
fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The byte just past the `)` that closes the `(` before `from`, skipping string literals.
fn closing_paren(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut i, mut in_string) = (1, from, false);
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') => in_string = false,
            (false, b'"') => in_string = true,
            (false, b'(') => depth += 1,
            (false, b')') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced parentheses after byte {from}");
}

/// Every GET route the web crate registers with `.route("…", …)`: API routes (those of an
/// `api.rs` and of any `fn api_routes`, served under `/api/v1`) and pages. The API's routes
/// registered through utoipa-axum's `routes!(…)` are not read here: each is routed at the path
/// of its OpenAPI operation, so it is in the document by construction.
fn registered_get_routes() -> (BTreeSet<String>, BTreeSet<String>) {
    let mut files = Vec::new();
    source_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let (mut api, mut pages) = (BTreeSet::new(), BTreeSet::new());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let api_file = file.file_name().is_some_and(|n| n == "api.rs");
        let mut at = 0;
        while let Some(found) = text[at..].find(".route(") {
            let start = at + found + ".route(".len();
            at = start;
            let args = text[start..].trim_start();
            let route = args
                .strip_prefix('"')
                .and_then(|a| a.split('"').next())
                .unwrap_or_else(|| {
                    panic!(
                        "{}: a .route( whose path is not a string literal; teach {} to read it",
                        file.display(),
                        file!()
                    )
                });
            let methods = &text[start..closing_paren(&text, start)];
            let has_get = methods.match_indices("get(").any(|(i, _)| {
                i == 0 || {
                    let before = methods.as_bytes()[i - 1];
                    !(before.is_ascii_alphanumeric() || before == b'_')
                }
            });
            let in_fn = text[..start]
                .rfind("fn ")
                .map(|i| &text[i + 3..])
                .and_then(|rest| {
                    rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                });
            if has_get {
                if api_file || in_fn == Some("api_routes") {
                    api.insert(format!("/api/v1{route}"));
                } else {
                    pages.insert(route.to_owned());
                }
            }
        }
    }
    assert!(
        api.contains("/api/v1/openapi.json") && pages.contains("/partners/{id}"),
        "the route reader finds the routes it should: api {api:?}, pages {pages:?}"
    );
    (api, pages)
}

/// Every GET page, filled with `side`'s records. Pages have no document of their query
/// parameters: those without path parameters are also called with `?partner=` (the lists
/// and the pipeline take it; the others ignore it).
fn page_calls(pages: &BTreeSet<String>, side: &Side) -> Vec<Call> {
    let mut calls = Vec::new();
    for route in pages {
        let mut sent = Vec::new();
        let uri = fill_path(route, side, &mut sent);
        let takes_ids = !path_params(route).is_empty();
        if !takes_ids {
            calls.push(Call {
                route: route.clone(),
                uri: format!("{uri}?partner={}", side.partner),
                sent: vec![side.partner.to_string()],
                takes_ids,
            });
        }
        calls.push(Call {
            route: route.clone(),
            uri,
            sent,
            takes_ids,
        });
    }
    calls
}

/// An answer that lists nothing: `[]`, `null`, or a page whose `items` are empty.
fn lists_nothing(body: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Array(items)) => items.is_empty(),
        Ok(serde_json::Value::Null) => true,
        Ok(value) => value["items"].as_array().is_some_and(Vec::is_empty),
        Err(_) => false,
    }
}

/// Fails when `body` holds any of `forbidden`, other than what the request itself sent.
fn assert_shows_none(who: &str, call: &Call, body: &str, forbidden: &[String]) {
    for value in forbidden {
        if call.sent.iter().any(|s| s.contains(value.as_str())) {
            continue;
        }
        assert!(
            !body.contains(value.as_str()),
            "{who} GET {} (route {}) shows '{value}': {body}",
            call.uri,
            call.route
        );
    }
}

#[tokio::test]
async fn nothing_internal_reaches_a_partners_people() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        let (a_token, _) = f
            .services
            .create_api_token(f.actor(Role::PartnerUser), "planted")
            .await
            .unwrap();
        let member_a = f.actor(Role::PartnerUser).user_id.unwrap();
        let b = plant(&f, f.partner_b, "B", f.victim_b, f.victim_token).await;
        let a = plant(&f, f.partner_a, "A", member_a, a_token.id).await;
        // A registration of the customer B registered: its conflict findings name B's deal,
        // and its channel-conflict case (A's to read) gets our note naming B.
        let overlap = f
            .services
            .register_deal(
                f.actor(Role::PartnerManager),
                f.partner_a,
                &common::deal_input("A-OWN-overlap", "bravo-customer.de"),
                true,
            )
            .await
            .unwrap();
        let conflict = f
            .services
            .deal_conflict_case(f.actor(Role::PartnerManager), overlap.id)
            .await
            .unwrap()
            .expect("the overlap opens a channel-conflict case");
        let conflict_note = services::escalations::EntryInput {
            body: "A-PLANTED-conflict-note: overlaps Bravo's registration".into(),
        };
        f.services
            .post_escalation_note(f.actor(Role::PartnerManager), conflict.id, &conflict_note)
            .await
            .unwrap();
        let probe = (
            "Bravo Customer GmbH".to_owned(),
            "bravo-customer.de".to_owned(),
        );

        // A's people may see A's own records; nothing internal of A, nothing of B.
        let mut forbidden: Vec<String> = a.internal.clone();
        forbidden.push(conflict_note.body.clone());
        forbidden.extend(b.internal.iter().cloned());
        forbidden.extend(b.own.iter().cloned());
        forbidden.extend(
            [
                "Bravo",
                "bravo.com",
                "bravo-prospect",
                &f.partner_b.to_string(),
                &f.contact_b.to_string(),
                &f.deal_b.to_string(),
                &f.lead_b.to_string(),
                &f.decision_b.to_string(),
                &f.evaluation_b.to_string(),
                &f.onboarding_item_b.to_string(),
                &f.enrollment_b.to_string(),
                &f.attachment_b.to_string(),
            ]
            .map(str::to_owned),
        );

        // The document the server publishes, and every GET route the router has.
        let (status, doc) = f.api(None, Method::GET, "/api/v1/openapi.json", None).await;
        assert_eq!(status, StatusCode::OK);
        let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
        let (api_routes, page_routes) = registered_get_routes();
        let documented: BTreeSet<String> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, item)| item.get("get").is_some())
            .map(|(path, _)| path.clone())
            .collect();
        let undocumented: Vec<_> = api_routes
            .iter()
            .filter(|r| *r != "/api/v1/openapi.json" && !documented.contains(*r))
            .collect();
        assert!(
            undocumented.is_empty(),
            "GET endpoints missing from the OpenAPI document, so from this test: {undocumented:?}"
        );

        let own_calls = api_calls(&doc, &a, &probe);
        let other_calls = api_calls(&doc, &b, &probe);
        let mut partner_saw = String::new();
        for role in [Role::PartnerAdmin, Role::PartnerUser] {
            let who = format!("{role:?}");
            let token = Some(f.token(role));
            for call in &own_calls {
                let (status, body) = f.api(token, Method::GET, &call.uri, None).await;
                assert!(
                    [StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND]
                        .contains(&status),
                    "{who} GET {}: {status} {body}",
                    call.uri
                );
                assert_shows_none(&who, call, &body, &forbidden);
                partner_saw.push_str(&body);
            }
            for call in &other_calls {
                let (status, body) = f.api(token, Method::GET, &call.uri, None).await;
                let refused = status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND;
                assert!(
                    refused
                        || (status == StatusCode::OK && (!call.takes_ids || lists_nothing(&body))),
                    "{who} GET {} (B's records): {status} {body}",
                    call.uri
                );
                assert_shows_none(&who, call, &body, &forbidden);
            }
        }

        // The pages, the same way.
        let own_pages = page_calls(&page_routes, &a);
        let other_pages = page_calls(&page_routes, &b);
        for email in ["partner_admin@alpha.example", "partner_user@alpha.example"] {
            let (session, _) = f.sign_in(email).await;
            for call in &own_pages {
                let (status, _, html) = f.page(&session, &call.uri).await;
                assert!(
                    !status.is_server_error() && status != StatusCode::BAD_REQUEST,
                    "{email} page {}: {status} {html}",
                    call.uri
                );
                assert_shows_none(email, call, &html, &forbidden);
            }
            for call in &other_pages {
                let (status, _, html) = f.page(&session, &call.uri).await;
                assert!(
                    !call.takes_ids
                        || status == StatusCode::FORBIDDEN
                        || status == StatusCode::NOT_FOUND,
                    "{email} page {} (B's records): {status} {html}",
                    call.uri
                );
                assert!(
                    !status.is_server_error(),
                    "{email} page {}: {status}",
                    call.uri
                );
                assert_shows_none(email, call, &html, &forbidden);
            }
        }

        // The sweep reached A's own records (it is not all refusals).
        for value in &a.own {
            assert!(
                partner_saw.contains(value.as_str()),
                "A's people never see their own '{value}'"
            );
        }

        // A's cases show their owner and when we owe answers (the API's partner shape).
        for shown in [
            r#""owner_name":"partner_manager user""#,
            r#""first_response_due_at":""#,
            r#""resolution_due_at":""#,
        ] {
            assert!(partner_saw.contains(shown), "A's people never see {shown}");
        }

        // Our people do read what was planted, through the same endpoints: the test plants
        // what it thinks it plants, where the sweep looks.
        let mut seen = String::new();
        for call in &own_calls {
            let token = Some(f.token(Role::Admin));
            seen.push_str(&f.api(token, Method::GET, &call.uri, None).await.1);
        }
        let (session, _) = f.sign_in("admin@vendor.test").await;
        for call in &own_pages {
            seen.push_str(&f.page(&session, &call.uri).await.2);
        }
        for value in &a.internal {
            assert!(
                seen.contains(value.as_str()),
                "no internal user sees '{value}'"
            );
        }
        assert!(
            seen.contains(&f.deal_b.to_string()),
            "the overlap's findings name B's deal"
        );
    }
}

/// Quotas are our internal terms: the leads page tells our people that partner leads never
/// count against a rep's quota, and a partner's people never read the word.
#[tokio::test]
async fn the_leads_page_speaks_of_quotas_to_our_people_only() {
    for backend in BACKENDS {
        let f = Fixture::new(backend).await;
        for email in ["partner_admin@alpha.example", "partner_user@alpha.example"] {
            let (session, _) = f.sign_in(email).await;
            let (status, _, html) = f.page(&session, "/leads").await;
            assert_eq!(status, StatusCode::OK, "{email}: {html}");
            assert!(
                html.contains(r#"id="leads""#),
                "{email} sees the list: {html}"
            );
            assert!(!html.to_lowercase().contains("quota"), "{email}: {html}");
        }
        for email in ["admin@vendor.test", "sales@test.example"] {
            let (session, _) = f.sign_in(email).await;
            let (status, _, html) = f.page(&session, "/leads").await;
            assert_eq!(status, StatusCode::OK, "{email}: {html}");
            assert!(
                html.contains("never count against an internal rep&#39;s quota."),
                "{email}: {html}"
            );
        }
    }
}
