//! What the applicant and the staff see of a case, single or joint.

pub mod joint;
pub mod single;

use domain::case::view::{CaseView, StaffCase};

use crate::AppState;
use crate::case::store::CaseRow;
use crate::error::ApiError;

/// What the applicant sees.
pub async fn applicant_view(state: &AppState, case: &CaseRow) -> Result<CaseView, ApiError> {
    if case.bundle().is_some() {
        return Box::pin(joint::applicant_view(state, case)).await;
    }
    single::applicant_view(state, case).await
}

/// What the department's staff see.
pub async fn staff_view(state: &AppState, case: &CaseRow) -> Result<StaffCase, ApiError> {
    if case.is_joint() {
        return Box::pin(joint::staff_view(state, case)).await;
    }
    single::single_staff_view(state, case).await
}
