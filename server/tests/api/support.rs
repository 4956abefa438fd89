//! Starts the real server on a random port over a temporary data directory.
//!
//! The database is SQLite in that directory, or — when `BIANMIN_TEST_DATABASE_URL`
//! names a PostgreSQL server — a fresh PostgreSQL database per app, dropped
//! afterwards. Files go to the filesystem, or — with `BIANMIN_TEST_STORAGE=s3`
//! — to a real S3-compatible server (s3s-fs) started on loopback for the app.

use std::path::{Path, PathBuf};

use bianmin::Server;
use bianmin::settings::ServeSettings;
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    /// Acts as one applicant's browser: sends [`Self::application_key`] with every request.
    pub client: reqwest::Client,
    pub application_key: String,
    /// The server's data directory.
    pub data_dir: PathBuf,
    /// The database the server uses.
    pub database_url: String,
    /// Where the stored files end up on disk (the uploads directory, or the S3 server's).
    pub files_dir: PathBuf,
    /// The settings it was started with (to start a second instance on the same database and storage).
    pub settings: ServeSettings,
    /// The running server's shared state (housekeeping runs on it).
    pub state: std::sync::Arc<bianmin::AppState>,
    _dirs: Option<TempDir>,
    postgres: Option<TestDatabase>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(database) = self.postgres.take() {
            database.drop_now();
        }
    }
}

/// A PostgreSQL database made for one test app.
pub struct TestDatabase {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    pub async fn create(admin_url: &str) -> (Self, String) {
        use sqlx::Connection;
        let name = format!("bianmin_test_{}", unique());
        let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("BIANMIN_TEST_DATABASE_URL reachable");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
        let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        let url = format!("{server}/{name}{}", query.map(|q| format!("?{q}")).unwrap_or_default());
        (Self { admin_url: admin_url.to_owned(), name }, url)
    }

    /// Drop it, closing the server's connections (the app is shutting down).
    pub fn drop_now(self) {
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{}_{}_{}", std::process::id(), nanos, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A real S3-compatible server (s3s-fs over a temporary directory) on loopback,
/// with one bucket; it serves until the test's runtime ends.
pub async fn start_s3(root: &Path) -> bianmin::settings::StorageSettings {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder as ConnBuilder;
    use s3s::auth::SimpleAuth;
    use s3s::service::S3ServiceBuilder;

    let bucket = "bianmin-test";
    std::fs::create_dir_all(root.join(bucket)).unwrap();
    let fs = s3s_fs::FileSystem::new(root).unwrap();
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(SimpleAuth::from_single("test-access-key", "test-secret-key"));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let http = ConnBuilder::new(TokioExecutor::new());
        while let Ok((socket, _)) = listener.accept().await {
            let connection = http.serve_connection(TokioIo::new(socket), service.clone()).into_owned();
            tokio::spawn(async move {
                let _ = connection.await;
            });
        }
    });
    bianmin::settings::StorageSettings {
        kind: "s3".to_owned(),
        s3_endpoint: Some(format!("http://{address}")),
        s3_bucket: Some(bucket.to_owned()),
        s3_region: "us-east-1".to_owned(),
        s3_access_key_id: Some("test-access-key".to_owned()),
        s3_secret_access_key: Some("test-secret-key".into()),
        s3_root: "/bianmin".to_owned(),
        s3_virtual_host: false,
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

/// The guide bundle's page, as `cargo xtask build` writes it.
pub const GUIDE_PAGE_HTML: &str = "<!doctype html><html><head><title>便民</title></head><body>\
<div id=\"app\">加载中</div><script type=\"module\">import init from '/guide/guide-0123456789abcdef.js';</script></body></html>";

fn write_dist(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.br"), b"brotli bytes").unwrap();
    std::fs::create_dir_all(dir.join("guide")).unwrap();
    std::fs::write(dir.join("guide/page.html"), GUIDE_PAGE_HTML).unwrap();
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Start with adjusted settings, on the database and storage the environment asks for.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeSettings)) -> TestApp {
    if std::env::var("RUST_LOG").is_ok() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
    let dirs = TempDir::new().unwrap();
    let dist = dirs.path().join("dist");
    write_dist(&dist);
    let data_dir = dirs.path().join("data");
    let mut settings = ServeSettings::new(data_dir.clone(), repo_catalog(), dist);
    settings.public_dir = Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../public"));
    let mut postgres = None;
    if let Some(admin) = std::env::var("BIANMIN_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        let (database, url) = TestDatabase::create(&admin).await;
        settings.database_url = Some(url);
        postgres = Some(database);
    }
    let mut files_dir = data_dir.join("uploads");
    if std::env::var("BIANMIN_TEST_STORAGE").as_deref() == Ok("s3") {
        files_dir = dirs.path().join("s3");
        settings.storage = start_s3(&files_dir).await;
    }
    configure(&mut settings);
    let mut app = spawn_with_settings(settings).await;
    app.files_dir = files_dir;
    app._dirs = Some(dirs);
    app.postgres = postgres;
    app
}

/// Start an instance with exactly these settings (a second instance shares the first's).
pub async fn spawn_with_settings(settings: ServeSettings) -> TestApp {
    let server = Server::build(&settings).await.expect("server starts");
    let state = server.state();
    let address = format!("http://{}", server.local_addr());
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(server.run_until(async {
        let _ = rx.await;
    }));
    let application_key = issue_key(&address).await;
    let client = client_with_key(&application_key);
    TestApp {
        address,
        client,
        application_key,
        data_dir: settings.data_dir.clone(),
        database_url: settings.database_url(),
        files_dir: settings.data_dir.join("uploads"),
        settings,
        state,
        _dirs: None,
        postgres: None,
        shutdown: Some(tx),
    }
}

/// A client that acts as one applicant's browser: it carries an application key
/// the server issued, as the app does.
pub async fn applicant_client(address: &str) -> reqwest::Client {
    client_with_key(&issue_key(address).await)
}

/// A new application key from the server.
pub async fn issue_key(address: &str) -> String {
    let issued = json_of(reqwest::Client::new().post(format!("{address}/api/application-keys"))).await;
    issued["application_key"].as_str().expect("application_key").to_owned()
}

/// Send a request and read its answer as JSON (any status).
pub async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.expect("request sent").json().await.expect("a JSON answer")
}

