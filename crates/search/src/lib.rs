//! helpsite's search core: one tantivy index per site, one document per page section, and the
//! one query path every front end uses (the browser through WebAssembly, `helpsite search`, the
//! preview server).
//!
//! The crate builds natively and for `wasm32-unknown-unknown`. Index writing (feature `write`)
//! is native only; reading needs no threads, no mmap and no file system: a published index is
//! read through a [`ByteSource`] (whole bytes in memory) or, in the browser, deferred: the
//! engine names the pack ranges a search needs and the caller fetches them (see below).
//!
//! # Example: build, publish, open, search
//!
//! ```
//! use helpsite_search::{build_index, Engine, Query, SectionDoc};
//!
//! # fn main() -> Result<(), helpsite_search::SearchError> {
//! // One document per page section: the lead (anchor "") and each h2/h3.
//! let section = |anchor: &str, trail: &[&str], body: &str| SectionDoc {
//!     page_url: "/account/password/".into(),
//!     anchor: anchor.into(),
//!     page_title: "Reset your password".into(),
//!     trail: trail.iter().map(|t| t.to_string()).collect(),
//!     body: body.into(),
//!     kind: "guide".into(),
//!     section: "account".into(),
//!     tags: vec![],
//!     boost: 0,
//! };
//! let docs = [
//!     section("", &[], "Use the link we email you."),
//!     section("expired", &["The link has expired"], "Ask for a new <link> on the sign-in page."),
//! ];
//!
//! // Build one segment in RAM and lay it out for the web: manifest.json, a hot file the
//! // browser downloads whole, and a pack it reads by range.
//! let built = build_index(&docs)?;
//! let files = built.publish();
//! let get = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone()).unwrap();
//! let manifest = helpsite_search::manifest::Manifest::parse(&get("manifest.json"))?;
//!
//! // Open it: the hot bytes up front, the pack behind a ByteSource (here all of it in memory).
//! let engine = Engine::open_published(&get("manifest.json"), &get(&manifest.hot), get(&manifest.pack))?;
//!
//! // A typo, and the last word still being typed: "expird" is corrected, "lin" completed.
//! let results = engine.search(&Query::new("expird lin"));
//! let page = &results.pages[0];
//! assert_eq!(page.title, "Reset your password");
//! assert_eq!(page.sub[0].url, "/account/password/#expired");
//! // Snippets are HTML: matched words marked, everything else escaped.
//! assert_eq!(page.sub[0].snippet, "Ask for a new &lt;<mark>link</mark>&gt; on the sign-in page.");
//! # Ok(())
//! # }
//! ```
//!
//! # In the browser: the pack fetched by the caller, a stage at a time
//!
//! tantivy reads synchronously, and a browser fetches asynchronously (and best many ranges at
//! once). So the browser opens the engine deferred, with the manifest and the hot file (every
//! term dictionary and what opening reads), and drives each search in steps: a step answers, or
//! names *all* the pack ranges its next stage needs — first the postings of every word and
//! expansion, then the stored sections of the pages to show — which the caller fetches together
//! and hands over. A new query takes two rounds of fetches, one already seen none; fetched bytes
//! are kept. The results are exactly those of [`Engine::search`] with the whole pack at hand.
//!
//! ```
//! # use helpsite_search::{build_index, Engine, Query, SectionDoc, Step};
//! # fn main() -> Result<(), helpsite_search::SearchError> {
//! # let docs = [SectionDoc { page_url: "/a/".into(), anchor: "".into(), page_title: "Webhooks".into(),
//! #     trail: vec![], body: "Failed deliveries are retried.".into(), kind: "guide".into(),
//! #     section: "a".into(), tags: vec![], boost: 0 }];
//! # let files = build_index(&docs)?.publish();
//! # let get = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone()).unwrap();
//! # let manifest = helpsite_search::manifest::Manifest::parse(&get("manifest.json"))?;
//! let pack = get(&manifest.pack); // stands for HTTP Range requests
//! let engine = Engine::open_deferred(&get("manifest.json"), &get(&manifest.hot))?;
//! let query = Query::new("retry");
//! let results = loop {
//!     match engine.search_step(&query) {
//!         Step::Results(results) => break results,
//!         Step::Need(ranges) => {
//!             for [start, end] in ranges {
//!                 engine.supply(start, &pack[start as usize..end as usize])?;
//!             }
//!         }
//!     }
//! };
//! assert_eq!(results.pages[0].url, "/a/");
//! # Ok(())
//! # }
//! ```
//!
//! # Query semantics
//!
//! The text is parsed by this crate (tantivy's query syntax never reaches tantivy): words,
//! `"quoted phrases"`, at most 10 words, the first 256 bytes. Every word must match (in title,
//! heading trail, body or tags; BM25 with title and heading boosts); when that finds nothing,
//! half of them must. Words are stemmed (English snowball), lowercased and ASCII-folded; no stop
//! words are dropped. A page whose title equals the query comes first. Question-like queries
//! ("how …", "…?") lift FAQ sections whose question matches. Results are grouped by page, with
//! up to 3 headings each.
//!
//! # Typo tolerance and its limits
//!
//! A word that is nowhere in the index is replaced by real words within edit distance 1 (4 to 7
//! letters) or 2 (8 letters or more), a transposition counting as one edit: "pasword" and
//! "passowrd" find "password". The last word, while still being typed (no space after it), also
//! matches real words it starts ("autom" → "automations"), or, if none, words starting within
//! the same distance. Deliberately not handled: a typo that is itself an indexed word ("form"
//! for "from"), words under 4 letters, split or joined words ("pass word"), and more than
//! 5 corrections or 8 completions per word (the most frequent are kept).

mod analyzer;
#[cfg(feature = "write")]
mod build;
#[cfg(feature = "write")]
mod chunks;
mod collect;
mod directory;
mod doc;
mod engine;
mod error;
mod hot;
pub mod manifest;
mod plan;
mod query;
mod results;
mod schema;
mod search;
mod snippet;
mod stem_cache;
mod suggest;
pub mod synonyms;

#[cfg(feature = "write")]
pub use build::{
    BuiltIndex, INLINE_PACK_MAX, IndexStats, Layout, build_index, build_index_laid_out,
    build_index_with,
};
#[cfg(feature = "write")]
pub use chunks::{ChunkStats, ChunkStore, MemoryStore, NoStore};
pub use directory::{ByteSource, FetchStats};
pub use doc::SectionDoc;
pub use engine::Engine;
pub use error::SearchError;
pub use results::{PageHit, Query, Results, Step, SubHit};
pub use schema::EXCERPT_CHARS;
pub use suggest::{Suggestions, WordSuggestion};

#[cfg(all(test, feature = "write"))]
mod tests;
