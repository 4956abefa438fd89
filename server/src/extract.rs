//! The one way a JSON body comes in: [`ApiJson`], whose refusal is the app's
//! own error in Chinese (never serde's English), worded by the body's type;
//! and the one way a query string does: [`ApiQuery`].

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A request body, with what to tell the applicant when it cannot be read.
pub trait JsonBody: DeserializeOwned {
    const REFUSAL: &'static str = "请求的格式不对，请刷新页面后重试";
}

/// `axum::Json`, refused with [`JsonBody::REFUSAL`] as a 400. A whole number
/// written with a fraction (`5.0`) is read as the whole number: JSON and the
/// OpenAPI schema's `integer` do not tell them apart, serde's integers do.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: JsonBody> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Only the kind of failure is logged: serde's messages quote the values,
        // and a body may hold someone's ID number.
        let refuse = |why: &str| {
            tracing::debug!(why, "a request body could not be read");
            ApiError::BadRequest(T::REFUSAL.to_owned())
        };
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(|e| refuse(e.status().canonical_reason().unwrap_or("unreadable")))?;
        // Every body is an object: serde would read a struct whose fields all
        // have defaults from `[]` too.
        if !value.is_object() {
            return Err(refuse("not an object"));
        }
        from_value(value).map(Self).map_err(|e| refuse(if e.is_data() { "not the expected shape" } else { "not JSON" }))
    }
}

/// A body read as [`ApiJson`] reads it, for a route that needs the raw bytes too.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    from_value(serde_json::from_slice(bytes)?)
}

fn from_value<T: DeserializeOwned>(mut value: serde_json::Value) -> serde_json::Result<T> {
    whole_numbers_as_integers(&mut value);
    serde_json::from_value(value)
}

/// Every float in `value` that is a whole number within ±2⁵³ made an integer.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() <= 9_007_199_254_740_992.0
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// `axum::extract::Query`, refused as a 400 in the API's JSON shape (a value
/// given twice, say); the values themselves are checked by each route.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => {
                // The kind only: the message may quote what was typed.
                tracing::debug!(status = %rejection.status(), "a query string could not be read");
                Err(ApiError::BadRequest("查询参数无法识别，请检查地址是否完整".to_owned()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_written_with_a_fraction_read_as_integers() {
        let mut value =
            serde_json::json!({"overall": 5.0, "list": [3.0, 2.5, -4.0], "deep": {"size": 1e3}, "s": "5.0"});
        whole_numbers_as_integers(&mut value);
        assert_eq!(value, serde_json::json!({"overall": 5, "list": [3, 2.5, -4], "deep": {"size": 1000}, "s": "5.0"}));
        assert!(value["overall"].is_i64());
        let mut huge = serde_json::json!(1e300);
        whole_numbers_as_integers(&mut huge);
        assert!(huge.is_f64(), "beyond 2^53 a float stays a float (and an integer field refuses it)");
        // Read exactly (serde_json's float_roundtrip): the fast parser made this …247.25.
        let size: Option<u64> = from_slice(b"2251799813685247.0").unwrap();
        assert_eq!(size, Some(2_251_799_813_685_247));
    }
}
