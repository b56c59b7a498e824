//! Index building (native only, feature `write`): section docs → one tantivy segment in RAM →
//! the published files (see [`crate::manifest`]).
//!
//! 1. Add one tantivy document per [`SectionDoc`], in chunks of whole pages indexed in parallel
//!    or reused from a [`ChunkStore`] (see [`crate::chunks`]), and merge them into one segment.
//! 2. Rename the segment to a fixed id, so the same docs give the same bytes and the same hash.
//! 3. Lay the files out in one pack, hot files first, and hash it.
//! 4. Open the pack as the browser would and record the blocks opening touches; with every term
//!    dictionary (typo and prefix expansion walk them, and every query looks its words up), they
//!    are the hot set: a query then needs the network only for postings and stored text.
//! 5. A small site's whole pack becomes the hot set (see [`Layout`]): then no keystroke ever
//!    waits on the network. The hot file is published gzipped (see [`crate::hot`]).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use tantivy::{Directory, Index};

use crate::chunks::{ChunkStats, ChunkStore, NoStore, write_docs};
use crate::directory::{BlockCache, PackDirectory, runs};
use crate::engine::Engine;
use crate::hot;
use crate::manifest::{BLOCK_SIZE, FORMAT, MANIFEST_NAME, Manifest};
use crate::{SearchError, SectionDoc};

/// The segment id every published index uses (file names and meta.json), for reproducible bytes.
const FIXED_SEGMENT: &str = "00000000000000000000000000000001";

/// Pack order: what every search reads first, then what only some queries read.
const PACK_ORDER: [&str; 7] = ["json", "term", "fieldnorm", "fast", "store", "idx", "pos"];

/// A built index, ready to publish.
pub struct BuiltIndex {
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
    /// Hot file size as published, gzipped (loaded before the first result).
    pub hot_bytes: u64,
    /// Manifest size.
    pub manifest_bytes: u64,
    /// Chunks indexed and reused.
    pub chunks: ChunkStats,
}

/// How the index is laid out for the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The whole pack goes into the hot file when it gzips to at most this many bytes: the
    /// reader then downloads it with the engine, and no query ever fetches (0 turns it off).
    pub inline_pack_max: u64,
}

/// The largest gzipped pack published whole in the hot file: what a reader downloads more on
/// first focus (the pack beside a hot file of term dictionaries only), against two rounds of
/// fetches saved on every new word. 96 KiB cost 0.5 s at 1.6 Mbit/s, three or four slow-4G round
/// trips; the bundled site of 27 pages needs 76 KiB.
pub const INLINE_PACK_MAX: u64 = 96 * 1024;

impl Default for Layout {
    fn default() -> Self {
        Layout {
            inline_pack_max: INLINE_PACK_MAX,
        }
    }
}

/// Builds the index of `docs` as one segment. A page's sections must be consecutive (lead
/// first); a change of `page_url` starts the next page.
pub fn build_index(docs: &[SectionDoc]) -> Result<BuiltIndex, SearchError> {
    build_index_with(docs, &NoStore)
}

/// [`build_index`], reusing the chunks `store` kept from earlier builds and keeping the new ones
/// there (see the `chunks` module). The result is the same bytes as without a store.
pub fn build_index_with(
    docs: &[SectionDoc],
    store: &dyn ChunkStore,
) -> Result<BuiltIndex, SearchError> {
    build_index_laid_out(docs, store, Layout::default())
}

