//! The API's OpenAPI document is one a client generator accepts: it parses as OpenAPI 3.1 (the
//! `oas3` crate's typed model), every `$ref` resolves, every operation has a unique
//! operationId, a summary, the bearer security scheme and a 401 answer, every response has a
//! description, and every `{parameter}` in a path is declared. No server or database needed.

use oas3::spec::{ObjectOrReference, ParameterIn};
use std::collections::BTreeSet;

fn document() -> (serde_json::Value, oas3::Spec) {
    let json = serde_json::to_string(&web::openapi_document()).unwrap();
    let spec =
        oas3::from_json(&json).unwrap_or_else(|e| panic!("not an OpenAPI 3.1 document: {e}"));
    let version = spec.validate_version().expect("a 3.1 version");
    assert_eq!((version.major, version.minor), (3, 1));
    (serde_json::from_str(&json).unwrap(), spec)
}

/// Every `$ref` in `value`, with where it was found.
fn refs<'a>(value: &'a serde_json::Value, at: String, found: &mut Vec<(String, &'a str)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", serde_json::Value::String(target)) => found.push((at.clone(), target)),
                    _ => refs(inner, format!("{at}/{key}"), found),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                refs(inner, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let (json, _) = document();
    let mut found = Vec::new();
    refs(&json, String::new(), &mut found);
    assert!(found.len() > 50, "the document uses shared components");
    let broken: Vec<_> = found
        .iter()
        .filter(|(_, target)| {
            target
                .strip_prefix('#')
                .is_none_or(|pointer| json.pointer(pointer).is_none())
        })
        .collect();
    assert!(broken.is_empty(), "references to nothing: {broken:?}");
}

#[test]
fn the_bearer_scheme_is_declared_and_required_everywhere() {
    let (_, spec) = document();
    let components = spec.components.as_ref().expect("components");
    let scheme = components
        .security_schemes
        .get("bearer")
        .expect("a `bearer` security scheme")
        .resolve(&spec)
        .unwrap();
    match scheme {
        oas3::spec::SecurityScheme::Http { scheme, .. } => assert_eq!(scheme, "bearer"),
        other => panic!("the bearer scheme is HTTP bearer, not {other:?}"),
    }
    let mut count = 0;
    for (path, method, operation) in spec.operations() {
        count += 1;
        let names: Vec<_> = operation
            .security
            .iter()
            .flat_map(|requirement| requirement.0.keys())
            .collect();
        assert_eq!(
            names,
            ["bearer"],
            "{method} {path} requires the bearer token"
        );
    }
    assert!(count > 80, "the document has the API's operations: {count}");
}

#[test]
fn operations_have_ids_summaries_and_described_answers() {
    let (_, spec) = document();
    let mut ids = BTreeSet::new();
    let mut problems = Vec::new();
    for (path, method, operation) in spec.operations() {
        let what = format!("{method} {path}");
        match &operation.operation_id {
            Some(id) if !id.is_empty() => {
                if !ids.insert(id.clone()) {
                    problems.push(format!("{what}: operationId {id} is used twice"));
                }
            }
            _ => problems.push(format!("{what}: no operationId")),
        }
        if operation
            .summary
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            problems.push(format!("{what}: no summary"));
        }
        let responses = operation.responses.as_ref();
        if !responses.is_some_and(|r| r.contains_key("401")) {
            problems.push(format!("{what}: no 401 answer"));
        }
        if path.contains('{') && !responses.is_some_and(|r| r.contains_key("404")) {
            problems.push(format!("{what}: an id in the path but no 404 answer"));
        }
        for (status, response) in responses.into_iter().flatten() {
            match response.resolve(&spec) {
                Ok(response)
                    if response
                        .description
                        .as_deref()
                        .is_some_and(|d| !d.trim().is_empty()) => {}
                Ok(_) => problems.push(format!("{what}: the {status} answer has no description")),
                Err(e) => problems.push(format!("{what}: the {status} answer: {e}")),
            }
        }
        let declared: BTreeSet<String> = match operation.parameters(&spec) {
            Ok(parameters) => parameters
                .into_iter()
                .filter(|p| p.location == ParameterIn::Path)
                .map(|p| p.name)
                .collect(),
            Err(e) => {
                problems.push(format!("{what}: parameters: {e}"));
                continue;
            }
        };
        let in_path: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(str::to_owned)
            .collect();
        if declared != in_path {
            problems.push(format!(
                "{what}: path parameters {in_path:?}, declared {declared:?}"
            ));
        }
    }
    if let Some(components) = &spec.components {
        for (name, response) in &components.responses {
            if let ObjectOrReference::Object(response) = response
                && response
                    .description
                    .as_deref()
                    .is_none_or(|d| d.trim().is_empty())
            {
                problems.push(format!("components/responses/{name} has no description"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The property names of the JSON body `method path` takes, read through its `$ref`.
fn body_fields(json: &serde_json::Value, method: &str, path: &str) -> BTreeSet<String> {
    let operation = &json["paths"][path][method];
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    let target = schema["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path} takes a named body: {operation}"));
    let pointer = target.strip_prefix('#').expect("a local reference");
    let properties = json
        .pointer(pointer)
        .and_then(|s| s["properties"].as_object())
        .unwrap_or_else(|| panic!("{target} is an object with properties"));
    properties.keys().cloned().collect()
}

fn has_all(fields: &BTreeSet<String>, names: &[&str]) -> bool {
    names.iter().all(|name| fields.contains(*name))
}

#[test]
fn integration_requests_and_escalations_document_their_own_bodies() {
    let (json, _) = document();
    let request = body_fields(&json, "post", "/api/v1/partners/{id}/integration-requests");
    assert!(
        has_all(&request, &["title", "system", "customers"]) && !request.contains("issue"),
        "an integration request's form: {request:?}"
    );
    let request_move = body_fields(&json, "post", "/api/v1/integration-requests/{id}/moves");
    assert!(
        has_all(&request_move, &["transition", "reason"])
            && !request_move.contains("conflict_outcome"),
        "an integration request's move: {request_move:?}"
    );
    let case = body_fields(&json, "post", "/api/v1/partners/{id}/escalations");
    assert!(
        has_all(&case, &["issue", "category", "urgency", "occurred_on"]) && !case.contains("title"),
        "an escalation's form: {case:?}"
    );
    let case_move = body_fields(&json, "post", "/api/v1/escalations/{id}/moves");
    assert!(
        case_move.contains("conflict_outcome") && !case_move.contains("reason"),
        "an escalation's move: {case_move:?}"
    );
}

/// The schema name of every type deriving `ToSchema` in `source`: its `#[schema(as = …)]`, or
/// else its own name, as utoipa names components.
fn schema_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let (mut deriving, mut alias) = (false, None::<String>);
    for line in source.lines().map(str::trim) {
        // `choice_enum!` derives it too, on the name that opens the block: `State {`.
        let choice = line.contains("choice_enum!") && !line.starts_with("macro_rules!");
        if choice || (line.contains("ToSchema") && !line.starts_with("use ")) {
            deriving = true;
        }
        if !deriving {
            continue;
        }
        if let Some(rest) = line.strip_prefix("#[schema(as = ") {
            alias = Some(
                rest.trim_end_matches(")]")
                    .rsplit("::")
                    .next()
                    .unwrap()
                    .into(),
            );
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let own = match words.as_slice() {
            [name, "{"] if name.starts_with(char::is_uppercase) => Some(*name),
            _ => words
                .iter()
                .position(|w| *w == "struct" || *w == "enum")
                .map(|at| *words.get(at + 1).expect("a type's name")),
        };
        if let Some(own) = own {
            let own = own.split(['{', '(', '<', ';']).next().unwrap();
            names.push(alias.take().unwrap_or_else(|| own.to_owned()));
            deriving = false;
        }
    }
    names
}

/// utoipa files every schema under its bare name, so two types of one name would share one
/// component and one operation would document the other's body.
#[test]
fn no_two_types_share_a_schema_name() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seen = std::collections::BTreeMap::<String, Vec<String>>::new();
    let mut folders: Vec<_> = ["domain", "services", "web"]
        .map(|krate| root.join(krate).join("src"))
        .into();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let file = entry.unwrap().path();
            if file.is_dir() {
                folders.push(file);
            } else if file.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&file).unwrap();
                for name in schema_names(&source) {
                    seen.entry(name)
                        .or_default()
                        .push(file.display().to_string());
                }
            }
        }
    }
    assert!(
        seen.len() > 150,
        "the scan finds the API's types: {}",
        seen.len()
    );
    let shared: Vec<_> = seen.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(
        shared.is_empty(),
        "schema names used by more than one type: {shared:?}"
    );
    let (json, _) = document();
    let components = json["components"]["schemas"].as_object().unwrap();
    let unknown: Vec<_> = components
        .keys()
        // A generic's instance is named after both: `Page_LeadView`.
        .filter(|name| !name.split('_').all(|part| seen.contains_key(part)))
        .collect();
    assert!(
        unknown.is_empty(),
        "components the scan does not know: {unknown:?}"
    );
}
