//! What open pages are told, and the fan-out that tells them: the rebuild and search index
//! threads send [`Message`]s through the [`Hub`] only after the new snapshot is in place; the
//! event stream of each open page (`http::events`) subscribes to it.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::broadcast;

use crate::urls;

/// What open pages are told.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// These site URLs changed; a page among them, or using a changed asset, reloads.
    Reload { urls: Vec<String> },
    /// Everything may have changed (a full rebuild of many pages): every page reloads.
    ReloadAll,
    /// Only stylesheets changed: pages swap their `<link rel=stylesheet>` without reloading.
    Css { urls: Vec<String> },
    /// The build failed: the overlay payload from [`super::overlay::errors`].
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
            urls: paths
                .iter()
                .map(|p| urls::output_url(base_path, p))
                .collect(),
        }
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

    /// A receiver of what is sent from now on, and the current build error if any.
    pub(crate) fn subscribe(&self) -> (broadcast::Receiver<Message>, Option<Arc<Value>>) {
        let error = self.error.lock().unwrap_or_else(|e| e.into_inner());
        (self.tx.subscribe(), error.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
