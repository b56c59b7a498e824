//! Embeds `themes/default/{templates,static}` in the binary, so `helpsite build` works on a site
//! without a `themes/` folder (the benchmark corpora, a fresh `content/` tree).
//!
//! Writes `$OUT_DIR/default_theme.rs`: one `(relative path, bytes)` pair per file, each through
//! `include_bytes!` so cargo tracks the files themselves.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let theme = manifest.join("themes/default");
    println!("cargo::rerun-if-changed=themes/default");
    let mut files = Vec::new();
    for sub in ["templates", "static"] {
        collect(&theme, &theme.join(sub), &mut files);
    }
    files.sort();
    let mut out = String::from("pub(crate) static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("default_theme.rs");
    fs::write(dest, out).expect("write default_theme.rs");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, files);
        } else {
            let rel = path.strip_prefix(base).expect("under base");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((rel, path));
        }
    }
}
