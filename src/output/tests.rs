use std::os::unix::fs::MetadataExt;

use super::*;

fn output(files: &[(&str, &str)]) -> Output {
    let mut o = Output::default();
    for (p, b) in files {
        o.insert(*p, b.as_bytes());
    }
    o
}

fn ino(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap().ino()
}

#[test]
fn second_and_third_builds_reuse_unchanged_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = output(&[
        ("index.html", "home"),
        ("faq/index.html", "faq"),
        ("old/index.html", "old"),
    ]);
    let stats = write(&first, &out).unwrap();
    assert_eq!(
        stats,
        WriteStats {
            written: 3,
            ..Default::default()
        }
    );
    let faq_inode = ino(&out.join("faq/index.html"));

    // Unchanged files are hard links to the live ones; a removed page disappears.
    let second = output(&[("index.html", "home v2"), ("faq/index.html", "faq")]);
    let stats = write(&second, &out).unwrap();
    assert_eq!(
        stats,
        WriteStats {
            written: 1,
            linked: 1,
            kept: 0,
            removed: 0
        }
    );
    assert_eq!(ino(&out.join("faq/index.html")), faq_inode);
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "home v2"
    );
    assert!(!out.join("old").exists());

    // The previous generation is the staging folder: what did not change there stays.
    let stats = write(&second, &out).unwrap();
    assert_eq!(stats.written, 0);
    assert_eq!(stats.kept + stats.linked, 2);
    assert!(
        !staging_dir(&out).join("old").exists(),
        "stale files are removed from staging"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "home v2"
    );
}

#[test]
fn live_files_are_never_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write(&output(&[("a.html", "one")]), &out).unwrap();
    write(&output(&[("a.html", "one")]), &out).unwrap(); // staging now holds a link to the live file
    let held = std::fs::read_to_string(staging_dir(&out).join("a.html")).unwrap();
    assert_eq!(held, "one");
    write(&output(&[("a.html", "two")]), &out).unwrap();
    // The old live file (now in staging) still says "one": the new bytes went into a new file.
    assert_eq!(
        std::fs::read_to_string(staging_dir(&out).join("a.html")).unwrap(),
        "one"
    );
    assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "two");
}

#[test]
fn a_staging_folder_without_manifest_is_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write(&output(&[("a.html", "one")]), &out).unwrap();
    write(&output(&[("a.html", "one")]), &out).unwrap();
    let stage = staging_dir(&out);
    std::fs::remove_file(stage.join(MANIFEST)).unwrap();
    std::fs::write(stage.join("stray.html"), "x").unwrap();
    write(&output(&[("a.html", "one"), ("b.html", "b")]), &out).unwrap();
    assert!(!out.join("stray.html").exists());
    assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "b");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep").unwrap();
    let err = write(&output(&[("a.html", "one")]), &out).unwrap_err();
    assert!(err.to_string().contains("refusing to replace"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep"
    );
}

#[test]
fn a_page_that_becomes_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write(&output(&[("x", "file")]), &out).unwrap();
    write(&output(&[("x", "file")]), &out).unwrap();
    write(&output(&[("x/index.html", "dir")]), &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("x/index.html")).unwrap(),
        "dir"
    );
}
