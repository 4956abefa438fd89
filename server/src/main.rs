//! `bianmin serve`, `bianmin catalog check DIR`, `bianmin calendar check DIR` and
//! `bianmin staff add-token`.

use std::process::ExitCode;

use bianmin::settings::{CalendarCommand, CatalogCommand, Cli, Command, StaffCommand};
use bianmin::{Server, catalog, settings};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")))
        .init();
    match Cli::parse().command {
        Command::Catalog { command: CatalogCommand::Check { dir, public_dir } } => {
            match catalog::load(&dir, &settings::public_dir_for(&dir, public_dir.as_deref())) {
                Ok(catalog) => {
                    println!("目录检查通过：{} 个事项，版本 {}", catalog.items.len(), catalog.version);
                    ExitCode::SUCCESS
                }
                Err(errors) => {
                    eprint!("{errors}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Calendar { command: CalendarCommand::Check { dir } } => match bianmin::holidays::load(&dir) {
            Ok(calendar) => {
                let years: Vec<String> = (2000..2100).filter(|y| calendar.covers(*y)).map(|y| y.to_string()).collect();
                println!("节假日数据检查通过：{} 年", years.join("、"));
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("{error:#}");
                ExitCode::FAILURE
            }
        },
        Command::Migrate { data_dir, database_url } => {
            let url = bianmin::settings::database_url(&data_dir, database_url.as_deref());
            let done = async {
                bianmin::create_private_dir(&data_dir)?;
                bianmin::db::connect_with(&url, true).await
            };
            match done.await {
                Ok(_) => {
                    println!("数据库已是最新结构（版本 {}）", bianmin::db::known_version());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("迁移失败：{error:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Staff { command: StaffCommand::AddToken { department, label, data_dir, database_url } } => {
            let url = bianmin::settings::database_url(&data_dir, database_url.as_deref());
            let made = async {
                bianmin::create_private_dir(&data_dir)?;
                let db = bianmin::db::connect(&url).await?;
                bianmin::staff::add_token(&db, &department, &label).await
            };
            match made.await {
                Ok(token) => {
                    eprintln!("已为“{department}”生成令牌（只显示这一次，请交给该部门妥善保存）：");
                    println!("{token}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("无法生成令牌：{error:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve(settings) => match Server::build(&settings).await {
            Ok(server) => {
                println!("便民已启动：http://{}", server.local_addr());
                match server.run_until(bianmin::shutdown_signal()).await {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(error) => {
                        tracing::error!(%error, "server stopped");
                        ExitCode::FAILURE
                    }
                }
            }
            Err(error) => {
                eprintln!("无法启动：{error:#}");
                ExitCode::FAILURE
            }
        },
    }
}
