//! The `helpsite` binary: parse arguments, run one command, print problems, pick the exit code.
//!
//! Exit codes: 0 success (warnings may have been printed), 1 errors were reported, 2 bad
//! command line (clap).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "helpsite",
    version,
    about = "Static site generator for self-troubleshooting support sites"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Reply-link ledger and reader feedback: ingest mail and logs, report, serve the endpoint.
    Feedback(helpsite::ledger::FeedbackArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut diags = match &cli.command {
        Command::Feedback(args) => helpsite::ledger::command::run(args),
    };
    diags.sort();
    eprint!("{diags}");
    if diags.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
