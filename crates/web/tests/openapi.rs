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