/// A client that sends this application key with every request.
pub fn client_with_key(key: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("application-key", key.parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

impl TestApp {
    /// A pool on the app's database, for looking behind the API.
    pub async fn db(&self) -> sqlx::AnyPool {
        bianmin::db::connect(&self.database_url).await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.address)).json(body).send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("request sent")
    }
}

/// The tus `Upload-Metadata` header for a file of a material of an item.
/// A file named for a side (正面/人像面…, 背面/国徽面…) is sent for that side,
/// as the app sends the side it was picked for.
pub fn tus_metadata(item: &str, material: &str, name: &str) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
    let side = match () {
        _ if name.starts_with("正面") || name.starts_with("人像面") => ",slot MA==", // "0"
        _ if name.starts_with("背面") || name.starts_with("国徽面") => ",slot MQ==", // "1"
        _ => "",
    };
    format!("item {},material {},filename {}{side}", b64(item), b64(material), b64(name))
}

/// `POST /api/uploads` (tus creation) of `len` bytes for a material of an item,
/// as `client`; the new upload's `Location`.
pub async fn create_upload(
    client: &reqwest::Client,
    base: &str,
    item: &str,
    material: &str,
    name: &str,
    len: usize,
) -> String {
    let created = client
        .post(format!("{base}/api/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", len.to_string())
        .header("Upload-Metadata", tus_metadata(item, material, name))
        .send()
        .await
        .expect("request sent");
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap_or_default());
    created.headers()["location"].to_str().unwrap().to_owned()
}

/// Upload a whole file over tus for a material of an item; the upload id.
pub async fn upload(app: &TestApp, item: &str, material: &str, name: &str, body: &[u8]) -> String {
    upload_as(&app.client, &app.address, item, material, name, body).await
}

/// [`upload`] as `client` (carrying its application key) to the server at `base`.
pub async fn upload_as(
    client: &reqwest::Client,
    base: &str,
    item: &str,
    material: &str,
    name: &str,
    body: &[u8],
) -> String {
    // Every test photo is a different photo: the same bytes twice in one
    // application are refused as one photo picked twice.
    static TAKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut body = body.to_vec();
    if body.starts_with(&PNG[..8]) {
        body.extend_from_slice(&TAKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_le_bytes());
    }
    let location = create_upload(client, base, item, material, name, body.len()).await;
    let url = if location.starts_with('/') { format!("{base}{location}") } else { location };
    let patched = client
        .patch(&url)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 204);
    url.rsplit('/').next().unwrap().to_owned()
}

/// Whether storage still holds anything of upload `id`: read from the stored
/// files themselves (the disk, or the S3 stand-in's directory), not asked of
/// the API, whose 404 would not show the bytes are gone.
pub fn stored(app: &TestApp, id: &str) -> bool {
    fn any_named(dir: &Path, id: &str) -> bool {
        std::fs::read_dir(dir).into_iter().flatten().flatten().any(|entry| {
            let path = entry.path();
            if path.is_dir() { any_named(&path, id) } else { path.to_string_lossy().contains(id) }
        })
    }
    any_named(&app.files_dir, id)
}

/// A staff API token for a department, made as `bianmin staff add-token` makes it.
pub async fn staff_token(app: &TestApp, department: &str) -> String {
    bianmin::case::staff::add_token(&app.db().await, department, "测试").await.unwrap()
}

/// The smallest files of each type that pass the content checks.
pub const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
/// A real one-page form (the centre's own blank form for JT-003).
pub const PDF: &[u8] = include_bytes!("../../../public/forms/driver-qualification-application.pdf");