/// [`build_index_with`] with a [`Layout`] other than the default (tests, benchmarks).
pub fn build_index_laid_out(
    docs: &[SectionDoc],
    store: &dyn ChunkStore,
    layout: Layout,
) -> Result<BuiltIndex, SearchError> {
    let (index, pages, chunks) = write_docs(docs, store)?;
    let files = segment_files(&index)?;
    // Copied out: the index goes now, so a big site holds as few copies as possible at once.
    drop(index);
    let (manifest, pack, hot) = pack(files, docs.len() as u64, pages, layout)?;
    let manifest_json = serde_json::to_vec(&manifest)
        .map_err(|e| SearchError::Manifest(format!("cannot serialise: {e}")))?;
    let mut file_bytes = BTreeMap::new();
    for (name, [_, len]) in &manifest.files {
        let ext = name.rsplit('.').next().unwrap_or_default().to_string();
        *file_bytes.entry(ext).or_insert(0) += len;
    }
    let stats = IndexStats {
        docs: docs.len() as u64,
        pages,
        file_bytes,
        pack_bytes: pack.len() as u64,
        hot_bytes: hot.len() as u64,
        manifest_bytes: manifest_json.len() as u64,
        chunks,
    };
    let published = vec![
        (MANIFEST_NAME.to_string(), manifest_json),
        (manifest.hot.clone(), hot),
        (manifest.pack.clone(), pack),
    ];
    Ok(BuiltIndex { published, stats })
}

/// The index's files (meta.json and the one segment's), with the segment renamed to
/// [`FIXED_SEGMENT`].
fn segment_files(index: &Index) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let metas = index.load_metas()?;
    let dir = index.directory();
    let read = |path: &PathBuf| {
        dir.atomic_read(path).map_err(|e| {
            SearchError::io(
                format!("reading built `{}`", path.display()),
                std::io::Error::other(e),
            )
        })
    };
    let ids: Vec<String> = metas
        .segments
        .iter()
        .map(|s| s.id().uuid_string())
        .collect();
    // An empty site has no segment at all.
    // File names hold the id as 32 hex digits, meta.json as a hyphenated UUID.
    let rename = |s: &str| match ids.as_slice() {
        [id] => s
            .replace(id.as_str(), FIXED_SEGMENT)
            .replace(&hyphenated(id), &hyphenated(FIXED_SEGMENT)),
        _ => s.to_string(),
    };
    if ids.len() > 1 {
        return Err(SearchError::Manifest(format!(
            "expected one segment, found {}",
            ids.len()
        )));
    }
    let mut out = Vec::new();
    for path in metas.list_segment_files() {
        if dir.exists(&path).unwrap_or(false) {
            out.push((rename(&path.to_string_lossy()), read(&path)?));
        }
    }
    let meta = read(&PathBuf::from("meta.json"))?;
    let meta = without_payload(&rename(&String::from_utf8_lossy(&meta)))?;
    out.push(("meta.json".to_string(), meta));
    Ok(out)
}

/// meta.json without its commit payload: after a merge it names the random ids of the merged
/// chunks, which would make the same docs give different bytes.
fn without_payload(meta: &str) -> Result<Vec<u8>, SearchError> {
    let bad = |e: serde_json::Error| SearchError::Manifest(format!("built meta.json: {e}"));
    let mut value: serde_json::Value = serde_json::from_str(meta).map_err(bad)?;
    if let Some(payload) = value.get_mut("payload") {
        *payload = serde_json::Value::Null;
    }
    serde_json::to_vec_pretty(&value).map_err(bad)
}

/// `0123…` → `01234567-89ab-cdef-…`, the UUID form meta.json uses.
fn hyphenated(simple: &str) -> String {
    let cut = [0, 8, 12, 16, 20, 32];
    cut.windows(2)
        .filter_map(|w| simple.get(w[0]..w[1]))
        .collect::<Vec<_>>()
        .join("-")
}

fn pack_rank(name: &str) -> usize {
    let ext = name.rsplit('.').next().unwrap_or_default();
    PACK_ORDER
        .iter()
        .position(|e| *e == ext)
        .unwrap_or(PACK_ORDER.len())
}

