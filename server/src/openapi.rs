//! The OpenAPI document of the whole API, served at `/api/openapi.json`. It is
//! generated from the code: every route is registered from its handler's
//! `#[utoipa::path]` (so the document and the router cannot disagree), and the
//! schemas are derived from the `domain` types the handlers use. The tus
//! upload endpoints, served by tus-axum, are described by the stubs below.

#![allow(dead_code)]

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::apply::application_key::ApplicationKeyHeader;

#[derive(OpenApi)]
#[openapi(
    info(title = "便民 Bianmin API", description = "政务服务网上办事：事项与办事指南、情形引导、网上申请、办件进度与评价，以及部门办件接口。\
All paths are relative to `/api`. Personal data travels in request bodies only, never in an address."),
    servers((url = "/api")),
    paths(tus_create, tus_offset, tus_append, tus_terminate),
    // Named by the submission routes' shared `SubmissionAnswers`, which does not collect them.
    components(schemas(domain::apply::submission::Receipt, domain::api::ErrorBody)),
    modifiers(&DepartmentToken),
    tags(
        (name = "catalog", description = "事项、办事指南与材料清单"),
        (name = "apply", description = "网上申请：表单检查、草稿、提交"),
        (name = "uploads", description = "断点续传（tus 1.0）与文件检查"),
        (name = "cases", description = "办件进度、补正、撤回、评价、投诉、数据公开"),
        (name = "staff", description = "部门办件接口（部门令牌）"),
        (name = "account", description = "登录状态（服务器端会话，HttpOnly Cookie，变更请求需带防伪令牌）"),
    )
)]
pub struct ApiDoc;

/// A query filter that is one of `values`, or empty for "any" (the app sends
/// every filter, empty when none is chosen).
fn one_of_or_empty(values: impl IntoIterator<Item = &'static str>, description: &str) -> utoipa::openapi::Object {
    let values: Vec<&str> = std::iter::once("").chain(values).collect();
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .build()
}

/// `applicant` of `GET /services`.
pub fn applicant_filter() -> utoipa::openapi::Object {
    one_of_or_empty(["individual", "organisation"], "`individual`（个人）or `organisation`（企业和组织）; empty: both")
}

/// `status` of `GET /staff/cases`.
pub fn status_filter() -> utoipa::openapi::Object {
    one_of_or_empty(domain::case::Status::ALL.map(|s| s.as_str()), "Only cases in this status; empty: all")
}

pub fn light_filter() -> utoipa::openapi::Object {
    one_of_or_empty(
        domain::time::calendar::Light::ALL.map(|l| l.as_str()),
        "Only running cases with this light; empty: all",
    )
}

pub fn sort_filter() -> utoipa::openapi::Object {
    one_of_or_empty(domain::case::search::Sort::ALL.map(|s| s.as_str()), "The order; empty: newest first")
}

/// `Authorization: Bearer <token>` for the staff API.
struct DepartmentToken;

impl Modify for DepartmentToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "department_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A department's token from `bianmin staff add-token`."))
                    .build(),
            ),
        );
    }
}

/// The tus protocol version, the only one served.
#[derive(utoipa::ToSchema)]
#[schema(as = TusResumable)]
enum TusVersion {
    #[schema(rename = "1.0.0")]
    V1,
}

/// The header of every tus request but OPTIONS.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
struct TusRequest {
    #[param(rename = "Tus-Resumable", inline)]
    tus_resumable: TusVersion,
}

/// The headers of a tus creation.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
struct TusCreation {
    #[param(rename = "Tus-Resumable", inline)]
    tus_resumable: TusVersion,
    /// The file's size in bytes (an empty file is refused).
    #[param(rename = "Upload-Length", minimum = 1)]
    upload_length: u64,
    /// `item <base64>,material <base64>,filename <base64>`: the item code, the
    /// material id and the file's name, each base64 of UTF-8.
    #[param(
        rename = "Upload-Metadata",
        pattern = "^item (?:[A-Za-z0-9+/]{4})+,material (?:[A-Za-z0-9+/]{4})+,filename (?:[A-Za-z0-9+/]{4})+$"
    )]
    upload_metadata: String,
}

/// Create an upload (tus creation); the material's type and size rules are checked here.
#[utoipa::path(post, path = "/uploads", tag = "uploads", params(TusCreation, ApplicationKeyHeader),
    responses((status = 201, description = "Created; `Location` is the upload's address"),
              (status = 400, description = "No application key"),
              (status = 403, description = "An application key the server did not issue"),
              (status = 404, description = "Metadata that names no material"),
              (status = 412, description = "An unsupported tus version"),
              (status = 413, description = "Larger than the material or the application's budget allows"),
              (status = 415, description = "A type the material does not take"),
              (status = 429, description = "Too many new uploads from this address")))]
fn tus_create() {}

/// Where an upload stands: `Upload-Offset` of `Upload-Length` (resume from there).
#[utoipa::path(head, path = "/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), TusRequest, ApplicationKeyHeader),
    responses((status = 200, description = "`Upload-Offset` and `Upload-Length` headers"),
              (status = 400, description = "No Tus-Resumable header"), (status = 404, description = "Unknown, expired, or another application's")))]
fn tus_offset() {}

/// Append bytes at `Upload-Offset` (`Content-Type: application/offset+octet-stream`),
/// optionally with `Upload-Checksum` (sha1 or sha256).
#[utoipa::path(patch, path = "/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), TusRequest, ("Upload-Offset" = u64, Header),
           ("Upload-Checksum" = Option<String>, Header), ApplicationKeyHeader),
    responses((status = 204, description = "Accepted; `Upload-Offset` is the new offset"),
              (status = 400, description = "A malformed or missing header"), (status = 404, description = "Unknown, expired, or another application's"),
              (status = 409, description = "Wrong offset"), (status = 412, description = "An unsupported tus version"),
              (status = 413, description = "Past the declared length, or an unknown-length body over one chunk"),
              (status = 415, description = "Not application/offset+octet-stream"),
              (status = 423, description = "Another request holds the upload"), (status = 460, description = "Checksum mismatch")))]
fn tus_append() {}

/// Discard an upload (tus termination).
#[utoipa::path(delete, path = "/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), TusRequest, ApplicationKeyHeader),
    responses((status = 204, description = "Deleted"), (status = 400, description = "No Tus-Resumable header"), (status = 403, description = "A case holds it: it is never deleted"),
              (status = 404, description = "Unknown, expired, or another application's"),
              (status = 412, description = "An unsupported tus version"), (status = 423, description = "Another request holds the upload")))]
fn tus_terminate() {}
