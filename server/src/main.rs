//! `bianmin`: parse the command line, start logging, run the subcommand
//! (`cli/`, one module each).

use std::process::ExitCode;

use bianmin::settings::Cli;
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr: stdout is for what a command prints (tokens, exports).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")))
        .init();
    bianmin::cli::run(Cli::parse().command).await
}
