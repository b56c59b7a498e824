//! `helpsite search`: the site's search for staff, answered from a kept index when nothing it
//! was made from has changed.
//!
//! Loading and indexing a site of 10,000 pages takes seconds and hundreds of megabytes, while
//! the engine answers in milliseconds, and staff search many times a day between edits. So each
//! search that has to index the site keeps the published index in
//! `.helpsite/cache/staff-search/` with a stamp of its inputs, and the next search compares the
//! stamp with the inputs as they are now — the helpsite binary, `site.yaml`, every file under
//! `content/` (path, size, modification time) and the staff replies in the ledger (which rank
//! pages) — without reading any page. Same stamp: the kept index answers. Anything changed or
//! missing: the site is loaded and indexed as before (and kept again), and stderr says so. The
//! index is the same bytes either way, opened the same way, so the answers are the same.
//!
//! A file changed within the file system's timestamp resolution of the stamp could look
//! unchanged afterwards; such a stamp is not kept, so the next search indexes once more.

use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use helpsite::config::Config;
use helpsite::site::{LoadOptions, Site};
use helpsite_search::{Engine, Query, Results};

/// Where the kept index lives, beside the search chunk cache.
const CACHE: &str = ".helpsite/cache/staff-search";
/// The kept index's folder under [`CACHE`], and its stamp inside it.
const INDEX: &str = "index";
const STAMP: &str = "stamp.json";

/// What a kept index was made from, each part a hash; equal stamps, equal index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    binary: String,
    config: String,
    content: String,
    ledger: String,
}

impl Stamp {
    /// Why `self` (now) differs from `kept`, for the note on stderr.
    fn change_since(&self, kept: &Stamp) -> &'static str {
        if self.binary != kept.binary {
            "helpsite itself changed"
        } else if self.config != kept.config {
            "site.yaml changed"
        } else if self.content != kept.content {
            "content changed"
        } else {
            "the ledger's staff replies changed"
        }
    }
}

/// The inputs' stamp, and whether it can be trusted later: a file written moments ago could
/// change again within the same timestamp tick.
struct Inputs {
    stamp: Stamp,
    settled: bool,
}

/// How a search was answered.
pub enum Answer {
    /// From the kept index, or by indexing the site (the note on stderr says why).
    Answered,
    /// The site has errors; they were printed.
    SiteErrors,
}

/// Answers `query` for the site at `root`, and prints the results (`json`: the `Results`
/// JSON) with absolute URLs.
pub fn run(root: &Path, query: &Query, json: bool) -> anyhow::Result<Answer> {
    let config = match Config::load(root) {
        Ok(config) => config,
        // The full load prints this error with the rest.
        Err(_) => return answer_by_indexing(root, query, None, json),
    };
    let inputs = inputs(root, &config);
    let dir = root.join(CACHE).join(INDEX);
    let kept = read_stamp(&dir);
    let why = match (&inputs, &kept) {
        (Ok(now), Some(kept)) if now.stamp == *kept => match open_kept(&dir) {
            Ok(engine) => {
                let results = engine.search(query);
                print(&config, &engine, query, &results, json)?;
                return Ok(Answer::Answered);
            }
            Err(_) => "the kept index could not be opened",
        },
        (Ok(now), Some(kept)) => now.stamp.change_since(kept),
        (Ok(_), None) => "none was kept",
        (Err(_), _) => "its inputs could not be read",
    };
    eprintln!("note: indexing the site for this search ({why}); the next one reuses the index");
    answer_by_indexing(root, query, inputs.ok(), json)
}

/// Without the `ledger` feature no replies are read, so none can change.
#[cfg(not(feature = "ledger"))]
fn ledger_stamp(_root: &Path, _config: &Config) -> anyhow::Result<String> {
    Ok("none".into())
}

/// The old way, always right: load the site, index it, search; then keep the index for the
/// next search when `inputs` say it can be.
fn answer_by_indexing(
    root: &Path,
    query: &Query,
    inputs: Option<Inputs>,
    json: bool,
) -> anyhow::Result<Answer> {
    let load = LoadOptions {
        drafts: false,
        base_url: None,
    };
    let (site, diagnostics) = Site::load(root, load);
    let Some(mut site) = site.filter(|_| !diagnostics.has_errors()) else {
        for d in diagnostics.iter() {
            eprintln!("{d}");
        }
        eprintln!("error: the site has {} error(s)", diagnostics.error_count());
        return Ok(Answer::SiteErrors);
    };
    // The same ranking as the built site: with the ledger's reply-link boost.
    site.replies =
        helpsite::ledger::replies::per_page(&site).map_err(|d| anyhow::anyhow!("{d}"))?;
    let docs = helpsite::search_index::documents(&site);
    let store = helpsite::search_index::DiskStore::for_site(&site);
    let (_, files) = helpsite::search_index::index_files(&docs, &site.config.search, &store)
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    drop(docs);
    let dir = root.join(CACHE).join(INDEX);
    if let Some(inputs) = inputs.filter(|i| i.settled) {
        // A cache that cannot be written only costs the next search its speed.
        let _ = keep(&dir, &files, &inputs.stamp);
    }
    let engine = open_files(files).context("cannot open the search index")?;
    let results = engine.search(query);
    print(&site.config, &engine, query, &results, json)?;
    Ok(Answer::Answered)
}

