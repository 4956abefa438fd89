//! Delivering one outbox notification of the province channel to a front
//! database: its rows in one transaction, each under its own `sync_id`
//! (the notification's id and the row's place), inserted only if absent —
//! a retry after a lost answer writes nothing twice.

use serde::{Deserialize, Serialize};

use crate::notify::Failure;

/// One row for a front database's table: the profile names the table and
/// columns (never the applicant), the values are text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontRow {
    pub table: String,
    /// The case's event it reports (0: the submission), so the province applies rows in order.
    pub seq: i64,
    /// `I` a new row, `U` a change to the case's earlier row.
    pub operation: String,
    pub columns: std::collections::BTreeMap<String, String>,
}

/// A table or column name as the profile writes them: nothing else reaches SQL text.
fn plain(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Write the rows of notification `id`; how many were new.
pub async fn deliver(pool: &sqlx::AnyPool, id: &str, payload: &str) -> Result<String, Failure> {
    let rows: Vec<FrontRow> = serde_json::from_str(payload).map_err(|_| Failure::permanent("内容无法读取"))?;
    let away = |e: sqlx::Error| Failure::retry(format!("省前置库暂时不能写入：{}", short(&e)));
    let mut tx = pool.begin().await.map_err(away)?;
    let now = crate::db::now_rfc3339();
    let mut written = 0;
    for (n, row) in rows.iter().enumerate() {
        if !plain(&row.table) || !row.columns.keys().all(|c| plain(c)) {
            return Err(Failure::permanent(format!("表名或列名不对：{}", row.table)));
        }
        let names: Vec<&str> = row.columns.keys().map(String::as_str).collect();
        let places: Vec<String> = (6..6 + names.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} (sync_id, batch_id, operation, sync_time, event_seq{}{}) VALUES ($1, $2, $3, $4, $5{}{}) \
             ON CONFLICT (sync_id) DO NOTHING",
            row.table,
            if names.is_empty() { "" } else { ", " },
            names.join(", "),
            if places.is_empty() { "" } else { ", " },
            places.join(", "),
        );
        let mut query = sqlx::query(&sql)
            .bind(format!("{id}-{n}"))
            .bind(id.to_owned())
            .bind(&row.operation)
            .bind(&now)
            .bind(row.seq);
        for value in row.columns.values() {
            query = query.bind(value);
        }
        // A refused row (a column the province's table lacks) is the profile's to fix: said, and retried.
        written += query.execute(&mut *tx).await.map_err(away)?.rows_affected();
    }
    tx.commit().await.map_err(away)?;
    Ok(format!("{written} 行"))
}

/// The database's words, without the connection string.
fn short(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(e) => e.message().chars().take(200).collect(),
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => "连不上".to_owned(),
        other => other.to_string().chars().take(120).collect(),
    }
}
