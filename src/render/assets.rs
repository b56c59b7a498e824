//! Static files published with the site. CSS and JS get a content hash in their name
//! (`style.css` → `style.3f9a1c20b4.css`) so browsers and CDNs can cache them forever;
//! templates find the published URL in the `assets` map.

use std::collections::BTreeMap;

/// Published static files.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Plain name (`style.css`, `img/logo.svg`) → root-relative URL.
    pub urls: BTreeMap<String, String>,
    /// Output path → bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Hex digits of the content hash in a file name: 40 bits, plenty for one site's assets.
const HASH_LEN: usize = 10;

impl Assets {
    pub fn publish(statics: BTreeMap<String, Vec<u8>>, base_path: &str) -> Assets {
        let mut assets = Assets::default();
        for (name, bytes) in statics {
            let out = hashed_name(&name, &bytes);
            assets.urls.insert(name, format!("{base_path}{out}"));
            assets.files.push((out, bytes));
        }
        assets
    }
}

/// `a/site.js` → `a/site.<hash>.js` for CSS and JS; other files keep their name.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext @ ("css" | "js" | "mjs"))) => {
            let hash = blake3::hash(bytes).to_hex();
            format!("{stem}.{}.{ext}", &hash[..HASH_LEN])
        }
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_get_hashes() {
        let a = hashed_name("style.css", b"body{}");
        assert!(
            a.starts_with("style.")
                && a.ends_with(".css")
                && a.len() == "style..css".len() + HASH_LEN,
            "{a}"
        );
        assert_ne!(a, hashed_name("style.css", b"body{color:red}"));
        assert_eq!(hashed_name("img/logo.svg", b"x"), "img/logo.svg");
        assert!(hashed_name("js/site.js", b"x").starts_with("js/site."));
    }
}
