//! The public JSON API: service catalog and health.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use domain::api::{ErrorBody, Health, ServiceList};
use domain::apply::form::FieldError;
use domain::catalog::applying::Applying;
use domain::catalog::bundle::BundleDetail;
use domain::catalog::checklist::{self, Checklist};
use domain::catalog::search::ServiceQuery;
use domain::catalog::situation::Answers;
use domain::{ApplicantType, ServiceItem};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, JsonBody};

/// The routes with their OpenAPI paths: each is routed where its `#[utoipa::path]` says.
pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(list_services))
        .routes(routes!(get_service))
        .routes(routes!(service_checklist))
        .routes(routes!(check_form))
        .routes(routes!(check_bundle_form))
        .routes(routes!(get_bundle))
        .routes(routes!(bundle_checklist))
}

/// Whether the service, its database and catalog are up.
#[utoipa::path(get, path = "/health", tag = "catalog",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody, description = "The database does not answer")))]
async fn health(State(state): State<Arc<AppState>>) -> Result<Json<Health>, ApiError> {
    // A load balancer asks often and waits little: an answer within two seconds, whatever the database does.
    match tokio::time::timeout(std::time::Duration::from_secs(2), crate::db::ping(&state.db)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "health: the database does not answer");
            return Err(ApiError::Unavailable(crate::error::DATABASE_DOWN.to_owned()));
        }
        Err(_) => {
            tracing::warn!("health: the database took more than two seconds");
            return Err(ApiError::Unavailable(crate::error::DATABASE_DOWN.to_owned()));
        }
    }
    Ok(Json(Health {
        status: "ok".to_owned(),
        services: state.catalog.items.len(),
        catalog_version: state.catalog.version.clone(),
    }))
}

/// Query string as sent; every value is checked by hand so errors say what was
/// wrong, exactly as strictly as the parameters' schemas say.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Words to search for (name, keywords, code).
    #[param(max_length = 50)]
    q: Option<String>,
    /// Only this department's items.
    department: Option<String>,
    #[param(schema_with = crate::openapi::applicant_filter)]
    applicant: Option<String>,
    /// 1-based page.
    #[param(value_type = Option<i32>, minimum = 1)]
    page: Option<String>,
    /// Items a page: 20 unless given, at most 50 (more gives 50).
    #[param(value_type = Option<i32>, minimum = 1)]
    per_page: Option<String>,
}

impl ListParams {
    fn into_query(self) -> Result<ServiceQuery, ApiError> {
        let number = |name: &str, value: Option<String>| -> Result<usize, ApiError> {
            match value.as_deref() {
                None => Ok(0),
                Some(text) => text
                    .parse::<i32>()
                    .ok()
                    .filter(|n| *n >= 1 && text.bytes().all(|b| b.is_ascii_digit()))
                    .map(|n| n as usize)
                    .ok_or_else(|| ApiError::BadRequest(format!("{name} 应为正整数，收到的是“{text}”"))),
            }
        };
        let applicant = match self.applicant.as_deref() {
            None | Some("") => None,
            Some(code) => Some(ApplicantType::from_code(code).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "applicant 只能是 individual（个人）或 organisation（企业和组织），收到的是“{code}”"
                ))
            })?),
        };
        let q = self.q.unwrap_or_default();
        if q.chars().count() > domain::catalog::search::MAX_QUERY_CHARS {
            return Err(ApiError::BadRequest(format!(
                "搜索词太长了，请用 {} 个字以内的关键词，例如“道路运输”",
                domain::catalog::search::MAX_QUERY_CHARS
            )));
        }
        Ok(ServiceQuery {
            q,
            department: self.department.filter(|d| !d.trim().is_empty()),
            applicant,
            page: number("page", self.page)?,
            per_page: number("per_page", self.per_page)?,
        })
    }
}

/// Search the service items (and joint applications on the first page).
#[utoipa::path(get, path = "/services", tag = "catalog", params(ListParams),
    responses((status = 200, body = ServiceList), (status = 400, body = ErrorBody)))]
async fn list_services(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let query = params.into_query()?.normalised();
    let catalog = &state.catalog;
    let list = || catalog.search.search(&catalog.items, &catalog.bundles, &query);
    // The page every visit opens with is the same bytes every time.
    if query == ServiceQuery::default().normalised() {
        return Ok(catalog.answers.first_page(list).respond(&method, &headers));
    }
    Ok(Json(list()).into_response())
}

