//! A meeting's pack as a file: Markdown, or standalone HTML with print CSS and no scripts.
//! Both render the service's one view model (`MeetingDetail`); the print HTML shares its pack
//! fragment with the meeting's page. A file is read away from the portal (mailed, printed,
//! pasted into a wiki), so its links are absolute, made with the server's public URL.

use std::sync::LazyLock;

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::time_zone::TimeZone;
use services::Services;
use services::rhythm::{MeetingDetail, Section};

use crate::format::{day, moment};

/// The pack's sections as the page shows them (the fragment both templates include).
#[derive(Template)]
#[template(path = "rhythm/print.html")]
struct PrintPack<'a> {
    detail: &'a MeetingDetail,
    zone: TimeZone,
    /// [`PRINT_CSS`], written into its `<style>` element verbatim.
    style: &'static str,
}

/// The print file's stylesheet, inline: a saved or mailed file keeps its looks offline.
const PRINT_CSS: &str = include_str!("../../templates/rhythm/print.css");

/// The print file's own content policy, which lets exactly [`PRINT_CSS`] apply (by its hash,
/// computed once from the text served) and nothing else load or run.
static PRINT_POLICY: LazyLock<String> =
    LazyLock::new(|| crate::security::inline_style_policy(PRINT_CSS));

/// The meeting with every link of its pack made absolute.
fn with_absolute_links(services: &Services, detail: &MeetingDetail) -> MeetingDetail {
    let mut detail = detail.clone();
    for section in &mut detail.pack.sections {
        let links = section
            .figures
            .iter_mut()
            .map(|f| &mut f.link)
            .chain(section.lines.iter_mut().map(|l| &mut l.link));
        for link in links.flatten() {
            if link.starts_with('/') {
                *link = services.absolute(link);
            }
        }
    }
    detail
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

/// The meeting as Markdown: title, period, attendees, the pack's sections, decisions (who
/// recorded each and when, in `zone`) and action items.
fn markdown(detail: &MeetingDetail, zone: &TimeZone) -> String {
    let pack = &detail.pack;
    let mut out = format!(
        "# {}\n\n{}\n\nAttendees: {}\n",
        escape(&pack.title),
        escape(&pack.reading),
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
        out.push_str(&format!(
            "- {} — {}, {}\n",
            escape(&decision.text),
            escape(&decision.recorded_by.name),
            moment(&decision.recorded_at, zone)
        ));
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
            day(&action.due_on)
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

fn file(content_type: &str, disposition: &str, name: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The Markdown, as a download.
pub(super) fn markdown_download(
    services: &Services,
    detail: &MeetingDetail,
    zone: &TimeZone,
) -> Response {
    file(
        "text/markdown; charset=utf-8",
        "attachment",
        file_name(detail, "md"),
        markdown(&with_absolute_links(services, detail), zone),
    )
}

/// The print-ready HTML, inline: "Print" opens it in the browser, whose print dialog is the
/// point (saving it still gets a file name).
pub(super) fn print_html(services: &Services, detail: &MeetingDetail, zone: TimeZone) -> Response {
    let detail = with_absolute_links(services, detail);
    match (PrintPack {
        detail: &detail,
        zone,
        style: PRINT_CSS,
    })
    .render()
    {
        Ok(html) => (
            [(header::CONTENT_SECURITY_POLICY, PRINT_POLICY.as_str())],
            file(
                "text/html; charset=utf-8",
                "inline",
                file_name(&detail, "html"),
                html,
            ),
        )
            .into_response(),
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
