//! What request handlers and the two publishing threads share: the current snapshot, the lock
//! its swaps take, and the live-reload hub.

use arc_swap::ArcSwap;

use super::api::EngineCache;
use super::events::Hub;
use crate::serve::ledger::figures::FiguresCache;
use crate::serve::publish::snapshot::Snapshot;
use crate::serve::publish::swap::Publisher;

#[derive(Debug, Default)]
pub struct AppState {
    /// The build being served; replaced whole after each successful rebuild.
    pub site: ArcSwap<Snapshot>,
    /// Every swap of `site` goes through it (the rebuild and search index threads both swap).
    pub publisher: Publisher,
    pub hub: Hub,
    /// The site root (for `site.yaml` and the ledger it names).
    pub root: std::path::PathBuf,
    /// The search engine over the snapshot's index, for `/api/search`.
    pub search: EngineCache,
    /// The ledger's per-page figures, for the preview banner.
    pub figures: FiguresCache,
}

impl AppState {
    /// Swaps `update` into the served snapshot (see [`Publisher::publish`]).
    pub fn publish(
        &self,
        update: crate::serve::build::builder::Update,
    ) -> crate::serve::publish::swap::Published {
        self.publisher.publish(&self.site, update)
    }
}
