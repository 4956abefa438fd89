//! 差评 and complaints as the department's work orders (`domain::case::work_order`,
//! kept by `store::work_orders`): listed for the department (open first, by
//! due date) and answered once; the reply is a case event, so it reaches the
//! applicant's status page and notices and the department's webhook.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use domain::api::ErrorBody;
use domain::case::event::CaseEvent;
use domain::case::notices::NoticeEvent;
use domain::case::work_order::{ReplyBody, VisitBody, WorkOrder, reply_problem, visit_problem};
use sqlx::Row;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::at_rest::column::Column;
use crate::case::audit::What;
use crate::case::staff::Staff;
use crate::case::store::work_orders::{COLUMNS, work_order};
use crate::case::store::{self as cases, Claim, Move};
use crate::db::now_rfc3339;
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(reply)).routes(routes!(visit))
}

impl JsonBody for VisitBody {
    const REFUSAL: &'static str = "回访记录的格式不对：应为 {\"result\": \"satisfied\", \"note\": \"……\"} 这样的 JSON";
}

impl JsonBody for ReplyBody {
    const REFUSAL: &'static str = "答复的格式不对：应为 {\"reply\": \"……\"} 这样的 JSON";
}

/// The department's work orders: unanswered first by due date, then the
/// answered, newest first (at most 200: a department's backlog, not its archive).
#[utoipa::path(get, path = "/staff/work-orders", tag = "staff", security(("department_token" = [])),
    responses((status = 200, body = Vec<WorkOrder>), (status = 401, body = ErrorBody)))]
async fn list(State(state): State<Arc<AppState>>, staff: Staff) -> Result<Json<Vec<WorkOrder>>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM work_orders WHERE department = $1 \
         ORDER BY CASE WHEN replied_at IS NULL THEN 0 ELSE 1 END, due_on, opened_at DESC LIMIT 200"
    ))
    .bind(&staff.department)
    .fetch_all(&state.db)
    .await?;
    staff.log(&state, What::ListCases, None, Some("work_orders")).await?;
    Ok(Json(rows.iter().map(|row| work_order(&state, row)).collect::<Result<_, _>>()?))
}

/// Answer a work order, once: the reply goes to the applicant (status page,
/// notices) and to the department's system (`case.reply`).
#[utoipa::path(post, path = "/staff/work-orders/{id}/reply", tag = "staff", security(("department_token" = [])),
    params(("id" = String, Path, description = "工单编号")), request_body = ReplyBody,
    responses((status = 200, body = WorkOrder), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already answered"),
              (status = 422, body = ErrorBody)))]
async fn reply(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplyBody>,
) -> Result<Json<WorkOrder>, ApiError> {
    let order = own_order(&state, &staff, &id).await?;
    if order.reply.is_some() {
        return Err(ApiError::Conflict("这个工单已经答复过了".to_owned()));
    }
    if let Some(why) = reply_problem(&body.reply) {
        return Err(ApiError::Unprocessable(why.to_owned()));
    }
    let reply = body.reply.trim();
    let case = match &order.case_number {
        Some(number) => cases::load_stored(&state, number).await?,
        None => None,
    };
    let now = now_rfc3339();
    let by = staff.holder.label.clone();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let answered = sqlx::query(
        "UPDATE work_orders SET reply = $1, replied_at = $2, replied_by = $3 WHERE id = $4 AND reply IS NULL",
    )
    .bind(state.keys.seal(Column::WorkOrderReply, &id, reply)?)
    .bind(&now)
    .bind(&by)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    if answered.rows_affected() == 0 {
        return Err(ApiError::Conflict("这个工单刚刚已经答复过了".to_owned()));
    }
    if let Some(case) = &case {
        let actor = domain::case::Actor::Staff { department: staff.department.clone(), by: Some(by) };
        let label = format!("答复{}", order.source.label());
        let step = Move {
            case,
            status: case.status,
            changes: Default::default(),
            actor: &actor,
            event: CaseEvent::Replied,
            action: None,
            label: &label,
            note: Some(reply.to_owned()),
            files: &[],
            claim: Claim::Now,
            notice: Some(NoticeEvent::Replied(reply.to_owned())),
            decided_here: false,
        };
        cases::write_move(&mut tx, &state, step, &now).await?;
    }
    tx.commit().await?;
    staff.log(&state, What::MoveCase, order.case_number.as_deref(), Some("reply")).await?;
    let row =
        sqlx::query(&format!("SELECT {COLUMNS} FROM work_orders WHERE id = $1")).bind(&id).fetch_one(&state.db).await?;
    Ok(Json(work_order(&state, &row)?))
}

/// The department's own work order `id`.
async fn own_order(state: &AppState, staff: &Staff, id: &str) -> Result<WorkOrder, ApiError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS}, department FROM work_orders WHERE id = $1"))
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .filter(|row| row.try_get::<String, _>("department").is_ok_and(|d| d == staff.department))
        .ok_or_else(|| ApiError::NotFound("本部门没有这个工单".to_owned()))?;
    work_order(state, &row)
}

/// Record the 回访 after the reply, once: whether the applicant was satisfied.
#[utoipa::path(post, path = "/staff/work-orders/{id}/visit", tag = "staff", security(("department_token" = [])),
    params(("id" = String, Path, description = "工单编号")), request_body = VisitBody,
    responses((status = 200, body = WorkOrder), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Not answered yet, or already recorded"),
              (status = 422, body = ErrorBody)))]
async fn visit(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<VisitBody>,
) -> Result<Json<WorkOrder>, ApiError> {
    let order = own_order(&state, &staff, &id).await?;
    if let Some(why) = visit_problem(&order, &body) {
        let conflict = order.reply.is_none() || order.visit.is_some();
        return Err(if conflict {
            ApiError::Conflict(why.to_owned())
        } else {
            ApiError::Unprocessable(why.to_owned())
        });
    }
    let note = body.note.trim();
    let recorded = sqlx::query(
        "UPDATE work_orders SET visit_result = $1, visit_note = $2, visited_at = $3, visited_by = $4 \
         WHERE id = $5 AND visit_result IS NULL",
    )
    .bind(body.result.as_str())
    .bind((!note.is_empty()).then(|| state.keys.seal(Column::WorkOrderVisit, &id, note)).transpose()?)
    .bind(now_rfc3339())
    .bind(&staff.holder.label)
    .bind(&id)
    .execute(&state.db)
    .await?;
    if recorded.rows_affected() == 0 {
        return Err(ApiError::Conflict("这个工单刚刚已经记录过回访结果".to_owned()));
    }
    staff.log(&state, What::MoveCase, order.case_number.as_deref(), Some("visit")).await?;
    own_order(&state, &staff, &id).await.map(Json)
}
