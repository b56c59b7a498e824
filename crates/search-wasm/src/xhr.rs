//! The index pack read by HTTP Range requests with synchronous XMLHttpRequest.
//!
//! tantivy's read path is synchronous, so the bytes must arrive synchronously too: browsers allow
//! sync XHR (with `responseType = "arraybuffer"`) only inside a Web Worker, which is where the
//! engine runs. The search core's block cache sits in front of this source, aligns and coalesces
//! reads and never asks twice for a block, so each read here is one request. No JS object is kept
//! between reads, which keeps the source `Send + Sync` as the core requires.

use std::io;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use helpsite_search::ByteSource;
use wasm_bindgen::JsValue;
use web_sys::{XmlHttpRequest, XmlHttpRequestResponseType};

pub struct XhrSource {
    url: String,
    len: u64,
    /// Set when the host ignored `Range` and sent the whole pack (HTTP 200): later reads slice it.
    whole: Mutex<Option<Arc<[u8]>>>,
}

impl XhrSource {
    pub fn new(url: String, len: u64) -> Self {
        XhrSource {
            url,
            len,
            whole: Mutex::new(None),
        }
    }
}

impl ByteSource for XhrSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, range: Range<u64>) -> io::Result<Vec<u8>> {
        let mut whole = self.whole.lock().unwrap_or_else(PoisonError::into_inner);
        if whole.is_none() {
            let (status, bytes) = get_range(&self.url, &range).map_err(|e| {
                io::Error::other(format!(
                    "reading `{}` bytes `{}..{}`: {}",
                    self.url,
                    range.start,
                    range.end,
                    describe(&e)
                ))
            })?;
            match status {
                206 => return Ok(bytes),
                200 if bytes.len() as u64 == self.len => *whole = Some(Arc::from(bytes)),
                200 => {
                    return Err(io::Error::other(format!(
                        "`{}` is {} bytes, the manifest says {}; the files are from different builds",
                        self.url,
                        bytes.len(),
                        self.len
                    )));
                }
                _ => {
                    return Err(io::Error::other(format!(
                        "reading `{}`: HTTP {status}",
                        self.url
                    )));
                }
            }
        }
        let all = whole.as_deref().unwrap_or_default();
        all.get(range.start as usize..range.end as usize)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "read past the end of the pack",
                )
            })
    }
}

/// One synchronous `GET` with `Range: bytes=a-(b-1)`: the status and the body.
fn get_range(url: &str, range: &Range<u64>) -> Result<(u16, Vec<u8>), JsValue> {
    let xhr = XmlHttpRequest::new()?;
    xhr.open_with_async("GET", url, false)?;
    xhr.set_response_type(XmlHttpRequestResponseType::Arraybuffer);
    xhr.set_request_header(
        "Range",
        &format!("bytes={}-{}", range.start, range.end.saturating_sub(1)),
    )?;
    xhr.send()?;
    let status = xhr.status()?;
    Ok((status, js_sys::Uint8Array::new(&xhr.response()?).to_vec()))
}

fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"))
}
