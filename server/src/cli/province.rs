//! `bianmin province check | replay`: what the province was sent, and sending it again.

use anyhow::bail;

use crate::cli::database::open;
use crate::settings::ProvinceCommand;

pub async fn run(command: ProvinceCommand) -> anyhow::Result<()> {
    match command {
        ProvinceCommand::Check { since, database } => {
            let since = day(&since)?;
            let (checked, gaps) = crate::exchange::audit::check(&open(&database).await?, &since).await?;
            if gaps.is_empty() {
                println!("{since} 以来的 {checked} 个办件都已上报到省平台");
                return Ok(());
            }
            println!("办件\t省平台办件编号\t待发送\t已放弃\t从未上报");
            for g in &gaps {
                let never = if g.never_reported { "是" } else { "" };
                let number = g.province_number.as_deref().unwrap_or("待赋码");
                println!("{}\t{number}\t{}\t{}\t{never}", g.case_number, g.pending, g.dead);
            }
            bail!("{since} 以来的 {checked} 个办件中有 {} 个没有全部上报", gaps.len());
        }
        ProvinceCommand::Replay { since, database } => {
            let since = day(&since)?;
            let count = crate::exchange::audit::replay(&open(&database).await?, &since).await?;
            println!("已重新排队 {count} 条上报记录（省平台已有的不会重复写入）");
        }
    }
    Ok(())
}

/// `YYYY-MM-DD`, checked.
fn day(text: &str) -> anyhow::Result<String> {
    match domain::time::date::Date::parse(text.trim()) {
        Some(date) => Ok(date.to_string()),
        None => bail!("日期应写成 2026-12-01，这里是“{text}”"),
    }
}
