//! Indexing in chunks of whole pages: each chunk is indexed on its own (in parallel, one segment
//! each) and the chunks are merged into the one published segment.
//!
//! Chunks are also the unit of reuse between builds. A chunk's segment is kept in a
//! [`ChunkStore`] under a key that hashes everything that went into it, so a rebuild indexes only
//! the chunks whose pages changed and merges the rest from the store: merging is several times
//! cheaper than tokenising, stemming and inverting the text again.
//!
//! Chunk boundaries depend on the pages themselves (a chunk ends after a page whose URL hash
//! hits a fixed pattern), not on positions or the core count, so editing one page changes one
//! chunk, and the same docs give the same bytes on every machine. Page ordinals (the `page`
//! fast field) are part of a chunk's key: adding or removing a page re-indexes the chunks after
//! it.

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;
use tantivy::directory::RamDirectory;
use tantivy::indexer::SingleSegmentIndexWriter;
use tantivy::schema::TantivyDocument;
use tantivy::store::Compressor;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Directory, Index, IndexSettings};

use crate::analyzer;
use crate::schema::{self, EXCERPT_CHARS, Fields};
use crate::{SearchError, SectionDoc};

/// One page in this many ends a chunk (by URL hash): about 40 chunks for 10,000 pages.
const PAGES_PER_CHUNK: u64 = 256;

/// A chunk ends at the next page boundary after this many docs even without a hash hit,
/// bounding the work one edit costs.
const MAX_CHUNK_DOCS: usize = 8192;

/// Memory a chunk's writer plans for (it sizes the term table; a chunk is always one segment).
const WRITER_MEMORY: usize = 32 * 1024 * 1024;

/// Doc store block size: small blocks make each displayed result cost fewer downloaded bytes.
const DOCSTORE_BLOCK: usize = 4 * 1024;

/// Changes whenever the same docs would index differently: bump it with the schema, the
/// analyzers or the document mapping. The crate version is part of every key too.
const CHUNK_FORMAT: &str = "helpsite-search chunk 2";

/// Where indexed chunks are kept between builds, by key. Failing to store is never an error:
/// the chunk is simply indexed again next time.
pub trait ChunkStore: Sync {
    /// The bytes stored under `key`, if any.
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Stores `bytes` under `key`.
    fn put(&self, key: &str, bytes: Vec<u8>);
    /// Called once a build is done with every key it used; others may be dropped.
    fn retain(&self, _keys: &[String]) {}
}

/// A store that keeps nothing: every build indexes every chunk.
pub struct NoStore;

impl ChunkStore for NoStore {
    fn get(&self, _key: &str) -> Option<Vec<u8>> {
        None
    }
    fn put(&self, _key: &str, _bytes: Vec<u8>) {}
}

/// A store in memory, for a process that builds again and again (the preview server).
#[derive(Default)]
pub struct MemoryStore(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

impl ChunkStore for MemoryStore {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.0.lock().ok()?.get(key).cloned()
    }
    fn put(&self, key: &str, bytes: Vec<u8>) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(key.to_string(), bytes);
        }
    }
    fn retain(&self, keys: &[String]) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|k, _| keys.contains(k));
        }
    }
}

/// What `write_docs` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChunkStats {
    /// Chunks the docs were cut into.
    pub chunks: u64,
    /// Chunks taken from the store instead of being indexed.
    pub reused: u64,
}

/// A run of whole pages' docs.
pub(crate) struct Chunk {
    pub(crate) docs: Range<usize>,
    pub(crate) first_page: u64,
    pub(crate) pages: u64,
}

/// Indexes `docs` chunk by chunk (reusing what `store` holds) and merges the chunks into one
/// segment; returns the index, the number of pages and what was reused.
pub(crate) fn write_docs(
    docs: &[SectionDoc],
    store: &dyn ChunkStore,
) -> Result<(Index, u64, ChunkStats), SearchError> {
    let chunks = cut(docs);
    let pages = chunks.last().map_or(0, |c| c.first_page + c.pages);
    let built = chunks
        .par_iter()
        .map(|c| {
            let key = key(&docs[c.docs.clone()], c.first_page);
            if let Some(index) = store.get(&key).and_then(|b| thaw(&b).ok()) {
                return Ok((key, index, true));
            }
            let index = index_chunk(&docs[c.docs.clone()], c.first_page)?;
            if let Ok(bytes) = freeze(&index) {
                store.put(&key, bytes);
            }
            Ok((key, index, false))
        })
        .collect::<Result<Vec<_>, SearchError>>()?;
    let stats = ChunkStats {
        chunks: built.len() as u64,
        reused: built.iter().filter(|(_, _, reused)| *reused).count() as u64,
    };
    store.retain(&built.iter().map(|(k, _, _)| k.clone()).collect::<Vec<_>>());
    let mut parts: Vec<Index> = built.into_iter().map(|(_, index, _)| index).collect();
    let index = match parts.len() {
        0 => index_chunk(&[], 0)?,
        1 => parts.remove(0),
        _ => tantivy::indexer::merge_indices(&parts, RamDirectory::create())?,
    };
    analyzer::register(&index);
    Ok((index, pages, stats))
}