fn item<'a>(state: &'a AppState, code: &str) -> Result<&'a ServiceItem, ApiError> {
    state
        .catalog
        .get(code)
        .ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {code} 的事项，它可能已调整或停止办理")))
}

fn bundle<'a>(state: &'a AppState, code: &str) -> Result<&'a BundleDetail, ApiError> {
    state
        .catalog
        .bundle(code)
        .ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {code} 的一件事，它可能已调整")))
}

/// One service item with its guide, questions, materials and form fields.
#[utoipa::path(get, path = "/services/{code}", tag = "catalog", params(("code" = String, Path, description = "事项编码")),
    responses((status = 200, body = ServiceItem), (status = 404, body = ErrorBody)))]
async fn get_service(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    item(&state, &code)?;
    let answer = state.catalog.item_answer(&code).expect("the item was just found");
    Ok(answer.respond(&method, &headers))
}

/// One joint application (一件事) with its items.
#[utoipa::path(get, path = "/bundles/{code}", tag = "catalog", params(("code" = String, Path, description = "一件事编码")),
    responses((status = 200, body = BundleDetail), (status = 404, body = ErrorBody)))]
async fn get_bundle(
    State(state): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    bundle(&state, &code)?;
    let answer = state.catalog.bundle_answer(&code).expect("the bundle was just found");
    Ok(answer.respond(&method, &headers))
}

/// The server's own checklist for these answers: the same `domain` code the app
/// ran, so later steps never rely on what the browser computed.
#[utoipa::path(post, path = "/services/{code}/checklist", tag = "catalog", params(("code" = String, Path, description = "事项编码")),
    request_body = Answers, responses((status = 200, body = Checklist), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn service_checklist(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    ApiJson(answers): ApiJson<Answers>,
) -> Result<Json<Checklist>, ApiError> {
    Ok(Json(checklist::item_checklist(item(&state, &code)?, &answers)))
}

/// The checklist of a joint application for these answers.
#[utoipa::path(post, path = "/bundles/{code}/checklist", tag = "catalog", params(("code" = String, Path, description = "一件事编码")),
    request_body = Answers, responses((status = 200, body = Checklist), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn bundle_checklist(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    ApiJson(answers): ApiJson<Answers>,
) -> Result<Json<Checklist>, ApiError> {
    Ok(Json(domain::catalog::bundle::bundle_checklist(bundle(&state, &code)?, &answers)))
}

use domain::api::FormCheck;

impl JsonBody for FormCheck {
    const REFUSAL: &'static str = "表单的格式不对，请刷新页面后重试";
}

/// Field-level problems of a form, found by the same `domain` code the app runs.
#[utoipa::path(post, path = "/services/{code}/form/check", tag = "apply", params(("code" = String, Path, description = "事项编码")),
    request_body = FormCheck, responses((status = 200, body = Vec<FieldError>, description = "Every problem, in form order; empty when the form is complete"),
    (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn check_form(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    ApiJson(check): ApiJson<FormCheck>,
) -> Result<Json<Vec<FieldError>>, ApiError> {
    Ok(Json(form_problems(&state, Applying::Item(item(&state, &code)?), &check)))
}

/// A bundle's form (一件事: shared details once, each item's own fields), checked as the submission will be.
#[utoipa::path(post, path = "/bundles/{code}/form/check", tag = "apply", params(("code" = String, Path, description = "一件事编码")),
    request_body = FormCheck, responses((status = 200, body = Vec<FieldError>, description = "Every problem, in form order; empty when the form is complete"),
    (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn check_bundle_form(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    ApiJson(check): ApiJson<FormCheck>,
) -> Result<Json<Vec<FieldError>>, ApiError> {
    Ok(Json(form_problems(&state, Applying::Bundle(bundle(&state, &code)?), &check)))
}

fn form_problems(state: &AppState, applying: Applying<'_>, check: &FormCheck) -> Vec<FieldError> {
    applying.form_problems(&check.form, &check.answers, state.today().ymd())
}

impl JsonBody for Answers {
    const REFUSAL: &'static str = "回答的格式不对：应为 JSON 对象，例如 {\"agent\": true, \"vehicles_owned\": 3}";
}
