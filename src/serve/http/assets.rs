//! The live-reload script, the overlay's stylesheet and the ledger banner's script and style,
//! embedded in the binary and served only by the preview server under `/_helpsite/`. They are
//! separate files, not inline, because the theme's Content-Security-Policy forbids inline
//! script and style.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const SCRIPT: &str = include_str!("assets/livereload.js");
const STYLE: &str = include_str!("assets/livereload.css");
const BANNER_SCRIPT: &str = include_str!("assets/banner.js");
const BANNER_STYLE: &str = include_str!("assets/banner.css");

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

fn asset(content_type: &'static str, text: &'static str) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache")],
        text,
    )
}

pub(crate) async fn script() -> impl IntoResponse {
    asset(JS, SCRIPT)
}

pub(crate) async fn style() -> impl IntoResponse {
    asset(CSS, STYLE)
}

pub(crate) async fn banner_script() -> impl IntoResponse {
    asset(JS, BANNER_SCRIPT)
}

pub(crate) async fn banner_style() -> impl IntoResponse {
    asset(CSS, BANNER_STYLE)
}