/// Cuts `docs` into chunks, only between pages.
pub(crate) fn cut(docs: &[SectionDoc]) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut page = 0u64;
    let mut close = true;
    for (i, d) in docs.iter().enumerate() {
        let new_page = i == 0 || docs[i - 1].page_url != d.page_url;
        if new_page {
            if let (false, Some(c)) = (close, out.last()) {
                close = c.docs.len() >= MAX_CHUNK_DOCS;
            }
            if close {
                out.push(Chunk {
                    docs: i..i,
                    first_page: page,
                    pages: 0,
                });
            }
            close = ends_chunk(&d.page_url);
        }
        let c = out.last_mut().expect("a chunk is open");
        c.docs.end = i + 1;
        c.pages += u64::from(new_page);
        page += u64::from(new_page);
    }
    out
}

fn ends_chunk(page_url: &str) -> bool {
    let h = blake3::hash(page_url.as_bytes());
    let n = u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"));
    n % PAGES_PER_CHUNK == 0
}

/// Hashes everything a chunk's segment is made of.
fn key(docs: &[SectionDoc], first_page: u64) -> String {
    let mut h = blake3::Hasher::new();
    let mut field = |s: &str| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(CHUNK_FORMAT);
    field(env!("CARGO_PKG_VERSION"));
    field(&first_page.to_string());
    for d in docs {
        field(&d.page_url);
        field(&d.anchor);
        field(&d.page_title);
        field(&d.trail.len().to_string());
        d.trail.iter().for_each(|t| field(t));
        field(&d.body);
        field(&d.kind);
        field(&d.section);
        field(&d.tags.len().to_string());
        d.tags.iter().for_each(|t| field(t));
        field(&d.boost.to_string());
    }
    h.finalize().to_hex()[..32].to_string()
}

/// One chunk as its own in-RAM index of one segment; page ordinals start at `first_page`.
///
/// Indexed on the calling (rayon) thread: tantivy's `IndexWriter` would start threads of its
/// own for every chunk, and each new thread's allocator arena kept its memory.
fn index_chunk(docs: &[SectionDoc], first_page: u64) -> Result<Index, SearchError> {
    let tokenizers = TokenizerManager::default();
    analyzer::register_on(&tokenizers);
    let mut writer: SingleSegmentIndexWriter<TantivyDocument> = Index::builder()
        .schema(schema::schema())
        .settings(settings())
        .tokenizers(tokenizers)
        .single_segment_index_writer(RamDirectory::create(), WRITER_MEMORY)?;
    let f = Fields::of(&schema::schema())?;
    let mut page = first_page;
    for (i, d) in docs.iter().enumerate() {
        let first_of_page = i > 0 && docs[i - 1].page_url != d.page_url;
        page += u64::from(first_of_page);
        writer.add_document(document(&f, d, page, i == 0 || first_of_page))?;
    }
    Ok(writer.finalize()?)
}

/// The settings of every index this crate writes.
pub(crate) fn settings() -> IndexSettings {
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
    doc.add_u64(f.boost, u64::from(d.boost));
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

/// A chunk's index as bytes: a little-endian u32 length, a JSON table `{file: length}`, then
/// the files (meta.json and the segment's) in table order.
fn freeze(index: &Index) -> Result<Vec<u8>, SearchError> {
    let dir = index.directory();
    let mut paths = index.load_metas()?.list_segment_files();
    paths.insert("meta.json".into());
    let mut files = BTreeMap::new();
    for path in paths {
        // Not every listed file exists (a segment without deletes has no `.del`).
        if let Ok(bytes) = dir.atomic_read(&path) {
            files.insert(path.to_string_lossy().into_owned(), bytes);
        }
    }
    let table: BTreeMap<&String, usize> = files.iter().map(|(n, b)| (n, b.len())).collect();
    let head = serde_json::to_vec(&table).map_err(|e| SearchError::Manifest(e.to_string()))?;
    let mut out = Vec::with_capacity(4 + head.len() + table.values().sum::<usize>());
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    out.extend_from_slice(&head);
    for bytes in files.values() {
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

/// The index [`freeze`] wrote, in RAM.
fn thaw(bytes: &[u8]) -> Result<Index, SearchError> {
    let bad = || SearchError::Manifest("a stored search chunk is damaged".into());
    let len_bytes: [u8; 4] = bytes
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let head_len = u32::from_le_bytes(len_bytes) as usize;
    let head = bytes.get(4..4 + head_len).ok_or_else(bad)?;
    let table: BTreeMap<String, usize> = serde_json::from_slice(head).map_err(|_| bad())?;
    let dir = RamDirectory::create();
    let mut at = 4 + head_len;
    for (name, len) in table {
        let file = bytes.get(at..at + len).ok_or_else(bad)?;
        dir.atomic_write(std::path::Path::new(&name), file)
            .map_err(|_| bad())?;
        at += len;
    }
    if at != bytes.len() {
        return Err(bad());
    }
    let index = Index::open(dir)?;
    analyzer::register(&index);
    Ok(index)
}
