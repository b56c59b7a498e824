//! `helpsite feedback …` (part of the binary, built with the `ledger` feature): runs one
//! command over the library's [`helpsite::ledger`]. Data (report, export) goes to standard output or
//! `--out`; summaries go to standard error; problems come back as [`Diagnostics`] for `main`
//! to print, and any error among them means a non-zero exit.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use helpsite::config::Config;
use helpsite::diagnostics::{Diagnostic, Diagnostics};
use helpsite::ledger::connections::{self, Limits};
use helpsite::ledger::db::Ledger;
use helpsite::ledger::mail::message::{Extractor, staff_matcher};
use helpsite::ledger::manifest::Manifest;
use helpsite::ledger::report::Since;
use helpsite::ledger::urls::SiteUrls;
use helpsite::ledger::{access_log, guard, mail, report, report_html, service, transfer};

use crate::cli::feedback::{FeedbackArgs, FeedbackCommand, ReportFormat};

/// How a command ended, for the exit status (see `src/main.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Done; the diagnostics hold warnings at most.
    Ok,
    /// The input had errors (exit 1).
    Errors,
    /// Usage or I/O failure before anything was done, e.g. a path that does not exist (exit 2).
    Failure,
}

/// Runs the command and says how it ended.
pub fn run_with_status(args: &FeedbackArgs) -> (Diagnostics, Status) {
    if let Some(missing) = missing_inputs(args) {
        return (missing, Status::Failure);
    }
    let diags = match run_inner(args) {
        Ok(d) | Err(d) => d,
    };
    let status = if diags.has_errors() {
        Status::Errors
    } else {
        Status::Ok
    };
    (diags, status)
}

