//! One content file → page: front matter split and parse (YAML), Markdown with highlighting,
//! callouts, FAQ pairs, links and flows. Any input must give a page or diagnostics, never a
//! panic or a hang; every diagnostic names the file.

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use helpsite::content::parse_page;
use libfuzzer_sys::fuzz_target;

/// `parse_page` reads from a site root, so each input is written to one file in a folder
/// kept for the whole run (in memory where `/dev/shm` exists).
static ROOT: LazyLock<PathBuf> = LazyLock::new(|| {
    let shm = std::path::Path::new("/dev/shm");
    let temp = std::env::temp_dir();
    let dir = tempfile_dir(if shm.is_dir() { shm } else { &temp });
    std::fs::create_dir_all(dir.join("content/guide")).unwrap();
    dir
});

fn tempfile_dir(base: &std::path::Path) -> PathBuf {
    base.join(format!("helpsite-fuzz-page-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = &*ROOT;
    std::fs::write(root.join("content/guide/page.md"), text).unwrap();
    for (base, drafts) in [("/", true), ("/help/", false)] {
        match parse_page(root, "guide/page.md", base, drafts) {
            Ok(Some(page)) => assert!(page.url.starts_with(base), "{}", page.url),
            Ok(None) => {}
            Err(errors) => {
                assert!(!errors.is_empty());
                for e in errors {
                    assert!(e.path.is_some(), "diagnostic without a file: {e}");
                }
            }
        }
    }
});
