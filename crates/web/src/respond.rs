//! How handlers answer: a page rendered into the frame, the error page for a service's refusal,
//! a redirect after a form, a file to save (a report, an attachment) and the
//! API's JSON.

use crate::layout::Layout;
use crate::problem::Problem;
use crate::security;
use askama::Template;
use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::FieldError;

/// An API answer: the JSON, or a problem+json.
pub(crate) type ApiResult<T> = Result<Json<T>, Problem>;

/// `template` as the page's HTML (a template that fails is logged and answered with a 500).
pub(crate) fn render(template: impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    message: String,
}

/// The error page, in the frame without navigation.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        layout: Layout {
            title: status.canonical_reason().unwrap_or("Error").into(),
            nav: None,
        },
        message: message.into(),
    };
    (status, render(page)).into_response()
}

/// Maps a service error to a page (validation errors are handled by each form instead).
pub(crate) fn service_error(err: services::Error) -> Response {
    use services::Error::*;
    match err {
        NotFound => error_page(
            StatusCode::NOT_FOUND,
            "There is no such record, or it is not yours to see.",
        ),
        Forbidden(why) => error_page(
            StatusCode::FORBIDDEN,
            &format!("You cannot do this: {why}."),
        ),
        Unauthenticated => Redirect::to("/login").into_response(),
        Conflict(why) => error_page(StatusCode::CONFLICT, &why),
        RateLimited { retry_after_secs } => security::retry_after(
            error_page(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Too many attempts; try again in {}.",
                    security::wait_text(retry_after_secs)
                ),
            ),
            retry_after_secs,
        ),
        Invalid(errors) => error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Store(e) => {
            tracing::error!(error = %e, "storage failure");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side; nothing was changed.",
            )
        }
    }
}

/// What a form's action came to: `None` when it was done (the caller redirects), else what
/// to show beside the form again (each invalid field as "field: message", a conflict's
/// reason); any other refusal is its error page.
pub(crate) fn form_problems<T>(
    result: services::Result<T>,
) -> Result<Option<Vec<String>>, Response> {
    match result {
        Ok(_) => Ok(None),
        Err(services::Error::Invalid(errors)) => Ok(Some(
            errors
                .into_iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect(),
        )),
        Err(services::Error::Conflict(why)) => Ok(Some(vec![why])),
        Err(other) => Err(service_error(other)),
    }
}

/// Why a form's write was refused, shown beside the form again.
#[derive(Debug, Default)]
pub(crate) struct Refusal {
    /// Each invalid field's message, next to its field.
    pub errors: Vec<FieldError>,
    /// A conflict's reason (a stale version, a race lost), above the forms.
    pub problems: Vec<String>,
}

impl Refusal {
    /// The page's status: 409 for a conflict, 422 for invalid fields, else 200.
    pub(crate) fn status(&self) -> StatusCode {
        if !self.problems.is_empty() {
            StatusCode::CONFLICT
        } else if !self.errors.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }
}

/// A form's write: `Ok(None)` when it was done (the caller redirects), `Ok(Some(refusal))`
/// for what to show beside the form again; any other refusal is its error page.
pub(crate) fn refusal_of<T>(result: services::Result<T>) -> Result<Option<Refusal>, Response> {
    match result {
        Ok(_) => Ok(None),
        Err(services::Error::Invalid(errors)) => Ok(Some(Refusal {
            errors,
            problems: Vec::new(),
        })),
        Err(services::Error::Conflict(why)) => Ok(Some(Refusal {
            errors: Vec::new(),
            problems: vec![why],
        })),
        Err(other) => Err(service_error(other)),
    }
}

/// A page, or what answers instead of it (the error page, the sign-in redirect).
pub(crate) type PageResult = Result<Response, Response>;

/// A list page's results; bad filters become messages above an empty list, not an error page.
pub(crate) fn page_or_errors<T>(
    result: services::Result<services::Page<T>>,
    errors: &mut Vec<FieldError>,
) -> Result<services::Page<T>, Response> {
    match result {
        Ok(page) => Ok(page),
        Err(services::Error::Invalid(e)) => {
            errors.extend(e);
            Ok(services::Page {
                items: Vec::new(),
                next_cursor: None,
            })
        }
        Err(other) => Err(service_error(other)),
    }
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// RFC 8187's attr-chars less a few: every other byte of a `filename*` is escaped.
const FILENAME_STAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A partner's attached file as a download: never rendered inline (sandboxed, not sniffed),
/// so an uploaded page cannot run in the portal's origin; its name kept for the save dialog.
pub(crate) fn attachment_response(
    meta: &services::attachments::AttachmentView,
    data: Vec<u8>,
) -> Response {
    let ascii_name: String = meta
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // RFC 8187's ext-value: UTF-8, every byte but letters, digits and `-._~` escaped.
    let encoded = percent_encoding::utf8_percent_encode(&meta.filename, FILENAME_STAR);
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
        ],
        data,
    )
        .into_response()
}

/// The `format` of a report download: `csv` or `xlsx`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FormatParam {
    /// csv or xlsx
    #[serde(default)]
    pub format: String,
}

/// A report table as a file to save, named `stem.csv` or `stem.xlsx`: every download of a
/// report (page and API) answers through here. `table` is the service's build of it; its
/// refusal answers first, then another format than csv or xlsx is a field error on `format`.
pub(crate) async fn report_download(
    stem: &str,
    format: &str,
    table: impl Future<Output = services::Result<services::reports::Table>>,
) -> Result<Response, services::Error> {
    let table = table.await?;
    let Some(format) = services::reports::Format::parse(format) else {
        return Err(services::Error::Invalid(vec![FieldError {
            field: "format".into(),
            message: "must be csv or xlsx".into(),
        }]));
    };
    let bytes = format.write(&table)?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{}\"", format.extension()),
            ),
        ],
        bytes,
    )
        .into_response())
}
