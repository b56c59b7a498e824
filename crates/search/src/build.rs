//! Index building (native only, feature `write`): section docs → one tantivy segment in RAM →
//! the published files (see [`crate::manifest`]).
//!
//! 1. Add one tantivy document per [`SectionDoc`], in chunks of whole pages indexed in parallel
//!    (one segment each), and merge the chunks into one segment.
//! 2. Rename the segment to a fixed id, so the same docs give the same bytes and the same hash.
//! 3. Lay the files out in one pack, hot files first, and hash it.
//! 4. Open the pack as the browser would and record the blocks opening touches: the hot set.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tantivy::directory::RamDirectory;
use tantivy::schema::TantivyDocument;
use tantivy::store::Compressor;
use tantivy::{Directory, Index, IndexSettings, IndexWriter};

use crate::analyzer;
use crate::directory::{BlockCache, PackDirectory, runs};
use crate::engine::Engine;
use crate::manifest::{BLOCK_SIZE, FORMAT, MANIFEST_NAME, Manifest};
use crate::schema::{self, EXCERPT_CHARS, Fields};
use crate::{SearchError, SectionDoc};

/// Memory a chunk's writer may use before it flushes a segment: more than a chunk needs, so a
/// chunk is always one segment.
const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// Doc store block size: small blocks make each displayed result cost fewer downloaded bytes.
const DOCSTORE_BLOCK: usize = 4 * 1024;

/// The segment id every published index uses (file names and meta.json), for reproducible bytes.
const FIXED_SEGMENT: &str = "00000000000000000000000000000001";

/// Pack order: what every search reads first, then what only some queries read.
const PACK_ORDER: [&str; 7] = ["json", "term", "fieldnorm", "fast", "store", "idx", "pos"];

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

/// Builds the index of `docs` as one segment. A page's sections must be consecutive (lead
/// first); a change of `page_url` starts the next page.
pub fn build_index(docs: &[SectionDoc]) -> Result<BuiltIndex, SearchError> {
    let (index, pages) = write_docs(docs)?;
    let files = segment_files(&index)?;
    let (manifest, pack, hot) = pack(files, docs.len() as u64, pages)?;
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
    };
    let published = vec![
        (MANIFEST_NAME.to_string(), manifest_json),
        (manifest.hot.clone(), hot),
        (manifest.pack.clone(), pack),
    ];
    Ok(BuiltIndex {
        index,
        published,
        stats,
    })
}

/// Section docs per indexing chunk: chunks are indexed in parallel, one segment each, then
/// merged. A fixed size (not the core count) keeps the published bytes the same on every machine.
const CHUNK_DOCS: usize = 4096;

/// Indexes the docs in chunks, in parallel, and merges them into one segment; returns the
/// index and the number of pages.
fn write_docs(docs: &[SectionDoc]) -> Result<(Index, u64), SearchError> {
    let chunks = chunks(docs);
    let pages = chunks.last().map_or(0, |c| c.first_page + c.pages);
    let parts = chunks
        .par_iter()
        .map(|c| index_chunk(&docs[c.docs.clone()], c.first_page))
        .collect::<Result<Vec<Index>, SearchError>>()?;
    let index = match parts.len() {
        0 => index_chunk(&[], 0)?,
        1 => parts.into_iter().next().expect("one part"),
        _ => tantivy::indexer::merge_indices(&parts, RamDirectory::create())?,
    };
    analyzer::register(&index);
    Ok((index, pages))
}

/// A run of whole pages' docs.
struct Chunk {
    docs: std::ops::Range<usize>,
    first_page: u64,
    pages: u64,
}

/// Cuts `docs` into runs of about [`CHUNK_DOCS`], only between pages.
fn chunks(docs: &[SectionDoc]) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut page = 0u64;
    for (i, d) in docs.iter().enumerate() {
        let new_page = i == 0 || docs[i - 1].page_url != d.page_url;
        let open = out
            .last_mut()
            .filter(|c| !(new_page && c.docs.len() >= CHUNK_DOCS));
        match open {
            Some(c) => {
                c.docs.end = i + 1;
                c.pages += u64::from(new_page);
            }
            None => out.push(Chunk {
                docs: i..i + 1,
                first_page: page,
                pages: 1,
            }),
        }
        page += u64::from(new_page);
    }
    out
}

