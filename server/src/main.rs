//! `bianmin serve`, `bianmin catalog check DIR`, `bianmin calendar check DIR` and
//! `bianmin staff add-token`.

use std::process::ExitCode;

use bianmin::settings::{
    CalendarCommand, CatalogCommand, Cli, Command, DatabaseArgs, KeysCommand, OutboxCommand, SmsCommand, StaffCommand,
};
use bianmin::{Server, catalog, settings};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr: stdout is for what a command prints (tokens, exports).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info")))
        .init();
    match Cli::parse().command {
        Command::Catalog { command: CatalogCommand::Check { dir, public_dir } } => {
            match catalog::load(&dir, &settings::public_dir_for(&dir, public_dir.as_deref())) {
                Ok(catalog) => {
                    println!("目录检查通过：{} 个事项，版本 {}", catalog.items.len(), catalog.version);
                    let queries = dir.join(catalog::query_set::QUERY_SET);
                    if queries.is_file() {
                        match catalog::query_set::run(&catalog, &queries) {
                            Ok(outcome) => {
                                println!(
                                    "搜索测试：{} 个查询中 {} 个在前三条结果里找到了要找的事项（{:.1}%）",
                                    outcome.total,
                                    outcome.hits,
                                    outcome.rate() * 100.0
                                );
                                for (query, top) in &outcome.misses {
                                    println!(
                                        "  没找到：“{}”（{}）要找 {:?}，前三条是 {:?}",
                                        query.q, query.kind, query.expect, top
                                    );
                                }
                            }
                            Err(error) => {
                                eprintln!("搜索测试文件 {} 读不了：{error}", queries.display());
                                return ExitCode::FAILURE;
                            }
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(errors) => {
                    eprint!("{errors}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Catalog { command: CatalogCommand::Import { file, out } } => catalog_import(&file, &out),
        Command::Catalog { command: CatalogCommand::Export { dir, out, public_dir } } => {
            match catalog::load(&dir, &settings::public_dir_for(&dir, public_dir.as_deref())) {
                Ok(catalog) => match catalog::spreadsheet::export::write(&catalog.items, &out) {
                    Ok(()) => {
                        println!("已导出 {} 个事项到 {}", catalog.items.len(), out.display());
                        for item in &catalog.items {
                            let left = catalog::spreadsheet::export::not_exported(item);
                            if !left.is_empty() {
                                println!("  {} {}：{}留在 TOML 里，表格里没有", item.code, item.name, left.join("、"));
                            }
                        }
                        if !catalog.bundles.is_empty() {
                            println!("  一件事（{} 个）和同义词表留在 TOML 里，表格里没有", catalog.bundles.len());
                        }
                        ExitCode::SUCCESS
                    }
                    Err(error) => {
                        eprintln!("写不了 {}：{error}", out.display());
                        ExitCode::FAILURE
                    }
                },
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
        Command::Outbox { command } => match outbox(command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("操作失败：{error:#}");
                ExitCode::FAILURE
            }
        },
        Command::Sms { command: SmsCommand::Templates { sms_provider, public_url } } => {
            print!("{}", bianmin::notify::sms::templates_to_register(&sms_provider, &public_url));
            ExitCode::SUCCESS
        }
        Command::Staff { command } => match staff(command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("操作失败：{error:#}");
                ExitCode::FAILURE
            }
        },
        Command::Keys { command } => match keys(command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("密钥操作失败：{error:#}");
                ExitCode::FAILURE
            }
        },
        Command::Audit { case, since, format, database } => match audit(case, since, &format, &database).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("无法读取访问记录：{error:#}");
                ExitCode::FAILURE
            }
        },
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

async fn open(database: &DatabaseArgs) -> anyhow::Result<sqlx::AnyPool> {
    bianmin::create_private_dir(&database.data_dir)?;
    bianmin::db::connect(&database.url()).await
}

/// `bianmin staff …`: tokens are shown once, when made.
async fn outbox(command: OutboxCommand) -> anyhow::Result<()> {
    match command {
        OutboxCommand::List { database } => {
            let entries = bianmin::notify::outbox::undelivered(&open(&database).await?).await?;
            if entries.is_empty() {
                println!("没有未送达的通知");
            } else {
                println!("编号\t办件\t渠道\t接收方\t事件\t状态\t尝试次数\t下次尝试\t最近错误");
            }
            for e in entries {
                let state = if e.state == "dead" { "已放弃" } else { "待发送" };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{state}\t{}\t{}\t{}",
                    e.id,
                    e.case_number,
                    e.channel,
                    e.recipient,
                    e.event,
                    e.attempts,
                    e.next_at,
                    e.last_error.unwrap_or_default()
                );
            }
        }
        OutboxCommand::Retry { id, database } => {
            let count = bianmin::notify::outbox::retry(&open(&database).await?, id.as_deref()).await?;
            println!("已重新排队 {count} 条通知");
        }
    }
    Ok(())
}

async fn staff(command: StaffCommand) -> anyhow::Result<()> {
    use bianmin::case::staff_tokens;
    match command {
        StaffCommand::AddToken { department, label, days, database } => {
            let made = staff_tokens::add(&open(&database).await?, &department, &label, days).await?;
            eprintln!("已为“{department}”的“{label}”生成令牌 {}（只显示这一次，请妥善保存）：", made.id);
            println!("{}", made.token);
        }
        StaffCommand::ListTokens { database } => {
            println!("编号\t部门\t持有人\t生成时间\t到期时间\t最近使用\t状态");
            for t in staff_tokens::list(&open(&database).await?).await? {
                let state = match (&t.revoked_at, &t.expires_at) {
                    (Some(at), _) => format!("已停用 {at}"),
                    (None, Some(expires)) if expires.as_str() <= bianmin::db::now_rfc3339().as_str() => {
                        "已过期".to_owned()
                    }
                    _ => "有效".to_owned(),
                };
                let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{state}",
                    t.id,
                    t.department,
                    t.label,
                    t.created_at,
                    or_dash(&t.expires_at),
                    or_dash(&t.last_used_at)
                );
            }
        }
        StaffCommand::RevokeToken { id, database } => {
            if !staff_tokens::revoke(&open(&database).await?, &id).await? {
                anyhow::bail!("没有编号为 {id} 的有效令牌");
            }
            println!("令牌 {id} 已停用");
        }
        StaffCommand::RotateToken { id, days, database } => {
            let Some(made) = staff_tokens::rotate(&open(&database).await?, &id, days).await? else {
                anyhow::bail!("没有编号为 {id} 的有效令牌");
            };
            eprintln!("令牌 {id} 已停用，新令牌 {}（只显示这一次，请妥善保存）：", made.id);
            println!("{}", made.token);
        }
    }
    Ok(())
}

/// `bianmin audit`: the access log as text or CSV.
async fn audit(
    case: Option<String>,
    since: Option<String>,
    format: &str,
    database: &DatabaseArgs,
) -> anyhow::Result<()> {
    let entries = bianmin::case::audit::entries(&open(database).await?, case.as_deref(), since.as_deref()).await?;
    match format {
        "csv" => print!("{}", bianmin::case::audit::to_csv(&entries)),
        "text" => {
            for e in &entries {
                println!(
                    "{}  {}（{}，{}）  {}  {}  {}  来自 {}",
                    e.at,
                    e.token_label,
                    e.department,
                    e.token_id,
                    e.what,
                    e.case_number.as_deref().unwrap_or("-"),
                    e.detail.as_deref().unwrap_or(""),
                    e.client
                );
            }
        }
        other => anyhow::bail!("--format 只能是 text 或 csv，不是 {other}"),
    }
    Ok(())
}

/// `bianmin keys add | rotate`.
async fn keys(command: KeysCommand) -> anyhow::Result<()> {
    use bianmin::at_rest::data_key::{Algorithm, DataKeys};
    match command {
        KeysCommand::Add { data_key_file, algorithm, database } => {
            let algorithm = Algorithm::parse(&algorithm)
                .ok_or_else(|| anyhow::anyhow!("算法只能是 sm4-gcm 或 aes-256-gcm，不是 {algorithm}"))?;
            bianmin::create_private_dir(&database.data_dir)?;
            let path = data_key_file.unwrap_or_else(|| database.data_dir.join("data.key"));
            let old = DataKeys::load(None, Some(&path), &database.data_dir)?;
            let id = format!("k{}", bianmin::secret::random_hex(4)?);
            let text = std::fs::read_to_string(&path)?;
            std::fs::write(&path, format!("{}{text}", DataKeys::new_line(&id, algorithm)?))?;
            println!(
                "已在 {} 加入新密钥 {id}（原当前密钥 {}）。重启服务后请运行 bianmin keys rotate",
                path.display(),
                old.current_id()
            );
        }
        KeysCommand::Rotate { data_key_file, database } => {
            let keys = DataKeys::load(
                std::env::var("BIANMIN_DATA_KEY").ok().as_deref(),
                data_key_file.as_deref(),
                &database.data_dir,
            )?;
            let changed = bianmin::at_rest::key_rotation::rotate(&open(&database).await?, &keys).await?;
            println!("已用密钥 {} 重新加密 {changed} 项数据", keys.current_id());
        }
    }
    Ok(())
}

/// `bianmin catalog import`: the items that could be read are written, and
/// every problem is listed; fails when there was any.
fn catalog_import(file: &std::path::Path, out: &std::path::Path) -> ExitCode {
    let imported = match catalog::spreadsheet::import::read(file) {
        Ok(imported) => imported,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = std::fs::create_dir_all(out) {
        eprintln!("建不了目录 {}：{error}", out.display());
        return ExitCode::FAILURE;
    }
    for item in &imported.items {
        if let Err(error) = catalog::spreadsheet::import::write_toml(item, out) {
            eprintln!("写不了 {} 的文件：{error}", item.code);
            return ExitCode::FAILURE;
        }
    }
    println!("已导入 {} 个事项到 {}", imported.items.len(), out.display());
    if imported.problems.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!("表格有 {} 个问题（这些行的事项没有导入）：", imported.problems.len());
    for problem in &imported.problems {
        eprintln!("{problem}");
    }
    ExitCode::FAILURE
}
