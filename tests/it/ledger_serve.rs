//! `helpsite feedback serve` run as a user runs it, against clients that hold connections and a
//! ledger another process is writing (issue 13): idle connections are closed, one address gets
//! no more than its share, real posts are answered meanwhile, and a post while an ingest holds
//! the ledger is answered at once and kept.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use helpsite::ledger::Ledger;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::ledger_support::site_root;

const ORIGIN: &str = "https://support.divergent.cloud";

struct Server {
    child: Child,
    addr: SocketAddr,
    site: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn ledger(&self) -> PathBuf {
        self.site.path().join(".helpsite/ledger.sqlite")
    }
}

/// Starts the real binary on a copy of the fixture site, on a port of its choosing.
fn start() -> Server {
    let site = tempfile::tempdir().unwrap();
    std::fs::copy(site_root().join("site.yaml"), site.path().join("site.yaml")).unwrap();
    std::fs::create_dir_all(site.path().join("public/_helpsite")).unwrap();
    std::fs::copy(
        site_root().join("pages.json"),
        site.path().join("public/_helpsite/pages.json"),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpsite"))
        .args(["feedback", "--root"])
        .arg(site.path())
        .args(["serve", "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    // Keep reading, so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr, site }
}

/// A connection from `from` (any 127.x.y.z is this host).
async fn connect(addr: SocketAddr, from: Ipv4Addr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).unwrap();
    socket.connect(addr).await.unwrap()
}

/// Posts one answer and returns the status line and how long the answer took.
async fn post(addr: SocketAddr, from: Ipv4Addr, wait: Duration) -> (String, Duration) {
    let start = Instant::now();
    let mut s = connect(addr, from).await;
    let body = r#"{"page":"/faq/","answer":"yes"}"#;
    let req = format!(
        "POST /api/feedback HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nOrigin: {ORIGIN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut res = Vec::new();
    match tokio::time::timeout(wait, s.read_to_end(&mut res)).await {
        Ok(_) => {
            let text = String::from_utf8_lossy(&res);
            (
                text.lines().next().unwrap_or("").to_string(),
                start.elapsed(),
            )
        }
        Err(_) => (format!("no answer within {wait:?}"), start.elapsed()),
    }
}

/// Whether the server closes `s` within `wait` (a read sees end of file or a reset).
async fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(wait, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A `408` or the like before closing is fine; keep reading to the end.
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

fn feedback_rows(ledger: &Path) -> u64 {
    Ledger::open(ledger).unwrap().counts().unwrap().feedback
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_capped_and_closed_while_posts_are_answered() {
    let server = start();
    let addr = server.addr;
    let greedy = Ipv4Addr::new(127, 0, 0, 2);
    // One address opens 40 connections and sends nothing: 32 are allowed at once.
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(connect(addr, greedy).await);
    }
    // Another sends half a request head and stops.
    let mut partial = connect(addr, Ipv4Addr::new(127, 0, 0, 3)).await;
    partial
        .write_all(b"POST /api/feedback HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let held_from = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut closed_at_once = 0;
    for s in &mut idle {
        if closed_within(s, Duration::from_millis(10)).await {
            closed_at_once += 1;
        }
    }
    assert_eq!(closed_at_once, 8, "connections over the per-address cap");

    // A reader's post is answered at once meanwhile (`202` if the commit is slow to come on a
    // loaded machine: stored all the same).
    let (status, took) = post(addr, Ipv4Addr::new(127, 0, 0, 1), Duration::from_secs(5)).await;
    assert!(
        status.starts_with("HTTP/1.1 201") || status.starts_with("HTTP/1.1 202"),
        "{status}"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");

    // The header timeout (5 s) closes every held connection.
    let deadline = held_from + Duration::from_secs(8);
    let mut still_open = 0;
    for s in idle.iter_mut().chain(std::iter::once(&mut partial)) {
        let left = deadline.saturating_duration_since(Instant::now());
        if !closed_within(s, left.max(Duration::from_millis(10))).await {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "idle connections still open after 8 s");
    assert_eq!(feedback_rows(&server.ledger()), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_while_an_ingest_holds_the_ledger_is_answered_and_kept() {
    let server = start();
    // What `ingest-mail` does for its whole run: one write transaction.
    let mut ingest = Ledger::open(&server.ledger()).unwrap();
    let tx = ingest.writer().unwrap();
    let (status, took) = post(
        server.addr,
        Ipv4Addr::new(127, 0, 0, 1),
        Duration::from_secs(5),
    )
    .await;
    assert!(
        status.starts_with("HTTP/1.1 202"),
        "{status} after {took:?}"
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
    tx.commit().unwrap();
    // The queued row is written once the lock is free.
    let deadline = Instant::now() + Duration::from_secs(5);
    while feedback_rows(&server.ledger()) == 0 {
        assert!(
            Instant::now() < deadline,
            "the queued row was never written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(feedback_rows(&server.ledger()), 1);
}
