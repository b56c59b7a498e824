//! The preview's HTTP side: routes, site files, live-reload events, `/api/search` and the injected assets.

pub(crate) mod api;
pub(crate) mod assets;
pub(crate) mod events;
pub(crate) mod routes;
pub(crate) mod state;
pub mod urlpath;
