//! What handlers read from a request: API bodies, queries and ids whose rejections are
//! problem+json, the portal's forms (url-encoded, or multipart with a file), list pages' query
//! strings, and the body limits of imports and uploads.

use crate::problem::Problem;
use crate::respond::error_page;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::Response;
use domain::FieldError;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use uuid::Uuid;

/// A JSON body whose rejection is a problem+json naming what was wrong. A body that is JSON
/// but does not fit the type (a field of the wrong type, a field the type does not know) is a
/// 422 whose `errors` name the field by its path (`customers[0].amount`), so every endpoint
/// answers a client's mistake the same way.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        // axum checks the content type and the syntax; the shape is read here, by path.
        let value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(value)) => value,
            Err(rejection) => {
                return Err(Problem::new(
                    rejection.status(),
                    "malformed-body",
                    rejection.body_text(),
                ));
            }
        };
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|error| body_problem(&error))
    }
}

/// A JSON body that does not fit its type, as a 422 naming the field.
fn body_problem(error: &serde_path_to_error::Error<serde_json::Error>) -> Problem {
    let message = error.inner().to_string();
    let path = error.path().to_string();
    let field = match unknown_field(&message) {
        _ if path != "." => path,
        Some(name) => name.to_owned(),
        None => "body".to_owned(),
    };
    let errors = vec![FieldError { field, message }];
    let detail = format!("{}: {}", errors[0].field, errors[0].message);
    Problem {
        errors,
        ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "malformed-body", detail)
    }
}

/// The name in serde's "unknown field `name`, expected one of …".
fn unknown_field(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split('`').next()
}

/// Query parameters whose rejection is a problem+json.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed-query",
                rejection.body_text(),
            )),
        }
    }
}

/// A path id that is not a UUID cannot name anything: 404, like any unknown id.
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Path::<Uuid>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Id(id)),
            Err(_) => Err(Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "no such record",
            )),
        }
    }
}

/// A page's path id (or ids: `PageId<(Uuid, Uuid)>` for `/escalations/{id}/actions/{action}`):
/// one that is not a UUID names nothing, so the page answers the 404 error page a missing
/// record gets, not axum's plain-text 400.
pub struct PageId<T = Uuid>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PageId<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(PageId(id)),
            Err(_) => Err(crate::respond::service_error(services::Error::NotFound)),
        }
    }
}

/// Applies `patch` to `current` as a JSON merge patch (RFC 7396, by `json-patch`): fields
/// present replace the current ones, `null` clears one back to its empty value; unknown fields
/// are refused by name.
pub(crate) fn merge_patch<T: serde::Serialize + DeserializeOwned>(
    current: &T,
    patch: serde_json::Value,
) -> Result<T, Problem> {
    if !patch.is_object() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-body",
            "the body must be a JSON object of the fields to change",
        ));
    }
    let mut merged = serde_json::to_value(current).expect("inputs serialise");
    json_patch::merge(&mut merged, &patch);
    serde_json::from_value(merged)
        .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "malformed-body", e.to_string()))
}

/// The largest CSV the import endpoint reads (a million rows of facts fit).
pub(crate) const IMPORT_LIMIT_BYTES: usize = 256 * 1024 * 1024;

/// The field every portal form carries for the CSRF check (read by [`Form::csrf`]).
const CSRF_FIELD: &str = "csrf_token";

/// A submitted form, keeping repeated fields (check boxes) together.
pub(crate) struct Form(HashMap<String, Vec<String>>);

impl Form {
    pub(crate) fn parse(body: &Bytes) -> Form {
        // Every field is a list of strings, so nothing in a url-encoded body fails to fit.
        Form(serde_html_form::from_bytes(body).unwrap_or_default())
    }
    pub(crate) fn get(&self, name: &str) -> String {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    }
    /// The first value of each field named `prefix…`, by the rest of its name.
    pub(crate) fn prefixed<C: FromIterator<(String, String)>>(&self, prefix: &str) -> C {
        self.0
            .iter()
            .filter_map(|(name, values)| {
                let key = name.strip_prefix(prefix)?;
                Some((key.to_owned(), values.first().cloned().unwrap_or_default()))
            })
            .collect()
    }
    pub(crate) fn csrf(&self) -> String {
        self.get(CSRF_FIELD)
    }

