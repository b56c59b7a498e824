//! What request handlers share: the current snapshot and the live-reload hub.

use arc_swap::ArcSwap;

use super::api::EngineCache;
use super::events::Hub;
use super::figures::FiguresCache;
use super::snapshot::Snapshot;

#[derive(Debug, Default)]
pub struct AppState {
    /// The build being served; replaced whole after each successful rebuild.
    pub site: ArcSwap<Snapshot>,
    pub hub: Hub,
    /// The site root (for `site.yaml` and the ledger it names).
    pub root: std::path::PathBuf,
    /// The search engine over the snapshot's index, for `/api/search`.
    pub search: EngineCache,
    /// The ledger's per-page figures, for the preview banner.
    pub figures: FiguresCache,
}
