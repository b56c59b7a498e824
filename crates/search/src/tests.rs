//! Behaviour tests of the whole crate: build a small site's index, search it, check the ranking
//! and the published round trip.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{ByteSource, Engine, Query, Results, SectionDoc, Step, build_index};

fn section(
    url: &str,
    anchor: &str,
    title: &str,
    trail: &[&str],
    body: &str,
    kind: &str,
) -> SectionDoc {
    SectionDoc {
        page_url: url.into(),
        anchor: anchor.into(),
        page_title: title.into(),
        trail: trail.iter().map(|s| s.to_string()).collect(),
        body: body.into(),
        kind: kind.into(),
        section: url
            .trim_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .into(),
        tags: Vec::new(),
        boost: 0,
    }
}

/// A small support site: every test below relies on these exact words.
fn site() -> Vec<SectionDoc> {
    vec![
        section(
            "/account/password/",
            "",
            "Reset your password",
            &[],
            "Use the reset link we email you. The link works for one hour.",
            "guide",
        ),
        section(
            "/account/password/",
            "expired-link",
            "Reset your password",
            &["The link has expired"],
            "Ask for a new link from the sign-in page.",
            "guide",
        ),
        section(
            "/account/password/",
            "locked",
            "Reset your password",
            &["Locked out"],
            "After five failed attempts the account is locked for 15 minutes.",
            "guide",
        ),
        section(
            "/connect/webhooks/",
            "",
            "Webhooks",
            &[],
            "Webhooks send events to your endpoint. Sign each payload with your secret so nobody can forge a delivery; the word password appears here only in passing.",
            "guide",
        ),
        section(
            "/connect/webhooks/",
            "retries",
            "Webhooks",
            &["Retries"],
            "Failed deliveries are retried five times with backoff. Your API key is never sent.",
            "guide",
        ),
        section(
            "/connect/automations/",
            "",
            "Automations",
            &[],
            "Automations run actions when a trigger fires: send a reminder, tag a booking.",
            "guide",
        ),
        section(
            "/connect/automations/",
            "limits",
            "Automations",
            &["Limits"],
            "Each workspace runs up to 50 automations. The key API limits are listed below.",
            "guide",
        ),
        section(
            "/faq/general/",
            "",
            "General questions",
            &[],
            "Answers to the questions we hear most.",
            "faq",
        ),
        section(
            "/faq/general/",
            "change-email",
            "General questions",
            &["How do I change my email address?"],
            "Open Account, then Profile, and enter the new address. We send a confirmation.",
            "faq",
        ),
        section(
            "/faq/general/",
            "refunds",
            "General questions",
            &["Can I get a refund?"],
            "Yes, within 30 days of payment.",
            "faq",
        ),
        section(
            "/account/profile/",
            "",
            "Your profile",
            &[],
            "Your profile holds your name, photo and email address. If you want to change it, do it on the Profile page, which is how most people change their email address.",
            "guide",
        ),
        section(
            "/account/billing/",
            "",
            "Billing",
            &[],
            "Invoices and payment methods.",
            "policy",
        ),
        section(
            "/account/billing-admins/",
            "",
            "Billing admins and billing contacts",
            &[],
            "Billing admins see billing, billing history and every billing contact. Billing billing billing.",
            "guide",
        ),
        section(
            "/troubleshooting/notifications/",
            "",
            "Notifications do not arrive",
            &[],
            "Check the notification settings, then the spam folder. <script>alert('x')</script> is shown as text.",
            "troubleshooting",
        ),
    ]
}

fn engine() -> Engine {
    build_index(&site()).expect("build").engine().expect("open")
}

fn urls(r: &Results) -> Vec<&str> {
    r.pages.iter().map(|p| p.url.as_str()).collect()
}

fn search(e: &Engine, text: &str) -> Results {
    e.search(&Query::new(text))
}

#[test]
fn title_beats_body() {
    let r = search(&engine(), "password");
    assert_eq!(urls(&r)[..2], ["/account/password/", "/connect/webhooks/"]);
}