    /// The form read by serde_html_form into `T`, the service's input type (the JSON API's body
    /// too), leaving out the CSRF token and the fields `read_apart` names: submit buttons and
    /// ids the handler reads itself (a name ending in `.` leaves out every field so prefixed).
    /// Values stay text for the service to check, so a bad number is still an error on its
    /// field; a form that does not fit `T` at all (an unknown field where `T` refuses them, a
    /// single field sent twice) is a 400 page naming the field.
    pub(crate) fn input<T: DeserializeOwned>(&self, read_apart: &[&str]) -> Result<T, Response> {
        let is_apart = |name: &str| {
            name == CSRF_FIELD
                || read_apart
                    .iter()
                    .any(|apart| match apart.strip_suffix('.') {
                        Some(_) => name.starts_with(apart),
                        None => name == *apart,
                    })
        };
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (name, values) in self.0.iter().filter(|(name, _)| !is_apart(name)) {
            for value in values {
                body.append_pair(name, value);
            }
        }
        let body = body.finish();
        serde_path_to_error::deserialize(serde_html_form::Deserializer::from_bytes(body.as_bytes()))
            .map_err(|error| {
                let field = error.path().to_string();
                let why = match self.0.get(&field) {
                    Some(values) if values.len() > 1 => "it was sent more than once".to_owned(),
                    _ => error.inner().to_string(),
                };
                let message = if field == "." {
                    format!("The form could not be read: {why}.")
                } else {
                    format!("The form's field {field} could not be read: {why}.")
                };
                error_page(StatusCode::BAD_REQUEST, &message)
            })
    }
}

/// An import page's form: the pasted (or chosen) CSV and the button pressed. Only `import`
/// writes; the other button, like a form sent without one, checks the rows (a dry run).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsvImportForm {
    #[serde(deserialize_with = "first")]
    pub(crate) csrf_token: String,
    #[serde(deserialize_with = "first")]
    pub(crate) csv: String,
    #[serde(deserialize_with = "first")]
    action: String,
}

impl CsvImportForm {
    /// Read from the body at once, not through [`Form`]: the CSV may be hundreds of megabytes,
    /// copied once. Every field reads as text and other fields are ignored, so any url-encoded
    /// body fits.
    pub(crate) fn parse(body: &Bytes) -> CsvImportForm {
        serde_html_form::from_bytes(body).unwrap_or_default()
    }
    pub(crate) fn dry_run(&self) -> bool {
        self.action != "import"
    }
}

/// A form field read as its first value, as [`Form::get`] reads it (serde_html_form refuses a
/// repeated field for a single value).
pub(crate) fn first<'de, D: serde::Deserializer<'de>>(fields: D) -> Result<String, D::Error> {
    let values = <Vec<String> as serde::Deserialize>::deserialize(fields)?;
    Ok(values.into_iter().next().unwrap_or_default())
}

/// A list page's query string; when it cannot be read at all, the defaults and why.
pub(crate) fn query_or_errors<Q: Default>(
    query: Result<Query<Q>, axum::extract::rejection::QueryRejection>,
    field: &str,
) -> (Q, Vec<FieldError>) {
    match query {
        Ok(Query(query)) => (query, Vec::new()),
        Err(rejection) => (
            Q::default(),
            vec![FieldError {
                field: field.into(),
                message: rejection.body_text(),
            }],
        ),
    }
}

/// Forms that may carry a file accept one attachment and the form around it.
pub(crate) fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(services::attachments::MAX_ATTACHMENT_BYTES + 64 * 1024)
}

/// A file sent with a multipart form.
pub(crate) struct Upload {
    pub(crate) filename: String,
    pub(crate) content_type: String,
    pub(crate) data: Bytes,
}

/// A form posted either url-encoded or as multipart (when it carries a file): its fields,
/// and the file of the field `file_field` when one was chosen.
pub(crate) struct FormWithFile {
    pub(crate) form: Form,
    pub(crate) file: Option<Upload>,
}

