//! Delivering one outbox notification of the province channel to a front
//! database: its rows in one transaction, each under its own `sync_id`
//! (the notification's id and the row's place), inserted only if absent —
//! a retry after a lost answer writes nothing twice. PostgreSQL or MySQL,
//! under the national names or the province's own ([`ColumnMap`]).

use serde::{Deserialize, Serialize};

use crate::exchange::column_map::{ColumnMap, SYNC_COLUMNS, plain};
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

/// How the front database's SQL is spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    /// MySQL and MariaDB.
    MySql,
}

impl Dialect {
    /// The dialect of a database URL (none: not a front database Bianmin can write).
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else if url.starts_with("mysql://") {
            Some(Self::MySql)
        } else {
            None
        }
    }

    /// The `n`th bind parameter (from 1).
    fn place(self, n: usize) -> String {
        match self {
            Self::Postgres => format!("${n}"),
            Self::MySql => "?".to_owned(),
        }
    }
}

/// A front database and the province's spelling of its tables.
pub struct FrontDb {
    pub pool: sqlx::AnyPool,
    pub dialect: Dialect,
    pub map: ColumnMap,
}

impl FrontDb {
    /// Write the rows of notification `id`; how many were new.
    pub async fn deliver(&self, id: &str, payload: &str) -> Result<String, Failure> {
        let rows: Vec<FrontRow> = serde_json::from_str(payload).map_err(|_| Failure::permanent("内容无法读取"))?;
        let away = |e: sqlx::Error| Failure::retry(format!("省前置库暂时不能写入：{}", short(&e)));
        let mut tx = self.pool.begin().await.map_err(away)?;
        let now = crate::db::now_rfc3339();
        let mut written = 0;
        for (n, row) in rows.iter().enumerate() {
            let table = self.map.table(&row.table);
            let mut names: Vec<&str> = SYNC_COLUMNS.iter().map(|c| self.map.sync(c)).collect();
            names.extend(row.columns.keys().map(|c| self.map.column(&row.table, c)));
            if !plain(table) || !names.iter().all(|c| plain(c)) {
                return Err(Failure::permanent(format!("表名或列名不对：{}", row.table)));
            }
            let places: Vec<String> = (1..=names.len()).map(|i| self.dialect.place(i)).collect();
            let (names, places) = (names.join(", "), places.join(", "));
            let sync_id = self.map.sync("sync_id");
            // Inserted only if absent: a retried or replayed row is written once.
            let sql = match self.dialect {
                Dialect::Postgres => {
                    format!("INSERT INTO {table} ({names}) VALUES ({places}) ON CONFLICT ({sync_id}) DO NOTHING")
                }
                Dialect::MySql => format!("INSERT IGNORE INTO {table} ({names}) VALUES ({places})"),
            };
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
}

/// The database's words, without the connection string.
fn short(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(e) => e.message().chars().take(200).collect(),
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => "连不上".to_owned(),
        other => other.to_string().chars().take(120).collect(),
    }
}
