//! The crate's one error type: what went wrong opening, building or publishing an index.
//!
//! Searching itself never fails (bad input gives empty results), so only the build and open
//! paths return it.

use std::io;

/// An error while building, publishing or opening a search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy refused an operation (corrupt or incompatible index files, a failed write).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Reading index bytes failed (a missing file, a failed range read).
    #[error("search index: {context}")]
    Io {
        /// What was being read, with the path or range.
        context: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The manifest is not what this version of helpsite writes.
    #[error("search manifest: {0}")]
    Manifest(String),
}

impl SearchError {
    #[cfg(any(feature = "write", not(target_arch = "wasm32")))]
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        SearchError::Io {
            context: context.into(),
            source,
        }
    }
}
