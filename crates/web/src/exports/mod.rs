//! Downloads of registrations, leads, the direct pipeline and customer accounts, as CSV or
//! XLSX, in the API and the portal. Services decide who may read what, and refuse a workbook
//! longer than a sheet, before the first byte; the file is then sent chunk by chunk as the
//! client takes it ([`download`]): a CSV as its pages are read, a workbook from the temporary
//! file it was built in. A failure after the first byte ends the download early (the body is
//! cut, so the client sees an incomplete transfer, never a shorter file that looks complete)
//! and is logged.

pub(crate) mod api;
pub(crate) mod pages;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use services::exports::{ExportFile, ExportList};

/// The name a list's file is saved under, without its extension.
fn file_stem(list: ExportList) -> &'static str {
    match list {
        ExportList::Deals => "registrations",
        ExportList::Leads => "leads",
        ExportList::Opportunities => "direct-opportunities",
        ExportList::Accounts => "customer-accounts",
    }
}

/// `export` as a file to save, named after `list`, sent as it is read.
fn download(list: ExportList, export: ExportFile) -> Response {
    let format = export.format();
    let filename = format!("{}.{}", file_stem(list), format.extension());
    let disposition = format!("attachment; filename=\"{filename}\"");
    let size = export.bytes();
    let chunks = futures_util::stream::unfold(Some(export), move |export| {
        let filename = filename.clone();
        async move {
            let mut export = export?;
            match export.next_chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(export))),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, filename, "export failed after its first bytes; the download was cut short");
                    Some((Err(e), None))
                }
            }
        }
    });
    let mut response = (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(chunks),
    )
        .into_response();
    if let Some(size) = size {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, size.into());
    }
    response
}
