//! The feedback endpoint: what it accepts, everything it refuses with a 4xx, CORS, the rate
//! limit, no cookies, and that every `201` is a row in the ledger.

use std::net::SocketAddr;
use std::num::NonZeroU32;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use helpsite::ledger::connections::Limits;
use helpsite::ledger::service::{self, Settings};
use helpsite::ledger::{Ledger, service::WriterThread};
use http_body_util::BodyExt;
use tower::ServiceExt;

const ORIGIN: &str = "https://support.divergent.cloud";

fn settings(per_second: u32, burst: u32) -> Settings {
    Settings {
        pages: ["/faq/".to_string(), "/connect/senders/".to_string()]
            .into_iter()
            .collect(),
        origins: vec![ORIGIN.to_string()],
        per_second: NonZeroU32::new(per_second).unwrap(),
        burst: NonZeroU32::new(burst).unwrap(),
        trust_forwarded_for: false,
        limits: Limits::default(),
        // These tests check `201`s: a loaded machine must not turn them into `202`s.
        queue_wait: std::time::Duration::from_secs(30),
    }
}

struct App {
    router: Router,
    writer: WriterThread,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn app(per_second: u32, burst: u32) -> App {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let (router, writer) = service::app(settings(per_second, burst), Ledger::open(&path).unwrap());
    App {
        router,
        writer,
        path,
        _dir: dir,
    }
}

fn post(body: impl Into<Body>) -> axum::http::request::Builder {
    let _ = body;
    Request::post("/api/feedback")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, ORIGIN)
}

async fn send(
    router: &Router,
    req: Request<Body>,
    from: [u8; 4],
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let mut req = req;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((from, 40000))));
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::String(
            String::from_utf8_lossy(&bytes).into(),
        ))
    };
    (status, headers, json)
}

fn json_req(body: &str) -> Request<Body> {
    post(()).body(Body::from(body.to_string())).unwrap()
}

