//! Command-line definitions: one struct of arguments per subcommand, dispatched by one `match`
//! in `main.rs`; `serve` and `feedback` (with the `ledger` feature) have files of their own.
//! The library takes no clap type: `main.rs` hands it plain options.

#[cfg(feature = "ledger")]
pub mod feedback;
pub mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use helpsite::content::Kind;

#[derive(Debug, Parser)]
#[command(
    name = "helpsite",
    version,
    about = "Build a self-troubleshooting support site from Markdown"
)]
#[command(after_help = "Exit status: 0 success, 1 the site has errors, 2 usage or I/O failure.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a starter support site for your company into DIR (never overwrites)
    Init(InitArgs),
    /// Build the site into the output folder (`public/`)
    Build(BuildArgs),
    /// Check everything `build` checks, writing nothing
    Check(CheckArgs),
    /// Write a new page with correct front matter
    New(NewArgs),
    /// Reply-link ledger and reader feedback: ingest mail and logs, report, serve the endpoint
    #[cfg(feature = "ledger")]
    Feedback(feedback::FeedbackArgs),
    /// Search the site as readers do, printing links ready to paste into a reply
    Search(SearchArgs),
    /// Serve the site with live reload while you edit (drafts shown)
    Serve(serve::ServeArgs),
}

/// Where the site is.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's folder (holds `site.yaml` and `content/`)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder [default: ROOT/public]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Publish under this URL instead of `base_url` from `site.yaml`
    #[arg(long, value_name = "URL", value_parser = absolute_url)]
    pub base_url: Option<String>,
    /// Print the time each stage took
    #[arg(long, short)]
    pub verbose: bool,
    /// Write every link relative to its page and ending in `index.html`, so the site works
    /// opened from disk (`file://`); search then explains that it needs http(s)
    #[arg(long)]
    pub relative: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Also list the pages marked `review: true` (on stdout)
    #[arg(long)]
    pub review: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Path of the page under `content/` (`connect/webhooks.md`)
    pub path: String,
    /// The page's title
    #[arg(long)]
    pub title: String,
    #[arg(long, value_enum, default_value_t = KindArg::Guide)]
    pub kind: KindArg,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Facts not given as flags are asked for in a terminal; elsewhere (a script, CI) they become placeholders, and the pages showing them are marked `review: true` (see `helpsite check --review`)."
)]
pub struct InitArgs {
    /// Folder for the new site (created if missing; must not hold a site already)
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Company name (the site's title is "NAME Support")
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
    /// Address customers write to
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// How soon a person replies, as in "We aim to reply within …" (`2 business days`)
    #[arg(long, value_name = "TEXT")]
    pub response_time: Option<String>,
    /// When the team works (`Monday to Friday, 9am–5pm CET`)
    #[arg(long, value_name = "TEXT")]
    pub hours: Option<String>,
    /// Products, separated by commas (the request form asks which one a request is about)
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub products: Option<Vec<String>>,
    /// URL the site will be published at
    #[arg(long, value_name = "URL", value_parser = absolute_url)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// What to look for (several words are one query)
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Most pages to show
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Print the results as JSON (the shape the browser and the preview server use)
    #[arg(long)]
    pub json: bool,
    /// Only pages in this top-level section (`connect`, `faq`, …)
    #[arg(long, value_name = "S")]
    pub section: Option<String>,
    /// Only pages of this kind
    #[arg(long, value_enum, value_name = "K")]
    pub kind: Option<KindArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Guide,
    Faq,
    Policy,
    Troubleshooting,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Guide => Kind::Guide,
            KindArg::Faq => Kind::Faq,
            KindArg::Policy => Kind::Policy,
            KindArg::Troubleshooting => Kind::Troubleshooting,
        }
    }
}

/// `--base-url` must be absolute, like `base_url` in `site.yaml`: a wrong flag is a usage
/// error (exit status 2), not an error of the site.
fn absolute_url(value: &str) -> Result<String, String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value.to_string())
    } else {
        Err("it must be an absolute http(s) URL, e.g. `https://support.example.com/help/`".into())
    }
}
