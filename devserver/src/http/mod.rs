//! Wire-level helpers shared by every endpoint: error responses, parameter parsing,
//! the HTTP Basic scheme, Bearer tokens and small HTML pages.

pub(crate) mod basic;
pub(crate) mod bearer;
pub(crate) mod error;
pub(crate) mod json_body;
pub(crate) mod pages;
pub(crate) mod params;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

/// The media type of a request (`type/subtype`, lowercased, parameters dropped).
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = raw.split(';').next().unwrap_or("").trim();
    Some(essence.to_ascii_lowercase())
}

/// Token responses and errors must not be cached (RFC 6749 §5.1).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
