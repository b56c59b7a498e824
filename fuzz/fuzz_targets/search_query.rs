//! The search query parser and planner (crates/search) on any text the box can send: typo and
//! prefix expansion, phrases, filters and snippets over a small index, with the whole pack at
//! hand and step by step as the browser runs it; both must give the same results.

#![no_main]

use std::sync::LazyLock;

use helpsite_search::{Engine, Query, SectionDoc, Step, build_index};
use libfuzzer_sys::fuzz_target;

struct Index {
    engine: Engine,
    deferred_parts: (Vec<u8>, Vec<u8>),
    pack: Vec<u8>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let doc = |url: &str, anchor: &str, title: &str, trail: &[&str], body: &str, kind: &str| {
        SectionDoc {
            page_url: url.into(),
            anchor: anchor.into(),
            page_title: title.into(),
            trail: trail.iter().map(|t| t.to_string()).collect(),
            body: body.into(),
            kind: kind.into(),
            section: url.split('/').nth(1).unwrap_or("").into(),
            tags: vec!["billing".into()],
            boost: 3,
        }
    };
    let docs = [
        doc("/account/password/", "", "Reset your password", &[], "Use the link we email you. Passwords expire.", "guide"),
        doc("/account/password/", "expired", "Reset your password", &["The link has expired"], "Ask for a new <link> on the sign-in page; \"quoted\" words & more.", "guide"),
        doc("/faq/", "can-i-pay-by-invoice", "FAQ", &["Can I pay by invoice?"], "Yes, on the Business plan. Ünïcödé and 日本語 text.", "faq"),
        doc("/connect/senders/", "verify-a-sender", "Senders", &["Verify a sender"], "Automations, webhooks and retries for failed deliveries.", "troubleshooting"),
    ];
    let files = build_index(&docs).unwrap().publish();
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    let manifest = helpsite_search::manifest::Manifest::parse(&get("manifest.json")).unwrap();
    let engine = Engine::open_published(
        &get("manifest.json"),
        &get(&manifest.hot),
        get(&manifest.pack),
    )
    .unwrap();
    Index {
        engine,
        deferred_parts: (get("manifest.json"), get(&manifest.hot)),
        pack: get(&manifest.pack),
    }
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let index = &*INDEX;
    let (filter, text) = match text.split_once('\u{1}') {
        Some((f, t)) => (Some(f.to_string()), t),
        None => (None, text),
    };
    let query = Query {
        text: text.to_string(),
        limit: 1 + data.len() % 12,
        section: filter.clone(),
        kind: filter,
    };
    let whole = index.engine.search(&query);
    // The browser's way: a fresh deferred engine, supplied only what each step names.
    let deferred = Engine::open_deferred(&index.deferred_parts.0, &index.deferred_parts.1).unwrap();
    let mut rounds = 0;
    let stepped = loop {
        match deferred.search_step(&query) {
            Step::Results(results) => break results,
            Step::Need(ranges) => {
                rounds += 1;
                assert!(rounds <= 2, "{text:?}: more than two rounds of fetches");
                assert!(!ranges.is_empty(), "{text:?}: a step that needs nothing");
                for [start, end] in ranges {
                    deferred
                        .supply(start, &index.pack[start as usize..end as usize])
                        .unwrap();
                }
            }
        }
    };
    assert_eq!(
        format!("{whole:?}"),
        format!("{stepped:?}"),
        "{text:?}: deferred results differ"
    );
});
