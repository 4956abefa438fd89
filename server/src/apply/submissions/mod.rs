//! Submitting an application once, an item's or a bundle's: `POST /api/services/{code}/submissions` with an
//! `Idempotency-Key` header.
//!
//! A double tap, a retry after a timeout or a second tab must make exactly one
//! case, across server instances too, so the database decides: the first request
//! to insert the key does the work; the same key with the same body later gets
//! the same answer, with a different body 422, and while the first is still
//! running 409. A refused application releases its key, so the applicant can fix
//! it and send again.
//!
//! Nothing the browser checked is trusted: the form, the recomputed checklist
//! and every uploaded file are checked again with the `domain` code.

pub mod bundle;
pub mod item;
pub mod once;

use std::sync::Arc;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(item::submit)).routes(routes!(bundle::submit_bundle))
}
