//! Response headers that tell browsers what our pages may do.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// Pages load scripts, styles, images and fonts only from this site: no inline script, style
/// attribute or event handler runs even if one slipped through escaping. Forms post only here
/// and no other site may frame a page (clickjacking).
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// API answers are data, never documents to render.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

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
