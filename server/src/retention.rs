//! Keeping personal data only as long as it is needed (PIPL arts. 19 and 47).
//!
//! Once an hour, whichever instance gets there removes:
//! - uploads no case holds, older than `--unattached-upload-days`, unless their
//!   application still has a live draft (the draft keeps them; when it expires
//!   they go at the next run);
//! - the files of withdrawn, refused and terminated cases, `--closed-case-file-days`
//!   after the case ended (the case's record and timeline stay);
//! - cases, their files, events and ratings, `--case-years` after they ended
//!   (the archive period), or after their last event if they never did;
//! - upload records nobody owns (a deletion half done) after a day,
//!   application keys nothing uses after 30 days, and notices sent or given
//!   up (the outbox, with sealed phones and emails) after 90 days.
//!
//! Only counts are logged. Nothing a case or a live draft holds is touched
//! before its time: every deletion re-checks its condition in its own statement.

use domain::case::Status;

use crate::db::statuses;
use sqlx::Row;

use crate::AppState;
use crate::settings::Retention;

/// What one run removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub unattached_uploads: usize,
    pub closed_case_files: usize,
    pub cases: usize,
    pub orphaned_uploads: usize,
    pub notices: usize,
}

/// Cases `c` in a status `test` accepts whose last event is before `$1`.
fn ended_before(test: fn(Status) -> bool) -> String {
    format!(
        "c.status IN ({}) AND (SELECT MAX(e.at) FROM case_events e WHERE e.case_number = c.case_number) < $1",
        statuses(test)
    )
}

fn at(unix: i64) -> String {
    domain::time::date::rfc3339(unix)
}

/// One run of the rules, as if it were `now` (seconds since 1970).
pub async fn run(state: &AppState, rules: &Retention, now: i64) -> anyhow::Result<Removed> {
    let db = &state.db;
    let mut removed = Removed::default();

    let cutoff = at(now - rules.unattached_upload_secs());
    let rows = sqlx::query(
        "SELECT upload FROM upload_owners o WHERE o.case_number IS NULL AND o.created_at < $1 AND NOT EXISTS \
         (SELECT 1 FROM drafts d WHERE d.application_hash = o.application_hash AND d.expires_at > $2)",
    )
    .bind(&cutoff)
    .bind(at(now))
    .fetch_all(db)
    .await?;
    for row in rows {
        let upload: String = row.try_get("upload")?;
        let claimed = sqlx::query("DELETE FROM upload_owners WHERE upload = $1 AND case_number IS NULL")
            .bind(&upload)
            .execute(db)
            .await?;
        if claimed.rows_affected() == 1 && state.uploads.remove(&upload).await? {
            removed.unattached_uploads += 1;
        }
    }

    let cutoff = at(now - rules.closed_case_file_secs());
    let rows = sqlx::query(&format!(
        "SELECT f.case_number, f.upload FROM case_files f JOIN cases c ON c.case_number = f.case_number WHERE {}",
        ended_before(Status::ended_without_result)
    ))
    .bind(&cutoff)
    .fetch_all(db)
    .await?;
    for row in rows {
        let (case, upload): (String, String) = (row.try_get("case_number")?, row.try_get("upload")?);
        remove_case_file(state, &case, &upload).await?;
        removed.closed_case_files += 1;
    }

    // The archive period runs from a case's last event: its end, or, for a case
    // nobody ever moved again (impossible by the rules' own clocks, which make an
    // unanswered case accepted and then overdue), the last thing that happened.
    let cutoff = at(now - rules.case_secs());
    let rows = sqlx::query(&format!("SELECT c.case_number, c.status FROM cases c WHERE {}", ended_before(|_| true)))
        .bind(&cutoff)
        .fetch_all(db)
        .await?;
    for row in rows {
        let case: String = row.try_get("case_number")?;
        if Status::parse(&row.try_get::<String, _>("status")?).is_some_and(|s| !s.is_final()) {
            tracing::warn!(case = %case, "a case untouched for the whole archive period, never ended, is removed");
        }
        for file in
            sqlx::query("SELECT upload FROM case_files WHERE case_number = $1").bind(&case).fetch_all(db).await?
        {
            remove_case_file(state, &case, &file.try_get::<String, _>("upload")?).await?;
        }
        let mut tx = crate::db::begin_write(db).await?;
        for table in [
            "case_events",
            "case_terms",
            "documents",
            "case_ratings",
            "complaints",
            "work_orders",
            "case_owners",
            "case_principals",
            "case_wechat",
            "cases",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE case_number = $1")).bind(&case).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        removed.cases += 1;
    }

    let rows = sqlx::query(
        "SELECT id FROM upload_states s WHERE s.updated_at < $1 AND NOT EXISTS \
         (SELECT 1 FROM upload_owners o WHERE o.upload = s.id)",
    )
    .bind(at(now - Retention::COUNTERS_SECS))
    .fetch_all(db)
    .await?;
    for row in rows {
        if state.uploads.remove(&row.try_get::<String, _>("id")?).await? {
            removed.orphaned_uploads += 1;
        }
    }
    // Notices sent or given up, with their attempts (their payloads hold phones and emails).
    let cutoff = at(now - Retention::NOTICE_SECS);
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "DELETE FROM outbox_attempts WHERE outbox_id IN \
         (SELECT id FROM outbox WHERE state IN ('done', 'dead') AND created_at < $1)",
    )
    .bind(&cutoff)
    .execute(&mut *tx)
    .await?;
    let gone = sqlx::query("DELETE FROM outbox WHERE state IN ('done', 'dead') AND created_at < $1")
        .bind(&cutoff)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    removed.notices = usize::try_from(gone.rows_affected()).unwrap_or(usize::MAX);
    // One-time codes: a day covers the proof a submission needs.
    sqlx::query("DELETE FROM phone_codes WHERE sent_at < $1")
        .bind(at(now - domain::apply::phone_code::PROOF_SECS))
        .execute(db)
        .await?;
    sqlx::query(
        "DELETE FROM application_keys WHERE created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM upload_owners o WHERE o.application_hash = application_keys.key_hash) \
         AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.application_hash = application_keys.key_hash)",
    )
    .bind(at(now - Retention::UNUSED_KEY_SECS))
    .execute(db)
    .await?;
    Ok(removed)
}

/// A case's file: its bytes (unless another part of a joint case still holds
/// the same document), its record and its owner row. The bytes go first, so a
/// crash leaves the record to be found again next time.
async fn remove_case_file(state: &AppState, case: &str, upload: &str) -> anyhow::Result<()> {
    let held_elsewhere = sqlx::query("SELECT 1 AS held FROM case_files WHERE upload = $1 AND case_number <> $2")
        .bind(upload)
        .bind(case)
        .fetch_optional(&state.db)
        .await?
        .is_some();
    if !held_elsewhere {
        state.uploads.remove(upload).await?;
    }
    sqlx::query("DELETE FROM case_files WHERE case_number = $1 AND upload = $2")
        .bind(case)
        .bind(upload)
        .execute(&state.db)
        .await?;
    if !held_elsewhere {
        sqlx::query("DELETE FROM upload_owners WHERE upload = $1").bind(upload).execute(&state.db).await?;
    }
    Ok(())
}
