//! The access log: who saw what. Every staff list of cases, case read, file
//! download and move is recorded with the token's id and label, the case, and
//! the client's address. Rows are only ever inserted; `bianmin audit` prints
//! them, or exports them as CSV.

use sqlx::AnyPool;

use crate::case::staff_tokens::Holder;
use crate::db::now_rfc3339;
use crate::error::ApiError;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    ListCases,
    ReadCase,
    DownloadFile,
    MoveCase,
    /// The department's ledger for a period.
    ExportLedger,
}

impl What {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ListCases => "list_cases",
            Self::ReadCase => "read_case",
            Self::DownloadFile => "download_file",
            Self::MoveCase => "move_case",
            Self::ExportLedger => "export_ledger",
        }
    }
}

/// Record one access. It is written before the answer goes out: an access that
/// cannot be recorded is not served.
pub async fn record(
    db: &AnyPool,
    holder: &Holder,
    what: What,
    case_number: Option<&str>,
    detail: Option<&str>,
    client: std::net::IpAddr,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO access_log (id, at, token_id, token_label, department, what, case_number, detail, client) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(ordered_id()?)
    .bind(now_rfc3339())
    .bind(&holder.id)
    .bind(&holder.label)
    .bind(&holder.department)
    .bind(what.as_str())
    .bind(case_number)
    .bind(detail)
    .bind(client.to_string())
    .execute(db)
    .await?;
    Ok(())
}

/// Microseconds since 1970, then randomness: ids sort in the order of the accesses.
fn ordered_id() -> Result<String, ApiError> {
    let micros = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros());
    Ok(format!("{micros:020}-{}", crate::secret::random_hex(6)?))
}

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    pub at: String,
    pub token_id: String,
    pub token_label: String,
    pub department: String,
    pub what: String,
    pub case_number: Option<String>,
    pub detail: Option<String>,
    pub client: String,
}

/// The log in time order, of one case or all, since a time (RFC 3339 or a date).
pub async fn entries(db: &AnyPool, case_number: Option<&str>, since: Option<&str>) -> anyhow::Result<Vec<Entry>> {
    let mut sql = String::from(
        "SELECT at, token_id, token_label, department, what, case_number, detail, client FROM access_log WHERE 1 = 1",
    );
    let mut binds = Vec::new();
    if let Some(case) = case_number {
        binds.push(case);
        sql.push_str(&format!(" AND case_number = ${}", binds.len()));
    }
    if let Some(since) = since {
        binds.push(since);
        sql.push_str(&format!(" AND at >= ${}", binds.len()));
    }
    sql.push_str(" ORDER BY id");
    let mut query = sqlx::query_as::<_, Entry>(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    Ok(query.fetch_all(db).await?)
}

/// The log as CSV (RFC 4180), for export.
/// The log as text, one line an entry. A value that a staff request chose
/// (a filter, a note) cannot start a line of its own: control characters,
/// line breaks included, are written as escapes.
pub fn to_text(entries: &[Entry]) -> String {
    let clean = |text: &str| -> String {
        text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
    };
    let mut out = String::new();
    for e in entries {
        out.push_str(&format!(
            "{}  {}（{}，{}）  {}  {}  {}  来自 {}\n",
            clean(&e.at),
            clean(&e.token_label),
            clean(&e.department),
            clean(&e.token_id),
            clean(&e.what),
            clean(e.case_number.as_deref().unwrap_or("-")),
            clean(e.detail.as_deref().unwrap_or("")),
            clean(&e.client)
        ));
    }
    out
}

pub fn to_csv(entries: &[Entry]) -> String {
    let field = |text: &str| {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let mut out = String::from("at,token_id,token_label,department,what,case_number,detail,client\r\n");
    for e in entries {
        let cells = [
            e.at.as_str(),
            &e.token_id,
            &e.token_label,
            &e.department,
            &e.what,
            e.case_number.as_deref().unwrap_or(""),
            e.detail.as_deref().unwrap_or(""),
            &e.client,
        ];
        out.push_str(&cells.map(field).join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Entry;

    #[test]
    fn a_staff_value_cannot_forge_a_line_of_the_text_log() {
        let forged = Entry {
            at: "2026-12-01T01:00:00Z".into(),
            token_id: "t1".into(),
            token_label: "科员 张三".into(),
            department: "县交通运输局".into(),
            what: "list".into(),
            case_number: None,
            detail: Some("status=x\n2026-12-01T02:00:00Z  管理员（县政府，t0）  read  ABCD-EFGH".into()),
            client: "127.0.0.1".into(),
        };
        let text = super::to_text(&[forged]);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("status=x\\n2026"), "the break is shown, not made: {text}");
    }
}
