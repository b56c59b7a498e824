//! `GET /_helpsite/feedback`: the writer report of the reply-link ledger (issue 5), in the
//! preview only. It reads the ledger named by `site.yaml` and the page manifest of the build
//! being served, so the report always matches what the writer sees. Without a ledger it says
//! how to start one instead of creating an empty file.

use std::path::Path;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::config::Config;
use crate::ledger::{Ledger, Manifest, report, report_html};
use crate::serve::publish::live::Live;

pub(crate) async fn feedback_report(
    State(live): State<Arc<Live>>,
    State(root): State<Arc<Path>>,
) -> Response {
    let site = live.site.load_full();
    let manifest = site
        .get("_helpsite/pages.json")
        .and_then(|e| Manifest::from_json(&String::from_utf8_lossy(&e.body)).ok());
    let page = tokio::task::spawn_blocking(move || render(&root, manifest)).await;
    match page {
        Ok(Ok(html)) => Html(html).into_response(),
        Ok(Err((status, message))) => (status, Html(message_page(&message))).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the report task failed").into_response(),
    }
}

fn render(root: &Path, manifest: Option<Manifest>) -> Result<String, (StatusCode, String)> {
    let unavailable = |s: String| (StatusCode::SERVICE_UNAVAILABLE, s);
    let manifest = manifest
        .ok_or_else(|| unavailable("the site has errors: fix them to see the report".into()))?;
    let config = Config::load(root).map_err(|d| unavailable(d.to_string()))?;
    let path = config.ledger_path(root);
    if !path.exists() {
        return Err((
            StatusCode::NOT_FOUND,
            format!(
                "no ledger yet at `{}`: record sent replies with `helpsite feedback ingest-mail PATH…`",
                path.display()
            ),
        ));
    }
    let ledger = Ledger::open(&path).map_err(|d| unavailable(d.to_string()))?;
    let report = report::build(
        &ledger,
        &manifest,
        report::Since::Days(super::figures::PERIOD_DAYS),
        chrono::Utc::now(),
    )
    .map_err(|d| unavailable(d.to_string()))?;
    Ok(report_html::render(&report))
}

fn message_page(message: &str) -> String {
    let mut escaped = String::new();
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, message);
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Feedback report</title>\
         <h1>Feedback report</h1><p>{escaped}</p></html>"
    )
}