/// Opens the kept index reading its pack by range from the file, so a search holds only the
/// hot file and the blocks it touches (`Engine::open_dir` would read the whole pack, tens of
/// megabytes at 10,000 pages); an index laid out otherwise is opened by `open_dir`.
fn open_kept(dir: &Path) -> Result<Engine, helpsite_search::SearchError> {
    let by_range = || -> Option<Engine> {
        let manifest_json =
            std::fs::read(dir.join(helpsite_search::manifest::MANIFEST_NAME)).ok()?;
        let manifest = helpsite_search::manifest::Manifest::parse(&manifest_json).ok()?;
        let hot = std::fs::read(dir.join(&manifest.hot)).ok()?;
        let pack = FileSource::open(&dir.join(&manifest.pack)).ok()?;
        Engine::open_published(&manifest_json, &hot, pack).ok()
    };
    match by_range() {
        Some(engine) => Ok(engine),
        None => Engine::open_dir(dir),
    }
}

/// A pack on disk, read by range as the engine asks.
struct FileSource {
    file: std::fs::File,
    len: u64,
}

impl FileSource {
    fn open(path: &Path) -> std::io::Result<FileSource> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

impl helpsite_search::ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read(&self, range: std::ops::Range<u64>) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0; usize::try_from(range.end - range.start).unwrap_or(0)];
        read_at(&self.file, &mut bytes, range.start)?;
        Ok(bytes)
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut bytes: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, bytes, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[n..];
        at += n as u64;
    }
    Ok(())
}

/// Opens published files held in memory, as `Engine::open_dir` opens them on disk.
fn open_files(files: Vec<(String, Vec<u8>)>) -> Result<Engine, helpsite_search::SearchError> {
    let get = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| b);
    let manifest_json = get(helpsite_search::manifest::MANIFEST_NAME).cloned();
    let manifest =
        helpsite_search::manifest::Manifest::parse(manifest_json.as_deref().unwrap_or(b""))?;
    let missing = |what: &str| {
        helpsite_search::SearchError::Manifest(format!("the built index has no {what}"))
    };
    let hot = get(&manifest.hot).ok_or_else(|| missing("hot file"))?;
    let pack = get(&manifest.pack).ok_or_else(|| missing("pack"))?;
    Engine::open_published(
        manifest_json.as_deref().unwrap_or_default(),
        hot,
        pack.clone(),
    )
}

/// Prints `results` (or, when there are none, the nearest words the index knows).
fn print(
    config: &Config,
    engine: &Engine,
    query: &Query,
    results: &Results,
    json: bool,
) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, results)?;
        writeln!(stdout)?;
    }
    if results.pages.is_empty() {
        eprintln!("no results for `{}`", query.text);
        print_suggestions(engine, &query.text);
        return Ok(());
    }
    if json {
        return Ok(());
    }
    for (i, page) in results.pages.iter().enumerate() {
        writeln!(stdout, "{}. {}", i + 1, page.title)?;
        writeln!(stdout, "   {}", config.permalink(&page.url))?;
        writeln!(stdout, "   {}", plain(&page.snippet))?;
        for sub in &page.sub {
            writeln!(stdout, "   › {}", sub.trail.join(" › "))?;
            writeln!(stdout, "     {}", config.permalink(&sub.url))?;
        }
    }
    eprintln!(
        "{} of {} matching pages",
        results.pages.len(),
        results.total
    );
    Ok(())
}

/// "did you mean" and the nearest known words, on stderr (stdout stays the results).
fn print_suggestions(engine: &Engine, text: &str) {
    let suggestions = engine.suggest(text);
    if let Some(query) = &suggestions.query {
        eprintln!("  did you mean: {query}");
    }
    for w in &suggestions.words {
        if w.nearest.is_empty() {
            eprintln!("  no page uses `{}`", w.word);
        } else {
            eprintln!(
                "  `{}`: nearest known words: {}",
                w.word,
                w.nearest.join(", ")
            );
        }
    }
}

