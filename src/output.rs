//! The built site as files: an in-memory map from output path to bytes ([`Output`]), and
//! [`write()`], which puts it on disk so that a reader never sees a half-written site.
//!
//! Creating files is the expensive part on the disks we build on (10,000 new files cost about
//! 5 s; `bench/README`), and so is deleting a tree. So `write` double-buffers:
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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

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
    out: PathBuf,
    stage: PathBuf,
    live: Manifest,
    staged: HashMap<String, Option<String>>,
    /// Path and hash of every file put so far.
    done: Mutex<Vec<(String, String)>>,
    kept: AtomicUsize,
    linked: AtomicUsize,
    written: AtomicUsize,
}

impl Stager {
    /// Readies `out`'s staging folder. Refuses an `out` that holds files helpsite did not write.
    pub fn open(out: &Path) -> io::Result<Stager> {
        let live = read_manifest(out);
        if live.is_none() && out.exists() && !is_empty_dir(out)? {
            return Err(io::Error::other(format!(
                "refusing to replace `{}`: it exists and was not written by helpsite (no `{MANIFEST}`); remove it or choose another `--out`",
                out.display()
            )));
        }
        let stage = staging_dir(out);
        let staged = prepare_stage(&stage)?;
        Ok(Stager {
            out: out.to_path_buf(),
            stage,
            live: live.unwrap_or_default(),
            staged,
            done: Mutex::new(Vec::new()),
            kept: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
        })
    }

    /// Stages one file: kept if the staging folder has these bytes, hard-linked if the live
    /// site has them, else created.
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let hash = blake3::hash(bytes).to_hex()[..32].to_string();
        let counter = if self
            .staged
            .get(path)
            .is_some_and(|h| h.as_deref() == Some(hash.as_str()))
        {
            &self.kept
        } else {
            let dest = self.stage.join(path);
            ensure_parent(&self.stage, path)?;
            if self.live.get(path) == Some(&hash) {
                replace_with_link(&self.out.join(path), &dest)?;
                &self.linked
            } else {
                replace_with_bytes(&dest, bytes)?;
                &self.written
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.done
            .lock()
            .expect("no panic holds the lock")
            .push((path.to_string(), hash));
        Ok(())
    }

    /// Removes what was not put, writes the manifest and swaps the staging folder in.
    pub fn finish(self) -> io::Result<WriteStats> {
        let done = self.done.into_inner().expect("no panic holds the lock");
        let put: BTreeSet<&str> = done.iter().map(|(p, _)| p.as_str()).collect();
        let removed = remove_stale(&self.stage, &self.staged, &put)?;
        let manifest: String = done.iter().map(|(p, h)| format!("{h}\t{p}\n")).collect();
        replace_with_bytes(&self.stage.join(MANIFEST), manifest.as_bytes())?;
        swap(&self.stage, &self.out)?;
        Ok(WriteStats {
            written: self.written.into_inner(),
            linked: self.linked.into_inner(),
            kept: self.kept.into_inner(),
            removed,
        })
    }
}

/// Readies the staging folder and lists what is in it: path → hash when its manifest is
/// trustworthy, `None` hashes when the manifest is missing (a previous write failed midway).
fn prepare_stage(stage: &Path) -> io::Result<HashMap<String, Option<String>>> {
    if !stage.exists() {
        std::fs::create_dir_all(stage)?;
        return Ok(HashMap::new());
    }
    let listed = match read_manifest(stage) {
        Some(m) => m.into_iter().map(|(p, h)| (p, Some(h))).collect(),
        None => walk_files(stage)?.into_iter().map(|p| (p, None)).collect(),
    };
    // From here until the swap the folder does not match any manifest: say so on disk.
    match std::fs::remove_file(stage.join(MANIFEST)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    Ok(listed)
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(
        text.lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(h, p)| (p.to_string(), h.to_string()))
            .collect(),
    )
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

fn is_empty_dir(dir: &Path) -> io::Result<bool> {
    Ok(dir.is_dir() && std::fs::read_dir(dir)?.next().is_none())
}

/// Unlinks staged files that are not part of the new output, then their emptied folders.
fn remove_stale(
    stage: &Path,
    staged: &HashMap<String, Option<String>>,
    put: &BTreeSet<&str>,
) -> io::Result<usize> {
    let stale: Vec<&String> = staged
        .keys()
        .filter(|p| !put.contains(p.as_str()) && p.as_str() != MANIFEST)
        .collect();
    let mut dirs = BTreeSet::new();
    for path in &stale {
        match std::fs::remove_file(stage.join(path.as_str())) {
            // Gone already, or now a folder of the new build (a page became a section).
            Err(e)
                if e.kind() != io::ErrorKind::NotFound
                    && e.kind() != io::ErrorKind::IsADirectory =>
            {
                return Err(e);
            }
            _ => {}
        }
        let mut parent = Path::new(path.as_str()).parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            dirs.insert(p.to_path_buf());
            parent = p.parent();
        }
    }
    // Deepest first; a folder that still holds something stays.
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(stage.join(dir));
    }
    Ok(stale.len())
}

/// Creates the folder `path` goes in; a file where a folder must go (a page that became a
/// section) is replaced.
fn ensure_parent(stage: &Path, path: &str) -> io::Result<()> {
    let Some((dir, _)) = path.rsplit_once('/') else {
        return Ok(());
    };
    let full = stage.join(dir);
    if full.is_dir() {
        return Ok(());
    }
    if let Err(e) = std::fs::create_dir_all(&full) {
        clear_blocking_file(stage, dir)?;
        std::fs::create_dir_all(&full).map_err(|_| e)?;
    }
    Ok(())
}

fn clear_blocking_file(stage: &Path, dir: &str) -> io::Result<()> {
    let mut at = stage.to_path_buf();
    for part in dir.split('/') {
        at.push(part);
        if at.is_file() {
            std::fs::remove_file(&at)?;
        }
    }
    Ok(())
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

fn replace_with_bytes(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    unlink(dest)?;
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
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
