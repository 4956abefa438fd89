//! Starts the real server on a random port over a temporary data directory.

use std::path::{Path, PathBuf};

use bianmin::settings::ServeSettings;
use bianmin::Server;
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The server's data directory (its SQLite database is `bianmin.db` there).
    #[allow(dead_code)]
    pub data_dir: PathBuf,
    _dirs: TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The repository's `catalog/` directory.
pub fn repo_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog")
}

/// A stand-in `dist/` as Trunk lays it out: an index with an inline loader
/// script, a hashed wasm file and its brotli twin.
pub const INDEX_HTML: &str = "<!doctype html><html><head><title>便民</title></head><body>\
<div id=\"app\">加载中</div><script type=\"module\">import init from '/app-0123456789abcdef.js';</script></body></html>";

fn write_dist(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.br"), b"brotli bytes").unwrap();
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Start with adjusted settings.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeSettings)) -> TestApp {
    let dirs = TempDir::new().unwrap();
    let dist = dirs.path().join("dist");
    write_dist(&dist);
    let data_dir = dirs.path().join("data");
    let mut settings = ServeSettings::new(data_dir.clone(), repo_catalog(), dist);
    settings.public_dir = Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../public"));
    configure(&mut settings);
    let server = Server::build(&settings).await.expect("server starts");
    let address = format!("http://{}", server.local_addr());
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(server.run_until(async {
        let _ = rx.await;
    }));
    TestApp { address, client: reqwest::Client::new(), data_dir, _dirs: dirs, shutdown: Some(tx) }
}

impl TestApp {
    #[allow(dead_code)]
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.address)).json(body).send().await.expect("request sent")
    }

    #[allow(dead_code)]
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("request sent")
    }
}

/// Upload a whole file over tus for a material of an item; the upload id.
#[allow(dead_code)]
pub async fn upload(app: &TestApp, item: &str, material: &str, name: &str, body: &[u8]) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
    let created = app
        .client
        .post(format!("{}/api/uploads", app.address))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", body.len().to_string())
        .header("Upload-Metadata", format!("item {},material {},filename {}", b64(item), b64(material), b64(name)))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let url = if location.starts_with('/') { format!("{}{location}", app.address) } else { location };
    let patched = app
        .client
        .patch(&url)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204);
    url.rsplit('/').next().unwrap().to_owned()
}

/// A staff API token for a department, made as `bianmin staff add-token` makes it.
#[allow(dead_code)]
pub async fn staff_token(app: &TestApp, department: &str) -> String {
    let url = format!("sqlite://{}?mode=rwc", app.data_dir.join("bianmin.db").display());
    let db = bianmin::db::connect(&url).await.unwrap();
    bianmin::staff::add_token(&db, department, "测试").await.unwrap()
}
