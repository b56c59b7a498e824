//! A read-only tantivy [`Directory`] over one published pack, read through a block cache.
//!
//! The published index is one pack file holding every tantivy file back to back (see
//! [`crate::manifest`]). tantivy asks for many small slices (a term's postings, a doc store
//! block); the cache rounds each miss up to whole aligned blocks and keeps every block it gets,
//! so nothing is fetched twice. Misses are filled one of two ways:
//! - from a [`ByteSource`] at once (natively: whole bytes in memory), or
//! - deferred (the browser): a miss fails the read and is recorded as *wanted*; the search
//!   reports all wanted blocks at once (see [`crate::Step`]), the caller fetches them in parallel
//!   and hands them over with [`BlockCache::supply`], and the search runs again. tantivy's read
//!   path is synchronous, so this is how the browser's asynchronous, parallel fetches reach it.
//!
//! No threads, no mmap, no file system: this compiles for wasm32.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};

/// Where index bytes come from when the engine reads them itself: whole files in memory (native,
/// tests, preview server), or any synchronous ranged reader. (The browser reads asynchronously
/// instead: see [`crate::Engine::open_deferred`].)
pub trait ByteSource: Send + Sync + 'static {
    /// Total length in bytes.
    fn len(&self) -> u64;
    /// Whether the source holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Reads exactly `range`, which lies within `0..len()`.
    fn read(&self, range: Range<u64>) -> io::Result<Vec<u8>>;
}

impl ByteSource for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read(&self, range: Range<u64>) -> io::Result<Vec<u8>> {
        slice_of(self, range)
    }
}

impl ByteSource for Arc<Vec<u8>> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read(&self, range: Range<u64>) -> io::Result<Vec<u8>> {
        slice_of(self, range)
    }
}

impl ByteSource for Arc<[u8]> {
    fn len(&self) -> u64 {
        (**self).len() as u64
    }
    fn read(&self, range: Range<u64>) -> io::Result<Vec<u8>> {
        slice_of(self, range)
    }
}

fn slice_of(bytes: &[u8], range: Range<u64>) -> io::Result<Vec<u8>> {
    let (Ok(start), Ok(end)) = (usize::try_from(range.start), usize::try_from(range.end)) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "range out of bounds",
        ));
    };
    bytes
        .get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "range out of bounds"))
}

/// How many bytes of the pack the cache fetched (or was supplied), and in how many reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FetchStats {
    /// Bytes read from the source (hot bytes handed over at open are not counted).
    pub bytes: u64,
    /// Number of source reads (supplies, when deferred).
    pub reads: u64,
}

/// Missing blocks at most this many apart are fetched in one range: a request saved is worth
/// more than the few kilobytes between.
const MERGE_GAP_BLOCKS: u64 = 2;

/// Aligned blocks of the pack, fetched on demand and kept (an index session touches a small,
/// bounded part of the pack, so nothing is evicted).
pub(crate) struct BlockCache {
    fill: Fill,
    len: u64,
    block_size: u64,
    state: Mutex<CacheState>,
}

/// Where the bytes of a missing block come from.
enum Fill {
    /// Read at once from the source.
    Source(Box<dyn ByteSource>),
    /// Recorded as wanted; the caller supplies them later.
    Deferred,
}

#[derive(Default)]
struct CacheState {
    blocks: HashMap<u64, Arc<[u8]>>,
    wanted: BTreeSet<u64>,
    stats: FetchStats,
}

impl BlockCache {
    /// A cache filled from `source` as reads miss.
    pub(crate) fn new(source: Box<dyn ByteSource>, block_size: u64) -> Self {
        BlockCache {
            len: source.len(),
            fill: Fill::Source(source),
            block_size: block_size.max(1),
            state: Mutex::default(),
        }
    }

    /// A cache over a pack of `len` bytes whose misses are recorded, not read: see
    /// [`BlockCache::take_wanted`] and [`BlockCache::supply`].
    pub(crate) fn deferred(len: u64, block_size: u64) -> Self {
        BlockCache {
            len,
            fill: Fill::Deferred,
            block_size: block_size.max(1),
            state: Mutex::default(),
        }
    }

    /// Whether misses are recorded rather than read.
    pub(crate) fn is_deferred(&self) -> bool {
        matches!(self.fill, Fill::Deferred)
    }

    /// Seeds the cache with blocks the caller already holds (the hot file).
    pub(crate) fn insert(&self, block: u64, bytes: Arc<[u8]>) {
        self.lock().blocks.insert(block, bytes);
    }

