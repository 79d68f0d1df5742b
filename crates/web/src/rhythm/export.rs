//! A meeting's pack as a file: Markdown, or standalone HTML with print CSS and no scripts.
//! Both render the service's one view model (`MeetingDetail`); the print HTML shares its pack
//! fragment with the meeting's page.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use services::rhythm::{MeetingDetail, Section};

/// The pack's sections as the page shows them (the fragment both templates include).
#[derive(Template)]
#[template(path = "rhythm/print.html")]
struct PrintPack<'a> {
    detail: &'a MeetingDetail,
}

/// Characters Markdown would read as formatting, written literally.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn linked(text: &str, link: Option<&String>) -> String {
    match link {
        Some(link) => format!("[{}]({link})", escape(text)),
        None => escape(text),
    }
}

fn section_markdown(out: &mut String, section: &Section) {
    out.push_str(&format!("\n## {}\n\n", escape(&section.heading)));
    for figure in &section.figures {
        out.push_str(&format!(
            "- {}: **{}**\n",
            linked(&figure.label, figure.link.as_ref()),
            escape(&figure.value)
        ));
    }
    if !section.figures.is_empty() {
        out.push('\n');
    }
    for line in &section.lines {
        out.push_str(&format!(
            "- {} — {}\n",
            linked(&line.text, line.link.as_ref()),
            escape(&line.detail)
        ));
    }
    if section.lines.is_empty() && !section.empty.is_empty() {
        out.push_str(&format!("{}\n", escape(&section.empty)));
    }
}

/// The meeting as Markdown: title, period, attendees, the pack's sections, decisions and
/// action items.
pub(super) fn markdown(detail: &MeetingDetail) -> String {
    let pack = &detail.pack;
    let mut out = format!(
        "# {}\n\nCovers {} to {}, read as of {}.\n\nAttendees: {}\n",
        escape(&pack.title),
        pack.period.first,
        pack.period.last,
        pack.as_of,
        escape(
            &detail
                .attendees
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    for section in &pack.sections {
        section_markdown(&mut out, section);
    }
    out.push_str("\n## Decisions\n\n");
    if detail.decisions.is_empty() {
        out.push_str("None recorded.\n");
    }
    for decision in &detail.decisions {
        out.push_str(&format!("- {}\n", escape(&decision.text)));
    }
    out.push_str("\n## Action items\n\n");
    if detail.actions.is_empty() {
        out.push_str("None recorded.\n");
    }
    for action in &detail.actions {
        out.push_str(&format!(
            "- [{}] {} — {}, due {}\n",
            if action.done_at.is_some() { "x" } else { " " },
            escape(&action.text),
            escape(&action.owner.name),
            action.due_on
        ));
    }
    out
}

fn file_name(detail: &MeetingDetail, extension: &str) -> String {
    format!(
        "{}-{}.{extension}",
        detail.meeting.kind, detail.meeting.period.first
    )
}

fn download(content_type: &str, name: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub(super) fn markdown_download(detail: &MeetingDetail) -> Response {
    download(
        "text/markdown; charset=utf-8",
        file_name(detail, "md"),
        markdown(detail),
    )
}

pub(super) fn html_download(detail: &MeetingDetail) -> Response {
    match (PrintPack { detail }).render() {
        Ok(html) => download("text/html; charset=utf-8", file_name(detail, "html"), html),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the pack could not be rendered",
            )
                .into_response()
        }
    }
}
