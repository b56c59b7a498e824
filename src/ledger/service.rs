//! `helpsite feedback serve`: the endpoint the theme's feedback widget and search box post to.
//!
//! Small and strict on purpose, because it faces the internet: `POST /api/feedback` takes
//! `{"page": "/a/page/", "answer": "yes" | "no" | "already-read"}` for pages in the manifest
//! only, bodies under 2 KiB, JSON only, from the site's own origin (CORS for it alone), at a
//! per-client rate (a token bucket per IP); `GET /healthz` says it is up. Everything else gets a
//! 4xx with a JSON `{"error": "..."}`. It sets no cookies and stores no IP address.
//!
//! The theme's search box posts `{"failed_search": "query", "source": "box" | "page"}` to the
//! same endpoint when a search finds nothing, under the same limits. Only the normalised query
//! and the day are stored ([`super::failed_search`]). A query that looks like personal data
//! (an `@`, six or more digits in a row) is answered `202 {"ok": true, "stored": false}` and
//! dropped: the reader did nothing wrong, and there is nothing for a client to fix or retry. An
//! empty or over-long query (more than 100 characters once normalised) is a `422`.
//!
//! SQLite takes one writer at a time, so requests hand their row to one writer thread, which
//! commits whatever has queued up in one transaction and only then lets the requests answer
//! `201`: a `201` means the row is on disk, and batching keeps up with bursts. While something
//! else holds the ledger's write lock (an ingest is one transaction, and may take seconds), rows
//! wait in the writer's bounded queue: a request waits at most [`QUEUE_WAIT`] (0.2 s) for its commit and
//! then answers `202 {"ok": true, "queued": true}`, and the row is committed as soon as the lock
//! is free. A full queue answers `503` with `Retry-After`.
//!
//! Connections are taken by [`super::connections`], which bounds their number and how long a
//! client may take; the request timeout (`408`) is applied here.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use governor::{DefaultKeyedRateLimiter, Quota};
use tokio::sync::{mpsc, oneshot};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::connections::{self, Counters, Limits};
use super::db::Ledger;
use super::records::{FailedSearchRecord, FeedbackRecord};
use super::submission::{self, Accepted};

/// Largest accepted body, in bytes ("under 2 KB").
pub const MAX_BODY: usize = 2047;
/// Most rows the writer commits in one transaction.
const MAX_BATCH: usize = 1024;
/// Rows waiting for the writer, at most; past that a post is answered `503`.
const QUEUE: usize = 16 * 1024;
/// How long a request waits for its row's commit before answering `202` (queued).
pub const QUEUE_WAIT: Duration = Duration::from_millis(200);
/// How long each of the writer's tries waits for the write lock; it tries until it gets it,
/// and a short wait lets it say promptly that the ledger is locked.
const LOCK_WAIT: Duration = Duration::from_millis(250);

/// How the service is set up; see `helpsite feedback serve --help`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Page URLs that accept feedback (the manifest's pages).
    pub pages: HashSet<String>,
    /// Origins allowed to post (the site's, e.g. `https://support.divergent.cloud`).
    pub origins: Vec<String>,
    /// Sustained requests per second per client.
    pub per_second: NonZeroU32,
    /// Requests a client may send at once before the rate applies.
    pub burst: NonZeroU32,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a reverse proxy).
    pub trust_forwarded_for: bool,
    /// Connection limits and timeouts ([`Limits::request_timeout`] applies to the router).
    pub limits: Limits,
    /// How long a post waits for its commit before answering `202` ([`QUEUE_WAIT`]).
    pub queue_wait: Duration,
}

/// A row on its way to the writer thread.
enum Pending {
    Feedback(FeedbackRecord),
    FailedSearch(FailedSearchRecord),
}

struct AppState {
    settings: Settings,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    writer: mpsc::Sender<(Pending, oneshot::Sender<bool>)>,
}

/// The writer thread: the only place the service touches SQLite.
pub struct WriterThread {
    handle: std::thread::JoinHandle<Result<u64, String>>,
}

impl WriterThread {
    /// Waits until every queued row is committed (after the router is dropped) and returns how
    /// many rows were written.
    pub fn join(self) -> Result<u64, String> {
        self.handle
            .join()
            .map_err(|_| "the writer thread panicked".to_string())?
    }
}

/// Builds the router and starts its writer thread on `ledger`.
pub fn app(settings: Settings, mut ledger: Ledger) -> (Router, WriterThread) {
    let (tx, rx) = mpsc::channel(QUEUE);
    ledger.set_busy_timeout(LOCK_WAIT);
    let handle = std::thread::Builder::new()
        .name("feedback-writer".into())
        .spawn(move || write_loop(ledger, rx))
        .expect("spawn writer thread");
    let quota = Quota::per_second(settings.per_second).allow_burst(settings.burst);
    let origins: Vec<HeaderValue> = settings
        .origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(Duration::from_secs(86_400));
    let request_timeout = settings.limits.request_timeout;
    let state = Arc::new(AppState {
        settings,
        limiter: DefaultKeyedRateLimiter::keyed(quota),
        writer: tx,
    });
    let weak = Arc::downgrade(&state);
    // Forget clients that have been quiet, so the limiter's memory stays bounded. A weak
    // reference lets the state (and with it the writer's queue) go when the router does.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else { break };
            state.limiter.retain_recent();
        }
    });
    let router = Router::new()
        .route("/api/feedback", post(post_feedback))
        .route("/healthz", get(healthz))
        .method_not_allowed_fallback(|| async {
            error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed here")
        })
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "no such endpoint; feedback goes to `POST /api/feedback`",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| async move {
                // The body is read inside the handler, so this bounds a client that sends its
                // body a byte at a time, as well as the wait for the writer.
                match tokio::time::timeout(request_timeout, next.run(req)).await {
                    Ok(res) => res,
                    Err(_) => error(
                        StatusCode::REQUEST_TIMEOUT,
                        format!(
                            "the request took longer than {} s; send it whole",
                            request_timeout.as_secs_f32()
                        ),
                    ),
                }
            },
        ))
        .layer(cors)
        .layer(axum::middleware::map_response(harden))
        .with_state(state);
    (router, WriterThread { handle })
}

