//! What the OpenAPI document says of every operation beyond its own `#[utoipa::path]`: the
//! bearer-token security scheme and its use, a summary, the error responses the shared
//! extractors can give (401 without a valid token or session, 403 for a forbidden action or a
//! missing CSRF header, 404 for an unknown id, 400/422 for a body or query that does not fit),
//! and a description on every response, as OpenAPI requires and client generators expect.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, OpenApi, Ref, RefOr, Required};

/// The name of the security scheme every operation requires.
pub const BEARER: &str = "bearer";

/// Summaries that the handler's name would say badly; the others read from it
/// (`list_partners` → "List partners").
const SUMMARIES: &[(&str, &str)] = &[
    ("me", "Your own user"),
    ("update_me", "Change your own user"),
    ("change_password", "Change your password"),
    ("list_tokens", "List your API tokens"),
    ("create_token", "Create an API token"),
    ("revoke_token", "Revoke an API token"),
    ("audit", "Read the audit log"),
    ("conflict_check", "Check a registration for conflicts"),
    ("learning", "A partner's learning records"),
    ("eligibility", "A partner's enablement gates"),
    ("partner_facts", "A partner's facts"),
    ("timeline", "A partner's timeline"),
    ("pipeline", "Read the pipeline"),
    ("ipp_assessments", "List IPP assessments"),
    ("assess_ipp", "Assess a partner's IPP"),
    ("evaluations_3c4c", "List 3C/4C evaluations"),
    ("evaluate_3c4c", "Record a 3C/4C evaluation"),
    ("share_3c4c", "Share a 3C/4C evaluation with the partner"),
    ("evaluate_partner", "A partner's tier evaluation"),
    ("partner_proposals", "A partner's tier proposals"),
    ("deal_activities", "A deal's activities"),
    ("onboarding_checklist", "A partner's onboarding checklist"),
];

/// Adds the security scheme, and completes every operation (see the module's note).
pub fn complete(doc: &mut OpenApi) {
    let problem = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build()
    };
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content("application/problem+json", problem())
            .build()
    };
    let mut bearer = Http::new(HttpAuthScheme::Bearer);
    bearer.bearer_format = Some("pos_… personal API token".into());
    bearer.description = Some(
        "A personal API token, created on the account page or with POST /me/tokens. A \
         signed-in browser may call instead with its session cookie and the X-CSRF-Token header."
            .into(),
    );
    let shared = ComponentsBuilder::new()
        .security_scheme(BEARER, SecurityScheme::Http(bearer))
        .response(
            "Unauthorized",
            error("No valid bearer token or session (or the token is throttled after failures)."),
        )
        .response(
            "Forbidden",
            error(
                "Your role may not do this, or a browser session sent no valid X-CSRF-Token \
                 header.",
            ),
        )
        .response(
            "NotFound",
            error("No such record, or none that you may see."),
        )
        .response(
            "BadRequest",
            error("The body or query string could not be read (malformed JSON, a wrong type)."),
        )
        .response(
            "Unprocessable",
            error("Some fields are invalid: `errors` names each with its message."),
        )
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.extend(shared.security_schemes);
    components.responses.extend(shared.responses);

    for (path, item) in doc.paths.paths.iter_mut() {
        let ids: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for (method, operation) in operations(item) {
            declare_ids(operation, &ids);
            complete_operation(method, operation, !ids.is_empty());
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("patch", &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
}

/// Every `{name}` in the path is a record's id (a UUID; anything else answers 404), declared
/// as a path parameter unless the handler declared it.
fn declare_ids(operation: &mut Operation, ids: &[&str]) {
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    for name in ids {
        let declared = parameters.iter().any(
            |p| matches!(p, RefOr::T(p) if p.name == *name && p.parameter_in == ParameterIn::Path),
        );
        if !declared {
            let uuid = ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
            parameters.push(RefOr::T(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some(if *name == "id" {
                        "The record's id.".to_owned()
                    } else {
                        format!("The {name}'s id.")
                    }))
                    .schema(Some(uuid))
                    .build(),
            ));
        }
    }
}

fn complete_operation(method: &str, operation: &mut Operation, has_id: bool) {
    let id = operation.operation_id.clone().unwrap_or_default();
    if operation.summary.is_none() {
        operation.summary = Some(summary(&id));
    }
    operation.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
    let has_query = operation.parameters.iter().flatten().any(
        |p| matches!(p, RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Query),
    );
    let has_body = operation.request_body.is_some();
    let responses = &mut operation.responses.responses;
    let mut add = |status: &str, name: &str| {
        responses
            .entry(status.into())
            .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
    };
    add("401", "Unauthorized");
    if method != "get" {
        add("403", "Forbidden");
    }
    if has_id {
        add("404", "NotFound");
    }
    if has_body || has_query {
        add("400", "BadRequest");
    }
    if has_body {
        add("422", "Unprocessable");
    }
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response {
            describe(status, response);
        }
    }
}

/// A response the handler declared without words gets the usual ones for its status.
fn describe(status: &str, response: &mut Response) {
    if !response.description.trim().is_empty() {
        return;
    }
    response.description = match status {
        "200" => "Done: the requested or changed data.",
        "201" => "Created: the new record.",
        "204" => "Done; nothing to return.",
        "400" => "The body or query string could not be read (malformed JSON, a wrong type).",
        "401" => "No valid bearer token or session.",
        "403" => "Your role may not do this, or a browser session sent no valid X-CSRF-Token header.",
        "404" => "No such record, or none that you may see.",
        "409" => "The record changed meanwhile or is in a state that does not allow this; `detail` says which.",
        "413" => "The body is larger than this endpoint accepts.",
        "422" => "Some fields are invalid: `errors` names each with its message.",
        "429" => "Too many attempts; `Retry-After` says when to try again.",
        _ => "See the problem's `detail`.",
    }
    .into();
}

fn summary(operation_id: &str) -> String {
    if let Some((_, text)) = SUMMARIES.iter().find(|(id, _)| *id == operation_id) {
        return (*text).into();
    }
    let words = operation_id.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_else(|| "Unnamed operation".into())
}
