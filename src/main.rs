//! The `helpsite` binary: parse the arguments, run one command, print diagnostics to stderr and
//! pick the exit status — all in this file, so the exit codes are set in one place:
//!
//! - 0: success;
//! - 1: the site has errors (they are all printed);
//! - 2: usage error or an I/O failure outside the site's content (clap also exits with 2).

mod cli;
#[cfg(feature = "ledger")]
mod feedback;
mod init;
mod staff_search;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;

use cli::{BuildArgs, CheckArgs, Cli, Command, InitArgs, NewArgs, SearchArgs};
use helpsite::diagnostics::Diagnostics;
use helpsite::pipeline::{self, BuildOptions, BuildReport};
use helpsite::site::LoadOptions;

/// How a command ended when it ran to completion.
enum Outcome {
    Ok,
    SiteErrors,
    /// Usage or I/O failure reported as diagnostics (exit 2).
    Failure,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => init(args),
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::New(args) => new(args),
        #[cfg(feature = "ledger")]
        Command::Feedback(args) => Ok(feedback(args)),
        Command::Search(args) => search(args),
        Command::Serve(args) => match helpsite::serve::run(&helpsite::serve::Options {
            root: args.root,
            addr: std::net::SocketAddr::new(args.bind, args.port),
            no_drafts: args.no_drafts,
            open: args.open,
        }) {
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
        Ok(Outcome::Failure) => ExitCode::from(2),
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

/// The ledger's part in `build` and `check`: a ledger that cannot be read stops the build.
fn ledger_hook(site: &mut helpsite::site::Site) -> Vec<helpsite::diagnostics::Diagnostic> {
    helpsite::ledger::hook::run(site, helpsite::ledger::hook::Unreadable::Fails)
}

#[cfg(feature = "ledger")]
fn feedback(args: cli::feedback::FeedbackArgs) -> Outcome {
    use feedback::{Status, run_with_status};
    let (mut diags, status) = run_with_status(&args);
    diags.sort();
    print_diagnostics(&diags);
    match status {
        Status::Ok => Outcome::Ok,
        Status::Errors => Outcome::SiteErrors,
        Status::Failure => Outcome::Failure,
    }
}

fn build(args: BuildArgs) -> anyhow::Result<Outcome> {
    let root = args.site.root;
    let out = args.out.unwrap_or_else(|| root.join("public"));
    // `--relative` builds as usual into a scratch folder, then writes the rewritten copy.
    let built_at = if args.relative {
        root.join(".helpsite/relative/public")
    } else {
        out.clone()
    };
    let options = BuildOptions {
        root,
        out: Some(built_at.clone()),
        load: LoadOptions {
            drafts: args.drafts,
            base_url: args.base_url,
        },
    };
    let report = pipeline::build_guarded(&options, &ledger_hook)
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
    let mut stats = report.written.unwrap_or_default();
    if args.relative {
        let base_path = report
            .site
            .as_ref()
            .map_or("/", |s| s.config.base_path())
            .to_string();
        stats = write_relative(&built_at, &out, &base_path)
            .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    }
    if args.verbose {
        // How the unchanged files got there: the double-buffered write of `output.rs`.
        eprintln!(
            "  unchanged: {} hard-linked from the live site, {} already in the staging folder",
            stats.linked, stats.kept
        );
        if stats.repaired > 0 {
            eprintln!(
                "  repaired: {} files whose bytes on disk were not what the manifest said (written again)",
                stats.repaired
            );
        }
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

/// `build --relative`: the build in `built` with every page's URLs made relative
/// ([`helpsite::render::relative`]), written to `out` atomically like any build.
fn write_relative(
    built: &std::path::Path,
    out: &std::path::Path,
    base_path: &str,
) -> anyhow::Result<helpsite::output::WriteStats> {
    let mut output = helpsite::output::Output::default();
    for entry in walkdir::WalkDir::new(built).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(built)?
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if rel == "_helpsite/manifest.tsv" {
            continue; // the write makes its own
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read `{}`", entry.path().display()))?;
        let bytes = match (rel.ends_with(".html"), String::from_utf8(bytes)) {
            (true, Ok(html)) => {
                helpsite::render::relative::relativize(&rel, &html, base_path).into_bytes()
            }
            (_, Ok(text)) => text.into_bytes(),
            (_, Err(e)) => e.into_bytes(),
        };
        output.insert(rel, bytes);
    }
    Ok(helpsite::output::write(&output, out)?)
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
    let report = pipeline::build_guarded(&options, &ledger_hook)?;
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
        // `new` reads no site: a path that is taken or wrong, or a folder it cannot write,
        // is a usage or I/O error.
        Err(d) => {
            eprintln!("{d}");
            Ok(Outcome::Failure)
        }
    }
}

/// `helpsite init`: the starter site, with the facts from flags, a terminal or placeholders.
/// A folder that already holds any of its files is a usage error (2): nothing is written.
fn init(args: InitArgs) -> anyhow::Result<Outcome> {
    let mut facts = init::Facts {
        company: args.company,
        email: args.email,
        response_time: args.response_time,
        hours: args.hours,
        products: args
            .products
            .map(|p| p.iter().flat_map(|s| init::ask::split_list(s)).collect()),
        base_url: args.base_url,
    };
    if init::ask::interactive() {
        init::ask::missing_facts(
            &mut facts,
            &mut std::io::stdin().lock(),
            &mut std::io::stderr(),
        );
    }
    // Printed by `main` as `error: …` with the hint, exit status 2.
    let written = init::create(&args.dir, &facts)
        .map_err(|d| anyhow::anyhow!("{}", d.to_string().trim_start_matches("error: ")))?;
    let dir = args.dir.display();
    eprintln!("wrote a starter support site into `{dir}`:");
    for file in &written {
        eprintln!("  {}", file.display());
    }
    eprintln!("next: `cd {dir}`, then `helpsite serve` to preview it while you edit, and");
    eprintln!("      `helpsite check --review` to list the pages marked `review: true`");
    Ok(Outcome::Ok)
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
