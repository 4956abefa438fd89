//! `bianmin serve`: the server until Ctrl-C or SIGTERM.

use anyhow::Context;

use crate::Server;
use crate::settings::ServeSettings;

pub async fn run(settings: &ServeSettings) -> anyhow::Result<()> {
    let server = Server::build(settings).await.map_err(|error| anyhow::anyhow!("无法启动：{error:#}"))?;
    println!("便民已启动：http://{}", server.local_addr());
    server.run_until(crate::shutdown_signal()).await.context("服务停止了")
}
