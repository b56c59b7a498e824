use std::path::{Path, PathBuf};

use notify::Event;
use notify::event::{
    AccessKind, AccessMode, CreateKind, DataChange, EventKind, ModifyKind, RemoveKind, RenameMode,
};

use super::{ChangeKind, classify, coalesce};

const ROOT: &str = "/site";

fn ev(kind: EventKind, paths: &[&str]) -> Event {
    let mut e = Event::new(kind);
    for p in paths {
        e = e.add_path(Path::new(ROOT).join(p));
    }
    e
}

fn modify() -> EventKind {
    EventKind::Modify(ModifyKind::Data(DataChange::Content))
}

fn create() -> EventKind {
    EventKind::Create(CreateKind::File)
}

fn remove() -> EventKind {
    EventKind::Remove(RemoveKind::File)
}

fn p(s: &str) -> PathBuf {
    PathBuf::from(s)
}

/// One check per case: the path's kind for a plain modification.
fn check(path: &str, expected: ChangeKind) {
    assert_eq!(
        classify(Path::new(ROOT), &ev(modify(), &[path])),
        vec![expected],
        "{path}"
    );
}

#[test]
fn paths_map_to_kinds() {
    check("content/faq.md", ChangeKind::Page(p("content/faq.md")));
    check(
        "content/connect/senders.md",
        ChangeKind::Page(p("content/connect/senders.md")),
    );
    check(
        "content/connect/_index.md",
        ChangeKind::Section(p("content/connect/_index.md")),
    );
    check(
        "content/connect/diagram.png",
        ChangeKind::Static(p("content/connect/diagram.png")),
    );
    check("content/connect", ChangeKind::Section(p("content/connect")));
    check(
        "templates/page.html",
        ChangeKind::Template(p("templates/page.html")),
    );
    check(
        "templates/partials/nav.html",
        ChangeKind::Template(p("templates/partials/nav.html")),
    );
    check(
        "themes/default/templates/base.html",
        ChangeKind::Template(p("themes/default/templates/base.html")),
    );
    check(
        "themes/default/static/style.css",
        ChangeKind::Static(p("themes/default/static/style.css")),
    );
    check("static/logo.svg", ChangeKind::Static(p("static/logo.svg")));
    check("site.yaml", ChangeKind::Config);
}

#[test]
fn unrelated_paths_are_ignored() {
    for path in [
        "README.md",
        "public/index.html",
        "themes/default/README.md",
        "content/.git/index",
        ".git/HEAD",
        "other.yaml",
    ] {
        check(path, ChangeKind::Ignore);
    }
    let outside = Event::new(modify()).add_path("/elsewhere/content/a.md".into());
    assert_eq!(
        classify(Path::new(ROOT), &outside),
        vec![ChangeKind::Ignore]
    );
}

#[test]
fn editor_temp_files_are_ignored() {
    for path in [
        "content/4913",
        "content/faq.md~",
        "content/.faq.md.swp",
        "content/.faq.md.swx",
        "content/faq.md.swp",
        "content/.#faq.md",
        "content/#faq.md#",
        "content/faq.md___jb_tmp___",
        "content/faq.md___jb_old___",
        "content/faq.md.tmp",
        "content/.goutputstream-ABC123",
        "templates/.page.html.swp",
        "site.yaml~",
    ] {
        check(path, ChangeKind::Ignore);
    }
}

#[test]
fn reads_are_ignored_but_a_closed_write_is_a_change() {
    let open = ev(
        EventKind::Access(AccessKind::Open(AccessMode::Any)),
        &["content/a.md"],
    );
    assert_eq!(classify(Path::new(ROOT), &open), vec![ChangeKind::Ignore]);
    let closed = ev(
        EventKind::Access(AccessKind::Close(AccessMode::Write)),
        &["content/a.md"],
    );
    assert_eq!(
        classify(Path::new(ROOT), &closed),
        vec![ChangeKind::Page(p("content/a.md"))]
    );
}

