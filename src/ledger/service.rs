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
//! `201`: a `201` means the row is on disk, and batching keeps up with bursts.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use governor::{DefaultKeyedRateLimiter, Quota};
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::db::Ledger;
use super::failed_search::{self, MAX_QUERY_CHARS, Refusal};
use super::records::{Answer, FailedSearchRecord, FeedbackRecord, FeedbackSource, SearchSource};

/// Largest accepted body, in bytes ("under 2 KB").
pub const MAX_BODY: usize = 2047;
/// Most rows the writer commits in one transaction.
const MAX_BATCH: usize = 1024;

/// How the service is set up; see `helpsite feedback serve --help`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Page URLs that accept feedback (the manifest's pages).
    pub pages: HashSet<String>,
    /// Origins allowed to post (the site's, e.g. `https://support.example.com`).
    pub origins: Vec<String>,
    /// Sustained requests per second per client.
    pub per_second: NonZeroU32,
    /// Requests a client may send at once before the rate applies.
    pub burst: NonZeroU32,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a reverse proxy).
    pub trust_forwarded_for: bool,
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
pub fn app(settings: Settings, ledger: Ledger) -> (Router, WriterThread) {
    let (tx, rx) = mpsc::channel(16 * 1024);
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
        .layer(cors)
        .layer(axum::middleware::map_response(harden))
        .with_state(state);
    (router, WriterThread { handle })
}

/// Serves until ctrl-c, then waits for queued rows to be written.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
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

/// Either a page answer (`page` + `answer`) or a failed search (`failed_search` + `source`);
/// one struct rather than an untagged enum so a wrong body gets a precise serde message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Submission {
    page: Option<String>,
    answer: Option<String>,
    failed_search: Option<String>,
    source: Option<String>,
}

const EXPECTED: &str = "expected {\"page\": \"/a/page/\", \"answer\": \"yes\"} or {\"failed_search\": \"query\", \"source\": \"box\"}";

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
    let sub: Submission = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("{EXPECTED}: {e}")),
    };
    let pending = match sub {
        Submission {
            page: Some(page),
            answer: Some(answer),
            failed_search: None,
            source: None,
        } => match page_answer(s, page, answer) {
            Ok(record) => Pending::Feedback(record),
            Err(res) => return res,
        },
        Submission {
            page: None,
            answer: None,
            failed_search: Some(query),
            source: Some(source),
        } => match failed_search(query, source) {
            Ok(Some(record)) => Pending::FailedSearch(record),
            Ok(None) => {
                return (
                    StatusCode::ACCEPTED,
                    Json(serde_json::json!({ "ok": true, "stored": false })),
                )
                    .into_response();
            }
            Err(res) => return res,
        },
        _ => return error(StatusCode::BAD_REQUEST, EXPECTED),
    };
    let (done_tx, done_rx) = oneshot::channel();
    if state.writer.send((pending, done_tx)).await.is_err() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the ledger writer has stopped",
        );
    }
    match done_rx.await {
        Ok(true) => (StatusCode::CREATED, Json(serde_json::json!({ "ok": true }))).into_response(),
        _ => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "could not store the feedback; try again",
        ),
    }
}

fn page_answer(s: &Settings, page: String, answer: String) -> Result<FeedbackRecord, Response> {
    if !s.pages.contains(&page) {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("`{}` is not a page of this site", truncate(&page)),
        ));
    }
    let Some(answer) = Answer::parse(&answer) else {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`{}` is not an answer; use `yes`, `no` or `already-read`",
                truncate(&answer)
            ),
        ));
    };
    Ok(FeedbackRecord {
        key: format!("web:{}", new_id()),
        page,
        answer,
        source: FeedbackSource::Web,
        received_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

/// The row to store for a failed search, `None` for one that is accepted but dropped.
fn failed_search(query: String, source: String) -> Result<Option<FailedSearchRecord>, Response> {
    let Some(source) = SearchSource::parse(&source) else {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "`{}` is not a search source; use `box` or `page`",
                truncate(&source)
            ),
        ));
    };
    let query = match failed_search::normalise(&query) {
        Ok(q) => q,
        Err(Refusal::Personal) => return Ok(None),
        Err(Refusal::Empty) => {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "`failed_search` is empty",
            ));
        }
        Err(Refusal::TooLong) => {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("`failed_search` is longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
    };
    Ok(Some(FailedSearchRecord {
        key: format!("web:{}", new_id()),
        query,
        // The day only: a time of day would help tell readers apart.
        day: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        source,
    }))
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
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
    while let Some(first) = rx.blocking_recv() {
        batch.clear();
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        let result = (|| {
            let w = ledger.writer()?;
            for (pending, _) in &batch {
                match pending {
                    Pending::Feedback(record) => w.insert_feedback(record)?,
                    Pending::FailedSearch(record) => w.insert_failed_search(record)?,
                };
            }
            w.commit()
        })();
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
