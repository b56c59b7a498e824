//! The browser's door to `helpsite-search`: a thin wasm-bindgen facade run inside a Web Worker
//! (see `themes/default/static/search/search-worker.js`).
//!
//! The worker fetches `manifest.json` and the hot file whole (compressed in transit) and opens
//! the engine deferred ([`Searcher::open`]): the engine never reads the network itself. A search
//! step either answers or names every pack range its next stage needs; the worker fetches those
//! ranges in parallel (`fetch` with `Range`), hands them over with [`Searcher::supply`] and asks
//! again: two rounds for a new query, none for one over cached bytes. Queries, steps and results
//! cross the boundary as the core's JSON (`Query`, `Step`, `Results`), the one shape every front
//! end uses, so this crate holds no search logic.

use helpsite_search::{Engine, Query};
use wasm_bindgen::prelude::*;

/// An opened index.
#[wasm_bindgen]
pub struct Searcher {
    engine: Engine,
}

#[wasm_bindgen]
impl Searcher {
    /// Opens the published index from the manifest's and the hot file's bytes; the pack is read
    /// by the caller as searches ask for it.
    pub fn open(manifest: &[u8], hot: &[u8]) -> Result<Searcher, JsError> {
        Ok(Searcher {
            engine: Engine::open_deferred(manifest, hot)?,
        })
    }

    /// One step of answering a `Query` JSON (`{"text": …, "limit": …, "section": …, "kind": …}`,
    /// missing fields take defaults): the `Step` JSON, `{"results": Results}` or
    /// `{"need": [[start, end], …]}` (pack byte ranges to [`Searcher::supply`], then ask again).
    pub fn search(&self, query_json: &str) -> Result<String, JsError> {
        let query: Query = serde_json::from_str(query_json)?;
        Ok(serde_json::to_string(&self.engine.search_step(&query))?)
    }

    /// Hands over pack bytes starting at byte `start`: one range of a `need`, or the whole pack
    /// (from 0) when the host ignores `Range`.
    pub fn supply(&self, start: f64, bytes: &[u8]) -> Result<(), JsError> {
        if !(start >= 0.0 && start.fract() == 0.0 && start < 2f64.powi(53)) {
            return Err(JsError::new(&format!(
                "pack offset `{start}` is not a whole number of bytes"
            )));
        }
        Ok(self.engine.supply(start as u64, bytes)?)
    }

    /// For a query that found nothing: the nearest words the index knows, as the `Suggestions`
    /// JSON, `{"query": "did-you-mean text" | null, "words": [{"word": "…", "nearest":
    /// ["…"]}]}`. Answers at once from the term dictionaries opening loaded: never a `need`.
    pub fn suggest(&self, text: &str) -> Result<String, JsError> {
        Ok(serde_json::to_string(&self.engine.suggest(text))?)
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