/// One chunk as its own in-RAM index of one segment; page ordinals start at `first_page`.
fn index_chunk(docs: &[SectionDoc], first_page: u64) -> Result<Index, SearchError> {
    let index = Index::builder()
        .schema(schema::schema())
        .settings(settings())
        .create_in_ram()?;
    analyzer::register(&index);
    let f = Fields::of(&index.schema())?;
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(1, WRITER_MEMORY)?;
    let mut page = first_page;
    for (i, d) in docs.iter().enumerate() {
        let first_of_page = i > 0 && docs[i - 1].page_url != d.page_url;
        page += u64::from(first_of_page);
        writer.add_document(document(&f, d, page, i == 0 || first_of_page))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(index)
}

fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Lz4,
        docstore_blocksize: DOCSTORE_BLOCK,
        ..IndexSettings::default()
    }
}

fn document(f: &Fields, d: &SectionDoc, page: u64, first_of_page: bool) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.title, &d.page_title);
    doc.add_text(f.words, &d.page_title);
    for t in &d.trail {
        doc.add_text(f.trail, t);
        doc.add_text(f.words, t);
    }
    doc.add_text(f.body, &d.body);
    doc.add_text(f.words, &d.body);
    // Tags describe the page, so only its first section carries them: the page still matches,
    // and the other sections don't all tie on them.
    if first_of_page {
        for t in &d.tags {
            doc.add_text(f.tags, t);
            doc.add_text(f.words, t);
        }
    }
    doc.add_text(f.kind, &d.kind);
    doc.add_text(f.section, &d.section);
    doc.add_u64(f.page, page);
    doc.add_text(f.url, &d.page_url);
    doc.add_text(f.anchor, &d.anchor);
    doc.add_text(f.excerpt, excerpt(&d.body));
    doc
}

/// The body cut to [`EXCERPT_CHARS`] at a char boundary.
fn excerpt(body: &str) -> &str {
    match body.char_indices().nth(EXCERPT_CHARS) {
        Some((at, _)) => &body[..at],
        None => body,
    }
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

/// Lays the files out in a pack and records the hot blocks.
fn pack(
    mut files: Vec<(String, Vec<u8>)>,
    docs: u64,
    pages: u64,
) -> Result<(Manifest, Vec<u8>, Vec<u8>), SearchError> {
    files.sort_by(|a, b| {
        pack_rank(&a.0)
            .cmp(&pack_rank(&b.0))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut pack = Vec::new();
    let mut table = BTreeMap::new();
    for (name, bytes) in &files {
        table.insert(name.clone(), [pack.len() as u64, bytes.len() as u64]);
        pack.extend_from_slice(bytes);
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
    let hot_blocks = blocks_read_at_open(&manifest, &pack)?;
    manifest.hot_blocks = runs(&hot_blocks)
        .into_iter()
        .map(|r| [r.start, r.end])
        .collect();
    let mut hot = Vec::new();
    for r in manifest.hot_ranges() {
        hot.extend_from_slice(&pack[r.start as usize..r.end as usize]);
    }
    Ok((manifest, pack, hot))
}

/// Opens the pack as a browser would and returns the blocks that took.
fn blocks_read_at_open(manifest: &Manifest, pack: &[u8]) -> Result<Vec<u64>, SearchError> {
    let cache = Arc::new(BlockCache::new(
        Box::new(pack.to_vec()),
        manifest.block_size,
    ));
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

    /// Opens the built index in RAM (what `open_published` gives, without packing).
    pub fn engine(&self) -> Result<Engine, SearchError> {
        Engine::open_index(&self.index, None)
    }
}
