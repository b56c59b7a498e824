//! helpsite's search core: one tantivy index per site, one document per page section, and the
//! one query path every front end uses (the browser through WebAssembly, `helpsite search`, the
//! preview server).
//!
//! The crate builds natively and for `wasm32-unknown-unknown`. Index writing (feature `write`)
//! is native only; reading needs no threads, no mmap and no file system: a published index is
//! read through a [`ByteSource`], whole bytes in memory or HTTP range requests.

mod analyzer;
#[cfg(feature = "write")]
mod build;
mod collect;
mod directory;
mod doc;
mod engine;
mod error;
pub mod manifest;
mod plan;
mod query;
mod results;
mod schema;
mod search;
mod snippet;

#[cfg(feature = "write")]
pub use build::{BuiltIndex, IndexStats, build_index};
pub use directory::{ByteSource, FetchStats};
pub use doc::SectionDoc;
pub use engine::Engine;
pub use error::SearchError;
pub use results::{PageHit, Query, Results, SubHit};
pub use schema::EXCERPT_CHARS;

#[cfg(all(test, feature = "write"))]
mod tests;
