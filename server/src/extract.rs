//! The one way a JSON body comes in: [`ApiJson`], whose refusal is the app's
//! own error in Chinese (never serde's English), worded by the body's type.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A request body, with what to tell the applicant when it cannot be read.
pub trait JsonBody: DeserializeOwned {
    const REFUSAL: &'static str = "请求的格式不对，请刷新页面后重试";
}

/// `axum::Json`, refused with [`JsonBody::REFUSAL`] as a 400.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: JsonBody> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => {
                tracing::debug!(%rejection, "a request body could not be read");
                Err(ApiError::BadRequest(T::REFUSAL.to_owned()))
            }
        }
    }
}
