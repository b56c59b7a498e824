//! What the two publishing threads share with the request handlers: the snapshot being served,
//! the one lock every swap of it takes, and the hub that tells open pages. Handlers read it;
//! only [`Live::publish`] replaces the snapshot.

use arc_swap::ArcSwap;

use super::hub::Hub;
use super::snapshot::Snapshot;
use super::swap::{Published, Publisher};
use crate::serve::build::builder::Update;

#[derive(Debug, Default)]
pub struct Live {
    /// The build being served; replaced whole after each successful rebuild.
    pub site: ArcSwap<Snapshot>,
    /// Every swap of `site` goes through it (the rebuild and search index threads both swap).
    pub publisher: Publisher,
    pub hub: Hub,
}

impl Live {
    /// Swaps `update` into the served snapshot (see [`Publisher::publish`]).
    pub fn publish(&self, update: Update) -> Published {
        self.publisher.publish(&self.site, update)
    }
}
