//! `bianmin audit`: who saw what, as text or CSV.

use crate::cli::database::open;
use crate::settings::DatabaseArgs;

/// The access log; a failure is said as "无法读取访问记录".
pub async fn run(
    case: Option<String>,
    since: Option<String>,
    format: &str,
    database: &DatabaseArgs,
) -> anyhow::Result<()> {
    entries(case, since, format, database).await.map_err(|error| anyhow::anyhow!("无法读取访问记录：{error:#}"))
}

async fn entries(
    case: Option<String>,
    since: Option<String>,
    format: &str,
    database: &DatabaseArgs,
) -> anyhow::Result<()> {
    let entries = crate::case::audit::entries(&open(database).await?, case.as_deref(), since.as_deref()).await?;
    match format {
        "csv" => print!("{}", crate::case::audit::to_csv(&entries)),
        "text" => print!("{}", crate::case::audit::to_text(&entries)),
        other => anyhow::bail!("--format 只能是 text 或 csv，不是 {other}"),
    }
    Ok(())
}
