//! Troubleshooting flows: the decision trees in a `kind: troubleshooting` page's front matter.
//!
//! [`model`] is the `flow:` schema as written, [`validate`] checks it as a graph at build time,
//! and [`render`] turns a valid flow into the view the theme's `partials/flow.html` renders:
//! every step an anchored section that works without JavaScript (`flow.js` then shows one step
//! at a time). The support-request composer itself is theme code (`contact.html`, `composer.js`).

pub mod build;
pub(crate) mod lines;
pub mod model;
pub mod render;
pub mod validate;

pub use model::Flow;