/// Lays the files out in a pack and records the hot blocks; returns the manifest, the pack and
/// the hot file (gzipped).
fn pack(
    mut files: Vec<(String, Vec<u8>)>,
    docs: u64,
    pages: u64,
    layout: Layout,
) -> Result<(Manifest, Vec<u8>, Vec<u8>), SearchError> {
    files.sort_by(|a, b| {
        pack_rank(&a.0)
            .cmp(&pack_rank(&b.0))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut pack = Vec::with_capacity(files.iter().map(|(_, b)| b.len()).sum());
    let mut table = BTreeMap::new();
    for (name, bytes) in files {
        table.insert(name, [pack.len() as u64, bytes.len() as u64]);
        pack.extend_from_slice(&bytes);
    }
    let hash = blake3::hash(&pack).to_hex()[..16].to_string();
    let mut manifest = Manifest {
        format: FORMAT,
        pack: format!("index-{hash}.pack"),
        hot: format!("index-{hash}.hot"),
        hash,
        pack_len: pack.len() as u64,
        block_size: BLOCK_SIZE,
        hot_blocks: Vec::new(),
        files: table,
        docs,
        pages,
    };
    // Checked at once even when the pack is inlined: a pack the engine cannot open is a bug.
    let pack = Arc::new(pack);
    let mut hot_blocks = blocks_read_at_open(&manifest, Arc::clone(&pack))?;
    let pack = Arc::try_unwrap(pack).unwrap_or_else(|shared| (*shared).clone());
    if let Some(whole) = inlined(&pack, layout) {
        manifest.hot_blocks = vec![[0, pack.len().div_ceil(BLOCK_SIZE as usize) as u64]];
        return Ok((manifest, pack, whole));
    }
    for (name, [off, len]) in &manifest.files {
        if name.ends_with(".term") && *len > 0 {
            hot_blocks.extend(off / BLOCK_SIZE..=(off + len - 1) / BLOCK_SIZE);
        }
    }
    hot_blocks.sort_unstable();
    hot_blocks.dedup();
    manifest.hot_blocks = runs(&hot_blocks)
        .into_iter()
        .map(|r| [r.start, r.end])
        .collect();
    let mut hot = Vec::new();
    for r in manifest.hot_ranges() {
        hot.extend_from_slice(&pack[r.start as usize..r.end as usize]);
    }
    Ok((manifest, pack, hot::compress(&hot)))
}

/// The whole pack gzipped, if it is small enough to travel as the hot file.
fn inlined(pack: &[u8], layout: Layout) -> Option<Vec<u8>> {
    // A pack gzips to about two thirds (the bundled site's: 112 → 76 KiB): one four times the
    // limit is not worth compressing to find out.
    if pack.is_empty() || pack.len() as u64 > layout.inline_pack_max.saturating_mul(4) {
        return None;
    }
    let whole = hot::compress(pack);
    (whole.len() as u64 <= layout.inline_pack_max).then_some(whole)
}

/// Opens the pack as a browser would and returns the blocks that took.
fn blocks_read_at_open(manifest: &Manifest, pack: Arc<Vec<u8>>) -> Result<Vec<u64>, SearchError> {
    let cache = Arc::new(BlockCache::new(Box::new(pack), manifest.block_size));
    let files: HashMap<PathBuf, std::ops::Range<u64>> = manifest
        .files
        .iter()
        .map(|(name, [off, len])| (PathBuf::from(name), *off..off + len))
        .collect();
    let index = Index::open(PackDirectory::new(files, Arc::clone(&cache)))?;
    Engine::open_index(&index, Some(Arc::clone(&cache)))?;
    Ok(cache.cached_blocks())
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

    /// The files to publish, without copying them.
    pub fn into_published(self) -> Vec<(String, Vec<u8>)> {
        self.published
    }

    /// Opens the built index in RAM, as `open_published` does with the published files.
    pub fn engine(&self) -> Result<Engine, SearchError> {
        let file = |i: usize| self.published[i].1.as_slice();
        Engine::open_published(file(0), file(1), file(2).to_vec())
    }
}