/// A snippet's HTML as terminal text: marks dropped, entities decoded.
fn plain(snippet: &str) -> String {
    snippet
        .replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn read_stamp(dir: &Path) -> Option<Stamp> {
    serde_json::from_slice(&std::fs::read(dir.join(STAMP)).ok()?).ok()
}

/// Writes the index and its stamp into a new folder and swaps it in whole, so a search never
/// reads a stamp with another index's files.
fn keep(dir: &Path, files: &[(String, Vec<u8>)], stamp: &Stamp) -> std::io::Result<()> {
    let parent = dir.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    let pid = std::process::id();
    let fresh = parent.join(format!("{INDEX}.new-{pid}"));
    let old = parent.join(format!("{INDEX}.old-{pid}"));
    let written = (|| {
        std::fs::create_dir_all(&fresh)?;
        for (name, bytes) in files {
            let path = fresh.join(name);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(path, bytes)?;
        }
        std::fs::write(fresh.join(STAMP), serde_json::to_vec(stamp)?)?;
        if dir.exists() {
            std::fs::rename(dir, &old)?;
        }
        std::fs::rename(&fresh, dir)
    })();
    let _ = std::fs::remove_dir_all(&fresh);
    let _ = std::fs::remove_dir_all(&old);
    written
}

/// The stamp of what an index of the site at `root` would be made from, read without loading
/// a page.
fn inputs(root: &Path, config: &Config) -> anyhow::Result<Inputs> {
    let now = SystemTime::now();
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut coarse = true;
    let mut note = |modified: SystemTime| {
        newest = newest.max(modified);
        let nanos = modified
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        coarse &= nanos == 0;
    };

    let exe = std::env::current_exe().context("cannot find the helpsite binary")?;
    let binary = hash_meta(&std::fs::metadata(&exe)?);

    let config_path = root.join("site.yaml");
    note(std::fs::metadata(&config_path)?.modified()?);
    let config_hash = blake3::hash(&std::fs::read(&config_path)?)
        .to_hex()
        .to_string();

    let mut content = blake3::Hasher::new();
    let content_dir = root.join("content");
    for entry in walkdir::WalkDir::new(&content_dir).sort_by_file_name() {
        let entry = entry?;
        let meta = entry.metadata()?;
        note(meta.modified()?);
        let rel = entry
            .path()
            .strip_prefix(&content_dir)
            .unwrap_or(entry.path());
        content.update(rel.as_os_str().as_encoded_bytes());
        content.update(&[0]);
        content.update(hash_meta(&meta).as_bytes());
    }

    let ledger = ledger_stamp(root, config)?;

    // Timestamps on coarse file systems (FAT, some network shares) tick in seconds.
    let tick = if coarse {
        Duration::from_secs(2)
    } else {
        Duration::from_millis(100)
    };
    let settled = now.duration_since(newest).is_ok_and(|age| age > tick);
    Ok(Inputs {
        stamp: Stamp {
            binary,
            config: config_hash,
            content: content.finalize().to_hex().to_string(),
            ledger,
        },
        settled,
    })
}

/// Size, modification time and (on Unix) inode of a file, as text for the stamp.
fn hash_meta(meta: &std::fs::Metadata) -> String {
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
        .unwrap_or_default();
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let inode = 0u64;
    format!(
        "{}:{}.{:09}:{inode}:{}",
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos(),
        meta.is_dir()
    )
}

/// A hash of the staff replies in the ledger (every page URL and message linked): what the
/// reply-link boost is computed from. `none` without a ledger or with the boost off.
#[cfg(feature = "ledger")]
fn ledger_stamp(root: &Path, config: &Config) -> anyhow::Result<String> {
    let path = config.ledger_path(root);
    if config.search.reply_boost <= 0.0 || !path.exists() {
        return Ok("none".into());
    }
    let ledger = helpsite::ledger::Ledger::open(&path).map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut stmt = ledger
        .conn()
        .prepare("SELECT page, message_key FROM links ORDER BY page, message_key")?;
    let mut rows = stmt.query([])?;
    let mut hasher = blake3::Hasher::new();
    while let Some(row) = rows.next()? {
        let page: String = row.get(0)?;
        let key: String = row.get(1)?;
        hasher.update(page.as_bytes());
        hasher.update(&[0]);
        hasher.update(key.as_bytes());
        hasher.update(&[0]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}