/// Serves within `limits` until ctrl-c; the caller then joins the writer, which writes every
/// queued row. Returns what the accept loop counted.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
) -> Arc<Counters> {
    let counters = Arc::new(Counters::default());
    connections::serve(listener, router, limits, counters.clone(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    counters
}

async fn harden(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.remove(header::SET_COOKIE);
    res
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": message.into() }))).into_response()
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    if state.writer.is_closed() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the ledger writer has stopped",
        );
    }
    Json(serde_json::json!({ "status": "ok" })).into_response()
}

async fn post_feedback(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let s = &state.settings;
    if let Some(origin) = headers.get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .is_ok_and(|o| s.origins.iter().any(|a| a == o));
        if !allowed {
            return error(
                StatusCode::FORBIDDEN,
                format!(
                    "origin `{}` may not send feedback here",
                    origin.to_str().unwrap_or("?")
                ),
            );
        }
    }
    let client = client_ip(&headers, peer, s.trust_forwarded_for);
    if let Err(not_until) = state.limiter.check_key(&client) {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        ));
        let mut res = error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests from this address; try again shortly",
        );
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
        return res;
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !is_json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send `Content-Type: application/json`",
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body must be under {} bytes", MAX_BODY + 1),
            );
        }
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("cannot read the body: {e}"),
            );
        }
    };
    let pending = match submission::parse(&body, &|p| s.pages.contains(p), new_id) {
        Ok(Accepted::Feedback(record)) => Pending::Feedback(record),
        Ok(Accepted::FailedSearch(record)) => Pending::FailedSearch(record),
        Ok(Accepted::Dropped) => {
            return (
                StatusCode::ACCEPTED,
                Json(serde_json::json!({ "ok": true, "stored": false })),
            )
                .into_response();
        }
        Err(refused) => return error(refused.status, refused.message),
    };
    let (done_tx, done_rx) = oneshot::channel();
    match state.writer.try_send((pending, done_tx)) {
        Ok(()) => {}
        Err(mpsc::error::TrySendError::Full(_)) => {
            let mut res = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the ledger is busy; try again shortly",
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return res;
        }
        Err(mpsc::error::TrySendError::Closed(_)) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the ledger writer has stopped",
            );
        }
    }
    match tokio::time::timeout(s.queue_wait, done_rx).await {
        Ok(Ok(true)) => {
            (StatusCode::CREATED, Json(serde_json::json!({ "ok": true }))).into_response()
        }
        // Another process holds the write lock: the row stays queued and is written when the
        // lock is free, so the reader is not kept waiting for it.
        Err(_) => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "ok": true, "queued": true })),
        )
            .into_response(),
        Ok(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "could not store the feedback; try again",
        ),
    }
}

fn client_ip(headers: &HeaderMap, peer: SocketAddr, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.ip()
}

/// A unique id without storing anything about the client: time, process and a counter, hashed.
fn new_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = blake3::Hasher::new();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    h.update(&nanos.to_le_bytes())
        .update(&std::process::id().to_le_bytes())
        .update(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    h.finalize().to_hex()[..32].to_string()
}

fn write_loop(
    mut ledger: Ledger,
    mut rx: mpsc::Receiver<(Pending, oneshot::Sender<bool>)>,
) -> Result<u64, String> {
    let mut written = 0u64;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut waiting_since: Option<std::time::Instant> = None;
    while let Some(first) = rx.blocking_recv() {
        batch.clear();
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        let result = loop {
            let w = match ledger.try_writer() {
                Ok(Some(w)) => w,
                Ok(None) => {
                    // Held by an ingest or another writer: keep the rows, and say so once.
                    if waiting_since.is_none() {
                        eprintln!(
                            "the ledger is locked by another process; queueing feedback until it is free"
                        );
                        waiting_since = Some(std::time::Instant::now());
                    }
                    continue;
                }
                Err(e) => break Err(e),
            };
            break (|| {
                for (pending, _) in &batch {
                    match pending {
                        Pending::Feedback(record) => w.insert_feedback(record)?,
                        Pending::FailedSearch(record) => w.insert_failed_search(record)?,
                    };
                }
                w.commit()
            })();
        };
        if let Some(since) = waiting_since.take() {
            eprintln!(
                "the ledger is free again after {:.1} s",
                since.elapsed().as_secs_f32()
            );
        }
        let ok = result.is_ok();
        if let Err(e) = result {
            eprintln!("{e}");
        } else {
            written += batch.len() as u64;
        }
        for (_, done) in batch.drain(..) {
            let _ = done.send(ok);
        }
    }
    Ok(written)
}
