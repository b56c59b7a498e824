//! The `helpsite` binary: parse the arguments, run one command, print diagnostics to stderr and
//! pick the exit status — all in this file, so the exit codes are set in one place:
//!
//! - 0: success;
//! - 1: the site has errors (they are all printed);
//! - 2: usage error or an I/O failure outside the site's content (clap also exits with 2).

mod cli;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;

use cli::{BuildArgs, CheckArgs, Cli, Command, NewArgs};
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
    let report = pipeline::build(&options)
        .with_context(|| format!("cannot write the site to `{}`", out.display()))?;
    if args.verbose {
        print_timings(&report);
    }
    if print_diagnostics(&report.diagnostics) {
        eprintln!(
            "error: the site has {} error(s); nothing was written",
            report.diagnostics.error_count()
        );
        return Ok(Outcome::SiteErrors);
    }
    let stats = report.written.unwrap_or_default();
    eprintln!(
        "built {} pages, {} files into `{}` in {:.2} s ({} written, {} linked, {} unchanged, {} removed)",
        report.pages(),
        report.output.len(),
        out.display(),
        report.timings.total().as_secs_f64(),
        stats.written,
        stats.linked,
        stats.kept,
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
    let report = pipeline::build(&options)?;
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
            "error: the site has {} error(s)",
            report.diagnostics.error_count()
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

fn print_timings(report: &BuildReport) {
    for (stage, took) in &report.timings.0 {
        eprintln!("  {stage:<12} {:>8.1} ms", took.as_secs_f64() * 1000.0);
    }
}