#[test]
fn creation_removal_and_renames() {
    let root = Path::new(ROOT);
    assert_eq!(
        classify(root, &ev(create(), &["content/new.md"])),
        vec![ChangeKind::PageAdded(p("content/new.md"))]
    );
    assert_eq!(
        classify(root, &ev(remove(), &["content/old.md"])),
        vec![ChangeKind::PageRemoved(p("content/old.md"))]
    );
    let both = ev(
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
        &["content/a.md", "content/b.md"],
    );
    assert_eq!(
        classify(root, &both),
        vec![
            ChangeKind::PageRemoved(p("content/a.md")),
            ChangeKind::PageAdded(p("content/b.md"))
        ]
    );
    let from = ev(
        EventKind::Modify(ModifyKind::Name(RenameMode::From)),
        &["content/a.md"],
    );
    assert_eq!(
        classify(root, &from),
        vec![ChangeKind::PageRemoved(p("content/a.md"))]
    );
    let folder = ev(
        EventKind::Create(CreateKind::Folder),
        &["content/new-section"],
    );
    assert_eq!(
        classify(root, &folder),
        vec![ChangeKind::Section(p("content/new-section"))]
    );
    let theme = ev(EventKind::Create(CreateKind::Folder), &["themes/dark"]);
    assert_eq!(
        classify(root, &theme),
        vec![ChangeKind::Template(p("themes/dark"))]
    );
}

/// Runs a whole batch through classify and coalesce, with `existing` as the files present at
/// the end of the batch.
fn batch(events: &[Event], existing: &[&str]) -> Vec<ChangeKind> {
    let root = Path::new(ROOT);
    let changes = events.iter().flat_map(|e| classify(root, e));
    coalesce(changes, |path| {
        existing.iter().any(|e| Path::new(e) == path)
    })
}

#[test]
fn vim_rename_and_replace_save_is_one_page_change() {
    // vim with `backupcopy=no`: probe 4913, move the file to `faq.md~`, write a new `faq.md`.
    let events = [
        ev(create(), &["content/4913"]),
        ev(remove(), &["content/4913"]),
        ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            &["content/faq.md"],
        ),
        ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            &["content/faq.md~"],
        ),
        ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["content/faq.md", "content/faq.md~"],
        ),
        ev(create(), &["content/faq.md"]),
        ev(modify(), &["content/faq.md"]),
        ev(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &["content/faq.md"],
        ),
        ev(remove(), &["content/faq.md~"]),
    ];
    assert_eq!(
        batch(&events, &["content/faq.md"]),
        vec![ChangeKind::PageAdded(p("content/faq.md"))]
    );
}

#[test]
fn atomic_write_through_temp_file_is_a_page_change() {
    // Editors that write `.faq.md.tmp1234` and rename it over the page.
    let events = [
        ev(create(), &["content/.faq.md.tmp1234"]),
        ev(modify(), &["content/.faq.md.tmp1234"]),
        ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["content/.faq.md.tmp1234", "content/faq.md"],
        ),
    ];
    assert_eq!(
        batch(&events, &["content/faq.md"]),
        vec![ChangeKind::PageAdded(p("content/faq.md"))]
    );
}

#[test]
fn repeated_writes_coalesce_to_one_edit() {
    let events = [
        ev(modify(), &["content/a.md"]),
        ev(modify(), &["content/a.md"]),
        ev(modify(), &["content/a.md"]),
    ];
    assert_eq!(
        batch(&events, &["content/a.md"]),
        vec![ChangeKind::Page(p("content/a.md"))]
    );
}

#[test]
fn rename_of_a_page_is_removal_plus_addition() {
    let events = [ev(
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
        &["content/old-name.md", "content/new-name.md"],
    )];
    assert_eq!(
        batch(&events, &["content/new-name.md"]),
        vec![
            ChangeKind::PageRemoved(p("content/old-name.md")),
            ChangeKind::PageAdded(p("content/new-name.md"))
        ]
    );
}

#[test]
fn created_then_deleted_in_one_batch_is_a_removal() {
    let events = [
        ev(create(), &["content/tmp.md"]),
        ev(remove(), &["content/tmp.md"]),
    ];
    assert_eq!(
        batch(&events, &[]),
        vec![ChangeKind::PageRemoved(p("content/tmp.md"))]
    );
}

#[test]
fn git_checkout_burst_keeps_every_kind_once() {
    let events = [
        ev(modify(), &["content/a.md"]),
        ev(modify(), &["templates/page.html"]),
        ev(modify(), &["content/a.md"]),
        ev(remove(), &["content/b.md"]),
        ev(create(), &["content/c.md"]),
        ev(modify(), &["templates/page.html"]),
        ev(modify(), &["site.yaml"]),
        ev(modify(), &["site.yaml"]),
    ];
    assert_eq!(
        batch(&events, &["content/a.md", "content/c.md"]),
        vec![
            ChangeKind::Page(p("content/a.md")),
            ChangeKind::Template(p("templates/page.html")),
            ChangeKind::PageRemoved(p("content/b.md")),
            ChangeKind::PageAdded(p("content/c.md")),
            ChangeKind::Config,
        ]
    );
}
