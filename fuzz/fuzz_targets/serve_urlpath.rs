//! `helpsite serve`'s request path → output file mapping: never panics, and whatever it
//! accepts stays inside the site (no dot, empty or separator-carrying segment, no control
//! character), under any mount point.

#![no_main]

use helpsite::serve::urlpath::resolve;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    for base in ["/", "/docs/"] {
        let Ok(Some(path)) = resolve(raw, base) else {
            continue;
        };
        for s in &path.segments {
            assert!(!s.is_empty(), "{raw:?}: empty segment");
            assert!(s != "." && s != "..", "{raw:?}: dot segment");
            assert!(
                !s.contains(['/', '\\', '%']) && !s.chars().any(char::is_control),
                "{raw:?}: segment {s:?}"
            );
        }
        for file in std::iter::once(path.file()).chain(path.dir_index()) {
            assert!(!file.starts_with('/'), "{raw:?}: absolute {file:?}");
            assert!(
                file.split('/').all(|s| !s.is_empty() && s != "." && s != ".."),
                "{raw:?}: {file:?} leaves the site"
            );
        }
    }
});
