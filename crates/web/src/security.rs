//! Response headers that tell browsers what our pages may do, and the checks on values that
//! come back to us in redirects.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;

/// Pages load scripts, styles, images and fonts only from this site: no inline script, style
/// attribute or event handler runs even if one slipped through escaping. Forms post only here
/// and no other site may frame a page (clickjacking).
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// API answers are data, never documents to render.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// The API docs (Swagger UI, served from our own files) run only their own scripts too; they
/// fetch the OpenAPI document and, with "Try it out", call the API: all on this site, which
/// `default-src 'self'` covers. `style-src` also allows inline styles: Swagger UI applies one
/// that the pages' policy refuses (Chromium reports the violation), and a hash of it would
/// break silently with the next Swagger UI. Styles cannot run code, and the page shows no
/// user-entered data, only our own OpenAPI document.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of a standalone document we render whole (a meeting pack's print file): it loads
/// nothing and runs nothing; its one inline stylesheet applies by the hash of its exact text
/// (`'sha256-…'`, never `'unsafe-inline'`), so a style slipped in anywhere else does not.
/// Links still open: navigation is not a fetch.
pub fn inline_style_policy(style: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
}

/// Sets `value` unless the handler set its own (attachments keep their `sandbox` policy).
fn keep_or<S>(router: Router<S>, name: HeaderName, value: &'static str) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router.layer(SetResponseHeaderLayer::if_not_present(
        name,
        HeaderValue::from_static(value),
    ))
}

/// The API's stricter content policy; applied before [`headers`] so it wins there.
pub fn api_headers<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    keep_or(router, header::CONTENT_SECURITY_POLICY, API_POLICY)
}

/// The API docs' content policy; applied before [`headers`] so it wins there.
pub fn docs_headers<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    keep_or(router, header::CONTENT_SECURITY_POLICY, DOCS_POLICY)
}

/// The headers of every response.
pub fn headers<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let router = keep_or(router, header::CONTENT_SECURITY_POLICY, PAGE_POLICY);
    // For browsers that predate CSP's frame-ancestors.
    let router = keep_or(router, header::X_FRAME_OPTIONS, "DENY");
    let router = keep_or(router, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Our URLs carry record ids and search terms; other sites learn none of them. Same-origin
    // requests keep theirs (and their Origin header, which the CSRF check reads).
    keep_or(router, header::REFERRER_POLICY, "same-origin")
}

/// Where to go after signing in: a path on this site, or the reader's home. Anything else (other
/// sites, `//host`, backslashes, spaces or control characters such as CR/LF, which cannot go
/// into a `Location` header) is dropped.
pub fn safe_next(next: &str) -> String {
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && next.parse::<axum::http::uri::PathAndQuery>().is_ok();
    if same_site {
        next.into()
    } else {
        "/home".into()
    }
}

/// A throttled answer tells when to come back.
pub fn retry_after(mut response: Response, secs: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

/// "45 seconds", "15 minutes": a wait in words.
pub fn wait_text(secs: u64) -> String {
    match secs {
        1 => "1 second".into(),
        0..60 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::{safe_next, wait_text};

    #[test]
    fn waits_read_in_seconds_then_minutes() {
        assert_eq!(wait_text(1), "1 second");
        assert_eq!(wait_text(59), "59 seconds");
        assert_eq!(wait_text(61), "2 minutes");
    }

    #[test]
    fn next_is_a_path_on_this_site_or_the_start_page() {
        assert_eq!(safe_next("/partners?q=a%20b"), "/partners?q=a%20b");
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/partners\r\nSet-Cookie: x=1",
            "/partners\n",
            "/a b",
            "/caf\u{e9}",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(bad), "/home", "{bad:?}");
        }
    }
}
