//! The preview's ledger views in a helpsite built without the `ledger` feature: pages get no
//! banner, and `/_helpsite/feedback` says the report needs a helpsite built with it.

use std::path::Path;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::serve::publish::snapshot::Snapshot;

/// Holds no figures: there is no ledger to read them from.
#[derive(Debug, Default)]
pub struct FiguresCache;

impl FiguresCache {
    pub(crate) fn new(_root: &Path) -> FiguresCache {
        FiguresCache
    }
}

/// No banner without the ledger.
pub(crate) async fn page_banner(
    _figures: &FiguresCache,
    _site: &Arc<Snapshot>,
    _file: &str,
) -> Option<String> {
    None
}

pub(crate) async fn feedback_report() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html><meta charset=utf-8><title>No ledger</title>\
             <p>This helpsite was built without the <code>ledger</code> feature \
             (<code>cargo build --no-default-features</code>), so it has no writer report. \
             Build it with the default features to see one.</p>",
        ),
    )
        .into_response()
}