/// Every path given to an ingest that cannot be read, checked before the ledger is opened: a
/// typo must not look like an ingest that found nothing, and nothing is ingested until the
/// command line is right.
fn missing_inputs(args: &FeedbackArgs) -> Option<Diagnostics> {
    let paths = match &args.command {
        FeedbackCommand::IngestMail { paths } => paths,
        FeedbackCommand::IngestLog { files } => files,
        _ => return None,
    };
    let missing: Vec<Diagnostic> = paths
        .iter()
        .filter_map(|p| {
            let e = std::fs::metadata(p).err()?;
            Some(
                Diagnostic::error("cannot read this input")
                    .at(p)
                    .cause(e.to_string())
                    .hint("check the path; nothing was ingested"),
            )
        })
        .collect();
    (!missing.is_empty()).then_some(Diagnostics(missing))
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

fn run_inner(args: &FeedbackArgs) -> Result<Diagnostics, Diagnostics> {
    let config = Config::load(&args.root).map_err(one)?;
    let manifest_path = args
        .manifest
        .clone()
        .unwrap_or_else(|| Manifest::default_path(&args.root));
    let urls = SiteUrls::new(&config);
    let open_ledger = || Ledger::open(&config.ledger_path(&args.root)).map_err(one);
    let load_manifest = || Manifest::load(&manifest_path).map_err(one);
    match &args.command {
        FeedbackCommand::IngestMail { paths } => {
            // Without a built site links are still recorded, by the path sent; aliases are
            // then resolved when the report is made.
            let manifest = manifest_path.exists().then(load_manifest).transpose()?;
            let extractor = Extractor::new(
                staff_matcher(&config.feedback.staff_addresses).map_err(one)?,
                &urls,
                manifest.as_ref(),
            );
            let mut ledger = open_ledger()?;
            let (summary, diags) = mail::ingest(&mut ledger, paths, &extractor).map_err(one)?;
            eprint!("{summary}");
            Ok(diags)
        }
        FeedbackCommand::IngestLog { files } => {
            let manifest = load_manifest()?;
            let mut ledger = open_ledger()?;
            let (summary, diags) =
                access_log::ingest(&mut ledger, files, &urls, &manifest).map_err(one)?;
            eprint!("{summary}");
            Ok(diags)
        }
        FeedbackCommand::Report { since, format, out } => {
            let since = Since::parse(since).map_err(|e| {
                one(Diagnostic::error(e).hint("use a period like `90d`, `12w`, `1y` or `all`"))
            })?;
            let manifest = load_manifest()?;
            let ledger = open_ledger()?;
            let report =
                report::build(&ledger, &manifest, since, chrono::Utc::now()).map_err(one)?;
            let text = match format {
                ReportFormat::Table => report::table(&report),
                ReportFormat::Json => {
                    serde_json::to_string_pretty(&report).expect("report serialises") + "\n"
                }
                ReportFormat::Html => report_html::render(&report),
            };
            write_out(out.as_deref(), text.as_bytes()).map_err(one)?;
            Ok(Diagnostics::default())
        }
        FeedbackCommand::Export { format: _, out } => {
            let ledger = open_ledger()?;
            let n = match out {
                Some(path) => {
                    let mut w = BufWriter::new(File::create(path).map_err(|e| {
                        one(Diagnostic::error("cannot create the export file")
                            .at(path)
                            .cause(e.to_string()))
                    })?);
                    let n = transfer::export(&ledger, &mut w).map_err(one)?;
                    w.flush().map_err(|e| {
                        one(Diagnostic::error("cannot write the export file")
                            .at(path)
                            .cause(e.to_string()))
                    })?;
                    n
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut w = BufWriter::new(stdout.lock());
                    let n = transfer::export(&ledger, &mut w).map_err(one)?;
                    w.flush().map_err(|e| {
                        one(Diagnostic::error("cannot write the export").cause(e.to_string()))
                    })?;
                    n
                }
            };
            eprintln!("exported {n} rows");
            Ok(Diagnostics::default())
        }
        FeedbackCommand::Import { file } => {
            let f = File::open(file).map_err(|e| {
                one(Diagnostic::error("cannot read the import file")
                    .at(file)
                    .cause(e.to_string()))
            })?;
            let mut ledger = open_ledger()?;
            let s = transfer::import(&mut ledger, file, &mut BufReader::new(f))?;
            eprintln!(
                "imported {} rows: {} new, {} already known",
                s.rows, s.added, s.already_known
            );
            Ok(Diagnostics::default())
        }
        FeedbackCommand::CheckLinks => {
            let manifest = load_manifest()?;
            let ledger = open_ledger()?;
            let diags = guard::check_sent_links(&ledger, guard::manifest_resolver(&manifest))
                .map_err(one)?;
            if diags.is_empty() {
                eprintln!("every URL sent in a reply still resolves");
            }
            if diags.has_errors() {
                Err(diags)
            } else {
                Ok(diags)
            }
        }
        FeedbackCommand::Serve {
            bind,
            port,
            allow_origins,
            rate,
            burst,
            trust_forwarded_for,
            max_connections,
            max_connections_per_ip,
        } => {
            let manifest = load_manifest()?;
            let ledger = open_ledger()?;
            let origins = if allow_origins.is_empty() {
                vec![urls.origin()]
            } else {
                allow_origins.clone()
            };
            let settings = service::Settings {
                pages: manifest.pages.iter().map(|p| p.url.clone()).collect(),
                origins,
                per_second: *rate,
                burst: *burst,
                trust_forwarded_for: *trust_forwarded_for,
                limits: Limits {
                    max_connections: *max_connections as usize,
                    max_per_ip: (!trust_forwarded_for).then_some(*max_connections_per_ip as usize),
                    ..Limits::default()
                },
                queue_wait: service::QUEUE_WAIT,
            };
            serve(settings, ledger, (*bind, *port).into()).map_err(one)?;
            Ok(Diagnostics::default())
        }
    }
}

fn serve(
    mut settings: service::Settings,
    ledger: Ledger,
    addr: std::net::SocketAddr,
) -> Result<(), Diagnostic> {
    let (fits, why) = connections::fit_to_fd_limit(settings.limits.max_connections);
    if let Some(why) = why {
        eprintln!("warning: {why}\n  hint: raise `ulimit -n`, or lower `--max-connections`");
    }
    settings.limits.max_connections = fits;
    let limits = settings.limits;
    let rt = tokio::runtime::Runtime::new()
        .map_err(|e| Diagnostic::error("cannot start the server runtime").cause(e.to_string()))?;
    let origins = settings.origins.join("`, `");
    let pages = settings.pages.len();
    let (writer, counters) = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Diagnostic::error(format!("cannot listen on `{addr}`")).cause(e.to_string()).hint("pick another `--port`, or stop what uses this one")
        })?;
        // The bound address, so `--port 0` tells which port it got.
        let addr = listener.local_addr().unwrap_or(addr);
        let (router, writer) = service::app(settings, ledger);
        eprintln!("feedback endpoint on http://{addr}/api/feedback for {pages} pages, origin `{origins}` (ctrl-c stops)");
        let counters = service::serve(listener, router, limits).await;
        Ok::<_, Diagnostic>((writer, counters))
    })?;
    drop(rt);
    let refused = counters
        .refused_per_ip
        .load(std::sync::atomic::Ordering::Relaxed);
    if refused > 0 {
        eprintln!("closed {refused} connections over the per-address cap");
    }
    let written = writer
        .join()
        .map_err(|e| Diagnostic::error("feedback rows may be lost").cause(e))?;
    eprintln!(
        "stopped; {written} feedback rows written (page answers and searches with no results)"
    );
    Ok(())
}

fn write_out(out: Option<&Path>, bytes: &[u8]) -> Result<(), Diagnostic> {
    match out {
        Some(path) => std::fs::write(path, bytes).map_err(|e| {
            Diagnostic::error("cannot write the report")
                .at(path)
                .cause(e.to_string())
        }),
        None => std::io::stdout()
            .write_all(bytes)
            .map_err(|e| Diagnostic::error("cannot write the report").cause(e.to_string())),
    }
}
