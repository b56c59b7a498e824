//! Where a query's time goes over a published index, step by step, as the browser runs it: the
//! engine opened deferred from the manifest and hot file, each search step's CPU time, and the
//! pack ranges each step asks for (how many, how big, which tantivy file), served from the
//! pack on disk. Then the same query again (everything cached), and with `--loop N` the mean
//! CPU time per query over N passes of an engine with the whole pack at hand.
//!
//! ```text
//! cargo run --release -p helpsite-search --example trace_queries -- SITE/search [--loop N] QUERY...
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use helpsite_search::manifest::Manifest;
use helpsite_search::{Engine, Query, Step};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!("usage: trace_queries SEARCH_DIR [--loop N] QUERY...");
        std::process::exit(2);
    }
    let dir = PathBuf::from(args.remove(0));
    let passes = match args.iter().position(|a| a == "--loop") {
        Some(at) => {
            let n = args.get(at + 1).and_then(|n| n.parse::<u32>().ok());
            args.drain(at..(at + 2).min(args.len()));
            n
        }
        None => None,
    };
    let read = |name: &str| std::fs::read(dir.join(name)).expect("read published index file");
    let manifest_json = read("manifest.json");
    let manifest = Manifest::parse(&manifest_json).expect("manifest");
    let hot = read(&manifest.hot);
    let pack = read(&manifest.pack);
    let query = |text: &str| Query {
        limit: 8,
        ..Query::new(text)
    };

    if let Some(n) = passes {
        let engine = Engine::open_published(&manifest_json, &hot, pack).expect("open");
        let started = Instant::now();
        for _ in 0..n {
            for text in &args {
                engine.search(&query(text));
            }
        }
        let per = started.elapsed() / (n * args.len().max(1) as u32);
        println!("{} queries × {n}: {per:?} per query", args.len());
        return;
    }

    let started = Instant::now();
    let engine = Engine::open_deferred(&manifest_json, &hot).expect("open");
    println!(
        "open: {:?} ({} docs, hot {} B)",
        started.elapsed(),
        engine.num_docs(),
        hot.len()
    );
    let kind = |at: u64| {
        manifest
            .files
            .iter()
            .find(|(_, [off, len])| (*off..off + len).contains(&at))
            .and_then(|(name, _)| name.rsplit('.').next())
            .unwrap_or("?")
            .to_string()
    };
    for text in &args {
        let q = query(text);
        let mut steps: Vec<Duration> = Vec::new();
        let mut rounds: Vec<String> = Vec::new();
        let results = loop {
            let t = Instant::now();
            let step = engine.search_step(&q);
            steps.push(t.elapsed());
            match step {
                Step::Results(r) => break r,
                Step::Need(ranges) => {
                    let bytes: u64 = ranges.iter().map(|[a, b]| b - a).sum();
                    let files: Vec<String> = ranges
                        .iter()
                        .map(|[a, b]| format!("{}:{}K", kind(*a), (b - a) / 1024))
                        .collect();
                    rounds.push(format!(
                        "{} ranges {} KiB [{}]",
                        ranges.len(),
                        bytes / 1024,
                        files.join(" ")
                    ));
                    for [a, b] in ranges {
                        engine
                            .supply(a, &pack[a as usize..b as usize])
                            .expect("supply");
                    }
                }
            }
        };
        let t = Instant::now();
        engine.search(&q);
        let again = t.elapsed();
        println!(
            "{text:?}: {} of {} pages; steps {steps:?}; again {again:?}",
            results.pages.len(),
            results.total
        );
        for (i, r) in rounds.iter().enumerate() {
            println!("    round {}: {r}", i + 1);
        }
    }
}
