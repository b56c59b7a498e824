//! The built site as files: an in-memory map from output path to bytes ([`Output`]), and
//! [`write()`], which puts it on disk so that a reader never sees a half-written site.
//!
//! Creating files is the expensive part on the disks we build on (10,000 new files cost about
//! 5 s, most of a cold build by `bench/build.py` at 10,000 pages; README, "Benchmark"), and so
//! is deleting a tree. So `write` double-buffers:
//!
//! 1. `<parent>/.<out>.prev/` holds the previous generation (the site before the live one). It is
//!    the staging folder: a file whose hash (blake3, listed in `_helpsite/manifest.tsv`) is the
//!    same there stays; a file unchanged from the live site is hard-linked from it; only changed
//!    files are created. Files no longer built are unlinked. Existing files are never written
//!    into (they may share an inode with the live site): they are unlinked first.
//! 2. The staged tree and the live one are swapped in one `renameat2(RENAME_EXCHANGE)` on Linux
//!    (two renames elsewhere). The old live tree becomes the next build's staging folder, so no
//!    tree is ever deleted on the build's path.
//!
//! A build that fails before writing never touches either tree; one that fails while staging
//! leaves the live site as it was and the staging folder without a manifest, which the next
//! build treats as unknown and repairs.
//!
//! Builds into one output exclude each other ([`BuildLock`], `lock.rs`), and nothing is reused
//! on a manifest's word alone: a file is kept or hard-linked only after its bytes on disk were
//! compared with the new ones, so a staging folder torn by a crash, by an older build running
//! beside this one or by a hand in the output is repaired, never trusted (issue 13). An output
//! that is a symbolic link (`public` → a web root) is resolved first: the link's target is
//! what gets swapped, and the staging folder and the lock sit beside the target.
//!
//! Every path joined to either tree goes through [`RelPath`] (`rel_path.rs`), which refuses
//! anything that could leave it (`..`, absolute paths, `\`), and no symbolic link inside the
//! staging folder is followed: a file or a link where a folder must go is unlinked and the folder
//! created. A manifest entry read back from disk that is not a [`RelPath`] makes that manifest
//! untrusted, as if it were missing; it is never followed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

mod lock;
mod rel_path;
pub use lock::{BuildLock, lock_path};
pub use rel_path::{Escape, RelPath};

/// Output path (relative, `/`-separated, e.g. `faq/index.html`) → bytes.
#[derive(Debug, Default, Clone)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// What [`write()`] did, for `--verbose` and the benchmark.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created with new bytes.
    pub written: usize,
    /// Files hard-linked from the live site.
    pub linked: usize,
    /// Files already right in the staging folder.
    pub kept: usize,
    /// Stale files unlinked from the staging folder.
    pub removed: usize,
    /// Files a manifest listed with the right hash whose bytes on disk differed (a torn or
    /// hand-edited tree), written again; counted in `written` too.
    pub repaired: usize,
}

const MANIFEST: &str = "_helpsite/manifest.tsv";

type Manifest = HashMap<String, String>;

/// The staging folder that also keeps the previous generation: `public` → `.public.prev`.
pub fn staging_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.prev"))
}

/// Writes `output` to `out` atomically (see the module docs).
pub fn write(output: &Output, out: &Path) -> io::Result<WriteStats> {
    let stager = Stager::open(out)?;
    output
        .files
        .par_iter()
        .try_for_each(|(path, bytes)| stager.put(path, bytes))?;
    stager.finish()
}

/// A write in progress: files are put into the staging folder one by one (from many threads,
/// as they are rendered, so a big site never sits in memory whole), then [`Stager::finish`]
/// swaps the folder in. Dropping a stager without finishing leaves the live site as it was.
pub struct Stager {
    _lock: BuildLock,
    out: PathBuf,
    stage: PathBuf,
    live: Manifest,
    staged: HashMap<String, Option<String>>,
    /// Folders of the staging folder known to be real folders (not links), by output path.
    dirs: Mutex<HashSet<String>>,
    /// Path and hash of every file put so far.
    done: Mutex<Vec<(String, String)>>,
    kept: AtomicUsize,
    linked: AtomicUsize,
    written: AtomicUsize,
    repaired: AtomicUsize,
}

