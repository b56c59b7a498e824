//! `GET /api/search?q=…[&limit=N][&section=S][&kind=K]`: the preview server's search endpoint.
//!
//! It answers with the same engine and JSON shape (`helpsite_search::Results`) as the browser
//! search and `helpsite search --json`, over the index files of the snapshot being served, so
//! it always searches what the writer sees. The engine is opened once per published index (its
//! manifest names the content hash) and reused until a rebuild publishes another.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use helpsite_search::Engine;
use helpsite_search::manifest::{MANIFEST_NAME, Manifest};
use serde::Deserialize;
use serde_json::json;

use crate::serve::publish::live::Live;

#[derive(Debug, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub limit: Option<usize>,
    pub section: Option<String>,
    pub kind: Option<String>,
}

/// The engine of the last index searched, keyed by its manifest bytes.
#[derive(Default)]
pub struct EngineCache(Mutex<Option<(axum::body::Bytes, Arc<Engine>)>>);

impl std::fmt::Debug for EngineCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EngineCache")
    }
}

pub(crate) async fn search(
    State(live): State<Arc<Live>>,
    State(cache): State<Arc<EngineCache>>,
    Query(params): Query<SearchParams>,
) -> Response {
    let engine = match engine(&live, &cache) {
        Ok(engine) => engine,
        Err((status, message)) => {
            return (status, Json(json!({ "error": message, "query": params.q }))).into_response();
        }
    };
    let query = helpsite_search::Query {
        text: params.q,
        limit: params.limit.unwrap_or(10).clamp(1, 50),
        section: params.section.filter(|s| !s.is_empty()),
        kind: params.kind.filter(|k| !k.is_empty()),
    };
    Json(engine.search(&query)).into_response()
}

fn engine(live: &Live, cache: &EngineCache) -> Result<Arc<Engine>, (StatusCode, String)> {
    let site = live.site.load_full();
    let file = |name: &str| site.get(&format!("search/{name}")).map(|e| e.body.clone());
    let manifest_json = file(MANIFEST_NAME).ok_or((
        StatusCode::NOT_FOUND,
        "this site has no search index (search is off in `site.yaml`, or the build has errors)"
            .to_string(),
    ))?;
    let mut cache = cache.0.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((key, engine)) = cache.as_ref()
        && *key == manifest_json
    {
        return Ok(engine.clone());
    }
    let broken = |e: String| (StatusCode::INTERNAL_SERVER_ERROR, e);
    let manifest = Manifest::parse(&manifest_json).map_err(|e| broken(e.to_string()))?;
    let (hot, pack) = match (file(&manifest.hot), file(&manifest.pack)) {
        (Some(hot), Some(pack)) => (hot, pack),
        _ => {
            return Err(broken(
                "the search index files named by its manifest are missing".into(),
            ));
        }
    };
    let engine = Engine::open_published(&manifest_json, &hot, pack.to_vec())
        .map(Arc::new)
        .map_err(|e| broken(e.to_string()))?;
    *cache = Some((manifest_json, engine.clone()));
    Ok(engine)
}
