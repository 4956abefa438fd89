//! What the province was sent, against the cases: `bianmin province check`
//! lists each reported case whose records are not all delivered, and
//! `bianmin province replay` sends every record since a day again — the
//! front database keeps each row once (`sync_id`), so what the province has
//! is not doubled and what it lost is written.

use sqlx::Row;

use crate::db::now_rfc3339;

/// One numbered case whose records are not all with the province.
#[derive(Debug, PartialEq, Eq)]
pub struct Gap {
    pub case_number: String,
    /// None while the province has not given it (`acceptance-http`).
    pub province_number: Option<String>,
    /// Records written but not delivered yet, and those given up.
    pub pending: i64,
    pub dead: i64,
    /// No 办事申请 record was ever written (reporting was off when it was made).
    pub never_reported: bool,
}

/// The numbered cases submitted on or after `since` (`YYYY-MM-DD`) with a gap, and how many were checked.
pub async fn check(db: &sqlx::AnyPool, since: &str) -> anyhow::Result<(usize, Vec<Gap>)> {
    let rows = sqlx::query(
        "SELECT c.case_number, c.province_number, \
         (SELECT COUNT(*) FROM outbox o WHERE o.case_number = c.case_number AND o.channel = 'province' \
          AND o.state = 'pending') AS pending, \
         (SELECT COUNT(*) FROM outbox o WHERE o.case_number = c.case_number AND o.channel = 'province' \
          AND o.state = 'dead') AS dead, \
         (SELECT COUNT(*) FROM outbox o WHERE o.case_number = c.case_number AND o.channel = 'province' \
          AND o.event = '办事申请') AS applied \
         FROM cases c WHERE (c.province_number IS NOT NULL OR EXISTS (SELECT 1 FROM outbox o \
         WHERE o.case_number = c.case_number AND o.channel = 'province')) AND c.submitted_at >= $1 \
         ORDER BY c.submitted_at",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    let mut gaps = Vec::new();
    for row in &rows {
        let gap = Gap {
            case_number: row.try_get("case_number")?,
            province_number: row.try_get("province_number")?,
            pending: row.try_get("pending")?,
            dead: row.try_get("dead")?,
            never_reported: row.try_get::<i64, _>("applied")? == 0,
        };
        if gap.pending > 0 || gap.dead > 0 || gap.never_reported {
            gaps.push(gap);
        }
    }
    Ok((rows.len(), gaps))
}

/// Queue every record written on or after `since` again, from its first attempt; how many.
pub async fn replay(db: &sqlx::AnyPool, since: &str) -> anyhow::Result<u64> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_at = $1, lease_until = NULL, done_at = NULL \
         WHERE channel = 'province' AND created_at >= $2",
    )
    .bind(now_rfc3339())
    .bind(since)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
