//! What happens first to a change: file-system events become debounced batches of classified changes.

pub(crate) mod change;
pub(crate) mod watcher;
