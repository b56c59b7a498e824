//! The preview server's routes, and serving site files from the current snapshot as a careful
//! static host would: pretty URLs, the site's own 404 page, ETag revalidation, byte ranges, one
//! or several per request (`multipart/byteranges`, as nginx does: the browser search reads its
//! index pack a round of ranges at a time), and gzip for clients that accept it.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, ALLOW, CACHE_CONTROL, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    IF_RANGE, LOCATION, RANGE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

use super::state::AppState;
use super::urlpath::{self, Refused};
use super::{api, assets, events};
use crate::serve::ledger::{self, FiguresCache};
use crate::serve::publish::live::Live;
use crate::serve::publish::snapshot::{Entry, Snapshot, reload_tag};

/// All routes. Everything outside `/_helpsite/` and `/api/` is the site.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/_helpsite/events", get(events::stream_events))
        .route("/_helpsite/livereload.js", get(assets::script))
        .route("/_helpsite/livereload.css", get(assets::style))
        .route("/_helpsite/banner.js", get(assets::banner_script))
        .route("/_helpsite/banner.css", get(assets::banner_style))
        .route("/api/search", get(api::search))
        .route("/_helpsite/feedback", get(ledger::feedback_report))
        .fallback(site_file)
        // Skips event streams, single ranges and tiny bodies by itself; ranges are never
        // compressed by static hosts, so neither is a response of several.
        .layer(CompressionLayer::new().gzip(true).compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("multipart/byteranges")),
        ))
        .with_state(state)
}

async fn site_file(
    State(live): State<Arc<Live>>,
    State(figures): State<Arc<FiguresCache>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(ALLOW, "GET, HEAD")]).into_response();
    }
    let site = live.site.load_full();
    let raw = uri.path();
    let path = match urlpath::resolve(raw, &site.base_path) {
        Ok(Some(path)) => path,
        Ok(None) if format!("{raw}/") == site.base_path => {
            return redirect(&site.base_path, uri.query());
        }
        Ok(None) => return not_found(&site),
        Err(why) => return bad_request(why),
    };
    let file = path.file();
    if let Some(entry) = site.get(&file) {
        if let Some(at) = entry.banner_at
            && let Some(banner) = ledger::page_banner(&figures, &site, &file).await
        {
            return respond(&with_banner(entry, at, &banner), &headers);
        }
        return respond(&Served::from(entry.as_ref()), &headers);
    }
    match path.dir_index() {
        Some(index) if site.get(&index).is_some() => redirect(&format!("{raw}/"), uri.query()),
        _ => not_found(&site),
    }
}

/// The bytes and validators of one response.
struct Served {
    body: Bytes,
    etag: HeaderValue,
    content_type: HeaderValue,
}

impl From<&Entry> for Served {
    fn from(entry: &Entry) -> Served {
        Served {
            body: entry.body.clone(),
            etag: entry.etag.clone(),
            content_type: entry.content_type.clone(),
        }
    }
}

/// `entry` with `banner` spliced in at `at`. The ETag names both, so a browser holding the
/// page with older figures gets the new ones instead of a 304.
fn with_banner(entry: &Entry, at: usize, banner: &str) -> Served {
    let mut body = Vec::with_capacity(entry.body.len() + banner.len());
    body.extend_from_slice(&entry.body[..at]);
    body.extend_from_slice(banner.as_bytes());
    body.extend_from_slice(&entry.body[at..]);
    let page = entry.etag.to_str().unwrap_or_default().trim_matches('"');
    let figures = blake3::hash(banner.as_bytes()).to_hex();
    let etag = format!("\"{page}-{}\"", &figures.as_str()[..12]);
    Served {
        body: Bytes::from(body),
        etag: HeaderValue::from_str(&etag).expect("hex is a valid header value"),
        content_type: entry.content_type.clone(),
    }
}

