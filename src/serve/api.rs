//! `GET /api/search?q=…`: the preview server's search endpoint.
//!
//! It answers with the same engine and JSON shape (`helpsite_search::Results`) as the browser
//! search. Until the engine lands it says so with 501.
// TODO(#3): open `helpsite_search::Engine::open_published` over the snapshot's `search/` files
// after each rebuild (kept in `AppState`), and answer with `Json(engine.search(&query))`.

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
}

pub async fn search(Query(params): Query<SearchParams>) -> Response {
    let body = json!({
        "error": "search is not available in the preview server yet",
        "query": params.q,
    });
    (StatusCode::NOT_IMPLEMENTED, Json(body)).into_response()
}
