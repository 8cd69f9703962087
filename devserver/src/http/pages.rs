//! Tiny HTML pages for the browser-facing endpoints (authorization errors that must not
//! redirect, the device verification page, Deskera V1's "connected" page).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub(crate) fn page(status: StatusCode, title: &str, body_html: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><h1>{t}</h1>\n{body_html}\n</body></html>\n",
        t = escape(title)
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

/// An error page: used where RFC 6749 §4.1.2.1 forbids redirecting (bad client or
/// redirect URI), so the message goes to the person at the browser instead.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Authorization error",
        &format!("<p>{}</p>", escape(message)),
    )
}

pub(crate) fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}
