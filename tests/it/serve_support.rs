//! Driver for the preview server's integration tests: copies a fixture site to a temp dir,
//! starts `helpsite serve`'s server on an ephemeral port, and talks to it over raw TCP.
//!
//! Raw TCP because an HTTP client library would normalise the traversal attempts away before
//! sending them. Requests are HTTP/1.0 so responses are never chunked: the body is everything
//! up to the close.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use helpsite::serve::Incremental;
use helpsite::serve::{Preview, SiteBuilder};
use helpsite::site::LoadOptions;

/// How long a test waits for an event before failing.
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Served {
    runtime: tokio::runtime::Runtime,
    preview: Option<Preview>,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Served {
    /// Serves a copy of `tests/fixtures/<fixture>`.
    pub fn start(fixture: &str) -> Served {
        Self::start_with(fixture, |_| {})
    }

    /// Serves a copy of the fixture after `prepare` adjusted the copy.
    pub fn start_with(fixture: &str, prepare: impl FnOnce(&Path)) -> Served {
        Self::start_custom(fixture, prepare, |builder| Box::new(builder))
    }

    /// Serves a copy of `fixture` through `wrap`'s builder around the preview's own (to watch
    /// or hold what the server asks of it).
    pub fn start_wrapped(
        fixture: &str,
        wrap: impl FnOnce(Incremental) -> Box<dyn SiteBuilder>,
    ) -> Served {
        Self::start_custom(fixture, |_| {}, wrap)
    }

    fn start_custom(
        fixture: &str,
        prepare: impl FnOnce(&Path),
        wrap: impl FnOnce(Incremental) -> Box<dyn SiteBuilder>,
    ) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        copy_tree(&from, &dir.path().join("site"));
        prepare(&dir.path().join("site"));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let root = dir.path().join("site");
        let options = LoadOptions {
            drafts: true,
            ..LoadOptions::default()
        };
        let builder = wrap(Incremental::new(&root, options));
        let preview = runtime
            .block_on(helpsite::serve::start(
                builder,
                &root,
                "127.0.0.1:0".parse().unwrap(),
            ))
            .unwrap_or_else(|d| panic!("{d}"));
        let addr = preview.addr;
        Served {
            runtime,
            preview: Some(preview),
            addr,
            dir,
        }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// The temp dir holding the site root: files here are outside the site.
    pub fn outside(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Replaces `from` by `to` in the file `rel`, failing if `from` is not there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "`{from}` not in {rel}");
        self.write(rel, text.replace(from, to));
    }

    pub fn get(&self, path: &str) -> Response {
        self.request(&format!("GET {path} HTTP/1.0\r\n\r\n"))
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let extra: String = headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\r\n"))
            .collect();
        self.request(&format!("GET {path} HTTP/1.0\r\n{extra}\r\n"))
    }

    /// Sends `raw` (request line and headers) as is and reads the whole response.
    pub fn request(&self, raw: &str) -> Response {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        Response::parse(&bytes)
    }

    /// An open event stream, past its `hello` (so it is subscribed before the test edits).
    pub fn events(&self) -> Events {
        self.events_for("")
    }

    /// An event stream opened with a query (`?path=/x/&etag=…`).
    pub fn events_for(&self, query: &str) -> Events {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(stream, "GET /_helpsite/events{query} HTTP/1.0\r\n\r\n").unwrap();
        let mut events = Events {
            reader: BufReader::new(stream),
            log: Vec::new(),
        };
        let mut status = String::new();
        events.read_line(&mut status);
        assert!(
            status.starts_with("HTTP/1.0 200") || status.starts_with("HTTP/1.1 200"),
            "{status}"
        );
        loop {
            let mut line = String::new();
            events.read_line(&mut line);
            if line.trim().is_empty() {
                break;
            }
        }
        events.wait_for("hello");
        events
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(preview) = self.preview.take() {
            self.runtime.block_on(preview.stop());
        }
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete head");
        let head = String::from_utf8_lossy(&bytes[..end]);
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A Server-Sent Events reader.
pub struct Events {
    reader: BufReader<TcpStream>,
    /// Every event seen, for failure messages.
    pub log: Vec<(String, String)>,
}

impl Events {
    /// Reads a line, retrying read timeouts (they only bound each wait) until [`WAIT`].
    fn read_line(&mut self, line: &mut String) -> bool {
        let started = Instant::now();
        loop {
            match self.reader.read_line(line) {
                Ok(0) => return false,
                Ok(_) => return true,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    if started.elapsed() > WAIT {
                        return false;
                    }
                }
                Err(e) => panic!("event stream: {e}"),
            }
        }
    }

    /// The next event's name and data, or `None` on timeout or end of stream.
    pub fn next(&mut self) -> Option<(String, String)> {
        let (mut name, mut data) = (String::from("message"), String::new());
        loop {
            let mut line = String::new();
            if !self.read_line(&mut line) {
                return None;
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if data.is_empty() {
                    continue; // a keep-alive comment's end, or a retry-only block
                }
                self.log.push((name.clone(), data.clone()));
                return Some((name, data));
            }
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
    }

    /// Skips events until one named `name`; returns its data as JSON.
    pub fn wait_for(&mut self, name: &str) -> serde_json::Value {
        while let Some((n, data)) = self.next() {
            if n == name {
                return serde_json::from_str(&data).unwrap();
            }
        }
        panic!("no `{name}` event within {WAIT:?}; saw {:?}", self.log);
    }

    /// Waits for a `reload` that names `url` (or reloads everything).
    pub fn wait_for_reload_of(&mut self, url: &str) -> serde_json::Value {
        loop {
            let data = self.wait_for("reload");
            let named = data["urls"]
                .as_array()
                .is_some_and(|u| u.iter().any(|u| u == url));
            if named || data["all"] == true {
                return data;
            }
        }
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