    pub(crate) fn stats(&self) -> FetchStats {
        self.lock().stats
    }

    /// Every block read so far, whether seeded or fetched, sorted.
    #[cfg(feature = "write")]
    pub(crate) fn cached_blocks(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.lock().blocks.keys().copied().collect();
        v.sort_unstable();
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // A panic while holding the lock leaves the map consistent (inserts are atomic).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The byte ranges of the blocks deferred reads missed since the last call, block-aligned,
    /// sorted, nearby runs merged; empties the list.
    pub(crate) fn take_wanted(&self) -> Vec<Range<u64>> {
        let wanted: Vec<u64> = std::mem::take(&mut self.lock().wanted)
            .into_iter()
            .collect();
        let mut out: Vec<Range<u64>> = Vec::new();
        for run in runs(&wanted) {
            match out.last_mut() {
                Some(last) if run.start - last.end <= MERGE_GAP_BLOCKS => last.end = run.end,
                _ => out.push(run),
            }
        }
        out.into_iter()
            .map(|r| r.start * self.block_size..(r.end * self.block_size).min(self.len))
            .collect()
    }

    /// Hands over pack bytes fetched for a deferred cache: `bytes` starts at `start`, which lies
    /// on a block boundary, and holds whole blocks (the last block of the pack may be short).
    pub(crate) fn supply(&self, start: u64, bytes: &[u8]) -> io::Result<()> {
        let end = start + bytes.len() as u64;
        if !start.is_multiple_of(self.block_size)
            || end > self.len
            || (!end.is_multiple_of(self.block_size) && end != self.len)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "bytes `{start}..{end}` are not whole {}-byte blocks of the {}-byte pack",
                    self.block_size, self.len
                ),
            ));
        }
        let mut state = self.lock();
        state.stats.bytes += bytes.len() as u64;
        state.stats.reads += 1;
        for (i, chunk) in bytes.chunks(self.block_size as usize).enumerate() {
            let b = start / self.block_size + i as u64;
            state.blocks.entry(b).or_insert_with(|| Arc::from(chunk));
        }
        Ok(())
    }

    /// Reads `range` of the pack, fetching missing blocks in runs (or, deferred, recording them
    /// and failing).
    pub(crate) fn read(&self, range: Range<u64>) -> io::Result<Vec<u8>> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("read {range:?} beyond the pack's {} bytes", self.len),
            ));
        }
        if range.is_empty() {
            return Ok(Vec::new());
        }
        let first = range.start / self.block_size;
        let last = (range.end - 1) / self.block_size;
        self.fetch_missing(first..=last)?;
        let state = self.lock();
        let mut out = Vec::with_capacity((range.end - range.start) as usize);
        for b in first..=last {
            let block = state
                .blocks
                .get(&b)
                .ok_or_else(|| io::Error::other("block vanished"))?;
            let block_start = b * self.block_size;
            let from = range.start.max(block_start) - block_start;
            let to = range.end.min(block_start + <[u8]>::len(block) as u64) - block_start;
            out.extend_from_slice(&block[from as usize..to as usize]);
        }
        Ok(out)
    }

    fn fetch_missing(&self, blocks: std::ops::RangeInclusive<u64>) -> io::Result<()> {
        let missing: Vec<u64> = {
            let mut state = self.lock();
            let missing: Vec<u64> = blocks.filter(|b| !state.blocks.contains_key(b)).collect();
            if let Fill::Deferred = self.fill
                && !missing.is_empty()
            {
                state.wanted.extend(&missing);
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "pack bytes not fetched yet",
                ));
            }
            missing
        };
        let Fill::Source(source) = &self.fill else {
            return Ok(());
        };
        for run in runs(&missing) {
            let start = run.start * self.block_size;
            let end = (run.end * self.block_size).min(self.len);
            let bytes = source.read(start..end)?;
            if bytes.len() as u64 != end - start {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("asked for bytes {start}..{end}, got {}", bytes.len()),
                ));
            }
            let mut state = self.lock();
            state.stats.bytes += bytes.len() as u64;
            state.stats.reads += 1;
            for (i, chunk) in bytes.chunks(self.block_size as usize).enumerate() {
                let b = run.start + i as u64;
                state.blocks.insert(b, Arc::from(chunk));
            }
        }
        Ok(())
    }
}

