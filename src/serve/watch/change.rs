//! What a file-system event means for the site: a pure mapping from notify events to
//! [`ChangeKind`]s, and the coalescing of one debounced batch.
//!
//! Kept free of I/O so every editor's save dance (vim's `4913` probe and `file~` backup,
//! emacs' `.#lock`, JetBrains' `___jb_tmp___`, rename-and-replace) is covered by unit tests.
//! Whether a file still exists at the end of a batch is asked through a closure, because only
//! the final state matters: a rename-and-replace save is "removed, then added" in events but a
//! plain edit in effect.

use std::path::{Component, Path, PathBuf};

use notify::event::{
    AccessKind, AccessMode, CreateKind, EventKind, ModifyKind, RemoveKind, RenameMode,
};

/// One change to the site's input, with its path relative to the site root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A page's Markdown changed in place.
    Page(PathBuf),
    /// A page appeared (new file, or moved in by a rename).
    PageAdded(PathBuf),
    /// A page disappeared (deleted, or moved away by a rename).
    PageRemoved(PathBuf),
    /// A section's `_index.md`, or a folder under `content/` (a folder is a section).
    Section(PathBuf),
    /// A template of the site or of a theme.
    Template(PathBuf),
    /// A file copied as is: `static/`, a theme's `static/`, or a page's asset under `content/`.
    Static(PathBuf),
    /// `site.yaml`.
    Config,
    /// Editor temp files, hidden files, reads, anything outside the watched inputs.
    Ignore,
}

impl ChangeKind {
    /// The page path for the three page variants.
    fn page_path(&self) -> Option<&Path> {
        match self {
            ChangeKind::Page(p) | ChangeKind::PageAdded(p) | ChangeKind::PageRemoved(p) => Some(p),
            _ => None,
        }
    }
}

/// How an event affected its path, before the path's place in the site is considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Modified,
    Added,
    Removed,
    /// A folder was created or removed: its section must be rescanned.
    Folder,
    None,
}

/// Maps one notify event to the changes it stands for (one per path; a rename carrying both
/// paths gives the removal of the old one and the addition of the new one).
pub(crate) fn classify(root: &Path, event: &notify::Event) -> Vec<ChangeKind> {
    let effects: Vec<Effect> = match event.kind {
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
            vec![Effect::Removed, Effect::Added]
        }
        kind => vec![effect(kind)],
    };
    event
        .paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let effect = effects.get(i).copied().unwrap_or(effects[0]);
            match path.strip_prefix(root) {
                Ok(rel) => classify_path(rel, effect),
                Err(_) => ChangeKind::Ignore,
            }
        })
        .collect()
}

fn effect(kind: EventKind) -> Effect {
    match kind {
        EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder) => {
            Effect::Folder
        }
        EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Effect::Added,
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
            Effect::Removed
        }
        // Closing a file opened for writing is the one read-side event that means new bytes.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Effect::Modified,
        EventKind::Access(_) => Effect::None,
        EventKind::Modify(_) | EventKind::Any | EventKind::Other => Effect::Modified,
    }
}

/// Where `rel` (relative to the site root) sits in the site, given what happened to it.
fn classify_path(rel: &Path, effect: Effect) -> ChangeKind {
    if effect == Effect::None || is_ignored(rel) {
        return ChangeKind::Ignore;
    }
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        ["site.yaml"] => ChangeKind::Config,
        ["content", ..] => classify_content(rel, effect),
        // The folders themselves count too (`mkdir templates`): files created in a new folder
        // before its watch is in place are only seen by the rebuild its creation causes.
        ["templates", ..] | ["themes", _, "templates", ..] => ChangeKind::Template(rel.into()),
        ["static", ..] | ["themes", _, "static", ..] => ChangeKind::Static(rel.into()),
        // A theme appearing or going away changes which templates exist.
        ["themes"] | ["themes", _] => ChangeKind::Template(rel.into()),
        _ => ChangeKind::Ignore,
    }
}

fn classify_content(rel: &Path, effect: Effect) -> ChangeKind {
    let is_md = rel.extension().is_some_and(|e| e == "md");
    let is_index = rel.file_name().is_some_and(|n| n == "_index.md");
    if effect == Effect::Folder || is_index {
        return ChangeKind::Section(rel.into());
    }
    if !is_md {
        // Without an extension it is most likely a folder moved by a rename (notify does not
        // say); rescanning the section is right for a folder and harmless for a file.
        return if rel.extension().is_none() {
            ChangeKind::Section(rel.into())
        } else {
            ChangeKind::Static(rel.into())
        };
    }
    match effect {
        Effect::Added => ChangeKind::PageAdded(rel.into()),
        Effect::Removed => ChangeKind::PageRemoved(rel.into()),
        _ => ChangeKind::Page(rel.into()),
    }
}

/// Editor temp and backup files, hidden files and folders (`.git`, `.#lock`, `.x.swp`).
fn is_ignored(rel: &Path) -> bool {
    if rel
        .components()
        .any(|c| matches!(c, Component::Normal(s) if s.to_str().is_none_or(|s| s.starts_with('.'))))
    {
        return true;
    }
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    const SUFFIXES: &[&str] = &[
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".tmp",
        ".bak",
        ".orig",
        ".crswap",
        "___jb_tmp___",
        "___jb_old___",
    ];
    name == "4913" // vim probes whether it may create files with this name
        || (name.starts_with('#') && name.ends_with('#')) // emacs auto-save
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Reduces one debounced batch to what the builder needs, in first-seen order: ignored entries
/// dropped, duplicates merged, and each page judged by whether it exists now. A page that exists
/// and was added somewhere in the batch is `PageAdded` (a rename-and-replace save looks like
/// that too; the builder treats a known page as edited), one that exists otherwise is `Page`,
/// and one that is gone is `PageRemoved`.
pub(crate) fn coalesce(
    changes: impl IntoIterator<Item = ChangeKind>,
    exists: impl Fn(&Path) -> bool,
) -> Vec<ChangeKind> {
    let mut out: Vec<ChangeKind> = Vec::new();
    let mut added: Vec<PathBuf> = Vec::new();
    for change in changes {
        if change == ChangeKind::Ignore {
            continue;
        }
        if let ChangeKind::PageAdded(p) = &change {
            added.push(p.clone());
        }
        let dup = match change.page_path() {
            Some(p) => out.iter().any(|c| c.page_path() == Some(p)),
            None => out.contains(&change),
        };
        if !dup {
            out.push(change);
        }
    }
    for change in &mut out {
        if let Some(p) = change.page_path() {
            let p = p.to_path_buf();
            *change = if !exists(&p) {
                ChangeKind::PageRemoved(p)
            } else if added.contains(&p) {
                ChangeKind::PageAdded(p)
            } else {
                ChangeKind::Page(p)
            };
        }
    }
    out
}

#[cfg(test)]
mod tests;
