//! [`Engine`]: an opened index that answers [`Query`]s, the same way in every front end.
//!
//! Opening warms everything every query needs (term dictionaries, fieldnorms, the page column,
//! the doc store's index), so what a search reads afterwards is only postings, positions and
//! doc store blocks. The publisher records the blocks opening touches as the hot set.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use crate::SearchError;
use crate::analyzer::{self, Analyzers};
use crate::directory::{BlockCache, ByteSource, FetchStats, PackDirectory};
use crate::manifest::Manifest;
use crate::schema::Fields;

/// An opened search index.
pub struct Engine {
    pub(crate) searcher: Searcher,
    pub(crate) fields: Fields,
    pub(crate) analyzers: Analyzers,
    cache: Option<Arc<BlockCache>>,
    // Keeps the searcher's segments alive for as long as the engine lives.
    _reader: IndexReader,
}

impl Engine {
    /// Opens a published index: the manifest, the hot file's bytes, and the pack to read the rest
    /// from on demand.
    pub fn open_published(
        manifest_json: &[u8],
        hot: &[u8],
        pack: impl ByteSource,
    ) -> Result<Engine, SearchError> {
        let manifest = Manifest::parse(manifest_json)?;
        if pack.len() != manifest.pack_len {
            return Err(SearchError::Manifest(format!(
                "pack is {} bytes, the manifest says {}; the files are from different builds",
                pack.len(),
                manifest.pack_len
            )));
        }
        if hot.len() as u64 != manifest.hot_len() {
            return Err(SearchError::Manifest(format!(
                "hot file is {} bytes, the manifest says {}; the files are from different builds",
                hot.len(),
                manifest.hot_len()
            )));
        }
        let cache = Arc::new(BlockCache::new(Box::new(pack), manifest.block_size));
        seed(&cache, &manifest, hot);
        let files: HashMap<PathBuf, Range<u64>> = manifest
            .files
            .iter()
            .map(|(name, [off, len])| (PathBuf::from(name), *off..off + len))
            .collect();
        let index = Index::open(PackDirectory::new(files, Arc::clone(&cache)))?;
        Engine::open_index(&index, Some(cache))
    }

    /// Opens the published index in `dir` (a site's `search/` output folder), natively.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn open_dir(dir: &std::path::Path) -> Result<Engine, SearchError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path)
                .map_err(|e| SearchError::io(format!("reading `{}`", path.display()), e))
        };
        let manifest_json = read(crate::manifest::MANIFEST_NAME)?;
        let manifest = Manifest::parse(&manifest_json)?;
        let hot = read(&manifest.hot)?;
        let pack = read(&manifest.pack)?;
        Engine::open_published(&manifest_json, &hot, pack)
    }

    /// Opens an index tantivy already holds (freshly built, in RAM).
    pub(crate) fn open_index(
        index: &Index,
        cache: Option<Arc<BlockCache>>,
    ) -> Result<Engine, SearchError> {
        analyzer::register(index);
        let fields = Fields::of(&index.schema())?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        warm(&searcher, &fields)?;
        Ok(Engine {
            searcher,
            fields,
            analyzers: Analyzers::new(),
            cache,
            _reader: reader,
        })
    }

    /// Bytes fetched from the pack since opening (beyond the hot file); zero for in-RAM indexes.
    pub fn fetch_stats(&self) -> FetchStats {
        self.cache.as_ref().map(|c| c.stats()).unwrap_or_default()
    }

    /// Number of section documents.
    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }
}

/// Hands the hot file's blocks to the cache.
fn seed(cache: &BlockCache, manifest: &Manifest, hot: &[u8]) {
    let mut at = 0usize;
    for [first, end] in &manifest.hot_blocks {
        for b in *first..*end {
            let start = b * manifest.block_size;
            let len = manifest
                .block_size
                .min(manifest.pack_len.saturating_sub(start)) as usize;
            if let Some(bytes) = hot.get(at..at + len) {
                cache.insert(b, Arc::from(bytes));
            }
            at += len;
        }
    }
}

/// Loads what every query reads, so it is paid once at open (and lands in the hot set).
fn warm(searcher: &Searcher, f: &Fields) -> Result<(), SearchError> {
    for segment in searcher.segment_readers() {
        for field in [f.title, f.trail, f.body, f.tags, f.words, f.kind, f.section] {
            segment.inverted_index(field)?;
        }
        for field in [f.title, f.trail, f.body, f.tags] {
            segment.get_fieldnorms_reader(field)?;
        }
        segment
            .fast_fields()
            .u64(searcher.schema().get_field_name(f.page))?;
    }
    Ok(())
}