/// Splits sorted block numbers into runs of consecutive blocks.
pub(crate) fn runs(blocks: &[u64]) -> Vec<Range<u64>> {
    let mut out: Vec<Range<u64>> = Vec::new();
    for &b in blocks {
        match out.last_mut() {
            Some(r) if r.end == b => r.end = b + 1,
            _ => out.push(b..b + 1),
        }
    }
    out
}

/// The tantivy files of a pack: path → byte range in the pack.
#[derive(Clone)]
pub(crate) struct PackDirectory {
    files: Arc<HashMap<PathBuf, Range<u64>>>,
    cache: Arc<BlockCache>,
}

impl PackDirectory {
    pub(crate) fn new(files: HashMap<PathBuf, Range<u64>>, cache: Arc<BlockCache>) -> Self {
        PackDirectory {
            files: Arc::new(files),
            cache,
        }
    }
}

impl fmt::Debug for PackDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackDirectory({} files)", self.files.len())
    }
}

struct PackFile {
    range: Range<u64>,
    cache: Arc<BlockCache>,
}

impl fmt::Debug for PackFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackFile({:?})", self.range)
    }
}

impl HasLen for PackFile {
    fn len(&self) -> usize {
        (self.range.end - self.range.start) as usize
    }
}

impl FileHandle for PackFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        let start = self.range.start + range.start as u64;
        let end = self.range.start + range.end as u64;
        if end > self.range.end {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "read past end of file",
            ));
        }
        Ok(OwnedBytes::new(self.cache.read(start..end)?))
    }
}

fn read_only(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "published search index is read-only (writing `{}`)",
            path.display()
        ),
    )
}

impl Directory for PackDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let range = self
            .files
            .get(path)
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))?;
        Ok(Arc::new(PackFile {
            range: range.clone(),
            cache: Arc::clone(&self.cache),
        }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.files.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let range = self
            .files
            .get(path)
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))?;
        self.cache
            .read(range.clone())
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        // Readers take the meta lock while loading meta.json; nothing ever writes a pack, so
        // there is nothing to exclude.
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        // The pack never changes; a new build publishes a new pack under a new name.
        Ok(WatchHandle::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_join_consecutive_blocks() {
        assert_eq!(runs(&[1, 2, 3, 7, 9, 10]), vec![1..4, 7..8, 9..11]);
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn cache_coalesces_and_never_refetches() {
        let data: Vec<u8> = (0..100u8).collect();
        let cache = BlockCache::new(Box::new(data), 16);
        assert_eq!(cache.read(10..40).unwrap(), (10..40u8).collect::<Vec<_>>());
        assert_eq!(
            cache.stats(),
            FetchStats {
                bytes: 48,
                reads: 1
            }
        );
        assert_eq!(cache.read(20..30).unwrap(), (20..30u8).collect::<Vec<_>>());
        assert_eq!(cache.stats().reads, 1);
        assert_eq!(
            cache.read(90..100).unwrap(),
            (90..100u8).collect::<Vec<_>>()
        );
        assert_eq!(
            cache.stats(),
            FetchStats {
                // Blocks 5 and 6 (80..96, 96..100) in one read.
                bytes: 48 + 20,
                reads: 2
            }
        );
        assert!(cache.read(90..101).is_err());
    }

    #[test]
    fn deferred_cache_records_misses_until_supplied() {
        let data: Vec<u8> = (0..100u8).collect();
        let cache = BlockCache::deferred(100, 8);
        let err = cache.read(10..40).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert!(cache.read(60..62).is_err());
        assert!(cache.read(96..100).is_err());
        // Blocks 1..5 and 7 lie two blocks apart: one range. Block 12 is the short last one.
        assert_eq!(cache.take_wanted(), vec![8..64, 96..100]);
        assert!(cache.take_wanted().is_empty());
        cache.supply(8, &data[8..64]).unwrap();
        cache.supply(96, &data[96..100]).unwrap();
        assert_eq!(cache.read(10..40).unwrap(), (10..40u8).collect::<Vec<_>>());
        assert_eq!(
            cache.read(96..100).unwrap(),
            (96..100u8).collect::<Vec<_>>()
        );
        assert!(cache.take_wanted().is_empty());
        assert_eq!(
            cache.stats(),
            FetchStats {
                bytes: 60,
                reads: 2
            }
        );
        // Not block-aligned, not whole blocks, beyond the pack.
        assert!(cache.supply(4, &data[4..8]).is_err());
        assert!(cache.supply(16, &data[16..20]).is_err());
        assert!(cache.supply(96, &[0; 8]).is_err());
    }
}
