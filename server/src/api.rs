//! The public JSON API: service catalog and health.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use domain::api::{Health, ServiceList};
use domain::search::{ServiceQuery, search};
use domain::{ApplicantType, ServiceItem};
use serde::Deserialize;

use crate::error::ApiError;
use crate::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/services", get(list_services))
        .route("/services/{code}", get(get_service))
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
    Ok(Json(search(&state.catalog.items, &params.into_query()?)))
}

async fn get_service(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
) -> Result<Json<ServiceItem>, ApiError> {
    state
        .catalog
        .get(&code)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {code} 的事项，它可能已调整或停止办理")))
}
