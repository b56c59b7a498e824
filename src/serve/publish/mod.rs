//! Getting builds to open pages: the rebuild and search index threads, the swap of the served snapshot, and the messages about failures.

pub(crate) mod failure;
pub(crate) mod hub;
pub(crate) mod indexer;
pub(crate) mod live;
pub(crate) mod overlay;
pub(crate) mod rebuild;
pub(crate) mod snapshot;
pub(crate) mod swap;
