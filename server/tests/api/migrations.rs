//! Migrations run explicitly or at start-up, and a binary refuses a database
//! that a newer one has migrated.

use crate::support::spawn_app;
use bianmin::Server;

#[tokio::test]
async fn a_database_from_a_newer_binary_is_refused() {
    let app = spawn_app().await;
    let db = app.db().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(&db)
    .await
    .unwrap();
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    let error = format!("{:#}", Server::build(&settings).await.err().expect("refused"));
    assert!(error.contains("数据库的结构版本 99990101000000 比本程序认识的"), "{error}");
}

#[tokio::test]
async fn without_auto_migration_a_new_database_must_be_migrated_first() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.auto_migrate = false;
    // A database nobody has migrated (SQLite: a new file; the PostgreSQL case is the same code).
    settings.database_url = Some(format!("sqlite://{}?mode=rwc", dir.path().join("new.db").display()));
    let error = format!("{:#}", Server::build(&settings).await.err().expect("refused"));
    assert!(error.contains("请先运行 `bianmin migrate`"), "{error}");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .args(["migrate", "--database-url", settings.database_url.as_deref().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("数据库已是最新结构"));
    assert!(Server::build(&settings).await.is_ok(), "starts once migrated");
}

#[tokio::test]
async fn housekeeping_keeps_recent_records_and_drops_old_ones() {
    let app = spawn_app().await;
    let db = app.db().await;
    for (key, created) in [("old", "2026-01-01T00:00:00Z"), ("new", "2999-01-01T00:00:00Z")] {
        sqlx::query("INSERT INTO idempotency_keys (idempotency_key, request_hash, state, created_at) VALUES ($1, 'h', 'done', $2)")
            .bind(key)
            .bind(created)
            .execute(&db)
            .await
            .unwrap();
    }
    bianmin::db::housekeeping(&db).await.unwrap();
    let left: Vec<String> = sqlx::query("SELECT idempotency_key FROM idempotency_keys")
        .fetch_all(&db)
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::get(r, "idempotency_key"))
        .collect();
    assert_eq!(left, ["new"]);
}
