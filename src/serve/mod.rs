//! `helpsite serve`: the live preview for writers. The folders follow what happens to a change,
//! and each uses only the ones before it (watch ← build ← publish ← ledger ← http):
//!
//! 1. [`server::start`] binds the port, runs the first build through a [`SiteBuilder`] and
//!    serves the result from memory (`publish::snapshot`, `http::routes`).
//! 2. `watch::watcher` turns file-system events into debounced batches; `watch::change`
//!    says what each path means (a pure function, unit-tested against editors' save patterns).
//! 3. `publish::rebuild` asks the builder (`build::incremental`, the pipeline's own stages)
//!    for an incremental build, swaps the new snapshot in, and only then tells open pages
//!    through the `publish::hub` and `http::events` (Server-Sent Events): reload, swap the
//!    stylesheet, or show the errors in an overlay (`publish::overlay`,
//!    `http/assets/livereload.js`).
//! 4. Once no save is waiting, the builder's deferred work (the edited pages' search index)
//!    goes to the `publish::indexer` thread, which swaps its files in without a reload. Both
//!    threads swap through `publish::swap`, which never lets an index of older content
//!    replace a newer one.
//!
//! 5. With a reply-link ledger (issue 5), `ledger::report` shows the writer report at
//!    `/_helpsite/feedback`, and each served page gets a `ledger::banner` with its figures,
//!    taken from the same report and cached by `ledger::figures`.
//!
//! Nothing here is used by `helpsite build`: the reload script and the banner exist only in
//! served pages.

// Only `run`, `start` and the builder seam below are the library's: everything else is
// `pub(crate)`, and this keeps it so. (The rest of the library is its public API, used by the
// binary and the integration tests, so the lint has nothing to say there today.)
#![warn(unreachable_pub)]

pub(crate) mod build;
pub(crate) mod http;
pub(crate) mod ledger;
pub(crate) mod publish;
mod server;
pub(crate) mod watch;

pub use build::builder::{Deferred, IndexFiles, SiteBuilder, Update};
pub use build::incremental::Incremental;
// The request path → output path mapping, public for the fuzz target that tries escapes.
pub use http::urlpath;
pub use server::{Preview, start};
pub use watch::change::ChangeKind;

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;
use crate::site::LoadOptions;

/// What `helpsite serve` was asked for (the binary's `ServeArgs`, without clap).
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's root folder (holds `site.yaml`).
    pub root: PathBuf,
    /// Where to listen (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Leave draft pages out, as `helpsite build` does.
    pub no_drafts: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// Runs `helpsite serve` until Ctrl-C. Build errors are shown, not returned: only a server that
/// cannot start (port in use, unreadable root) is an `Err`.
pub fn run(args: &Options) -> Result<(), Diagnostic> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error("cannot start the async runtime").cause(e.to_string()))?;
    runtime.block_on(async {
        let options = LoadOptions {
            drafts: !args.no_drafts,
            ..LoadOptions::default()
        };
        let builder = Incremental::new(&args.root, options);
        let preview = start(Box::new(builder), &args.root, args.addr).await?;
        let url = preview.url();
        eprintln!(
            "serving {url} (drafts {}); press Ctrl-C to stop",
            if args.no_drafts { "hidden" } else { "shown" }
        );
        if args.open
            && let Err(e) = open::that_detached(&url)
        {
            eprintln!("warning: cannot open a browser: {e}");
        }
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("warning: cannot wait for Ctrl-C: {e}");
        }
        eprintln!("stopping");
        preview.stop().await;
        Ok(())
    })
}