fn rows(path: &std::path::Path) -> Vec<(String, String, String)> {
    let l = Ledger::open(path).unwrap();
    let mut stmt = l
        .conn()
        .prepare("SELECT page, answer, source FROM feedback ORDER BY page, answer")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn valid_posts_are_stored() {
    let a = app(100, 100);
    for (page, answer) in [
        ("/faq/", "yes"),
        ("/connect/senders/", "already-read"),
        ("/faq/", "no"),
    ] {
        let (status, headers, body) = send(
            &a.router,
            json_req(&format!(r#"{{"page":"{page}","answer":"{answer}"}}"#)),
            [10, 0, 0, 1],
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body, serde_json::json!({"ok": true}));
        assert_eq!(
            headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
            ORIGIN
        );
        assert!(headers.get(header::SET_COOKIE).is_none());
        assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    }
    drop(a.router);
    assert_eq!(a.writer.join().unwrap(), 3);
    assert_eq!(
        rows(&a.path),
        vec![
            (
                "/connect/senders/".into(),
                "already-read".into(),
                "web".into()
            ),
            ("/faq/".into(), "no".into(), "web".into()),
            ("/faq/".into(), "yes".into(), "web".into()),
        ]
    );
}

#[tokio::test]
async fn everything_else_is_a_clear_4xx() {
    let a = app(100, 100);
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            json_req(r#"{"page":"/nope/","answer":"yes"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`/nope/` is not a page of this site",
        ),
        (
            json_req(r#"{"page":"/faq/","answer":"maybe"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`maybe` is not an answer; use `yes`, `no` or `already-read`",
        ),
        (
            json_req(r#"{"page":"/faq/"}"#),
            StatusCode::BAD_REQUEST,
            "expected",
        ),
        (
            json_req(r#"{"page":"/faq/","answer":"yes","email":"x@y"}"#),
            StatusCode::BAD_REQUEST,
            "unknown field `email`",
        ),
        (json_req("not json"), StatusCode::BAD_REQUEST, "expected"),
        (
            json_req(&format!(
                r#"{{"page":"/faq/","answer":"yes","pad":"{}"}}"#,
                "x".repeat(3000)
            )),
            StatusCode::PAYLOAD_TOO_LARGE,
            "under 2048 bytes",
        ),
        (
            Request::post("/api/feedback")
                .header(header::ORIGIN, ORIGIN)
                .body(Body::from(r#"{"page":"/faq/","answer":"yes"}"#))
                .unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "application/json",
        ),
        (
            Request::post("/api/feedback")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from(r#"{"page":"/faq/","answer":"yes"}"#))
                .unwrap(),
            StatusCode::FORBIDDEN,
            "origin `https://evil.example` may not send feedback here",
        ),
        (
            Request::get("/api/feedback").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed",
        ),
        (
            Request::delete("/healthz").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed",
        ),
        (
            Request::get("/admin").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "no such endpoint",
        ),
    ];
    for (req, status, message) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let (got, headers, body) = send(&a.router, req, [10, 0, 0, 2]).await;
        assert_eq!(got, status, "{what}: {body}");
        let error = body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no JSON error in {body}"));
        assert!(error.contains(message), "{what}: {error}");
        assert!(headers.get(header::SET_COOKIE).is_none());
    }
    drop(a.router);
    assert_eq!(a.writer.join().unwrap(), 0);
    assert!(rows(&a.path).is_empty());
}

#[tokio::test]
async fn cors_preflight_only_for_the_site() {
    let a = app(100, 100);
    let preflight = |origin: &str| {
        Request::options("/api/feedback")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let (_, ok, _) = send(&a.router, preflight(ORIGIN), [10, 0, 0, 3]).await;
    assert_eq!(ok.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), ORIGIN);
    assert!(ok.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
    let (_, bad, _) = send(&a.router, preflight("https://evil.example"), [10, 0, 0, 3]).await;
    assert!(bad.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[tokio::test]
async fn rate_limit_per_client() {
    let a = app(1, 3);
    let body = r#"{"page":"/faq/","answer":"yes"}"#;
    for _ in 0..3 {
        assert_eq!(
            send(&a.router, json_req(body), [10, 0, 0, 4]).await.0,
            StatusCode::CREATED
        );
    }
    let (status, headers, json) = send(&a.router, json_req(body), [10, 0, 0, 4]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{json}");
    assert!(headers.get(header::RETRY_AFTER).is_some());
    // Another client is not affected.
    assert_eq!(
        send(&a.router, json_req(body), [10, 0, 0, 5]).await.0,
        StatusCode::CREATED
    );
    drop(a.router);
    assert_eq!(a.writer.join().unwrap(), 4);
}

#[tokio::test]
async fn healthz() {
    let a = app(1, 1);
    let (status, _, body) = send(
        &a.router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
        [10, 0, 0, 6],
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, serde_json::json!({"status": "ok"}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_posts_over_tcp_lose_nothing() {
    let a = app(1000, 1000);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(
        axum::serve(
            listener,
            a.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .into_future(),
    );
    let mut tasks = Vec::new();
    for i in 0..200 {
        tasks.push(tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let body = format!(r#"{{"page":"/faq/","answer":"{}"}}"#, ["yes", "no", "already-read"][i % 3]);
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            let req = format!(
                "POST /api/feedback HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nOrigin: {ORIGIN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            s.write_all(req.as_bytes()).await.unwrap();
            let mut res = String::new();
            s.read_to_string(&mut res).await.unwrap();
            res.starts_with("HTTP/1.1 201")
        }));
    }
    let mut ok = 0;
    for t in tasks {
        ok += usize::from(t.await.unwrap());
    }
    assert_eq!(ok, 200);
    server.abort();
    let _ = server.await;
    assert_eq!(a.writer.join().unwrap(), 200);
    assert_eq!(rows(&a.path).len(), 200);
}

fn searches(path: &std::path::Path) -> Vec<(String, String, String)> {
    let l = Ledger::open(path).unwrap();
    let mut stmt = l
        .conn()
        .prepare("SELECT query, day, source FROM failed_searches ORDER BY query, source")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn search_req(query: &str, source: &str) -> Request<Body> {
    json_req(&serde_json::json!({ "failed_search": query, "source": source }).to_string())
}

#[tokio::test]
async fn failed_searches_are_stored_normalised_with_the_day_only() {
    let a = app(100, 100);
    let before = chrono::Utc::now().format("%Y-%m-%d").to_string();
    for (query, source) in [
        ("  Reset   PASSWORD\t2FA ", "box"),
        ("reset password 2fa", "page"),
        ("Ünïcode  Läuft", "box"),
    ] {
        let (status, headers, body) =
            send(&a.router, search_req(query, source), [10, 1, 0, 1]).await;
        assert_eq!(status, StatusCode::CREATED, "{query}: {body}");
        assert_eq!(body, serde_json::json!({"ok": true}));
        assert!(headers.get(header::SET_COOKIE).is_none());
    }
    let after = chrono::Utc::now().format("%Y-%m-%d").to_string();
    drop(a.router);
    assert_eq!(a.writer.join().unwrap(), 3);
    let got = searches(&a.path);
    let day = &got[0].1;
    assert!(*day == before || *day == after, "{day}");
    let want = |q: &str, s: &str| (q.to_string(), day.clone(), s.to_string());
    assert_eq!(
        got,
        vec![
            want("reset password 2fa", "box"),
            want("reset password 2fa", "page"),
            want("ünïcode läuft", "box"),
        ]
    );
    // Nothing about the client is kept: these are all the columns there are.
    let l = Ledger::open(&a.path).unwrap();
    let columns: Vec<String> = l
        .conn()
        .prepare("SELECT name FROM pragma_table_info('failed_searches') ORDER BY cid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(columns, ["key", "query", "day", "source"]);
}

#[tokio::test]
async fn personal_looking_searches_are_accepted_but_dropped() {
    let a = app(100, 100);
    for query in [
        "my account jane@example.com",
        "order 1234567 missing",
        "call 555123456",
    ] {
        let (status, _, body) = send(&a.router, search_req(query, "box"), [10, 1, 0, 2]).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{query}: {body}");
        assert_eq!(body, serde_json::json!({"ok": true, "stored": false}));
    }
    drop(a.router);
    assert_eq!(a.writer.join().unwrap(), 0);
    assert!(searches(&a.path).is_empty());
}

#[tokio::test]
async fn bad_failed_searches_are_a_clear_4xx() {
    let a = app(100, 100);
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            search_req(&"x".repeat(101), "box"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`failed_search` is longer than 100 characters",
        ),
        (
            search_req(" \t ", "box"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`failed_search` is empty",
        ),
        (
            search_req("vpn", "sidebar"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`sidebar` is not a search source; use `box` or `page`",
        ),
        (
            json_req(r#"{"failed_search":"vpn"}"#),
            StatusCode::BAD_REQUEST,
            "expected",
        ),
        (
            json_req(r#"{"failed_search":"vpn","source":"box","page":"/faq/","answer":"yes"}"#),
            StatusCode::BAD_REQUEST,
            "expected",
        ),
        (
            json_req(r#"{"failed_search":"vpn","source":"box","ip":"1.2.3.4"}"#),
            StatusCode::BAD_REQUEST,
            "unknown field `ip`",
        ),
        (
            json_req(r#"{"failed_search":["vpn"],"source":"box"}"#),
            StatusCode::BAD_REQUEST,
            "invalid type",
        ),
        (
            search_req(&"x".repeat(3000), "box"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "under 2048 bytes",
        ),
        (
            Request::post("/api/feedback")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from(r#"{"failed_search":"vpn","source":"box"}"#))
                .unwrap(),
            StatusCode::FORBIDDEN,
            "may not send feedback here",
        ),
    ];
    for (req, status, message) in cases {
        let (got, _, body) = send(&a.router, req, [10, 1, 0, 3]).await;
        assert_eq!(got, status, "{message}: {body}");
        let error = body["error"].as_str().unwrap_or_else(|| panic!("{body}"));
        assert!(error.contains(message), "{error}");
    }
    drop(a.router);
    assert_eq!(a.writer.join().unwrap(), 0);
    assert!(searches(&a.path).is_empty());
    assert!(rows(&a.path).is_empty());
}

#[tokio::test]
async fn failed_searches_share_the_rate_limit() {
    let a = app(1, 3);
    for (i, req) in [
        search_req("a", "box"),
        json_req(r#"{"page":"/faq/","answer":"yes"}"#),
        search_req("b", "page"),
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            send(&a.router, req, [10, 1, 0, 4]).await.0,
            StatusCode::CREATED,
            "request {i}"
        );
    }
    let (status, headers, json) = send(&a.router, search_req("c", "box"), [10, 1, 0, 4]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{json}");
    assert!(headers.get(header::RETRY_AFTER).is_some());
    drop(a.router);
    assert_eq!(a.writer.join().unwrap(), 3);
    assert_eq!(searches(&a.path).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_a_byte_at_a_time_gets_a_408_and_the_connection_closes() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let limits = Limits {
        header_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let (router, writer) = service::app(
        Settings {
            limits,
            ..settings(100, 100)
        },
        Ledger::open(&path).unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let counters = Arc::new(helpsite::ledger::connections::Counters::default());
    let server = tokio::spawn(helpsite::ledger::connections::serve(
        listener,
        router,
        limits,
        counters,
        async {
            let _ = stop_rx.await;
        },
    ));
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!("POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nOrigin: {ORIGIN}\r\nContent-Length: 31\r\n\r\n{{").as_bytes(),
    )
    .await
    .unwrap();
    let start = Instant::now();
    let (mut r, mut w) = s.into_split();
    let dripping = async {
        for b in br#""page":"/faq/","answer":"yes"}"# {
            tokio::time::sleep(Duration::from_millis(400)).await;
            if w.write_all(&[*b]).await.is_err() {
                break;
            }
        }
    };
    let mut res = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        tokio::select! {
            _ = r.read_to_end(&mut res) => {}
            _ = dripping => {}
        }
    })
    .await;
    let text = String::from_utf8_lossy(&res);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("send it whole"), "{text}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let _ = stop_tx.send(());
    server.await.unwrap();
    assert_eq!(writer.join().unwrap(), 0);
}
