//! Live reload's Server-Sent Events endpoint (`/_helpsite/events`): carries the [`Message`]s of
//! the publishing threads' [`crate::serve::publish::hub::Hub`] to each open page.
//!
//! A page that connects while
//! the build is broken gets the error at once; one that connects with an out-of-date page
//! (it was fetched just before a rebuild, or the server restarted) is told to reload.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast;

use super::urlpath;
use crate::serve::publish::hub::Message;
use crate::serve::publish::live::Live;

/// The event an open page receives for `message`.
fn event(message: &Message) -> Event {
    let (name, data) = match message {
        Message::Reload { urls } => ("reload", json!({ "urls": urls })),
        Message::ReloadAll => ("reload", json!({ "all": true })),
        Message::Css { urls } => ("css", json!({ "urls": urls })),
        Message::Error(errors) => ("error", (**errors).clone()),
        Message::Ok | Message::Shutdown => ("ok", json!({})),
    };
    Event::default().event(name).data(data.to_string())
}

/// Query of the events endpoint: the page that connects and the ETag it was served with.
#[derive(Debug, Deserialize)]
pub(crate) struct Connect {
    path: Option<String>,
    etag: Option<String>,
}

/// `GET /_helpsite/events`.
pub(crate) async fn stream_events(
    State(live): State<Arc<Live>>,
    Query(connect): Query<Connect>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let (rx, error) = live.hub.subscribe();
    let mut first = vec![
        Event::default()
            .event("hello")
            .data("{}")
            .retry(Duration::from_millis(500)),
    ];
    if let (Some(path), Some(etag)) = (&connect.path, &connect.etag)
        && is_stale(&live, path, etag)
    {
        first.push(event(&Message::Reload {
            urls: vec![path.clone()],
        }));
    }
    if let Some(error) = error {
        first.push(event(&Message::Error(error)));
    }
    let later = stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(Message::Shutdown) | Err(broadcast::error::RecvError::Closed) => None,
            Ok(message) => Some((event(&message), rx)),
            // Missed messages: reloading everything is always correct.
            Err(broadcast::error::RecvError::Lagged(_)) => Some((event(&Message::ReloadAll), rx)),
        }
    });
    Sse::new(stream::iter(first).chain(later).map(Ok)).keep_alive(KeepAlive::default())
}

/// Whether the page at `path` (as in the address bar) is no longer what was served with `etag`.
fn is_stale(live: &Live, path: &str, etag: &str) -> bool {
    let site = live.site.load();
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
