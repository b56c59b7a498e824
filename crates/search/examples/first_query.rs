//! Opens a published index (a site's `search/` folder) the way the browser does — hot file up
//! front, the pack read by range through a counting source — and prints what queries cost.
//!
//! usage: cargo run --release -p helpsite-search --example first_query -- DIR [QUERY...]

use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

use helpsite_search::manifest::{MANIFEST_NAME, Manifest};
use helpsite_search::{ByteSource, Engine, Query};

/// The pack in memory, counting bytes and reads as a browser's range requests would.
struct Pack(Arc<[u8]>);

impl ByteSource for Pack {
    fn len(&self) -> u64 {
        <[u8]>::len(&self.0) as u64
    }
    fn read(&self, range: Range<u64>) -> std::io::Result<Vec<u8>> {
        Ok(self.0[range.start as usize..range.end as usize].to_vec())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: first_query DIR [QUERY...]")?);
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = ["password", "reset the webhook secret", "pasword", "autom"]
            .map(String::from)
            .into();
    }
    let manifest_json = std::fs::read(dir.join(MANIFEST_NAME))?;
    let manifest = Manifest::parse(&manifest_json)?;
    let hot = std::fs::read(dir.join(&manifest.hot))?;
    let pack = Pack(Arc::from(std::fs::read(dir.join(&manifest.pack))?));
    let start = Instant::now();
    let engine = Engine::open_published(&manifest_json, &hot, pack)?;
    println!(
        "open: {:.1} ms; manifest {} B, hot {} B, pack {} B",
        start.elapsed().as_secs_f64() * 1e3,
        manifest_json.len(),
        hot.len(),
        manifest.pack_len
    );
    for q in &queries {
        let before = engine.fetch_stats();
        let start = Instant::now();
        let r = engine.search(&Query::new(q.as_str()));
        let took = start.elapsed();
        let after = engine.fetch_stats();
        println!(
            "query {q:?}: {} pages of {}, {:.2} ms, pack read {} B in {} range reads",
            r.pages.len(),
            r.total,
            took.as_secs_f64() * 1e3,
            after.bytes - before.bytes,
            after.reads - before.reads
        );
    }
    Ok(())
}
