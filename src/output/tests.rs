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
            removed: 0,
            repaired: 0,
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

#[test]
fn torn_trees_are_repaired_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let site = output(&[("a.html", "new a"), ("b.html", "new b")]);
    write(&site, &out).unwrap();
    write(&site, &out).unwrap();
    // Both manifests still list the new hashes, but the bytes are an older build's (written
    // into the files, as a build racing this one or a hand would).
    std::fs::write(out.join("a.html"), "old a").unwrap();
    std::fs::write(staging_dir(&out).join("b.html"), "old b").unwrap();
    let stats = write(&site, &out).unwrap();
    assert!(stats.repaired >= 1, "{stats:?}");
    // Both generations are right from now on.
    for _ in 0..2 {
        write(&site, &out).unwrap();
        for (name, text) in [("a.html", "new a"), ("b.html", "new b")] {
            assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), text);
        }
    }
}

#[test]
fn the_manifest_lists_paths_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let files: Vec<(String, String)> = (0..200)
        .map(|i| (format!("p{}/index.html", (i * 7919) % 200), format!("{i}")))
        .collect();
    let site = output(
        &files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_str()))
            .collect::<Vec<_>>(),
    );
    write(&site, &out).unwrap();
    let text = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
    let paths: Vec<&str> = text
        .lines()
        .map(|l| l.split_once('\t').unwrap().1)
        .collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
}

#[test]
fn one_path_put_twice_swaps_nothing_in() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write(&output(&[("a.html", "one")]), &out).unwrap();
    let stager = Stager::open(&out).unwrap();
    stager.put("b.html", b"first").unwrap();
    stager.put("b.html", b"second").unwrap();
    let err = stager.finish().unwrap_err();
    assert!(err.to_string().contains("`b.html` twice"), "{err}");
    assert!(!out.join("b.html").exists());
}

#[test]
fn paths_that_leave_the_output_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let stager = Stager::open(&out).unwrap();
    for bad in ["../x.html", "/tmp/x.html", "a/../../x.html", MANIFEST] {
        assert!(stager.put(bad, b"x").is_err(), "{bad}");
    }
    assert!(!dir.path().join("x.html").exists());
}

#[test]
fn links_in_the_staging_folder_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("index.html"), "not ours").unwrap();
    let site = output(&[("docs/index.html", "docs"), ("gone/index.html", "gone")]);
    write(&site, &out).unwrap();
    write(&site, &out).unwrap();
    // A hand replaces two folders of the staging folder with links to a folder of its own.
    let stage = staging_dir(&out);
    for name in ["docs", "gone"] {
        std::fs::remove_dir_all(stage.join(name)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, stage.join(name)).unwrap();
    }
    write(&output(&[("docs/index.html", "docs v2")]), &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("index.html")).unwrap(),
        "not ours"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("docs/index.html")).unwrap(),
        "docs v2"
    );
    assert!(
        !std::fs::symlink_metadata(out.join("docs"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(!out.join("gone").exists());
}

#[test]
fn an_output_that_is_a_link_has_its_target_swapped() {
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir_all(www.join("html")).unwrap();
    let out = dir.path().join("public");
    std::os::unix::fs::symlink(www.join("html"), &out).unwrap();
    for round in 0..3 {
        let text = format!("round {round}");
        write(&output(&[("index.html", &text)]), &out).unwrap();
        assert!(
            std::fs::symlink_metadata(&out)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(www.join("html/index.html")).unwrap(),
            text
        );
    }
    assert!(www.join(".html.prev").is_dir());
    assert!(!dir.path().join(".public.prev").exists());
}
