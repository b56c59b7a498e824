//! The live-reload script and the overlay's stylesheet, embedded in the binary and served only
//! by the preview server under `/_helpsite/`. They are separate files, not inline, because the
//! theme's Content-Security-Policy forbids inline script and style.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const SCRIPT: &str = include_str!("assets/livereload.js");
const STYLE: &str = include_str!("assets/livereload.css");

pub async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
}

pub async fn style() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
}
