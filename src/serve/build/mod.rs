//! Building for the preview: the seam the server asks through, and the incremental builder over the pipeline.

pub mod builder;
pub mod incremental;
