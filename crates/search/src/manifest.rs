//! The published form of an index: a small JSON manifest, a hot file and a pack.
//!
//! - `manifest.json` (stable name, small, revalidated by the browser) names the other two and
//!   holds the file table: each tantivy file's byte range in the pack.
//! - `index-<hash>.pack`: every tantivy file back to back; read by range on demand.
//! - `index-<hash>.hot`: the pack blocks any search needs (meta.json, term dictionaries,
//!   fieldnorms, footers, the doc store's skip index), concatenated, fetched whole once, so it
//!   compresses in transit like any static file.
//!
//! `<hash>` is a content hash of the pack, so both big files are immutable and cacheable forever.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::SearchError;

/// The manifest format this crate writes and reads.
pub const FORMAT: u32 = 1;

/// The name of the manifest under `search/`.
pub const MANIFEST_NAME: &str = "manifest.json";

/// Block size of the pack: the unit of range reads and of the hot set. Small, because a first
/// query touches a dozen scattered places (postings, doc store blocks of 4 KiB) and each read is
/// rounded up to whole blocks; adjacent blocks are still fetched in one read.
#[cfg(feature = "write")]
pub(crate) const BLOCK_SIZE: u64 = 4 * 1024;

/// `search/manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// Content hash of the pack (hex).
    pub hash: String,
    /// File name of the pack under `search/`.
    pub pack: String,
    /// Pack length in bytes.
    pub pack_len: u64,
    /// File name of the hot file under `search/`.
    pub hot: String,
    /// Block size in bytes.
    pub block_size: u64,
    /// The pack blocks the hot file holds, as `[first, end)` block runs, in hot-file order.
    pub hot_blocks: Vec<[u64; 2]>,
    /// tantivy file name → `[offset, len]` in the pack.
    pub files: BTreeMap<String, [u64; 2]>,
    /// Number of section documents.
    pub docs: u64,
    /// Number of pages.
    pub pages: u64,
}

impl Manifest {
    /// Parses and checks a manifest.
    pub fn parse(json: &[u8]) -> Result<Manifest, SearchError> {
        let m: Manifest = serde_json::from_slice(json)
            .map_err(|e| SearchError::Manifest(format!("not a helpsite search manifest: {e}")))?;
        if m.format != FORMAT {
            return Err(SearchError::Manifest(format!(
                "format `{}` is not the supported `{FORMAT}`; rebuild the site",
                m.format
            )));
        }
        if m.block_size == 0 {
            return Err(SearchError::Manifest("block size `0`".into()));
        }
        for (name, [off, len]) in &m.files {
            if off.checked_add(*len).is_none_or(|end| end > m.pack_len) {
                return Err(SearchError::Manifest(format!(
                    "file `{name}` lies outside the pack"
                )));
            }
        }
        Ok(m)
    }

    /// The pack byte ranges of the hot file, in order.
    pub fn hot_ranges(&self) -> Vec<Range<u64>> {
        self.hot_blocks
            .iter()
            .map(|[a, b]| a * self.block_size..(b * self.block_size).min(self.pack_len))
            .collect()
    }

    /// Number of bytes the hot file holds.
    pub fn hot_len(&self) -> u64 {
        self.hot_ranges()
            .iter()
            .map(|r| r.end.saturating_sub(r.start))
            .sum()
    }
}