impl FormWithFile {
    pub(crate) async fn read(
        request: axum::extract::Request,
        file_field: &str,
    ) -> Result<Self, Response> {
        use axum::extract::FromRequest;
        let is_multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let bad = |why: String| error_page(StatusCode::BAD_REQUEST, &why);
        if !is_multipart {
            let body = Bytes::from_request(request, &())
                .await
                .map_err(|e| bad(e.to_string()))?;
            return Ok(FormWithFile {
                form: Form::parse(&body),
                file: None,
            });
        }
        let mut multipart = axum::extract::Multipart::from_request(request, &())
            .await
            .map_err(|e| bad(e.to_string()))?;
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        let mut file = None;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| bad(format!("the upload was cut short: {e}")))?
        {
            let name = field.name().unwrap_or("").to_owned();
            if name == file_field {
                let filename = field.file_name().unwrap_or("").to_owned();
                let content_type = field.content_type().unwrap_or("").to_owned();
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| bad(format!("the upload was cut short: {e}")))?;
                if !filename.is_empty() || !data.is_empty() {
                    file = Some(Upload {
                        filename,
                        content_type,
                        data,
                    });
                }
            } else {
                let value = field
                    .text()
                    .await
                    .map_err(|e| bad(format!("the form was cut short: {e}")))?;
                fields.entry(name).or_default().push(value);
            }
        }
        Ok(FormWithFile {
            form: Form(fields),
            file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Form;
    use axum::body::Bytes;

    #[derive(serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Input {
        tags: Vec<String>,
        note: String,
        #[serde(deserialize_with = "domain::validation::checkbox")]
        joint: bool,
    }

    fn form(body: &'static [u8]) -> Form {
        Form::parse(&Bytes::from_static(body))
    }

    #[test]
    fn forms_keep_repeated_fields_and_decode_values() {
        let form = form(b"tags=a&tags=b+c&note=50%25+%2B+more&empty=&csrf_token=t");
        assert_eq!(form.get("note"), "50% + more");
        assert_eq!(form.get("empty"), "");
        assert_eq!(form.get("missing"), "");
        assert_eq!(form.csrf(), "t");
        let input: Input = form.input(&["empty"]).unwrap();
        assert_eq!(
            input,
            Input {
                tags: vec!["a".into(), "b c".into()],
                note: "50% + more".into(),
                joint: false,
            }
        );
    }

    #[test]
    fn check_boxes_read_as_ticked_when_on_and_unticked_when_absent() {
        let ticked: Input = form(b"joint=on&csrf_token=t").input(&[]).unwrap();
        assert!(ticked.joint);
        let unticked: Input = form(b"note=x&csrf_token=t").input(&[]).unwrap();
        assert!(!unticked.joint);
        let api: Input = serde_json::from_str(r#"{"joint": true}"#).unwrap();
        assert!(api.joint, "the API sends a JSON boolean");
    }

    #[test]
    fn fields_read_apart_are_left_out_and_others_must_fit() {
        let input: Input = form(b"note=x&action=draft&score.a=1&csrf_token=t")
            .input(&["action", "score."])
            .unwrap();
        assert_eq!(input.note, "x");
        assert!(form(b"note=x&action=draft").input::<Input>(&[]).is_err());
        assert!(form(b"note=x&note=y").input::<Input>(&[]).is_err());
    }
}

#[cfg(test)]
mod patch_tests {
    use super::merge_patch;
    use serde_json::json;

    #[derive(serde::Serialize, serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Input {
        name: String,
        notes: String,
        tags: Vec<String>,
    }

    #[test]
    fn patches_change_what_they_name_and_refuse_the_rest() {
        let current = Input {
            name: "A".into(),
            notes: "n".into(),
            tags: vec!["x".into()],
        };
        let merged: Input = merge_patch(&current, json!({"tags": ["y"], "notes": null})).unwrap();
        assert_eq!(
            merged,
            Input {
                name: "A".into(),
                notes: String::new(),
                tags: vec!["y".into()]
            }
        );
        let unknown = merge_patch::<Input>(&current, json!({"nmae": "B"})).unwrap_err();
        assert!(unknown.detail.contains("nmae"), "{}", unknown.detail);
        assert!(merge_patch::<Input>(&current, json!(["name"])).is_err());
    }
}