/// A 200, 206, 304 or 416 for `entry`, depending on the request's conditional and range headers.
fn respond(entry: &Served, headers: &HeaderMap) -> Response {
    if headers
        .get(IF_NONE_MATCH)
        .is_some_and(|v| etag_matches(v, &entry.etag))
    {
        return (StatusCode::NOT_MODIFIED, common_headers(entry)).into_response();
    }
    let range = headers
        .get(RANGE)
        .filter(|_| headers.get(IF_RANGE).is_none_or(|v| v == entry.etag))
        .and_then(|v| v.to_str().ok());
    let total = entry.body.len() as u64;
    match range.map(|r| byte_range(r, total)) {
        Some(RangeAnswer::Partial(start, end)) => {
            let body = entry.body.slice(start as usize..=end as usize);
            let content_range = format!("bytes {start}-{end}/{total}");
            (
                StatusCode::PARTIAL_CONTENT,
                common_headers(entry),
                [(CONTENT_RANGE, content_range)],
                body,
            )
                .into_response()
        }
        Some(RangeAnswer::Parts(parts)) => {
            let (boundary, body) = multipart(entry, &parts);
            let [ct, etag, cache, accept, nosniff] = common_headers(entry);
            let ct = (
                ct.0,
                HeaderValue::from_str(&format!("multipart/byteranges; boundary={boundary}"))
                    .expect("boundary is a valid header value"),
            );
            (
                StatusCode::PARTIAL_CONTENT,
                [ct, etag, cache, accept, nosniff],
                body,
            )
                .into_response()
        }
        Some(RangeAnswer::Unsatisfiable) => {
            let content_range = format!("bytes */{total}");
            (
                StatusCode::RANGE_NOT_SATISFIABLE,
                common_headers(entry),
                [(CONTENT_RANGE, content_range)],
            )
                .into_response()
        }
        Some(RangeAnswer::Whole) | None => {
            (common_headers(entry), entry.body.clone()).into_response()
        }
    }
}

fn common_headers(entry: &Served) -> [(axum::http::HeaderName, HeaderValue); 5] {
    [
        (CONTENT_TYPE, entry.content_type.clone()),
        (ETAG, entry.etag.clone()),
        // Revalidate every time: edits must show at once, and the ETag makes it cheap.
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (ACCEPT_RANGES, HeaderValue::from_static("bytes")),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ]
}

/// `If-None-Match` uses the weak comparison: `W/` prefixes are ignored, `*` matches anything.
fn etag_matches(header: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = header.to_str() else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    list.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == ours)
}

/// The body of a `multipart/byteranges` answer (RFC 9110 §14.6) and its boundary. The boundary
/// is drawn from the entry's ETag: a reader finds each part by its Content-Range, and no part
/// of our own files carries that line.
fn multipart(entry: &Served, parts: &[(u64, u64)]) -> (String, Bytes) {
    let tag = entry.etag.to_str().unwrap_or_default().trim_matches('"');
    let boundary = format!("helpsite-ranges-{tag}");
    let ct = entry
        .content_type
        .to_str()
        .unwrap_or("application/octet-stream");
    let total = entry.body.len();
    let size: u64 = parts.iter().map(|(s, e)| e + 1 - s + 128).sum();
    let mut body = Vec::with_capacity(size as usize);
    for &(start, end) in parts {
        body.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Type: {ct}\r\nContent-Range: bytes {start}-{end}/{total}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&entry.body[start as usize..=end as usize]);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (boundary, Bytes::from(body))
}

/// More ranges than this in one request are answered with the whole file: a request for many
/// tiny ranges costs the server more than the file (RFC 9110 §14.2 allows ignoring Range).
const MAX_PARTS: usize = 100;

#[derive(Debug, PartialEq, Eq)]
enum RangeAnswer {
    /// Inclusive byte range.
    Partial(u64, u64),
    /// Several inclusive ranges, in the order asked, none overlapping.
    Parts(Vec<(u64, u64)>),
    Unsatisfiable,
    /// Ignore the header: other units, too many or overlapping ranges (RFC 9110 §14.2).
    Whole,
}

