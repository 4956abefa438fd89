//! The `bianmin` command line: one module per subcommand, each returning what
//! went wrong in words; [`run`] prints that and sets the exit code.

pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod database;
pub mod keys;
pub mod migrate;
pub mod outbox;
pub mod province;
pub mod serve;
pub mod sms;
pub mod staff;

use std::process::ExitCode;

use crate::settings::Command;

/// Run one subcommand; a failure is printed to stderr as a sentence.
pub async fn run(command: Command) -> ExitCode {
    let done = match command {
        Command::Serve(settings) => serve::run(&settings).await,
        Command::Catalog { command } => catalog::run(command),
        Command::Calendar { command } => calendar::run(command),
        Command::Migrate { data_dir, database_url } => migrate::run(&data_dir, database_url.as_deref()).await,
        Command::Outbox { command } => outbox::run(command).await,
        Command::Province { command } => province::run(command).await,
        Command::Sms { command } => sms::run(command),
        Command::Staff { command } => staff::run(command).await,
        Command::Keys { command } => keys::run(command).await,
        Command::Audit { case, since, format, database } => audit::run(case, since, &format, &database).await,
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error:#}");
            ExitCode::FAILURE
        }
    }
}
