//! The hot file travels gzip-compressed: it is written compressed at build time because static
//! hosts compress only the types they know, and `index-<hash>.hot` is none of them (at 10,000
//! pages that was 378 KiB raw against 186 KiB gzipped on the wire).
//!
//! The browser inflates it with `DecompressionStream` before the engine sees it, so the
//! WebAssembly engine carries no inflater; natively (`helpsite search`, the preview server, tests)
//! the engine inflates it itself. A hot file that is not gzip (a host that decoded it on the
//! way, an older build) is taken as it is: the first byte of a raw hot file is meta.json's `{`,
//! never gzip's magic number.

use std::borrow::Cow;

use crate::SearchError;

/// The two bytes every gzip member starts with (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `bytes` are gzip-compressed.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// The hot file's raw bytes: inflated if it came compressed.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn raw(hot: &[u8]) -> Result<Cow<'_, [u8]>, SearchError> {
    use std::io::Read;
    if !is_gzip(hot) {
        return Ok(Cow::Borrowed(hot));
    }
    let mut out = Vec::with_capacity(hot.len() * 3);
    flate2::read::GzDecoder::new(hot)
        .read_to_end(&mut out)
        .map_err(|e| SearchError::io("inflating the search index's hot file", e))?;
    Ok(Cow::Owned(out))
}

/// The hot file's raw bytes. In the browser the worker inflates it (`DecompressionStream`), so
/// compressed bytes here mean a caller skipped that.
#[cfg(target_arch = "wasm32")]
pub(crate) fn raw(hot: &[u8]) -> Result<Cow<'_, [u8]>, SearchError> {
    if is_gzip(hot) {
        return Err(SearchError::Manifest(
            "the hot file is still gzip-compressed: inflate it before opening".into(),
        ));
    }
    Ok(Cow::Borrowed(hot))
}

/// `bytes` gzip-compressed, the same bytes on every machine (no name, no time stamp).
#[cfg(feature = "write")]
pub(crate) fn compress(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

#[cfg(all(test, feature = "write"))]
mod tests {
    use super::*;

    #[test]
    fn compressed_hot_files_come_back_raw_and_raw_ones_stay() {
        let text = b"{\"index_settings\": {}} and then term dictionaries".repeat(40);
        let packed = compress(&text);
        assert!(is_gzip(&packed) && packed.len() < text.len());
        assert_eq!(compress(&text), packed, "the same bytes every time");
        assert_eq!(&*raw(&packed).unwrap(), &text[..]);
        assert!(matches!(raw(&text).unwrap(), Cow::Borrowed(_)));
        assert!(
            raw(&packed[..packed.len() / 2]).is_err(),
            "a cut-short file"
        );
    }
}
