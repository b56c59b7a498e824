//! The accept loop of `helpsite feedback serve`: what keeps idle or slow clients from starving
//! the endpoint (issue 13).
//!
//! `axum::serve` holds every connection for as long as the client likes, with no limit on their
//! number: ~20,000 idle sockets used up the file descriptors and real posts timed out. Here
//! hyper's HTTP/1 connection does the protocol, and around it:
//!
//! - each request's header must arrive within [`Limits::header_timeout`], and an idle
//!   keep-alive connection is closed after the same time (hyper's `header_read_timeout` runs
//!   from the end of one request to the head of the next);
//! - body and answer together get [`Limits::request_timeout`] (a `408`; see `service`);
//! - at most [`Limits::max_connections`] are open at once: past that, new ones wait in the
//!   kernel's backlog until one closes, which the timeouts make a matter of seconds;
//! - at most [`Limits::max_per_ip`] from one client address; more are closed at once, so one
//!   host cannot take the slots readers need. Behind a reverse proxy every connection comes
//!   from the proxy, so the cap is off there (`--trust-forwarded-for`).
//!
//! The request's read buffer is capped (a feedback post's head is well under 1 KiB), so held
//! connections cost little memory.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// Connection limits; see the module docs. [`Limits::default`] is what `feedback serve` uses
/// unless told otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    /// `None`: no cap (behind a reverse proxy).
    pub max_per_ip: Option<usize>,
    pub header_timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 4096,
            max_per_ip: Some(32),
            header_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Largest request head plus buffered body, in bytes (hyper's minimum is 8 KiB).
const MAX_BUF: usize = 16 * 1024;
/// How long open connections may finish their request once shutdown starts.
const GRACE: Duration = Duration::from_secs(5);
/// File descriptors kept for the ledger, the listener and the runtime.
const SPARE_FDS: u64 = 64;

/// What the loop did, for the line printed when the service stops.
#[derive(Debug, Default)]
pub struct Counters {
    pub accepted: AtomicU64,
    pub refused_per_ip: AtomicU64,
}

/// Raises the soft file-descriptor limit as far as the hard one allows and returns
/// `max_connections`, lowered (with the reason) if the descriptors still do not suffice.
pub fn fit_to_fd_limit(max_connections: usize) -> (usize, Option<String>) {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let want = max_connections as u64 + SPARE_FDS;
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current.is_some_and(|c| c < want) {
            let raised = limit.maximum.map_or(want, |m| m.min(want));
            limit.current = Some(raised);
            let _ = setrlimit(Resource::Nofile, limit);
        }
        let have = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
        if have < want {
            let fits = have.saturating_sub(SPARE_FDS).max(1) as usize;
            return (
                fits,
                Some(format!(
                    "only {have} file descriptors may be open (`ulimit -n`): at most {fits} connections instead of {max_connections}"
                )),
            );
        }
    }
    (max_connections, None)
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then lets open
/// requests finish (up to a few seconds) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    counters: Arc<Counters>,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let per_ip = Arc::new(PerIp::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors (EMFILE) or a connection reset before it was taken:
                // wait a moment rather than spin; closing connections frees descriptors.
                if !matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                ) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        let ip = peer.ip().to_canonical();
        let Some(guard) = PerIp::enter(&per_ip, ip, limits.max_per_ip) else {
            counters.refused_per_ip.fetch_add(1, Ordering::Relaxed);
            drop(stream);
            continue;
        };
        counters.accepted.fetch_add(1, Ordering::Relaxed);
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _guard = guard;
            connection(stream, peer, router, limits, &mut stop).await;
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a slot until it ends: having them all back means all ended.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(GRACE + Duration::from_secs(1), slots.acquire_many(all)).await;
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    stop: &mut watch::Receiver<bool>,
) {
    // hyper allocates its read buffer as soon as it serves a connection; one that has sent
    // nothing yet costs only this task until its first byte (or the header timeout).
    let first_byte = tokio::select! {
        ready = tokio::time::timeout(limits.header_timeout, stream.readable()) => matches!(ready, Ok(Ok(()))),
        _ = stop.wait_for(|stopped| *stopped) => false,
    };
    if !first_byte {
        return;
    }
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_BUF)
        .keep_alive(true);
    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    let stopped = tokio::select! {
        _ = conn.as_mut() => false,
        _ = stop.wait_for(|stopped| *stopped) => true,
    };
    if stopped {
        conn.as_mut().graceful_shutdown();
        let _ = tokio::time::timeout(GRACE, conn).await;
    }
}

/// Open connections per client address; entries go when their count drops to zero, so the
/// map holds only addresses with open connections.
#[derive(Default)]
struct PerIp(Mutex<HashMap<IpAddr, usize>>);

struct PerIpGuard {
    map: Arc<PerIp>,
    ip: IpAddr,
}

impl PerIp {
    fn enter(map: &Arc<PerIp>, ip: IpAddr, cap: Option<usize>) -> Option<PerIpGuard> {
        let cap = cap.unwrap_or(usize::MAX);
        let mut m = map.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = m.entry(ip).or_default();
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(PerIpGuard {
            map: map.clone(),
            ip,
        })
    }
}

impl Drop for PerIpGuard {
    fn drop(&mut self) {
        let mut m = self.map.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = m.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.ip);
            }
        }
    }
}
