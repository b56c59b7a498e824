//! Command-line arguments of `helpsite serve`, kept apart so the CLI merges them in one line
//! (`Serve(serve::ServeArgs)`); `main.rs` turns them into `helpsite::serve::Options`.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

/// Build the site in memory, serve it and rebuild on every save
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Site root: the folder holding `site.yaml`
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    /// Port to listen on (0 picks a free one)
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,

    /// Address to listen on; loopback by default so the preview is not exposed to the network
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Open the site in the default browser once it is served
    #[arg(long)]
    pub open: bool,

    /// Leave draft pages out, as `helpsite build` does (they are shown by default)
    #[arg(long)]
    pub no_drafts: bool,
}
