//! Finding a department's cases: the list a staff system pages through
//! (`GET`, filters in the query), and the clerk's search (`POST`, because a
//! name or an ID number never goes in a URL or the access log). Each row
//! says who applied (masked), the light, and a joint case's parts.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::api::ErrorBody;
use domain::case::Status;
use domain::case::search::{CaseQuery, CaseSearch, CaseSearchPage, Sort};
use domain::case::view::{PartSummary, StaffCaseSummary};
use domain::time::calendar::Light;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::case::audit::What;
use crate::case::staff::Staff;
use crate::case::store::{self as cases, CaseRow, Filter, Page};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, JsonBody};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(search))
}

impl JsonBody for CaseSearch {
    const REFUSAL: &'static str = "查询条件的格式不对：应为 {\"query\": \"李四\"} 这样的 JSON";
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Filters {
    #[serde(default)]
    #[param(schema_with = crate::openapi::status_filter)]
    status: String,
    /// Only cases of this item code.
    #[serde(default)]
    item: String,
    /// Only running cases with this light today: `on_time`, `close` or `overdue`.
    #[serde(default)]
    #[param(schema_with = crate::openapi::light_filter)]
    light: String,
    /// `newest` (default) or `due`: running cases by due date first.
    #[serde(default)]
    #[param(schema_with = crate::openapi::sort_filter)]
    sort: String,
    /// 1-based page (default 1); a `Link: <…>; rel="next"` header says another follows.
    #[param(value_type = Option<i32>, minimum = 1)]
    page: Option<String>,
    /// Cases a page: 100 unless given, at most 100.
    #[param(value_type = Option<i32>, minimum = 1)]
    per_page: Option<String>,
}

/// Cases a page at most: a clerk's screen, and a bounded answer whatever the department holds.
const PAGE_ROWS: u32 = 100;

/// A page parameter as a whole number from 1 (within the schema's 32-bit integer), or why not.
fn page_number(value: Option<&str>, name: &str) -> Result<Option<u32>, ApiError> {
    value
        .map(|v| v.trim().parse::<i32>().ok().and_then(|n| u32::try_from(n).ok()).filter(|n| *n >= 1))
        .map(|n| n.ok_or_else(|| ApiError::BadRequest(format!("{name} 要是从 1 开始的整数"))))
        .transpose()
}

/// A named choice of a query parameter, or why not.
fn choice<T>(text: &str, parse: impl Fn(&str) -> Option<T>, what: &str) -> Result<Option<T>, ApiError> {
    match text {
        "" => Ok(None),
        text => parse(text).map(Some).ok_or_else(|| ApiError::BadRequest(format!("没有“{text}”这个{what}"))),
    }
}

/// The department's cases, newest first (or by due date), a page at a time.
#[utoipa::path(get, path = "/staff/cases", tag = "staff", security(("department_token" = [])), params(Filters),
    responses((status = 200, body = Vec<StaffCaseSummary>, headers(("link" = String, description = "rel=\"next\" when another page follows"))),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    ApiQuery(filters): ApiQuery<Filters>,
) -> Result<Response, ApiError> {
    let filter = Filter {
        status: choice(&filters.status, Status::parse, "状态")?,
        item: Some(filters.item.clone()).filter(|i| !i.is_empty()),
        light: choice(&filters.light, Light::parse, "时限状态")?,
        query: None,
        sort: choice(&filters.sort, Sort::parse, "排序方式")?.unwrap_or_default(),
    };
    let page = Page {
        number: page_number(filters.page.as_deref(), "page")?.unwrap_or(1),
        rows: page_number(filters.per_page.as_deref(), "per_page")?.unwrap_or(PAGE_ROWS).min(PAGE_ROWS),
    };
    let (rows, more) = listed(&state, &staff.department, &filter, page).await?;
    staff.log(&state, What::ListCases, None, Some(&describe(&filter, page))).await?;
    let mut response = Json(summaries(&state, rows).await?).into_response();
    if more && let Some(next) = next_page(&filters, page) {
        response.headers_mut().insert(header::LINK, next);
    }
    Ok(response)
}

/// Search the department's cases by case number or by a whole name, ID
/// number, credit code or phone number on the application (matched through
/// keyed hashes: none is kept in clear), with the list's filters.
#[utoipa::path(post, path = "/staff/cases/search", tag = "staff", security(("department_token" = [])),
    request_body = CaseSearch,
    responses((status = 200, body = CaseSearchPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn search(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    ApiJson(search): ApiJson<CaseSearch>,
) -> Result<Json<CaseSearchPage>, ApiError> {
    let filter = Filter {
        status: search.status,
        item: Some(search.item.clone()).filter(|i| !i.is_empty()),
        light: search.light,
        query: CaseQuery::parse(&search.query),
        sort: search.sort,
    };
    // The schema's integer is 32-bit and starts at 1.
    if search.page.is_some_and(|p| p == 0 || i32::try_from(p).is_err()) {
        return Err(ApiError::BadRequest("page 要是从 1 开始的整数".to_owned()));
    }
    let page = Page { number: search.page.unwrap_or(1), rows: PAGE_ROWS };
    let (rows, more) = listed(&state, &staff.department, &filter, page).await?;
    // What was searched for is the applicant's: the log says only that something was.
    staff.log(&state, What::ListCases, None, Some(&describe(&filter, page))).await?;
    Ok(Json(CaseSearchPage { cases: summaries(&state, rows).await?, more }))
}

/// One page of the department's cases, after the answer clock has accepted
/// by law what it must (so a filter by status or light agrees with the law).
async fn listed(
    state: &AppState,
    department: &str,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<CaseRow>, bool), ApiError> {
    crate::case::moves::enforce_answer_clock(state, Some(department)).await?;
    cases::list(state, department, filter, page).await
}

/// The access log's words for a list: the filters, never the search text.
fn describe(filter: &Filter, page: Page) -> String {
    format!(
        "status={} item={} light={} sort={} search={} page={}",
        filter.status.map_or("", Status::as_str),
        filter.item.as_deref().unwrap_or(""),
        filter.light.map_or("", Light::as_str),
        filter.sort.as_str(),
        if filter.query.is_some() { "yes" } else { "no" },
        page.number
    )
}

/// The list's rows: deadlines applied, the applicant masked, a whole's parts.
async fn summaries(state: &AppState, rows: Vec<CaseRow>) -> Result<Vec<StaffCaseSummary>, ApiError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let row = crate::case::moves::enforce_deadlines(state, row).await?;
        let running = row.status.clock_runs();
        let parts = match row.bundle() {
            Some(_) => part_summaries(state, &row).await?,
            None => Vec::new(),
        };
        out.push(StaffCaseSummary {
            case_number: row.case_number.clone(),
            item_code: row.item_code.clone(),
            item_name: row.title(state)?,
            status: row.status,
            status_label: row.status.label().to_owned(),
            submitted_at: row.submitted_at.clone(),
            due: row.due_on,
            light: row
                .due_on
                .filter(|_| running)
                .map(|due| state.calendar.light(state.today(), due, row.promised_days))
                .or_else(|| row.answer_light(state)),
            answer_by: row.answer_by(state),
            applicant: domain::apply::identity::mask_name(row.application.form.applicant_name()),
            joint_number: row.whole_number().map(str::to_owned),
            parts,
        });
    }
    Ok(out)
}

/// A whole's parts in the bundle's order.
async fn part_summaries(state: &AppState, whole: &CaseRow) -> Result<Vec<PartSummary>, ApiError> {
    let joint = crate::case::joint::JointCase::of(state, whole).await?;
    joint
        .parts
        .iter()
        .map(|p| {
            Ok(PartSummary {
                case_number: p.case_number.clone(),
                item_name: p.title(state)?,
                department: p.department.clone(),
                status_label: p.status.label().to_owned(),
            })
        })
        .collect()
}

/// `Link: </api/staff/cases?page=N&…>; rel="next"`, with the same filters.
fn next_page(filters: &Filters, page: Page) -> Option<header::HeaderValue> {
    let mut url = reqwest::Url::parse("http://next/api/staff/cases").ok()?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("page", &(page.number + 1).to_string()).append_pair("per_page", &page.rows.to_string());
        for (name, value) in
            [("status", &filters.status), ("item", &filters.item), ("light", &filters.light), ("sort", &filters.sort)]
        {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
    }
    header::HeaderValue::from_str(&format!("<{}?{}>; rel=\"next\"", url.path(), url.query()?)).ok()
}