fn byte_range(header: &str, total: u64) -> RangeAnswer {
    if !header.starts_with("bytes=") {
        return RangeAnswer::Whole;
    }
    let Ok(parsed) = http_range_header::parse_range_header(header) else {
        return RangeAnswer::Unsatisfiable;
    };
    let several = parsed.ranges.len() > 1;
    if parsed.ranges.len() > MAX_PARTS {
        return RangeAnswer::Whole;
    }
    match parsed.validate(total) {
        Ok(ranges) if total > 0 && several => {
            RangeAnswer::Parts(ranges.iter().map(|r| (*r.start(), *r.end())).collect())
        }
        Ok(ranges) if total > 0 => {
            let r = &ranges[0];
            RangeAnswer::Partial(*r.start(), *r.end())
        }
        // Several ranges of which some overlap or lie beyond the end: the whole file is a
        // correct answer, and simpler for the client than a partial set.
        Err(_) if several && total > 0 => RangeAnswer::Whole,
        _ => RangeAnswer::Unsatisfiable,
    }
}

/// Temporary (307) so browsers do not cache it across edits that turn a page into a file.
fn redirect(location: &str, query: Option<&str>) -> Response {
    let target = match query {
        Some(q) => format!("{location}?{q}"),
        None => location.to_string(),
    };
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(LOCATION, target), (CACHE_CONTROL, "no-cache".into())],
    )
        .into_response()
}

/// The site's own `404.html`; without one (the first build failed) a bare page that still
/// carries the reload script, so the error overlay shows and the page recovers by itself.
fn not_found(site: &Snapshot) -> Response {
    let headers = [(CACHE_CONTROL, HeaderValue::from_static("no-cache"))];
    match site.get("404.html") {
        Some(entry) => (
            StatusCode::NOT_FOUND,
            headers,
            [(CONTENT_TYPE, entry.content_type.clone())],
            entry.body.clone(),
        )
            .into_response(),
        None => {
            let html = format!(
                "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found</title>\
                 <body><h1>Not found</h1><p>This page is not in the current build.</p>{}</body></html>",
                reload_tag("")
            );
            let ct = [(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )];
            (StatusCode::NOT_FOUND, headers, ct, Body::from(html)).into_response()
        }
    }
}

fn bad_request(why: Refused) -> Response {
    let message = match why {
        Refused::DotSegment => "bad request: `.` and `..` are not allowed in paths\n",
        Refused::BadCharacter => {
            "bad request: the path holds a backslash, control character or encoded `%`\n"
        }
        Refused::EmptySegment => "bad request: empty path segment\n",
        Refused::NotUtf8 => "bad request: the path is not UTF-8\n",
    };
    (
        StatusCode::BAD_REQUEST,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeAnswer::*;
        for (header, total, expected) in [
            ("bytes=0-3", 10, Partial(0, 3)),
            ("bytes=4-", 10, Partial(4, 9)),
            ("bytes=-3", 10, Partial(7, 9)),
            ("bytes=8-100", 10, Partial(8, 9)),
            ("bytes=10-", 10, Unsatisfiable),
            ("bytes=5-2", 10, Unsatisfiable),
            ("bytes=-11", 10, Unsatisfiable),
            ("bytes=0-0", 0, Unsatisfiable),
            ("bytes=x-y", 10, Unsatisfiable),
            ("bytes=0-1,4-5", 10, Parts(vec![(0, 1), (4, 5)])),
            ("bytes=6-7,0-1", 10, Parts(vec![(6, 7), (0, 1)])),
            ("bytes=0-4,3-5", 10, Whole),
            ("bytes=0-1,20-30", 10, Whole),
            ("items=0-1", 10, Whole),
        ] {
            assert_eq!(byte_range(header, total), expected, "{header} of {total}");
        }
    }

    #[test]
    fn if_none_match_is_weak_and_takes_lists() {
        let ours = HeaderValue::from_static("\"abc\"");
        for (header, expected) in [
            ("\"abc\"", true),
            ("W/\"abc\"", true),
            ("\"x\", \"abc\"", true),
            ("*", true),
            ("\"abd\"", false),
        ] {
            assert_eq!(
                etag_matches(&HeaderValue::from_static(header), &ours),
                expected,
                "{header}"
            );
        }
    }
}
