//! The ledger figures behind the preview banner, per page URL, kept between requests.
//!
//! They are the writer report's rows ([`report::build`] over the served build's page manifest),
//! so the banner and `/_helpsite/feedback` always agree. Serving a page must not query SQLite,
//! so the rows are computed once and reused until the page manifest changes (a rebuild that
//! adds, removes, renames or re-dates a page; an edit of a page's text keeps the manifest's
//! snapshot entry, so it costs nothing here), `site.yaml` or the ledger's files change (checked
//! by size and modification time at most every [`RECHECK`]; the `-wal` file too, since
//! WAL-mode writers leave the main file alone until a checkpoint), or they are [`MAX_AGE`] old
//! (the period's window moves on). A report over 50,000 replies takes most of a second in a
//! debug build, so recomputing after every save would be felt.
//!
//! A missing ledger is normal (nobody ingested mail yet) and gives no banner; a ledger that
//! exists but cannot be read gives a one-line notice. Neither is ever an error page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant, SystemTime};

use crate::config::Config;
use crate::ledger::manifest::MANIFEST_PATH;
use crate::ledger::report::{self, PageReport};
use crate::ledger::{Ledger, Manifest};

use super::banner;
use crate::serve::publish::snapshot::{Entry, Snapshot};

/// How often the ledger's files are looked at while the build stays the same.
pub(crate) const RECHECK: Duration = Duration::from_secs(2);
/// Figures are recomputed at least this often, so "the last 90 days" stays true.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(600);
/// The period the banner and the preview's report cover.
pub(crate) const PERIOD_DAYS: i64 = 90;

/// What the banner can say for the current build and ledger.
#[derive(Debug)]
pub enum Figures {
    /// No ledger file, no readable `site.yaml`, or a build without a manifest: no banner.
    Nothing,
    /// The ledger exists but cannot be read: the reason, in one line.
    Unreadable(String),
    /// The report's row for every page, by URL.
    Pages(HashMap<String, PageReport>),
}

/// The cached figures of the site at a root; one per server.
#[derive(Debug)]
pub struct FiguresCache {
    root: PathBuf,
    cached: tokio::sync::Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    /// The manifest they were computed over (weak: an old build's files must be freed).
    manifest: Option<Weak<Entry>>,
    stamp: Stamp,
    computed: Instant,
    checked: Instant,
    figures: Arc<Figures>,
}

/// Size and modification time of `site.yaml`, the ledger and its `-wal` file (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    config: PathBuf,
    ledger: Option<PathBuf>,
    files: [Option<(SystemTime, u64)>; 3],
}

impl Stamp {
    fn of(config: PathBuf, ledger: Option<PathBuf>) -> Stamp {
        let meta = |p: &Path| {
            let m = std::fs::metadata(p).ok()?;
            Some((m.modified().ok()?, m.len()))
        };
        let files = match &ledger {
            Some(path) => {
                let mut wal = path.clone().into_os_string();
                wal.push("-wal");
                [meta(&config), meta(path), meta(Path::new(&wal))]
            }
            None => [meta(&config), None, None],
        };
        Stamp {
            config,
            ledger,
            files,
        }
    }

    fn again(&self) -> Stamp {
        Stamp::of(self.config.clone(), self.ledger.clone())
    }

    fn has_ledger(&self) -> bool {
        self.files[1].is_some()
    }
}

fn same_entry(a: Option<&Weak<Entry>>, b: Option<&Arc<Entry>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.ptr_eq(&Arc::downgrade(b)),
        (None, None) => true,
        _ => false,
    }
}

impl FiguresCache {
    /// Figures for the site at `root`, computed at the first request.
    pub fn new(root: &Path) -> FiguresCache {
        FiguresCache {
            root: root.to_path_buf(),
            cached: tokio::sync::Mutex::default(),
        }
    }

    /// The figures for `snapshot`, computed on a blocking thread when they are stale.
    /// Concurrent requests wait for one computation instead of each running the report.
    pub async fn get(&self, snapshot: &Arc<Snapshot>) -> Arc<Figures> {
        let manifest = snapshot.get(MANIFEST_PATH);
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_mut()
            && same_entry(c.manifest.as_ref(), manifest)
            && c.computed.elapsed() < MAX_AGE
        {
            if c.checked.elapsed() < RECHECK {
                return Arc::clone(&c.figures);
            }
            let old = c.stamp.clone();
            let stamp = tokio::task::spawn_blocking(move || old.again()).await.ok();
            if stamp.as_ref() == Some(&c.stamp) {
                c.checked = Instant::now();
                return Arc::clone(&c.figures);
            }
        }
        let bytes = manifest.map(|e| e.body.clone());
        let root = self.root.clone();
        let config = root.join("site.yaml");
        let (stamp, figures) = tokio::task::spawn_blocking(move || {
            let manifest =
                bytes.and_then(|bytes| Manifest::from_json(&String::from_utf8_lossy(&bytes)).ok());
            compute(&root, manifest)
        })
        .await
        .unwrap_or_else(|_| (Stamp::of(config, None), Figures::Nothing));
        let figures = Arc::new(figures);
        let now = Instant::now();
        *cached = Some(Cached {
            manifest: manifest.map(Arc::downgrade),
            stamp,
            computed: now,
            checked: now,
            figures: Arc::clone(&figures),
        });
        figures
    }
}

/// Runs the writer report over the ledger `site.yaml` names. The stamp is taken before the
/// ledger is read, so a write that lands during the computation is seen at the next check.
fn compute(root: &Path, manifest: Option<Manifest>) -> (Stamp, Figures) {
    // `site.yaml` as it was before it was read, for the same reason.
    let before = Stamp::of(root.join("site.yaml"), None);
    let Ok(config) = Config::load(root) else {
        return (before, Figures::Nothing);
    };
    let path = config.ledger_path(root);
    let mut stamp = Stamp::of(before.config, Some(path.clone()));
    stamp.files[0] = before.files[0];
    let Some(manifest) = manifest.filter(|_| stamp.has_ledger()) else {
        return (stamp, Figures::Nothing);
    };
    let report = Ledger::open(&path).and_then(|ledger| {
        report::build(
            &ledger,
            &manifest,
            report::Since::Days(PERIOD_DAYS),
            chrono::Utc::now(),
        )
    });
    let figures = match report {
        Ok(report) => Figures::Pages(
            report
                .pages
                .into_iter()
                .map(|p| (p.url.clone(), p))
                .collect(),
        ),
        Err(d) => {
            let shown = path.strip_prefix(root).unwrap_or(&path);
            let mut why = format!("{} `{}`", d.message, shown.display());
            if let Some(cause) = &d.cause {
                why.push_str(": ");
                why.push_str(cause);
            }
            Figures::Unreadable(why)
        }
    };
    (stamp, figures)
}

/// The ledger banner for the page at output path `file`, if the ledger has figures for it.
pub(crate) async fn page_banner(
    figures: &FiguresCache,
    site: &Arc<Snapshot>,
    file: &str,
) -> Option<String> {
    let figures = figures.get(site).await;
    match figures.as_ref() {
        Figures::Nothing => None,
        Figures::Unreadable(why) => Some(banner::notice(why)),
        Figures::Pages(pages) => {
            let url = crate::urls::output_url(&site.base_path, file);
            pages
                .get(&url)
                .map(|page| banner::figures(page, PERIOD_DAYS))
        }
    }
}
