//! The `helpsite feedback …` command line (with the `ledger` feature), kept apart from the rest
//! of the CLI so the main `Command` enum needs one line: `Feedback(feedback::FeedbackArgs)`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// Reply-link ledger and reader feedback.
#[derive(Debug, Args)]
pub struct FeedbackArgs {
    /// The site's root folder (where `site.yaml` is).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// The page manifest of the built site [default: `public/_helpsite/pages.json` under --root].
    #[arg(long, global = true, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    #[command(subcommand)]
    pub command: FeedbackCommand,
}

#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// Record the doc links staff sent in replies, and reader feedback sent by email, from
    /// mbox files, Maildir folders and `.eml` files (any of them gzip-compressed).
    IngestMail {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Count page views (and views from reply links) in nginx/Apache combined access logs.
    IngestLog {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Per-page figures, the pages that need a writer's attention, and searches that found
    /// nothing.
    Report {
        /// Period to cover: `90d`, `12w`, `1y` or `all`.
        #[arg(long, default_value = "90d")]
        since: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write the whole ledger as JSON lines (to move or merge it with `import`).
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Merge an export into this ledger; rows already present are skipped.
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Check that every URL ever sent in a reply still resolves in the built site.
    CheckLinks,
    /// Run the feedback endpoint the theme posts to (`feedback.endpoint` in site.yaml): page
    /// answers and searches with no results.
    Serve {
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        #[arg(long, default_value_t = 8787)]
        port: u16,
        /// Origin allowed to post [default: the origin of `base_url`]; repeat for more.
        #[arg(long = "allow-origin", value_name = "ORIGIN")]
        allow_origins: Vec<String>,
        /// Sustained requests per second per client address.
        #[arg(long, default_value = "2")]
        rate: NonZeroU32,
        /// Requests a client may send at once.
        #[arg(long, default_value = "10")]
        burst: NonZeroU32,
        /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy; turns
        /// the per-address connection cap off, as every connection comes from the proxy).
        #[arg(long)]
        trust_forwarded_for: bool,
        /// Connections open at once; more wait until one closes.
        #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// Connections open at once from one client address; more are closed at once.
        #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections_per_ip: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Jsonl,
}
