//! Starting and stopping the preview: bind the port, run the first build, then serve HTTP on
//! the tokio runtime while the rebuild thread waits for file changes.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::diagnostics::Diagnostic;

/// How long the rebuild thread waits for further saves before handing deferred work (the search
/// index of edited pages) to the search index thread. That work no longer delays a reload, but
/// it takes a core for about a second at 10,000 pages: a writer saving in bursts should not
/// start an index per save that the next save makes outdated.
const DEFER_UNTIL_IDLE: Duration = Duration::from_millis(250);

use super::build::builder::SiteBuilder;
use super::http::routes;
use super::http::state::AppState;
use super::publish::hub::Message;
use super::publish::live::Live;
use super::publish::rebuild::Rebuilder;
use super::watch::watcher::Watcher;

/// How long open connections get to finish when the server stops.
const GRACE: Duration = Duration::from_secs(3);

/// A running preview server.
pub struct Preview {
    /// The address actually bound (the port is known even when `0` was asked for).
    pub addr: SocketAddr,
    /// The canonical site root.
    pub root: PathBuf,
    live: Arc<Live>,
    stop: Arc<AtomicBool>,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<io::Result<()>>,
    rebuild: std::thread::JoinHandle<()>,
}

/// Binds `addr`, builds the site once with `builder`, starts watching `root` and serving.
/// Returns once the first build is served (failed or not: a failed one shows its errors).
pub async fn start(
    builder: Box<dyn SiteBuilder>,
    root: &Path,
    addr: SocketAddr,
) -> Result<Preview, Diagnostic> {
    let root = root.canonicalize().map_err(|e| {
        Diagnostic::error(format!("cannot open the site root `{}`", root.display()))
            .cause(e.to_string())
            .hint("pass the folder holding `site.yaml` with `--root DIR`")
    })?;
    let listener = bind(addr).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error("cannot read the bound address").cause(e.to_string()))?;
    // Watch before the first build, so a save during it is not lost.
    let mut watcher = Watcher::start(&root).map_err(|e| {
        Diagnostic::error(format!("cannot watch `{}` for changes", root.display()))
            .cause(e.to_string())
    })?;
    let live = Arc::new(Live::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (built_tx, built_rx) = oneshot::channel();
    let rebuild = {
        let (live, stop, root) = (Arc::clone(&live), Arc::clone(&stop), root.clone());
        std::thread::Builder::new()
            .name("helpsite-rebuild".into())
            .spawn(move || {
                let mut rebuilder = match Rebuilder::new(builder, live, &root) {
                    Ok(rebuilder) => rebuilder,
                    Err(e) => {
                        let _ = built_tx.send(Err(e));
                        return;
                    }
                };
                rebuilder.full();
                let _ = built_tx.send(Ok(()));
                loop {
                    let idle = rebuilder.has_deferred().then_some(DEFER_UNTIL_IDLE);
                    match watcher.next_batch(&stop, idle) {
                        None => break,
                        Some(batch) if batch.is_empty() => rebuilder.deferred(),
                        Some(batch) => rebuilder.events(&batch),
                    }
                }
            })
            .map_err(|e| {
                Diagnostic::error("cannot start the rebuild thread").cause(e.to_string())
            })?
    };
    built_rx
        .await
        .map_err(|_| Diagnostic::error("the first build panicked"))?
        .map_err(|e| {
            Diagnostic::error("cannot start the search index thread").cause(e.to_string())
        })?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let app = routes::router(AppState::new(Arc::clone(&live), &root));
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Preview {
        addr,
        root,
        live,
        stop,
        shutdown,
        server,
        rebuild,
    })
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, Diagnostic> {
    TcpListener::bind(addr).await.map_err(|e| {
        let port = addr.port();
        if e.kind() == io::ErrorKind::AddrInUse {
            Diagnostic::error(format!("port `{port}` on `{}` is already in use", addr.ip()))
                .cause(e.to_string())
                .hint(format!(
                    "stop the other server or pass another port, e.g. `--port {}` (`--port 0` picks a free one)",
                    port.wrapping_add(1).max(1024)
                ))
        } else {
            Diagnostic::error(format!("cannot listen on `{addr}`"))
                .cause(e.to_string())
                .hint("check `--bind` and `--port`")
        }
    })
}

impl Preview {
    /// The site's address, mount point included (`http://127.0.0.1:1111/`).
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.live.site.load().base_path)
    }

    /// Stops serving: event streams end, open requests finish (up to a grace period), the
    /// watcher and rebuild thread stop.
    pub async fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.shutdown.send(());
        // After the graceful shutdown began, so no stream opens after it.
        self.live.hub.send(Message::Shutdown);
        let mut server = self.server;
        if tokio::time::timeout(GRACE, &mut server).await.is_err() {
            server.abort();
        }
        let rebuild = self.rebuild;
        let _ = tokio::task::spawn_blocking(move || rebuild.join()).await;
    }
}
