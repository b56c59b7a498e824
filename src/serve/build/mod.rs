//! Building for the preview: the seam the server asks through, and the incremental builder over the pipeline.

pub(crate) mod builder;
pub(crate) mod incremental;
