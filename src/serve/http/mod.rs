//! The preview's HTTP side: routes, site files, live-reload events, `/api/search` and the injected assets.

pub mod api;
pub mod assets;
pub mod events;
pub mod routes;
pub mod state;
pub mod urlpath;