#[test]
fn faq_question_beats_passing_mention() {
    let r = search(&engine(), "how do I change my email address");
    assert_eq!(urls(&r)[0], "/faq/general/", "{r:#?}");
    assert_eq!(r.pages[0].sub[0].url, "/faq/general/#change-email");
}

#[test]
fn exact_title_ranks_first() {
    let r = search(&engine(), "billing");
    assert_eq!(
        urls(&r)[..2],
        ["/account/billing/", "/account/billing-admins/"],
        "{r:#?}"
    );
    let r = search(&engine(), "Reset your password");
    assert_eq!(urls(&r)[0], "/account/password/");
}

#[test]
fn reply_link_boost_lifts_a_page_mildly() {
    // Two pages alike but for their URL: the boosted one wins the tie, and a boost never
    // outweighs a clearly better match (the title page below stays first).
    let docs = |boost_b: u16, boost_c: u16| {
        let mut b = section(
            "/b/",
            "",
            "Mail",
            &[],
            "Webhook retries explained.",
            "guide",
        );
        b.boost = boost_b;
        let mut c = section(
            "/c/",
            "",
            "Mail",
            &[],
            "Webhook retries explained.",
            "guide",
        );
        c.boost = boost_c;
        let a = section(
            "/a/",
            "",
            "Webhook retries",
            &[],
            "How retries work.",
            "guide",
        );
        vec![a, b, c]
    };
    let run = |d: Vec<SectionDoc>| {
        let e = build_index(&d).unwrap().engine().unwrap();
        urls(&search(&e, "webhook retries"))
            .iter()
            .map(|u| u.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(docs(0, 0)), ["/a/", "/b/", "/c/"]);
    assert_eq!(run(docs(0, 200)), ["/a/", "/c/", "/b/"]);
    assert_eq!(run(docs(200, 0)), ["/a/", "/b/", "/c/"]);
}

#[test]
fn stemming_finds_other_forms() {
    assert_eq!(
        urls(&search(&engine(), "passwords"))[0],
        "/account/password/"
    );
    assert_eq!(
        urls(&search(&engine(), "resetting"))[0],
        "/account/password/"
    );
}

#[test]
fn typos_are_forgiven_within_limits() {
    let e = engine();
    for typo in [
        "pasword",
        "passowrd",
        "pasword ",
        "notificatoins ",
        "notfication ",
        "webohoks ",
    ] {
        assert!(!search(&e, typo).pages.is_empty(), "{typo:?} found nothing");
    }
    assert_eq!(
        urls(&search(&e, "passowrd reset "))[0],
        "/account/password/"
    );
    // Short words are never corrected, and two typos in a 4-7 letter word are too many.
    assert!(search(&e, "lnik ").pages.is_empty() || search(&e, "lnik ").pages.len() < 5);
    assert!(search(&e, "rfnud ").pages.is_empty());
}

#[test]
fn typed_prefix_completes() {
    let r = search(&engine(), "autom");
    assert_eq!(urls(&r)[0], "/connect/automations/");
    assert!(
        r.pages[0].snippet.contains("<mark>Automations</mark>"),
        "{}",
        r.pages[0].snippet
    );
    assert_eq!(
        urls(&search(&engine(), "automat"))[0],
        "/connect/automations/"
    );
    // After a space the word is complete: no completion ("autom " would still match, as it is
    // the stem of "automations").
    assert!(search(&engine(), "automat ").pages.is_empty());
}

#[test]
fn quoted_phrases_match_in_order() {
    let e = engine();
    let r = search(&e, r#""api key""#);
    assert_eq!(urls(&r), ["/connect/webhooks/"], "{r:#?}");
    assert_eq!(urls(&search(&e, "api key")).len(), 2);
}

#[test]
fn filters_by_section_and_kind() {
    let e = engine();
    let mut q = Query::new("address");
    assert_eq!(urls(&e.search(&q)).len(), 2);
    q.kind = Some("faq".into());
    assert_eq!(urls(&e.search(&q)), ["/faq/general/"]);
    q.kind = None;
    q.section = Some("account".into());
    assert_eq!(urls(&e.search(&q)), ["/account/profile/"]);
    q.section = Some("nope".into());
    assert!(e.search(&q).pages.is_empty());
}

#[test]
fn results_group_sections_by_page() {
    let r = search(&engine(), "link");
    let page = &r.pages[0];
    assert_eq!(page.url, "/account/password/");
    assert_eq!(r.total, r.pages.len());
    assert!(page.sub.len() <= 3);
    assert!(
        page.sub
            .iter()
            .all(|s| s.url == format!("/account/password/#{}", s.anchor))
    );
    assert_eq!(page.sub[0].trail, ["The link has expired"]);
}

#[test]
fn snippets_escape_html() {
    let r = search(&engine(), "notification spam");
    let s = &r.pages[0].snippet;
    assert!(
        s.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{s}"
    );
    assert!(!s.contains("<script"), "{s}");
    assert!(s.contains("<mark>spam</mark>"), "{s}");
}

#[test]
fn hostile_queries_return_cleanly() {
    let e = engine();
    let long = "password ".repeat(2000);
    let huge: String = "x".repeat(10 * 1024);
    for text in [
        "",
        "   ",
        "!!!",
        "?",
        "\"",
        "\"\"",
        "\"password",
        r#"+-&&||!(){}[]^"~*?:\/"#,
        "title:password",
        "pass*",
        "password~2",
        "(password OR reset)",
        "a",
        "é",
        "日本語",
        long.as_str(),
        huge.as_str(),
        "\u{0}\u{ffff}",
        "-password",
        "password^10",
    ] {
        let r = e.search(&Query::new(text));
        assert_eq!(r.query, text);
        if text.chars().all(|c| !c.is_alphanumeric()) {
            assert!(r.pages.is_empty(), "{text:?}");
        }
    }
    assert!(!search(&e, "title:password").pages.is_empty());
    let mut q = Query::new("password");
    q.limit = usize::MAX;
    assert!(!e.search(&q).pages.is_empty());
    q.limit = 0;
    assert!(e.search(&q).pages.is_empty());
}

/// A pack in memory that counts what is read from it.
#[derive(Clone)]
struct Counting {
    bytes: Arc<[u8]>,
    read: Arc<AtomicU64>,
}

impl ByteSource for Counting {
    fn len(&self) -> u64 {
        <[u8]>::len(&self.bytes) as u64
    }
    fn read(&self, range: std::ops::Range<u64>) -> std::io::Result<Vec<u8>> {
        self.read
            .fetch_add(range.end - range.start, Ordering::Relaxed);
        Ok(self.bytes[range.start as usize..range.end as usize].to_vec())
    }
}

#[test]
fn published_index_answers_like_the_built_one() {
    let built = build_index(&site()).unwrap();
    let files = built.publish();
    assert_eq!(files[0].0, "manifest.json");
    let manifest = crate::manifest::Manifest::parse(&files[0].1).unwrap();
    let get = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
    let pack = Counting {
        bytes: Arc::from(get(&manifest.pack)),
        read: Arc::default(),
    };
    let published = Engine::open_published(&files[0].1, &get(&manifest.hot), pack.clone()).unwrap();
    assert_eq!(
        pack.read.load(Ordering::Relaxed),
        0,
        "opening reads only the hot file"
    );
    let in_ram = built.engine().unwrap();
    for text in [
        "password",
        "autom",
        "pasword",
        "\"api key\"",
        "how do I change my email address",
        "billing",
    ] {
        assert_eq!(
            published.search(&Query::new(text)),
            in_ram.search(&Query::new(text)),
            "{text}"
        );
    }
    // This index is smaller than a few blocks, so all of it is hot; see the next test.
    assert_eq!(
        published.fetch_stats().bytes,
        pack.read.load(Ordering::Relaxed)
    );
}

/// A bigger synthetic site: 400 pages of 5 sections over a 600-word vocabulary.
fn big_site() -> Vec<SectionDoc> {
    let vocab: Vec<String> = (0..600)
        .map(|i| format!("w{}x{}", i * 7919 % 1000, i))
        .collect();
    let mut docs = Vec::new();
    for p in 0..400usize {
        for s in 0..5usize {
            let body: Vec<&str> = (0..120)
                .map(|k| vocab[(p * 31 + s * 17 + k * k) % vocab.len()].as_str())
                .collect();
            let anchor = if s == 0 {
                String::new()
            } else {
                format!("h{s}")
            };
            let title = format!("Page {p} {}", vocab[p % vocab.len()]);
            let trail = if s == 0 {
                vec![]
            } else {
                vec![format!("Heading {s} {}", vocab[(p + s) % 600])]
            };
            docs.push(SectionDoc {
                page_url: format!("/p{p}/"),
                anchor,
                page_title: title,
                trail,
                body: format!("{} password", body.join(" ")),
                kind: "guide".into(),
                section: "s".into(),
                tags: vec![],
                boost: 0,
            });
        }
    }
    docs
}

#[test]
fn published_index_reads_little_for_a_first_query() {
    let built = build_index(&big_site()).unwrap();
    let files = built.publish();
    let manifest = crate::manifest::Manifest::parse(&files[0].1).unwrap();
    let get = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
    let pack_bytes = get(&manifest.pack);
    let pack = Counting {
        bytes: Arc::from(pack_bytes.clone()),
        read: Arc::default(),
    };
    let published = Engine::open_published(&files[0].1, &get(&manifest.hot), pack.clone()).unwrap();
    let in_ram = built.engine().unwrap();
    let first = published.search(&Query::new("password"));
    let after_first = published.fetch_stats();
    assert_eq!(first, in_ram.search(&Query::new("password")));
    assert_eq!(first.pages.len(), 10);
    for text in ["w7x1", "w14x2 w21x3", "\"page 3\"", "w7", "pasword"] {
        assert_eq!(
            published.search(&Query::new(text)),
            in_ram.search(&Query::new(text)),
            "{text}"
        );
    }
    let stats = built.stats();
    eprintln!(
        "pack {} B, hot {} B; first query read {} B in {} reads",
        stats.pack_bytes, stats.hot_bytes, after_first.bytes, after_first.reads
    );
    assert!(
        after_first.bytes > 0 && after_first.bytes < stats.pack_bytes / 2,
        "{after_first:?}"
    );
    assert_eq!(
        published.fetch_stats().bytes,
        pack.read.load(Ordering::Relaxed)
    );
}

/// Runs `query` on a deferred engine as the browser does: each step's needed ranges fetched
/// from `pack` and supplied. Returns the results and the number of fetch rounds.
fn answer_deferred(engine: &Engine, pack: &[u8], query: &Query) -> (Results, usize) {
    for rounds in 0..10 {
        match engine.search_step(query) {
            Step::Results(r) => return (r, rounds),
            Step::Need(ranges) => {
                assert!(!ranges.is_empty());
                for [a, b] in ranges {
                    engine.supply(a, &pack[a as usize..b as usize]).unwrap();
                }
            }
        }
    }
    panic!("{query:?} still needs bytes after 10 rounds");
}

#[test]
fn deferred_engine_answers_like_the_built_one_in_two_rounds() {
    let built = build_index(&big_site()).unwrap();
    let files = built.publish();
    let manifest = crate::manifest::Manifest::parse(&files[0].1).unwrap();
    let get = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
    let pack = get(&manifest.pack);
    let deferred = Engine::open_deferred(&files[0].1, &get(&manifest.hot)).unwrap();
    assert_eq!(
        deferred.fetch_stats().reads,
        0,
        "opening needs only the hot file"
    );
    let in_ram = built.engine().unwrap();
    let mut rounds_seen = Vec::new();
    for text in [
        "password",
        "w7x1",
        "w14x2 w21x3",
        "\"page 3\"",
        "w7",
        "pasword",
        "page 12 w12x",
        "how is w7x1 used?",
        "password",
        "zzzz",
        "",
    ] {
        let query = Query {
            limit: 8,
            ..Query::new(text)
        };
        let (got, rounds) = answer_deferred(&deferred, &pack, &query);
        assert_eq!(got, in_ram.search(&query), "{text}");
        assert!(rounds <= 2, "{text}: {rounds} rounds");
        rounds_seen.push(rounds);
        // Asked again, everything is at hand.
        assert_eq!(deferred.search_step(&query), Step::Results(got), "{text}");
    }
    assert_eq!(rounds_seen[1], 2, "postings, then stored text");
    assert_eq!(rounds_seen[8], 0, "a repeated query fetches nothing");
    // Without the bytes, `search` answers emptily rather than wrongly.
    let fresh = Engine::open_deferred(&files[0].1, &get(&manifest.hot)).unwrap();
    assert!(fresh.search(&Query::new("password")).pages.is_empty());
}

#[test]
fn deferred_engine_refuses_a_hot_file_from_another_build() {
    let built = build_index(&big_site()).unwrap();
    let files = built.publish();
    let manifest = crate::manifest::Manifest::parse(&files[0].1).unwrap();
    let hot = files
        .iter()
        .find(|f| f.0 == manifest.hot)
        .unwrap()
        .1
        .clone();
    assert!(Engine::open_deferred(&files[0].1, &hot[1..]).is_err());
    let mut scrambled = hot.clone();
    scrambled.reverse();
    assert!(Engine::open_deferred(&files[0].1, &scrambled).is_err());
    let pack = files
        .iter()
        .find(|f| f.0 == manifest.pack)
        .unwrap()
        .1
        .clone();
    let engine = Engine::open_deferred(&files[0].1, &hot).unwrap();
    assert!(engine.supply(1, &pack[1..100]).is_err());
}

#[test]
fn publishing_is_reproducible() {
    let a = build_index(&site()).unwrap().publish();
    let b = build_index(&site()).unwrap().publish();
    assert_eq!(a, b);
}

#[test]
fn empty_site_builds_and_finds_nothing() {
    let built = build_index(&[]).unwrap();
    assert!(
        built
            .engine()
            .unwrap()
            .search(&Query::new("x"))
            .pages
            .is_empty()
    );
}

/// A site of several indexing chunks (1,500 pages of 3 sections). Two pages in different chunks,
/// at the same position within their chunk, share the word `pairword`: a page ordinal restarting
/// per chunk would fold them into one result.
fn several_chunks() -> (Vec<SectionDoc>, [usize; 2]) {
    let page = |p: usize, extra: &str| -> Vec<SectionDoc> {
        let url = format!("/guides/page-{p}/");
        let title = format!("Guide number {p}");
        (0..3)
            .map(|s| {
                let body = format!("Section {s} of page {p} explains widget{p} {extra}.");
                section(&url, &format!("s{s}"), &title, &[], &body, "guide")
            })
            .collect()
    };
    let plain: Vec<SectionDoc> = (0..1500).flat_map(|p| page(p, "")).collect();
    let chunks = crate::chunks::cut(&plain);
    assert!(chunks.len() > 2, "{} chunks", chunks.len());
    let pair = [1, chunks[1].first_page as usize + 1];
    let docs = (0..1500)
        .flat_map(|p| page(p, if pair.contains(&p) { "pairword" } else { "" }))
        .collect();
    (docs, pair)
}

#[test]
fn a_site_of_several_chunks_publishes_reproducibly_and_groups_by_page() {
    let (docs, pair) = several_chunks();
    let a = build_index(&docs).unwrap();
    assert_eq!(a.stats().pages, 1500);
    assert!(a.stats().chunks.chunks > 2);
    assert_eq!(a.publish(), build_index(&docs).unwrap().publish());
    // The last page is one page with its three sections.
    let results = a
        .engine()
        .unwrap()
        .search(&Query::new("widget1499 section"));
    let urls: Vec<_> = results.pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(urls, ["/guides/page-1499/"]);
    assert_eq!(results.pages[0].sub.len(), 3);
    let results = a.engine().unwrap().search(&Query::new("pairword section"));
    let mut urls: Vec<_> = results.pages.iter().map(|p| p.url.clone()).collect();
    urls.sort();
    let mut expected: Vec<_> = pair.iter().map(|p| format!("/guides/page-{p}/")).collect();
    expected.sort();
    assert_eq!(urls, expected);
    for page in &results.pages {
        assert!(page.sub.iter().all(|s| s.url.starts_with(&page.url)));
    }
}

#[test]
fn a_store_reuses_unchanged_chunks_and_gives_the_same_bytes() {
    let (mut docs, _) = several_chunks();
    let store = crate::MemoryStore::default();
    let first = crate::build_index_with(&docs, &store).unwrap();
    let chunks = first.stats().chunks.chunks;
    assert_eq!(first.stats().chunks.reused, 0);
    let again = crate::build_index_with(&docs, &store).unwrap();
    assert_eq!(again.stats().chunks.reused, chunks);
    assert_eq!(again.publish(), first.publish());
    // One page edited: one chunk indexed again, the same bytes as a build from nothing.
    docs[700].body.push_str(" Freshly edited.");
    let edited = crate::build_index_with(&docs, &store).unwrap();
    assert_eq!(edited.stats().chunks.reused, chunks - 1);
    assert_eq!(edited.publish(), build_index(&docs).unwrap().publish());
    let hits = edited
        .engine()
        .unwrap()
        .search(&Query::new("freshly edited"));
    assert_eq!(hits.pages[0].url, "/guides/page-233/");
}

/// A store whose entries are all damaged: the build indexes everything and still succeeds.
struct DamagedStore;

impl crate::ChunkStore for DamagedStore {
    fn get(&self, _key: &str) -> Option<Vec<u8>> {
        Some(b"\x05\0\0\0{not json".to_vec())
    }
    fn put(&self, _key: &str, _bytes: Vec<u8>) {}
}

#[test]
fn a_damaged_store_entry_is_indexed_again() {
    let docs = site();
    let built = crate::build_index_with(&docs, &DamagedStore).unwrap();
    assert_eq!(built.stats().chunks.reused, 0);
    assert_eq!(built.publish(), build_index(&docs).unwrap().publish());
}

/// The small site with `groups` in its manifest, opened from the published files as every
/// front end opens it, and the pack.
fn with_synonyms(groups: &[&[&str]]) -> (Engine, Vec<(String, Vec<u8>)>) {
    let groups: Vec<Vec<String>> = groups
        .iter()
        .map(|g| g.iter().map(|s| s.to_string()).collect())
        .collect();
    let mut docs = site();
    docs.push(section(
        "/connect/sms/",
        "",
        "SMS senders",
        &[],
        "An SMS sender sends your text messages. Customers log in to see them.",
        "guide",
    ));
    let mut files = build_index(&docs).unwrap().publish();
    crate::synonyms::add_to_published(&mut files, &groups).unwrap();
    let manifest = crate::manifest::Manifest::parse(&files[0].1).unwrap();
    let get = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
    let engine = Engine::open_published(&files[0].1, &get(&manifest.hot), get(&manifest.pack));
    (engine.unwrap(), files)
}

#[test]
fn synonyms_from_the_manifest_expand_words_and_phrases() {
    let (plain, _) = with_synonyms(&[]);
    assert!(search(&plain, "txt").pages.is_empty());
    let (e, _) = with_synonyms(&[&["sms", "text", "txt"], &["sign in", "log in", "login"]]);
    // "text" is a synonym too: the notifications page shows something "as text".
    assert_eq!(
        urls(&search(&e, "txt")),
        ["/connect/sms/", "/troubleshooting/notifications/"]
    );
    // A synonym is marked in snippets like the word typed.
    assert!(
        search(&e, "txt").pages[0]
            .snippet
            .contains("<mark>SMS</mark>"),
        "{:?}",
        search(&e, "txt").pages[0].snippet
    );
    // One word finds a phrase ("sign-in" is "sign in"), a phrase finds a word and a phrase.
    assert!(urls(&search(&e, "login link")).contains(&"/account/password/"));
    assert!(urls(&search(&e, "sign in sms")).contains(&"/connect/sms/"));
    assert_eq!(urls(&search(&e, "signing in sms")), ["/connect/sms/"]);
    // The phrase stays a phrase: "in" and "sign" apart are no "sign in".
    let (e, _) = with_synonyms(&[&["sign in", "zebra"]]);
    assert!(
        search(&e, "zebra")
            .pages
            .iter()
            .all(|p| p.url != "/connect/webhooks/")
    );
}

#[test]
fn a_deferred_engine_applies_the_same_synonyms() {
    let (native, files) = with_synonyms(&[&["sms", "txt"], &["sign in", "login"]]);
    let manifest = crate::manifest::Manifest::parse(&files[0].1).unwrap();
    let get = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
    let deferred = Engine::open_deferred(&files[0].1, &get(&manifest.hot)).unwrap();
    for text in ["txt", "login", "txt login", "log in", "sms sender"] {
        let query = Query::new(text);
        let (got, _) = answer_deferred(&deferred, &get(&manifest.pack), &query);
        assert!(!got.pages.is_empty(), "{text}");
        assert_eq!(got, native.search(&query), "{text}");
    }
}

#[test]
fn the_fallback_needs_the_rare_words_not_just_half_of_them() {
    let e = engine();
    // Half the words match ("the", "link") but the rarest one is nowhere: nothing is honest.
    assert!(search(&e, "the link subscription").pages.is_empty());
    // A missing common word still falls back to the page with the rare ones.
    assert_eq!(
        urls(&search(&e, "webhooks retried the backoff zzzq"))[0],
        "/connect/webhooks/"
    );
    assert_eq!(
        urls(&search(&e, "refund within days please"))[0],
        "/faq/general/"
    );
}

#[test]
fn suggestions_offer_the_nearest_known_words() {
    let e = engine();
    let s = e.suggest("pasword reseet zzzzqq it");
    assert_eq!(s.query.as_deref(), Some("password reset zzzzqq it"));
    let words: Vec<_> = s
        .words
        .iter()
        .map(|w| (w.word.as_str(), w.nearest.first().map(String::as_str)))
        .collect();
    assert_eq!(
        words,
        [
            ("pasword", Some("password")),
            ("reseet", Some("reset")),
            ("zzzzqq", None)
        ]
    );
    // Known words need nothing; the first letter is kept ("xassword" is too far).
    assert_eq!(e.suggest("password reset"), crate::Suggestions::default());
    assert!(e.suggest("xassword").words[0].nearest.is_empty());
    // Quoted words keep their quotes; hostile input is cut and answered.
    assert_eq!(
        e.suggest("\"webhoks\" retries").query.as_deref(),
        Some("\"webhooks\" retries")
    );
    let _ = e.suggest(&"é\"".repeat(5000));
}

#[test]
fn a_deferred_engine_suggests_without_fetching() {
    let built = build_index(&big_site()).unwrap();
    let files = built.publish();
    let manifest = crate::manifest::Manifest::parse(&files[0].1).unwrap();
    let get = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
    let deferred = Engine::open_deferred(&files[0].1, &get(&manifest.hot)).unwrap();
    let s = deferred.suggest("pasword w7x1 zzzz");
    assert_eq!(s, built.engine().unwrap().suggest("pasword w7x1 zzzz"));
    assert!(!s.words.is_empty());
    assert_eq!(deferred.take_wanted(), Vec::new(), "nothing to fetch");
    assert_eq!(deferred.fetch_stats().reads, 0);
}
