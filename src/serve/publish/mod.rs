//! Getting builds to open pages: the rebuild and search index threads, the swap of the served snapshot, and the messages about failures.

pub mod failure;
pub mod hub;
pub mod indexer;
pub mod live;
pub mod overlay;
pub mod rebuild;
pub mod snapshot;
pub mod swap;
