//! The OpenAPI document of the whole API, served at `/api/openapi.json`. It is
//! generated from the code: every route is registered from its handler's
//! `#[utoipa::path]` (so the document and the router cannot disagree), and the
//! schemas are derived from the `domain` types the handlers use. The tus
//! upload endpoints, served by tus-axum, are described by the stubs below.

#![allow(dead_code)]

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "便民 Bianmin API", description = "政务服务网上办事：事项与办事指南、情形引导、网上申请、办件进度与评价，以及部门办件接口。\
All paths are relative to `/api`. Personal data travels in request bodies only, never in an address."),
    servers((url = "/api")),
    paths(tus_create, tus_offset, tus_append, tus_terminate),
    modifiers(&DepartmentToken),
    tags(
        (name = "catalog", description = "事项、办事指南与材料清单"),
        (name = "apply", description = "网上申请：表单检查、草稿、提交"),
        (name = "uploads", description = "断点续传（tus 1.0）与文件检查"),
        (name = "cases", description = "办件进度、补正、撤回、评价、投诉、数据公开"),
        (name = "staff", description = "部门办件接口（部门令牌）"),
    )
)]
pub struct ApiDoc;

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

/// Create an upload (tus creation). Metadata: `item`, `material`, `filename`
/// (base64); the material's type and size rules are checked here.
#[utoipa::path(post, path = "/uploads", tag = "uploads",
    params(("Tus-Resumable" = String, Header, description = "1.0.0"), ("Upload-Length" = u64, Header),
           ("Upload-Metadata" = String, Header, description = "item <base64>,material <base64>,filename <base64>"),
           ("Application-Key" = String, Header, description = "The application's key from POST /api/application-keys")),
    responses((status = 201, description = "Created; `Location` is the upload's address"),
              (status = 400, description = "No application key, or metadata that names no material"),
              (status = 412, description = "An unsupported tus version"),
              (status = 413, description = "Larger than the material or the application's budget allows"),
              (status = 415, description = "A type the material does not take"),
              (status = 429, description = "Too many new uploads from this address")))]
fn tus_create() {}

/// Where an upload stands: `Upload-Offset` of `Upload-Length` (resume from there).
#[utoipa::path(head, path = "/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), ("Tus-Resumable" = String, Header), ("Application-Key" = String, Header, description = "The application's key from POST /api/application-keys")),
    responses((status = 200, description = "`Upload-Offset` and `Upload-Length` headers"),
              (status = 404, description = "Unknown, expired, or another application's")))]
fn tus_offset() {}

/// Append bytes at `Upload-Offset` (`Content-Type: application/offset+octet-stream`),
/// optionally with `Upload-Checksum` (sha1 or sha256).
#[utoipa::path(patch, path = "/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), ("Tus-Resumable" = String, Header), ("Upload-Offset" = u64, Header),
           ("Upload-Checksum" = Option<String>, Header), ("Application-Key" = String, Header, description = "The application's key from POST /api/application-keys")),
    responses((status = 204, description = "Accepted; `Upload-Offset` is the new offset"),
              (status = 400, description = "A malformed header"), (status = 404, description = "Unknown, expired, or another application's"),
              (status = 409, description = "Wrong offset"), (status = 412, description = "An unsupported tus version"),
              (status = 413, description = "Past the declared length, or an unknown-length body over one chunk"),
              (status = 415, description = "Not application/offset+octet-stream"),
              (status = 423, description = "Another request holds the upload"), (status = 460, description = "Checksum mismatch")))]
fn tus_append() {}

/// Discard an upload (tus termination).
#[utoipa::path(delete, path = "/uploads/{id}", tag = "uploads",
    params(("id" = String, Path), ("Tus-Resumable" = String, Header), ("Application-Key" = String, Header, description = "The application's key from POST /api/application-keys")),
    responses((status = 204, description = "Deleted"), (status = 403, description = "A case holds it: it is never deleted"),
              (status = 404, description = "Unknown, expired, or another application's"),
              (status = 412, description = "An unsupported tus version"), (status = 423, description = "Another request holds the upload")))]
fn tus_terminate() {}
