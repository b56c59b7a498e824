//! The browser's door to `helpsite-search`: a thin wasm-bindgen facade run inside a Web Worker
//! (see `themes/default/static/search/search-worker.js`).
//!
//! The worker fetches `manifest.json` and the hot file whole (compressed in transit), then
//! [`Searcher::open`] reads everything else from the pack by synchronous Range requests
//! ([`xhr::XhrSource`]). Queries and results cross the boundary as the core's JSON (`Query`,
//! `Results`), the one shape every front end uses, so this crate holds no search logic.

mod xhr;

use helpsite_search::manifest::Manifest;
use helpsite_search::{Engine, Query};
use wasm_bindgen::prelude::*;

/// An opened index.
#[wasm_bindgen]
pub struct Searcher {
    engine: Engine,
}

#[wasm_bindgen]
impl Searcher {
    /// Opens the published index: the manifest's bytes, the hot file's bytes, and the absolute
    /// URL of the folder holding them (the pack is read from there by range).
    pub fn open(manifest: &[u8], hot: &[u8], index_url: &str) -> Result<Searcher, JsError> {
        let parsed = Manifest::parse(manifest)?;
        let pack_url = format!("{}/{}", index_url.trim_end_matches('/'), parsed.pack);
        let pack = xhr::XhrSource::new(pack_url, parsed.pack_len);
        Ok(Searcher {
            engine: Engine::open_published(manifest, hot, pack)?,
        })
    }

    /// Answers a `Query` JSON (`{"text": …, "limit": …, "section": …, "kind": …}`, missing
    /// fields take defaults) with the `Results` JSON.
    pub fn search(&self, query_json: &str) -> Result<String, JsError> {
        let query: Query = serde_json::from_str(query_json)?;
        Ok(serde_json::to_string(&self.engine.search(&query))?)
    }

    /// `{"docs": N, "fetched_bytes": N, "fetches": N}`: pack traffic since opening.
    pub fn stats(&self) -> String {
        let s = self.engine.fetch_stats();
        format!(
            r#"{{"docs":{},"fetched_bytes":{},"fetches":{}}}"#,
            self.engine.num_docs(),
            s.bytes,
            s.reads
        )
    }
}