impl Stager {
    /// Locks `out` and readies its staging folder. Refuses an `out` that holds files helpsite
    /// did not write, and one another build is writing.
    pub fn open(out: &Path) -> io::Result<Stager> {
        let out = &resolve_link(out)?;
        let lock = BuildLock::acquire(out)?;
        let live = match read_manifest(out) {
            Listed::Trusted(m) => m,
            // Written by helpsite, but not to be trusted: nothing is linked from it.
            Listed::Damaged => Manifest::new(),
            Listed::Missing if out.exists() && !is_empty_dir(out)? => {
                return Err(io::Error::other(format!(
                    "refusing to replace `{}`: it exists and was not written by helpsite (no `{MANIFEST}`); remove it or choose another `--out`",
                    out.display()
                )));
            }
            Listed::Missing => Manifest::new(),
        };
        let stage = staging_dir(out);
        let staged = prepare_stage(&stage)?;
        Ok(Stager {
            _lock: lock,
            out: out.to_path_buf(),
            stage,
            live,
            staged,
            dirs: Mutex::new(HashSet::new()),
            done: Mutex::new(Vec::new()),
            kept: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
            repaired: AtomicUsize::new(0),
        })
    }

    /// Stages one file: kept if the staging folder has these bytes, hard-linked if the live
    /// site has them, else created. A manifest only says where to look: the bytes on disk are
    /// compared before anything is reused. A `path` that could leave the output is refused.
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let rel = RelPath::new(path)?;
        if path == MANIFEST {
            return Err(io::Error::other(format!(
                "refusing to write `{MANIFEST}`: helpsite writes it itself"
            )));
        }
        let hash = blake3::hash(bytes).to_hex()[..32].to_string();
        self.ensure_dirs(rel)?;
        let dest = rel.under(&self.stage);
        let staged = self
            .staged
            .get(path)
            .is_some_and(|h| h.as_deref() == Some(hash.as_str()));
        let live = self.live.get(path) == Some(&hash);
        let src = rel.under(&self.out);
        let counter = if staged && same_bytes(&dest, bytes) {
            &self.kept
        } else if live && same_bytes(&src, bytes) {
            replace_with_link(&src, &dest)?;
            &self.linked
        } else {
            if staged || live {
                self.repaired.fetch_add(1, Ordering::Relaxed);
            }
            replace_with_bytes(&dest, bytes)?;
            &self.written
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.done
            .lock()
            .expect("no panic holds the lock")
            .push((path.to_string(), hash));
        Ok(())
    }

    /// Makes every folder above `rel` a real folder of the staging folder. A file or a link
    /// where a folder must go (a page that became a section, a link put there by hand) is
    /// unlinked, never followed.
    fn ensure_dirs(&self, rel: RelPath<'_>) -> io::Result<()> {
        for dir in rel.parents() {
            if self
                .dirs
                .lock()
                .expect("no panic holds the lock")
                .contains(dir)
            {
                continue;
            }
            real_dir(&self.stage.join(dir))?;
            self.dirs
                .lock()
                .expect("no panic holds the lock")
                .insert(dir.to_string());
        }
        Ok(())
    }

    /// Removes what was not put, writes the manifest and swaps the staging folder in. The
    /// manifest lists paths in order, so identical builds write identical bytes.
    pub fn finish(self) -> io::Result<WriteStats> {
        let mut done = self.done.into_inner().expect("no panic holds the lock");
        done.sort_unstable();
        if let Some(twice) = done.windows(2).find(|w| w[0].0 == w[1].0) {
            // The render stage refuses two sources for one path; reaching this is a bug.
            return Err(io::Error::other(format!(
                "the build produced `{}` twice; nothing was swapped in (this is a bug in helpsite, please report it)",
                twice[0].0
            )));
        }
        let put: BTreeSet<&str> = done.iter().map(|(p, _)| p.as_str()).collect();
        let removed = remove_stale(&self.stage, &self.staged, &put)?;
        let manifest: String = done.iter().map(|(p, h)| format!("{h}\t{p}\n")).collect();
        real_dir(&self.stage.join("_helpsite"))?;
        replace_with_bytes(&self.stage.join(MANIFEST), manifest.as_bytes())?;
        swap(&self.stage, &self.out)?;
        Ok(WriteStats {
            written: self.written.into_inner(),
            linked: self.linked.into_inner(),
            kept: self.kept.into_inner(),
            removed,
            repaired: self.repaired.into_inner(),
        })
    }
}

/// Makes `dir` a real folder: created when missing; a file or a symbolic link there is
/// unlinked first (a link is removed, never followed).
fn real_dir(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => std::fs::remove_file(dir)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    match std::fs::create_dir(dir) {
        // Another thread made it meanwhile: fine if it is a real folder.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            if std::fs::symlink_metadata(dir)?.is_dir() {
                Ok(())
            } else {
                Err(e)
            }
        }
        other => other,
    }
}

