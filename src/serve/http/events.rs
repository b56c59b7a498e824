//! Live reload: the messages sent to open pages, and the Server-Sent Events endpoint
//! (`/_helpsite/events`) that carries them.
//!
//! Messages are broadcast only after the new snapshot is in place. A page that connects while
//! the build is broken gets the error at once; one that connects with an out-of-date page
//! (it was fetched just before a rebuild, or the server restarted) is told to reload.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::state::AppState;
use super::urlpath;

/// What open pages are told.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// These site URLs changed; a page among them, or using a changed asset, reloads.
    Reload { urls: Vec<String> },
    /// Everything may have changed (a full rebuild of many pages): every page reloads.
    ReloadAll,
    /// Only stylesheets changed: pages swap their `<link rel=stylesheet>` without reloading.
    Css { urls: Vec<String> },
    /// The build failed: the overlay payload from [`crate::serve::publish::overlay::errors`].
    Error(Arc<Value>),
    /// The build is good again: the overlay goes away.
    Ok,
    /// The server is stopping: streams end so the graceful shutdown can finish.
    Shutdown,
}

/// More changed URLs than this are sent as [`Message::ReloadAll`].
const MAX_URLS: usize = 500;

impl Message {
    /// The reload message for changed output paths under `base_path`.
    pub fn reload(paths: &[String], base_path: &str) -> Message {
        if paths.len() > MAX_URLS {
            return Message::ReloadAll;
        }
        Message::Reload {
            urls: paths.iter().map(|p| url_of(p, base_path)).collect(),
        }
    }

    fn to_event(&self) -> Event {
        let (name, data) = match self {
            Message::Reload { urls } => ("reload", json!({ "urls": urls })),
            Message::ReloadAll => ("reload", json!({ "all": true })),
            Message::Css { urls } => ("css", json!({ "urls": urls })),
            Message::Error(errors) => ("error", (**errors).clone()),
            Message::Ok | Message::Shutdown => ("ok", json!({})),
        };
        Event::default().event(name).data(data.to_string())
    }
}

/// The site URL of an output path: `faq/index.html` → `/faq/`, `a.css` → `/a.css`.
pub fn url_of(path: &str, base_path: &str) -> String {
    if path == "index.html" {
        return base_path.to_string();
    }
    match path.strip_suffix("/index.html") {
        Some(dir) => format!("{base_path}{dir}/"),
        None => format!("{base_path}{path}"),
    }
}

/// Fan-out of messages to every open page, remembering a current build error for late comers.
#[derive(Debug)]
pub struct Hub {
    tx: broadcast::Sender<Message>,
    error: Mutex<Option<Arc<Value>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            tx: broadcast::channel(64).0,
            error: Mutex::new(None),
        }
    }
}

impl Hub {
    pub fn send(&self, message: Message) {
        // Held across the send so a subscriber sees either the old state and the message, or
        // the new state, never neither.
        let mut error = self.error.lock().unwrap_or_else(|e| e.into_inner());
        match &message {
            Message::Error(e) => *error = Some(Arc::clone(e)),
            Message::Ok => *error = None,
            _ => {}
        }
        // No receiver (no page open) is fine.
        let _ = self.tx.send(message);
    }

    /// Whether the last build failed.
    pub fn has_error(&self) -> bool {
        self.error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    fn subscribe(&self) -> (broadcast::Receiver<Message>, Option<Arc<Value>>) {
        let error = self.error.lock().unwrap_or_else(|e| e.into_inner());
        (self.tx.subscribe(), error.clone())
    }
}

/// Query of the events endpoint: the page that connects and the ETag it was served with.
#[derive(Debug, Deserialize)]
pub struct Connect {
    path: Option<String>,
    etag: Option<String>,
}

/// `GET /_helpsite/events`.
pub async fn stream_events(
    State(state): State<Arc<AppState>>,
    Query(connect): Query<Connect>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let (rx, error) = state.hub.subscribe();
    let mut first = vec![
        Event::default()
            .event("hello")
            .data("{}")
            .retry(Duration::from_millis(500)),
    ];
    if let (Some(path), Some(etag)) = (&connect.path, &connect.etag)
        && is_stale(&state, path, etag)
    {
        first.push(
            Message::Reload {
                urls: vec![path.clone()],
            }
            .to_event(),
        );
    }
    if let Some(error) = error {
        first.push(Message::Error(error).to_event());
    }
    let live = stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(Message::Shutdown) | Err(broadcast::error::RecvError::Closed) => None,
            Ok(message) => Some((message.to_event(), rx)),
            // Missed messages: reloading everything is always correct.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Some((Message::ReloadAll.to_event(), rx))
            }
        }
    });
    Sse::new(stream::iter(first).chain(live).map(Ok)).keep_alive(KeepAlive::default())
}

/// Whether the page at `path` (as in the address bar) is no longer what was served with `etag`.
fn is_stale(state: &AppState, path: &str, etag: &str) -> bool {
    let site = state.site.load();
    let entry = match urlpath::resolve(path, &site.base_path) {
        Ok(Some(p)) => site.get(&p.file()).or_else(|| site.get("404.html")),
        _ => site.get("404.html"),
    };
    match entry {
        Some(e) => e.etag.to_str().map(|t| t.trim_matches('"')).ok() != Some(etag),
        // The bare not-found page has no ETag; anything else that vanished is stale.
        None => !etag.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_output_paths() {
        assert_eq!(url_of("index.html", "/"), "/");
        assert_eq!(url_of("faq/index.html", "/"), "/faq/");
        assert_eq!(url_of("a/b/index.html", "/help/"), "/help/a/b/");
        assert_eq!(url_of("style.1a2b.css", "/"), "/style.1a2b.css");
        assert_eq!(url_of("404.html", "/help/"), "/help/404.html");
    }

    #[test]
    fn many_changes_reload_everything() {
        let many: Vec<String> = (0..=MAX_URLS).map(|i| format!("p{i}/index.html")).collect();
        assert_eq!(Message::reload(&many, "/"), Message::ReloadAll);
        assert_eq!(
            Message::reload(&many[..2], "/"),
            Message::Reload {
                urls: vec!["/p0/".into(), "/p1/".into()]
            }
        );
    }

    #[tokio::test]
    async fn late_subscriber_sees_the_current_error_until_ok() {
        let hub = Hub::default();
        hub.send(Message::Error(Arc::new(json!({"errors": []}))));
        assert!(hub.subscribe().1.is_some());
        let (mut rx, _) = hub.subscribe();
        hub.send(Message::Ok);
        assert_eq!(rx.recv().await.unwrap(), Message::Ok);
        assert!(hub.subscribe().1.is_none());
    }
}
