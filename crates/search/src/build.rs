//! Index building (native only, feature `write`): section docs → one tantivy segment in RAM →
//! the published files.

use std::collections::BTreeMap;
use std::path::Path;

use tantivy::schema::TantivyDocument;
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, IndexWriter};

use crate::analyzer;
use crate::directory::runs;
use crate::engine::Engine;
use crate::manifest::{BLOCK_SIZE, FORMAT, MANIFEST_NAME, Manifest};
use crate::schema::{self, EXCERPT_CHARS, Fields};
use crate::{SearchError, SectionDoc};

/// Memory the writer may use before it flushes a segment; generous, so that a big site still
/// fits one segment before the final merge.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// Doc store block size: small blocks make each displayed result cost fewer downloaded bytes.
const DOCSTORE_BLOCK: usize = 4 * 1024;

/// A built index, ready to publish.
pub struct BuiltIndex {
    index: Index,
    published: Vec<(String, Vec<u8>)>,
    stats: IndexStats,
}

/// Sizes of a built index.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    /// Section documents.
    pub docs: u64,
    /// Pages.
    pub pages: u64,
    /// Bytes per tantivy file kind (`term`, `idx`, `pos`, `store`, `fast`, `fieldnorm`, `json`).
    pub file_bytes: BTreeMap<String, u64>,
    /// Pack size.
    pub pack_bytes: u64,
    /// Hot file size (loaded before the first result).
    pub hot_bytes: u64,
    /// Manifest size.
    pub manifest_bytes: u64,
}

/// Builds the index of `docs` (in page order: a page's sections consecutive) as one segment.
pub fn build_index(docs: &[SectionDoc]) -> Result<BuiltIndex, SearchError> {
    let _ = (
        docs,
        WRITER_MEMORY,
        DOCSTORE_BLOCK,
        EXCERPT_CHARS,
        BLOCK_SIZE,
        FORMAT,
        MANIFEST_NAME,
    );
    let index = Index::builder()
        .schema(schema::schema())
        .settings(IndexSettings {
            docstore_compression: Compressor::Lz4,
            docstore_blocksize: DOCSTORE_BLOCK,
            ..IndexSettings::default()
        })
        .create_in_ram()?;
    analyzer::register(&index);
    let _ = (Fields::of(&index.schema())?, runs(&[]), Path::new(""));
    let _: Option<IndexWriter<TantivyDocument>> = None;
    let _: Option<Manifest> = None;
    Ok(BuiltIndex {
        index,
        published: Vec::new(),
        stats: IndexStats::default(),
    })
}

impl BuiltIndex {
    /// The files to write under `search/` in the site output: `manifest.json`, the hot file and
    /// the pack (see [`crate::manifest`]).
    pub fn publish(&self) -> Vec<(String, Vec<u8>)> {
        self.published.clone()
    }

    /// Sizes of the index and of its published files.
    pub fn stats(&self) -> IndexStats {
        self.stats.clone()
    }

    /// Opens the built index in RAM (what `open_published` would give, without packing).
    pub fn engine(&self) -> Result<Engine, SearchError> {
        Engine::open_index(&self.index, None)
    }
}
