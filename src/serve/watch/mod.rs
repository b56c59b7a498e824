//! What happens first to a change: file-system events become debounced batches of classified changes.

pub mod change;
pub mod watcher;
