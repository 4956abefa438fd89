//! The public JSON API: service catalog and health.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::api::{Health, ServiceList};
use domain::bundle::BundleDetail;
use domain::checklist::{self, Checklist};
use domain::form::{validate_application, ApplicationForm, FieldError};
use domain::search::{ServiceQuery, search, search_bundles};
use domain::situation::Answers;
use domain::{ApplicantType, ServiceItem};
use serde::Deserialize;

use crate::error::ApiError;
use crate::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/services", get(list_services))
        .route("/services/{code}", get(get_service))
        .route("/services/{code}/checklist", post(service_checklist))
        .route("/services/{code}/form/check", post(check_form))
        .route("/bundles/{code}", get(get_bundle))
        .route("/bundles/{code}/checklist", post(bundle_checklist))
        .fallback(|| async { ApiError::NotFound("没有这个接口".to_owned()) })
}

async fn health(State(state): State<Arc<AppState>>) -> Result<Json<Health>, ApiError> {
    crate::db::ping(&state.db).await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        services: state.catalog.items.len(),
        catalog_version: state.catalog.version.clone(),
    }))
}

/// Query string as sent; every value is checked by hand so errors say what was wrong.
#[derive(Debug, Deserialize)]
struct ListParams {
    q: Option<String>,
    department: Option<String>,
    applicant: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl ListParams {
    fn into_query(self) -> Result<ServiceQuery, ApiError> {
        let number = |name: &str, value: Option<String>| -> Result<usize, ApiError> {
            match value.as_deref().map(str::trim) {
                None | Some("") => Ok(0),
                Some(text) => text
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| ApiError::BadRequest(format!("{name} 应为正整数，收到的是“{text}”"))),
            }
        };
        let applicant = match self.applicant.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(ApplicantType::from_code(code).ok_or_else(|| {
                ApiError::BadRequest(format!("applicant 只能是 individual（个人）或 organisation（企业和组织），收到的是“{code}”"))
            })?),
        };
        Ok(ServiceQuery {
            q: self.q.unwrap_or_default(),
            department: self.department.filter(|d| !d.trim().is_empty()),
            applicant,
            page: number("page", self.page)?,
            per_page: number("per_page", self.per_page)?,
        })
    }
}

async fn list_services(
    State(state): State<Arc<AppState>>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ServiceList>, ApiError> {
    let Query(params) = params.map_err(|_| ApiError::BadRequest("查询参数无法识别".to_owned()))?;
    let query = params.into_query()?;
    let mut list = search(&state.catalog.items, &query);
    list.bundles = search_bundles(&state.catalog.bundles, &query.normalised());
    Ok(Json(list))
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

async fn get_service(State(state): State<Arc<AppState>>, Path(code): Path<String>) -> Result<Json<ServiceItem>, ApiError> {
    item(&state, &code).cloned().map(Json)
}

async fn get_bundle(State(state): State<Arc<AppState>>, Path(code): Path<String>) -> Result<Json<BundleDetail>, ApiError> {
    bundle(&state, &code).cloned().map(Json)
}

/// The server's own checklist for these answers: the same `domain` code the app
/// ran, so later steps never rely on what the browser computed.
async fn service_checklist(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    answers: Result<Json<Answers>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Checklist>, ApiError> {
    let answers = answers_body(answers)?;
    Ok(Json(checklist::item_checklist(item(&state, &code)?, &answers)))
}

async fn bundle_checklist(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    answers: Result<Json<Answers>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Checklist>, ApiError> {
    let answers = answers_body(answers)?;
    Ok(Json(checklist::bundle_checklist(bundle(&state, &code)?, &answers)))
}

/// A form and the situation answers it was filled under.
#[derive(Debug, serde::Deserialize)]
struct FormCheck {
    #[serde(default)]
    answers: Answers,
    form: ApplicationForm,
}

/// Field-level problems of a form, found by the same `domain` code the app runs.
async fn check_form(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    body: Result<Json<FormCheck>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Vec<FieldError>>, ApiError> {
    let item = item(&state, &code)?;
    let Json(check) = body.map_err(|_| ApiError::BadRequest("表单的格式不对，请刷新页面后重试".to_owned()))?;
    let needs_agent = matches!(check.answers.get("agent"), Some(domain::situation::Answer::YesNo(true)));
    Ok(Json(validate_application(
        &check.form,
        &item.fields,
        &item.questions,
        &check.answers,
        needs_agent,
        crate::db::today_in_china(),
    )))
}

fn answers_body(body: Result<Json<Answers>, axum::extract::rejection::JsonRejection>) -> Result<Answers, ApiError> {
    body.map(|Json(answers)| answers).map_err(|_| {
        ApiError::BadRequest("回答的格式不对：应为 JSON 对象，例如 {\"agent\": true, \"vehicles_owned\": 3}".to_owned())
    })
}