/// Readies the staging folder and lists what is in it: path → hash when its manifest is
/// trustworthy, `None` hashes when the manifest is missing (a previous write failed midway)
/// or damaged.
fn prepare_stage(stage: &Path) -> io::Result<HashMap<String, Option<String>>> {
    match std::fs::symlink_metadata(stage) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(io::Error::other(format!(
                "refusing to use `{}` as the staging folder: it is not a folder (a link or a file); helpsite keeps the previous build there, so remove it",
                stage.display()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(stage)?;
            return Ok(HashMap::new());
        }
        Err(e) => return Err(e),
    }
    let listed = match read_manifest(stage) {
        Listed::Trusted(m) => m.into_iter().map(|(p, h)| (p, Some(h))).collect(),
        Listed::Missing | Listed::Damaged => {
            walk_files(stage)?.into_iter().map(|p| (p, None)).collect()
        }
    };
    // From here until the swap the folder does not match any manifest: say so on disk.
    match std::fs::remove_file(stage.join(MANIFEST)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    Ok(listed)
}

/// A tree's manifest as read back from disk.
enum Listed {
    Trusted(Manifest),
    Missing,
    /// Present but not to be trusted: a line that is not `hash<TAB>path`, or a path that could
    /// leave the tree (issue 13).
    Damaged,
}

fn read_manifest(dir: &Path) -> Listed {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return Listed::Missing;
    };
    let mut manifest = Manifest::new();
    for line in text.lines() {
        match line.split_once('\t') {
            Some((h, p)) if RelPath::new(p).is_ok() && p != MANIFEST => {
                manifest.insert(p.to_string(), h.to_string());
            }
            _ => return Listed::Damaged,
        }
    }
    Listed::Trusted(manifest)
}

fn walk_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_dir() {
            let rel = entry.path().strip_prefix(dir).expect("under dir");
            files.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(files)
}

/// True when `path` is a regular file (not a link) holding exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|on_disk| on_disk == bytes)
}

/// An output that is a symbolic link (`public` → `/var/www/help`) is its target: swapping the
/// link itself would leave the web root behind and make it the next staging folder.
fn resolve_link(out: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(out).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "`{}` is a symbolic link to a folder that cannot be used ({e}); create the folder it points to, or remove the link",
                    out.display()
                ),
            )
        }),
        _ => Ok(out.to_path_buf()),
    }
}

fn is_empty_dir(dir: &Path) -> io::Result<bool> {
    Ok(dir.is_dir() && std::fs::read_dir(dir)?.next().is_none())
}

/// Unlinks staged files that are not part of the new output, then their emptied folders.
/// Only paths that are [`RelPath`]s are touched, and never through a link: a link or file
/// where a folder should be is unlinked itself.
fn remove_stale(
    stage: &Path,
    staged: &HashMap<String, Option<String>>,
    put: &BTreeSet<&str>,
) -> io::Result<usize> {
    let stale: Vec<RelPath<'_>> = staged
        .keys()
        .filter(|p| !put.contains(p.as_str()) && p.as_str() != MANIFEST)
        .filter_map(|p| RelPath::new(p).ok())
        .collect();
    let mut dirs = BTreeSet::new();
    for &path in &stale {
        let not_a_dir = path
            .parents()
            .find(|d| !std::fs::symlink_metadata(stage.join(d)).is_ok_and(|m| m.is_dir()));
        let target = match not_a_dir {
            Some(d) => stage.join(d),
            None => path.under(stage),
        };
        match std::fs::remove_file(&target) {
            // Gone already, or now a folder of the new build (a page became a section).
            Err(e)
                if e.kind() != io::ErrorKind::NotFound
                    && e.kind() != io::ErrorKind::IsADirectory =>
            {
                return Err(e);
            }
            _ => {}
        }
        dirs.extend(path.parents());
    }
    // Deepest first; a folder that still holds something stays.
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(stage.join(dir));
    }
    Ok(stale.len())
}

fn unlink(dest: &Path) -> io::Result<()> {
    match std::fs::remove_file(dest) {
        Err(e) if e.kind() == io::ErrorKind::IsADirectory || dest.is_dir() => {
            std::fs::remove_dir_all(dest)
        }
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Never writes into an existing file: it may share its inode with the live site.
fn replace_with_link(src: &Path, dest: &Path) -> io::Result<()> {
    unlink(dest)?;
    std::fs::hard_link(src, dest).or_else(|_| {
        // Another file system or no hard links: fall back to a copy.
        let bytes = std::fs::read(src)?;
        std::fs::write(dest, bytes)
    })
}

/// Never writes into an existing file; the folder it goes in is already a real folder.
fn replace_with_bytes(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    unlink(dest)?;
    std::fs::write(dest, bytes)
}

/// Puts `stage` in place of `out`; the old `out` (if any) becomes `stage`.
fn swap(stage: &Path, out: &Path) -> io::Result<()> {
    if !out.exists() {
        return std::fs::rename(stage, out);
    }
    exchange(stage, out)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let aside = a.with_extension("swap");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

#[cfg(test)]
mod tests;
