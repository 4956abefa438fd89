//! `bianmin migrate`: apply the database migrations, then exit.

use std::path::Path;

pub async fn run(data_dir: &Path, database_url: Option<&str>) -> anyhow::Result<()> {
    let url = crate::settings::database_url(data_dir, database_url);
    let done = async {
        crate::create_private_dir(data_dir)?;
        crate::db::connect_with(&url, true).await
    };
    done.await.map_err(|error| anyhow::anyhow!("迁移失败：{error:#}"))?;
    println!("数据库已是最新结构（版本 {}）", crate::db::known_version());
    Ok(())
}
