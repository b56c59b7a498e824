//! The built site as files: an in-memory map from output path to bytes ([`Output`]), and
//! [`write`], which puts it on disk so that a reader never sees a half-written site.
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

/// What [`write`] did, for `--verbose` and the benchmark.
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
    let live = read_manifest(out);
    if live.is_none() && out.exists() && !is_empty_dir(out)? {
        return Err(io::Error::other(format!(
            "refusing to replace `{}`: it exists and was not written by helpsite (no `{MANIFEST}`); remove it or choose another `--out`",
            out.display()
        )));
    }
    let live = live.unwrap_or_default();
    let stage = staging_dir(out);
    let staged = prepare_stage(&stage)?;
    let hashes: Vec<(&String, String)> = output
        .files
        .par_iter()
        .map(|(path, bytes)| (path, blake3::hash(bytes).to_hex()[..32].to_string()))
        .collect();
    let mut stats = WriteStats {
        removed: remove_stale(&stage, &staged, &output.files)?,
        ..WriteStats::default()
    };
    create_dirs(&stage, output.files.keys())?;
    let actions: Vec<io::Result<Action>> = hashes
        .par_iter()
        .map(|(path, hash)| {
            if staged
                .get(*path)
                .is_some_and(|h| h.as_deref() == Some(hash.as_str()))
            {
                return Ok(Action::Kept);
            }
            let dest = stage.join(path.as_str());
            if live.get(*path) == Some(hash) {
                replace_with_link(&out.join(path.as_str()), &dest).map(|_| Action::Linked)
            } else {
                replace_with_bytes(&dest, &output.files[*path]).map(|_| Action::Written)
            }
        })
        .collect();
    for action in actions {
        match action? {
            Action::Kept => stats.kept += 1,
            Action::Linked => stats.linked += 1,
            Action::Written => stats.written += 1,
        }
    }
    let manifest: String = hashes.iter().map(|(p, h)| format!("{h}\t{p}\n")).collect();
    replace_with_bytes(&stage.join(MANIFEST), manifest.as_bytes())?;
    swap(&stage, out)?;
    Ok(stats)
}

enum Action {
    Kept,
    Linked,
    Written,
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
    new: &BTreeMap<String, Vec<u8>>,
) -> io::Result<usize> {
    let stale: Vec<&String> = staged
        .keys()
        .filter(|p| !new.contains_key(*p) && p.as_str() != MANIFEST)
        .collect();
    let mut dirs = BTreeSet::new();
    for path in &stale {
        match std::fs::remove_file(stage.join(path.as_str())) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
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

fn create_dirs<'a>(stage: &Path, paths: impl Iterator<Item = &'a String>) -> io::Result<()> {
    let dirs: BTreeSet<&str> = paths
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for dir in dirs {
        let full = stage.join(dir);
        if let Err(e) = std::fs::create_dir_all(&full) {
            // A file where a folder must go (a page became a section): replace it.
            clear_blocking_file(stage, dir)?;
            std::fs::create_dir_all(&full).map_err(|_| e)?;
        }
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
