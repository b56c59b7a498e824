//! Telling the writer about a failed build or a build's warnings: the terminal, and for failures
//! the error overlay of open pages. Shared by the rebuild loop and the search index thread.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::Diagnostics;

use super::hub::Message;
use super::live::Live;
use super::overlay;

/// Reports a failed build (or deferred work) on the terminal and in open pages' overlay.
pub(super) fn fail(live: &Live, root: &Path, mut diagnostics: Diagnostics) {
    diagnostics.sort();
    print_all(&diagnostics);
    eprintln!(
        "build failed with {} error(s); still serving the last good build",
        diagnostics.error_count()
    );
    let payload = overlay::errors(&diagnostics, root);
    live.hub.send(Message::Error(Arc::new(payload)));
}

pub(super) fn print_all(diagnostics: &Diagnostics) {
    for d in diagnostics.iter() {
        eprintln!("{d}");
    }
}
