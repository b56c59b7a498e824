//! [`Engine`]: an opened index that answers [`Query`]s, the same way in every front end.
//!
//! Opening warms everything every query needs (term dictionaries, fieldnorms, the page column,
//! the doc store's index), so what a search reads afterwards is only postings, positions and
//! doc store blocks. The publisher records the blocks opening touches, plus every term
//! dictionary (typo and prefix expansion walk them), as the hot set.
//!
//! An engine reads the rest of the pack either through a [`ByteSource`] at once
//! ([`Engine::open_published`], natively) or deferred ([`Engine::open_deferred`], the browser):
//! then [`Engine::search_step`] answers with the pack ranges it still needs, all of one stage at
//! once, which the caller fetches in parallel and hands over with [`Engine::supply`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use crate::SearchError;
use crate::analyzer;
use crate::directory::{BlockCache, ByteSource, FetchStats, PackDirectory};
use crate::manifest::Manifest;
use crate::schema::Fields;
use crate::search::Tools;
use crate::synonyms::Synonyms;

/// An opened search index.
pub struct Engine {
    pub(crate) searcher: Searcher,
    pub(crate) fields: Fields,
    /// Taken by a search and put back after, with the stems it learnt; a search that finds them
    /// taken (another thread is searching) makes its own.
    tools: Mutex<Option<Tools>>,
    /// A deferred search stopped for stored text: resumed from here when asked again.
    pub(crate) scored: Mutex<Option<crate::search::Scored>>,
    cache: Option<Arc<BlockCache>>,
    /// The site's synonyms, from the manifest (see [`crate::synonyms`]).
    pub(crate) synonyms: Synonyms,
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
        let cache = BlockCache::new(Box::new(pack), manifest.block_size);
        let mut engine = Engine::open_cached(&manifest, hot, cache)?;
        engine.synonyms = Synonyms::from_manifest(manifest_json)?;
        Ok(engine)
    }

    /// Opens a published index whose pack is fetched by the caller: the manifest and the hot
    /// file's bytes now, the rest as [`Engine::search_step`] asks for it (see
    /// [`Engine::supply`]). [`Engine::search`] on such an engine answers only from bytes already
    /// supplied.
    pub fn open_deferred(manifest_json: &[u8], hot: &[u8]) -> Result<Engine, SearchError> {
        let manifest = Manifest::parse(manifest_json)?;
        let cache = BlockCache::deferred(manifest.pack_len, manifest.block_size);
        let mut engine = Engine::open_cached(&manifest, hot, cache)?;
        engine.synonyms = Synonyms::from_manifest(manifest_json)?;
        Ok(engine)
    }

    fn open_cached(
        manifest: &Manifest,
        hot: &[u8],
        cache: BlockCache,
    ) -> Result<Engine, SearchError> {
        let hot = crate::hot::raw(hot)?;
        if hot.len() as u64 != manifest.hot_len() {
            return Err(SearchError::Manifest(format!(
                "hot file is {} bytes, the manifest says {}; the files are from different builds",
                hot.len(),
                manifest.hot_len()
            )));
        }
        let cache = Arc::new(cache);
        seed(&cache, manifest, &hot);
        let files: HashMap<PathBuf, Range<u64>> = manifest
            .files
            .iter()
            .map(|(name, [off, len])| (PathBuf::from(name), *off..off + len))
            .collect();
        let engine = Index::open(PackDirectory::new(files, Arc::clone(&cache)))
            .map_err(SearchError::from)
            .and_then(|index| Engine::open_index(&index, Some(Arc::clone(&cache))));
        if cache.is_deferred() && !cache.take_wanted().is_empty() {
            return Err(SearchError::Manifest(
                "the hot file lacks bytes the engine reads at open; the files are from different builds"
                    .into(),
            ));
        }
        engine
    }

    /// Hands over pack bytes a deferred engine asked for: `bytes` is the pack from `start` on,
    /// one range of a [`crate::Step::Need`] (or any whole blocks, e.g. the entire pack).
    pub fn supply(&self, start: u64, bytes: &[u8]) -> Result<(), SearchError> {
        let cache = self
            .cache
            .as_ref()
            .ok_or_else(|| SearchError::Manifest("this index was not opened from a pack".into()))?;
        cache.supply(start, bytes).map_err(|e| SearchError::Io {
            context: format!("supplying pack bytes from `{start}`"),
            source: e,
        })
    }

    /// The pack ranges deferred reads missed since the last call (see [`crate::Step`]).
    pub(crate) fn take_wanted(&self) -> Vec<Range<u64>> {
        self.cache
            .as_ref()
            .map(|c| c.take_wanted())
            .unwrap_or_default()
    }

    /// The analyzers and marker for one search; give them back with [`Engine::put_tools`].
    pub(crate) fn take_tools(&self) -> Tools {
        lock(&self.tools).take().unwrap_or_else(Tools::new)
    }

    pub(crate) fn put_tools(&self, tools: Tools) {
        *lock(&self.tools) = Some(tools);
    }

    /// Whether pack reads are deferred to the caller.
    pub(crate) fn is_deferred(&self) -> bool {
        self.cache.as_ref().is_some_and(|c| c.is_deferred())
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
            tools: Mutex::new(Some(Tools::new())),
            scored: Mutex::new(None),
            cache,
            synonyms: Synonyms::default(),
            _reader: reader,
        })
    }

    /// Bytes fetched from (or supplied for) the pack since opening, beyond the hot file; zero for
    /// in-RAM indexes.
    pub fn fetch_stats(&self) -> FetchStats {
        self.cache.as_ref().map(|c| c.stats()).unwrap_or_default()
    }

    /// Number of section documents.
    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }
}

/// Locks `m`; a panic while holding it leaves nothing half-written worth refusing.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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
