//! The department's ledger (台账, 一事一记) for a period: one line per case
//! of the department (a joint case's part counted as its department's),
//! as CSV or a workbook, for the clerk's records and inspections. Lines
//! come from `domain::case::ledger`; the export is recorded in the access log.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::api::ErrorBody;
use domain::case::ledger::{self, COLUMNS, Facts, LedgerFormat};
use domain::time::date::Date;
use serde::Deserialize;
use sqlx::Row;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::case::audit::What;
use crate::case::staff::Staff;
use crate::case::store::{COLUMNS as CASE_COLUMNS, CaseRow, Kind};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::hosting::disposition::{Disposition, content_disposition};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(export))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Period {
    /// First day of submission, `YYYY-MM-DD` (Beijing time).
    #[param(format = Date)]
    from: String,
    /// Last day of submission, `YYYY-MM-DD`.
    #[param(format = Date)]
    to: String,
    /// `csv` (default) or `xlsx`.
    #[serde(default)]
    #[param(inline)]
    format: LedgerFormat,
}

fn day(text: &str, what: &str) -> Result<Date, ApiError> {
    Date::parse(text.trim()).ok_or_else(|| ApiError::BadRequest(format!("{what}要写成 2026-12-01 这样的日期")))
}

/// The department's ledger of cases submitted from `from` to `to`.
#[utoipa::path(get, path = "/staff/ledger", tag = "staff", security(("department_token" = [])), params(Period),
    responses((status = 200, description = "The ledger, as `format` asks",
               content((String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "The period is reversed or longer than a year")))]
async fn export(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    ApiQuery(period): ApiQuery<Period>,
) -> Result<Response, ApiError> {
    let (from, to) = (day(&period.from, "开始日期")?, day(&period.to, "结束日期")?);
    if let Some(problem) = ledger::period_problem(from, to) {
        return Err(ApiError::Unprocessable(problem));
    }
    let lines = lines(&state, &staff.department, from, to).await?;
    staff.log(&state, What::ExportLedger, None, Some(&format!("{from}..{to} {} 行", lines.len()))).await?;
    let name = format!("{}台账{from}至{to}", staff.department);
    let (content_type, body, name) = match period.format {
        LedgerFormat::Csv => ("text/csv; charset=utf-8", ledger::csv(&lines).into_bytes(), format!("{name}.csv")),
        LedgerFormat::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            workbook(&lines).map_err(|e| ApiError::Internal(anyhow::anyhow!("the ledger workbook: {e}")))?,
            format!("{name}.xlsx"),
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, content_disposition(Disposition::Attachment, &name)),
        ],
        Body::from(body),
    )
        .into_response())
}

/// The lines, oldest submission first.
async fn lines(state: &AppState, department: &str, from: Date, to: Date) -> Result<Vec<Vec<String>>, ApiError> {
    // A day wider than the period in UTC; the Beijing day decides below.
    let rows = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE department = $1 AND submitted_at >= $2 AND submitted_at < $3 \
         ORDER BY submitted_at, case_number"
    ))
    .bind(department)
    .bind(format!("{}", Date::from_days(from.days() - 1)))
    .bind(format!("{}", Date::from_days(to.days() + 2)))
    .fetch_all(&state.db)
    .await?;
    let numbers: BTreeMap<String, String> =
        sqlx::query("SELECT case_number, number FROM documents WHERE department = $1 AND kind = 'acceptance'")
            .bind(department)
            .fetch_all(&state.db)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("case_number")?, r.try_get("number")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let today = state.today();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let case = CaseRow::from_row(&state.keys, &row)?;
        let submitted = Date::in_beijing(&case.submitted_at);
        // A joint case's whole is the applicant's; its departments' parts are the lines.
        if matches!(case.kind, Kind::Whole { .. }) || !submitted.is_some_and(|d| from <= d && d <= to) {
            continue;
        }
        let item = case.item(state)?;
        out.push(ledger::line(&Facts {
            case_number: &case.case_number,
            item_code: &item.code,
            item_name: &item.name,
            case_kind: item.case_kind,
            applicant: &case.application.form.applicant,
            submitted_at: &case.submitted_at,
            department: &case.department,
            accepted_on: case.accepted_on,
            acceptance_number: numbers.get(&case.case_number).map(String::as_str),
            due_on: case.due_on,
            status: case.status,
            completed_on: case.completed_on,
            result: case.result.as_deref(),
            decision: case.decision.as_ref(),
            today,
        }));
    }
    Ok(out)
}

/// The lines as one sheet, headed and with the header row frozen.
fn workbook(lines: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("台账")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (column, title) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, column, title, &bold)?;
        sheet.set_column_width(column, 16)?;
    }
    for (row, line) in (1u32..).zip(lines) {
        for (column, cell) in (0u16..).zip(line) {
            // Text throughout: a case number or an ID is never a number or a formula.
            sheet.write_string(row, column, cell)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
