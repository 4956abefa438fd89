//! `bianmin outbox list | retry`: notifications not delivered, and sending the dead ones again.

use crate::cli::database::open;
use crate::settings::OutboxCommand;

pub async fn run(command: OutboxCommand) -> anyhow::Result<()> {
    run_command(command).await.map_err(|error| anyhow::anyhow!("操作失败：{error:#}"))
}

async fn run_command(command: OutboxCommand) -> anyhow::Result<()> {
    match command {
        OutboxCommand::List { database } => {
            let entries = crate::notify::outbox::undelivered(&open(&database).await?).await?;
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
            let count = crate::notify::outbox::retry(&open(&database).await?, id.as_deref()).await?;
            println!("已重新排队 {count} 条通知");
        }
    }
    Ok(())
}
