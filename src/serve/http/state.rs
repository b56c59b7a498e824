//! The router's state: each handler takes only the part it uses (axum's `FromRef`), so no
//! handler module depends on this one.

use std::path::Path;
use std::sync::Arc;

use axum::extract::FromRef;

use super::api::EngineCache;
use crate::serve::ledger::FiguresCache;
use crate::serve::publish::live::Live;

#[derive(Debug, Clone)]
pub struct AppState {
    /// The snapshot being served and the live-reload hub.
    pub live: Arc<Live>,
    /// The site root (for `site.yaml` and the ledger it names).
    pub root: Arc<Path>,
    /// The search engine over the snapshot's index, for `/api/search`.
    pub search: Arc<EngineCache>,
    /// The ledger's per-page figures, for the preview banner.
    pub figures: Arc<FiguresCache>,
}

impl AppState {
    /// The state of a server for the site at `root` that publishes into `live`.
    pub fn new(live: Arc<Live>, root: &Path) -> AppState {
        AppState {
            live,
            root: root.into(),
            search: Arc::default(),
            figures: Arc::new(FiguresCache::new(root)),
        }
    }
}

impl FromRef<AppState> for Arc<Live> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.live)
    }
}

impl FromRef<AppState> for Arc<Path> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.root)
    }
}

impl FromRef<AppState> for Arc<EngineCache> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.search)
    }
}

impl FromRef<AppState> for Arc<FiguresCache> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.figures)
    }
}
