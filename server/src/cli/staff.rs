//! `bianmin staff add-token | list-tokens | revoke-token | rotate-token`:
//! a token is shown once, when made.

use crate::case::staff_tokens;
use crate::cli::database::open;
use crate::settings::StaffCommand;

pub async fn run(command: StaffCommand) -> anyhow::Result<()> {
    run_command(command).await.map_err(|error| anyhow::anyhow!("操作失败：{error:#}"))
}

async fn run_command(command: StaffCommand) -> anyhow::Result<()> {
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
                    (None, Some(expires)) if expires.as_str() <= crate::db::now_rfc3339().as_str() => {
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
