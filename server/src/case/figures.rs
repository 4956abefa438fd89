//! 数据公开: the public figures, computed from the ledger (every case) with the
//! same rules everywhere (`domain::case::view::public_figures`). A joint case
//! counts once overall and once in each department it involves, its rating
//! (one for the whole) in each of them too.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use domain::case::Status;
use domain::case::view::{LedgerEntry, OrderEntry, PublicFigures, public_figures};
use domain::time::date::Date;
use sqlx::Row;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(figures))
}

/// `GET /api/figures`: overall and per department, at most
/// `--figures-max-age-secs` old. One request computes them while the others
/// wait for its answer, so a burst costs one pass over the cases, not one each.
#[utoipa::path(get, path = "/figures", tag = "cases", responses((status = 200, body = PublicFigures)))]
async fn figures(State(state): State<Arc<AppState>>) -> Result<Json<PublicFigures>, ApiError> {
    let mut cached = state.figures.lock().await;
    if let Some((at, figures)) = cached.as_ref()
        && at.elapsed() < state.figures_max_age
    {
        return Ok(Json(figures.clone()));
    }
    let figures = compute(&state).await?;
    *cached = Some((std::time::Instant::now(), figures.clone()));
    Ok(Json(figures))
}

/// The figures from every case in the ledger.
async fn compute(state: &AppState) -> Result<PublicFigures, ApiError> {
    let rows = sqlx::query(
        "SELECT c.department, c.status, c.promised_days, c.accepted_on, c.due_on, c.completed_on, r.overall, \
         c.joint_number, c.bundle_code, s.rounds \
         FROM cases c LEFT JOIN case_ratings r ON r.case_number = COALESCE(c.joint_number, c.case_number) \
         AND r.stage = 'completion' AND r.round = (SELECT MAX(m.round) FROM case_ratings m \
         WHERE m.case_number = r.case_number AND m.stage = 'completion') \
         LEFT JOIN (SELECT case_number, COUNT(*) AS rounds FROM case_events WHERE action = 'request_supplement' \
                    GROUP BY case_number) s ON s.case_number = c.case_number",
    )
    .fetch_all(&state.db)
    .await?;
    let date = |text: Option<String>| text.and_then(|t| Date::parse(&t));
    let mut ledger = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(status) = Status::parse(&row.try_get::<String, _>("status")?) else { continue };
        ledger.push(LedgerEntry {
            department: row.try_get("department")?,
            // A joint case counts once overall (its whole) and once in each
            // department (its part there).
            overall: row.try_get::<Option<String>, _>("joint_number")?.is_none(),
            per_department: row.try_get::<Option<String>, _>("bundle_code")?.is_none(),
            status,
            promised_days: u16::try_from(row.try_get::<i64, _>("promised_days")?).unwrap_or(0),
            accepted_on: date(row.try_get("accepted_on")?),
            due: date(row.try_get("due_on")?),
            completed_on: date(row.try_get("completed_on")?),
            rating: row.try_get::<Option<i64>, _>("overall")?.and_then(|r| u8::try_from(r).ok()),
            supplement_rounds: row
                .try_get::<Option<i64>, _>("rounds")?
                .and_then(|r| u32::try_from(r).ok())
                .unwrap_or(0),
        });
    }
    let rows =
        sqlx::query("SELECT department, opened_at, due_on, replied_at FROM work_orders").fetch_all(&state.db).await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(opened_on), Some(due)) =
            (Date::in_beijing(&row.try_get::<String, _>("opened_at")?), date(row.try_get("due_on")?))
        else {
            continue;
        };
        orders.push(OrderEntry {
            department: row.try_get("department")?,
            opened_on,
            due,
            replied_on: row.try_get::<Option<String>, _>("replied_at")?.and_then(|t| Date::in_beijing(&t)),
        });
    }
    Ok(public_figures(&ledger, &orders, &state.calendar, state.today()))
}
