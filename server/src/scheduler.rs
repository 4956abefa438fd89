//! Every periodic job, started in one place: the outbox worker (each poll,
//! planning reminders every minute) and, once an hour, the answer clock
//! (视为受理) and the default ratings, database housekeeping,
//! the retention policy and reclaiming expired uploads. Every instance runs
//! them; each deletion and each claim re-checks its condition, so two
//! instances at once do the work once.

use std::sync::Arc;
use std::time::Duration;

use crate::AppState;

/// Start every periodic job of this instance.
pub fn start(state: Arc<AppState>) {
    crate::notify::worker::spawn(Arc::clone(&state));
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            hourly_jobs(&state).await;
        }
    });
}

/// The hourly jobs, each on its own: one failing does not stop the others.
async fn hourly_jobs(state: &AppState) {
    match crate::case::moves::enforce_answer_clock(state, None).await {
        Ok(accepted) if accepted > 0 => tracing::info!(accepted, "unanswered applications accepted by law"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "the answer clock could not be applied; trying again in an hour"),
    }
    match crate::case::store::ratings::give_defaults(state, state.default_rating_days).await {
        Ok(rated) if rated > 0 => tracing::info!(rated, "unrated completed cases rated by default"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "default ratings could not be given; trying again in an hour"),
    }
    if let Err(error) = crate::db::housekeeping(&state.db).await {
        tracing::warn!(%error, "housekeeping failed; trying again in an hour");
    }
    let life = domain::account::session::Lifetimes::default();
    if let Err(error) = crate::account::sessions::sweep(state, crate::db::unix_now(), life).await {
        tracing::warn!(%error, "ended sessions could not be swept; trying again in an hour");
    }
    match crate::retention::run(state, &state.retention, crate::db::unix_now()).await {
        // Counts only: never what was removed.
        Ok(r) => tracing::info!(
            unattached_uploads = r.unattached_uploads,
            closed_case_files = r.closed_case_files,
            cases = r.cases,
            orphaned_uploads = r.orphaned_uploads,
            notices = r.notices,
            "retention"
        ),
        Err(error) => tracing::warn!(%error, "retention failed; trying again in an hour"),
    }
    match state.uploads.reclaim_expired().await {
        Ok(removed) if removed > 0 => tracing::info!(removed, "expired uploads reclaimed"),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "reclaiming expired uploads failed; trying again in an hour"),
    }
}