/// The applicant's details for JT-003: a person, collecting the result at the window.
pub fn person_form() -> serde_json::Value {
    serde_json::json!({
        "applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                      "phone": "13812345678", "address": "示范县人民路 88 号"},
        "fields": jt003_fields(),
        "delivery": {"method": "window"}
    })
}

/// What JT-003's 申请表 asks about the matter: the driving licence and the qualification sought.
pub fn jt003_fields() -> serde_json::Value {
    serde_json::json!({"licence_class": "B2", "licence_first_issued": "2015-06-01", "category": "general"})
}

/// A complete application for 道路货物运输驾驶员从业资格证核发 (JT-003), every
/// file freshly uploaded with `app`'s key, the 3-year driving record left for
/// later (容缺) with the pledge; `form_file` is the application form's bytes.
pub async fn complete_application_with(app: &TestApp, form_file: &[u8]) -> serde_json::Value {
    complete_application_as(&app.client, &app.address, form_file).await
}

/// [`complete_application_with`] as `client` to the server at `base` (a server in another process).
pub async fn complete_application_as(client: &reqwest::Client, base: &str, form_file: &[u8]) -> serde_json::Value {
    let up = |material: &'static str, name: &'static str, body: &'static [u8]| {
        upload_as(client, base, "JT-003", material, name, body)
    };
    let application = upload_as(client, base, "JT-003", "application", "申请表.pdf", form_file).await;
    serde_json::json!({
        "answers": {},
        "form": person_form(),
        "files": {
            "application": [application],
            "id_card": [up("id_card", "正面.png", PNG).await, up("id_card", "背面.png", PNG).await],
            "photo": [up("photo", "照片.png", PNG).await],
        },
        "later": ["safe_driving_record"],
        "pledge_accepted": true
    })
}

pub async fn complete_application(app: &TestApp) -> serde_json::Value {
    complete_application_with(app, PDF).await
}

impl TestApp {
    /// Submit a JT-003 application with this Idempotency-Key, as `client`.
    pub async fn submit_as(&self, client: &reqwest::Client, key: &str, body: &serde_json::Value) -> reqwest::Response {
        client
            .post(format!("{}/api/services/JT-003/submissions", self.address))
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Submit a JT-003 application with this Idempotency-Key.
    pub async fn submit(&self, key: &str, body: &serde_json::Value) -> reqwest::Response {
        self.submit_as(&self.client, key, body).await
    }

    /// The status of `HEAD` on an upload, asked with `client`'s key.
    pub async fn upload_status(&self, client: &reqwest::Client, upload: &str) -> u16 {
        let url = format!("{}/api/uploads/{upload}", self.address);
        client.head(url).header("Tus-Resumable", "1.0.0").send().await.expect("request sent").status().as_u16()
    }

    /// Another instance on the same data, living on `today` (the clock moved, as `--today` moves it).
    pub async fn on_day(&self, today: &str) -> TestApp {
        let mut settings = self.settings.clone();
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.today = Some(today.to_owned());
        spawn_with_settings(settings).await
    }

    /// A staff API `GET` with a token.
    pub async fn staff_get(&self, token: &str, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}{path}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }
}

/// Every file below `dir` (what the storage wrote).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { found.extend(files_under(&path)) } else { found.push(path) }
    }
    found
}

/// A real ClamAV daemon on a socket in `dir`, with a signature database the
/// test writes itself (signature downloads are not reachable here): it knows
/// the EICAR test file's string. Stopped when dropped.
pub struct Clamd {
    child: std::process::Child,
    pub socket: PathBuf,
}

/// The EICAR anti-virus test string (harmless; every scanner knows it).
pub const EICAR: &str = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

impl Clamd {
    pub async fn start(dir: &Path) -> Self {
        let binary = Path::new("/usr/sbin/clamd");
        assert!(
            binary.exists(),
            "clamd is not installed (apt-get install clamav-daemon; `cargo xtask test` installs it)"
        );
        let db = dir.join("signatures");
        std::fs::create_dir_all(&db).unwrap();
        let hex: String = EICAR.bytes().map(|b| format!("{b:02x}")).collect();
        std::fs::write(db.join("bianmin-test.ndb"), format!("Bianmin-Test-EICAR:0:*:{hex}\n")).unwrap();
        let socket = dir.join("clamd.sock");
        let conf = dir.join("clamd.conf");
        std::fs::write(
            &conf,
            format!(
                "Foreground yes\nDatabaseDirectory {}\nLocalSocket {}\nStreamMaxLength 200M\nLogFile {}\n",
                db.display(),
                socket.display(),
                dir.join("clamd.log").display()
            ),
        )
        .unwrap();
        let mut child = std::process::Command::new(binary)
            .arg("-c")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..150 {
            if tokio::net::UnixStream::connect(&socket).await.is_ok() {
                return Self { child, socket };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("clamd did not start: {}", std::fs::read_to_string(dir.join("clamd.log")).unwrap_or_default());
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        self.stop();
    }
}
