//! The `helpsite` binary: parse the arguments, run one command, print diagnostics to stderr and
//! pick the exit status — all in this file, so the exit codes are set in one place:
//!
//! - 0: success;
//! - 1: the site has errors (they are all printed);
//! - 2: usage error or an I/O failure outside the site's content (clap also exits with 2).

mod cli;
mod staff_search;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;

use cli::{BuildArgs, CheckArgs, Cli, Command, NewArgs, SearchArgs};
use helpsite::diagnostics::Diagnostics;
use helpsite::pipeline::{self, BuildOptions, BuildReport};
use helpsite::site::LoadOptions;

/// How a command ended when it ran to completion.
enum Outcome {
    Ok,
    SiteErrors,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::New(args) => new(args),
        Command::Feedback(args) => Ok(feedback(args)),
        Command::Search(args) => search(args),
        Command::Serve(args) => match helpsite::serve::run(&args) {
            Ok(()) => Ok(Outcome::Ok),
            Err(d) => {
                eprintln!("{d}");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::SiteErrors) => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// The ledger's guard: every URL ever sent to a customer must still lead to a page or alias.
/// Without a ledger there is nothing to guard, and none is created.
/// The ledger's part in a build: no URL ever sent to a customer may stop resolving, and each
/// page's staff replies go on the site for the search boost.
fn sent_links_guard(site: &mut helpsite::site::Site) -> Vec<helpsite::diagnostics::Diagnostic> {
    use helpsite::ledger::{Resolution, check_sent_links};
    use helpsite::links::{Resolution as Found, resolve_url};
    let ledger = match helpsite::ledger::replies::open(site) {
        Ok(Some(ledger)) => ledger,
        Ok(None) => return Vec::new(),
        Err(d) => return vec![d],
    };
    let resolve = |url: &str, anchor: Option<&str>| {
        let full = match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.to_string(),
        };
        match resolve_url(site, &full) {
            Found::Page(_) => Resolution::Page,
            Found::Alias(_) => Resolution::Alias,
            Found::MissingAnchor { .. } => Resolution::MissingAnchor,
            Found::NotFound => Resolution::Missing,
        }
    };
    let mut found: Vec<_> = match check_sent_links(&ledger, resolve) {
        Ok(found) => found.into_iter().collect(),
        Err(d) => vec![d],
    };
    match helpsite::ledger::replies::in_ledger(site, &ledger) {
        Ok(replies) => site.replies = replies,
        Err(d) => found.push(d),
    }
    found
}

fn feedback(args: helpsite::ledger::FeedbackArgs) -> Outcome {
    let mut diags = helpsite::ledger::command::run(&args);
    diags.sort();
    if print_diagnostics(&diags) {
        Outcome::SiteErrors
    } else {
        Outcome::Ok
    }
}

fn build(args: BuildArgs) -> anyhow::Result<Outcome> {
    let root = args.site.root;
    let out = args.out.unwrap_or_else(|| root.join("public"));
    let options = BuildOptions {
        root,
        out: Some(out.clone()),
        load: LoadOptions {
            drafts: args.drafts,
            base_url: args.base_url,
        },
    };
    let report = pipeline::build_guarded(&options, &sent_links_guard)
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    if args.verbose {
        print_timings(&report);
    }
    if print_diagnostics(&report.diagnostics) {
        eprintln!(
            "error: the site has {}; nothing was written",
            errors(report.diagnostics.error_count())
        );
        return Ok(Outcome::SiteErrors);
    }
    let stats = report.written.unwrap_or_default();
    if args.verbose {
        // How the unchanged files got there: the double-buffered write of `output.rs`.
        eprintln!(
            "  unchanged: {} hard-linked from the live site, {} already in the staging folder",
            stats.linked, stats.kept
        );
    }
    eprintln!(
        "built {} pages, {} files into `{}` in {:.2} s ({} written, {} unchanged, {} removed)",
        report.pages(),
        report.files,
        out.display(),
        report.timings.total().as_secs_f64(),
        stats.written,
        stats.linked + stats.kept,
        stats.removed
    );
    Ok(Outcome::Ok)
}

fn check(args: CheckArgs) -> anyhow::Result<Outcome> {
    let options = BuildOptions {
        root: args.site.root,
        out: None,
        load: LoadOptions {
            drafts: args.drafts,
            base_url: None,
        },
    };
    let report = pipeline::build_guarded(&options, &sent_links_guard)?;
    if args.review {
        let mut stdout = std::io::stdout().lock();
        for page in report
            .site
            .iter()
            .flat_map(|s| s.pages())
            .filter(|p| p.meta.review)
        {
            writeln!(stdout, "{}: {}", page.file.display(), page.meta.title)?;
        }
    }
    if print_diagnostics(&report.diagnostics) {
        eprintln!(
            "error: the site has {}",
            errors(report.diagnostics.error_count())
        );
        return Ok(Outcome::SiteErrors);
    }
    eprintln!("checked {} pages: no errors", report.pages());
    Ok(Outcome::Ok)
}

fn new(args: NewArgs) -> anyhow::Result<Outcome> {
    let today = chrono::Local::now().date_naive();
    match helpsite::content::new::create(
        &args.site.root,
        &args.path,
        &args.title,
        args.kind.into(),
        today,
    ) {
        Ok(file) => {
            eprintln!("wrote `{}`", file.display());
            Ok(Outcome::Ok)
        }
        Err(d) => {
            eprintln!("{d}");
            Ok(Outcome::SiteErrors)
        }
    }
}

/// Prints every diagnostic (sorted); true when there was an error among them.
fn print_diagnostics(diagnostics: &Diagnostics) -> bool {
    for d in diagnostics.iter() {
        eprintln!("{d}");
    }
    diagnostics.has_errors()
}

/// `1 error`, `2 errors`.
fn errors(count: usize) -> String {
    match count {
        1 => "1 error".to_string(),
        n => format!("{n} errors"),
    }
}

fn print_timings(report: &BuildReport) {
    for (stage, took) in &report.timings.0 {
        eprintln!("  {stage:<12} {:>8.1} ms", took.as_secs_f64() * 1000.0);
    }
    if let Some(search) = &report.search {
        let s = &search.stats;
        let kib = |b: u64| b as f64 / 1024.0;
        eprintln!(
            "  search index: {} sections of {} pages in {:.1} ms ({} of {} chunks reused); pack {:.1} KiB, hot {:.1} KiB, manifest {:.1} KiB",
            s.docs,
            s.pages,
            search.took.as_secs_f64() * 1000.0,
            s.chunks.reused,
            s.chunks.chunks,
            kib(s.pack_bytes),
            kib(s.hot_bytes),
            kib(s.manifest_bytes)
        );
    }
}

/// `helpsite search`: the same engine and index as the built site, with absolute URLs; see
/// `staff_search` for how it avoids loading the site.
fn search(args: SearchArgs) -> anyhow::Result<Outcome> {
    let query = helpsite_search::Query {
        text: args.query.join(" "),
        limit: args.limit,
        section: args.section,
        kind: args
            .kind
            .map(|k| helpsite::content::Kind::from(k).as_str().to_string()),
    };
    match staff_search::run(&args.site.root, &query, args.json)? {
        staff_search::Answer::Answered => Ok(Outcome::Ok),
        staff_search::Answer::SiteErrors => Ok(Outcome::SiteErrors),
    }
}
