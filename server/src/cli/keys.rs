//! `bianmin keys add | rotate`: a new data key first in the file, and every
//! stored value sealed again with it.

use crate::at_rest::data_key::{Algorithm, DataKeys};
use crate::at_rest::key_rotation::Which;
use crate::cli::database::open;
use crate::settings::KeysCommand;

pub async fn run(command: KeysCommand) -> anyhow::Result<()> {
    run_command(command).await.map_err(|error| anyhow::anyhow!("密钥操作失败：{error:#}"))
}

async fn run_command(command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Add { data_key_file, algorithm, database } => {
            let algorithm = Algorithm::parse(&algorithm)
                .ok_or_else(|| anyhow::anyhow!("算法只能是 sm4-gcm 或 aes-256-gcm，不是 {algorithm}"))?;
            crate::create_private_dir(&database.data_dir)?;
            let path = match data_key_file {
                Some(path) => path,
                None => crate::at_rest::data_key::default_path(&database.data_dir)?,
            };
            let old = DataKeys::load(None, Some(&path), &database.data_dir)?;
            let id = format!("k{}", crate::secret::random_hex(4)?);
            let text = std::fs::read_to_string(&path)?;
            std::fs::write(&path, format!("{}{text}", DataKeys::new_line(&id, algorithm)?))?;
            println!(
                "已在 {} 加入新密钥 {id}（原当前密钥 {}）。重启服务后请运行 bianmin keys rotate",
                path.display(),
                old.current_id()
            );
        }
        KeysCommand::Rotate { data_key_file, legacy, database } => {
            let keys = DataKeys::load(
                std::env::var("BIANMIN_DATA_KEY").ok().as_deref(),
                data_key_file.as_deref(),
                &database.data_dir,
            )?;
            let which = if legacy { Which::Legacy } else { Which::NotCurrent };
            let changed = crate::at_rest::key_rotation::rotate(&open(&database).await?, &keys, which).await?;
            println!("已用密钥 {} 重新加密 {changed} 项数据", keys.current_id());
        }
    }
    Ok(())
}
