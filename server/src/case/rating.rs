//! Giving a rating, one way for the applicant's status page and the
//! window's pad: the stage must be open (as the applicant sees the case, a
//! joint case as a whole) and not yet rated; a 差评 opens a work order.

use domain::case::rating::{Channel, Given, Stage};
use domain::case::view::Rating;

use crate::AppState;
use crate::case::store::{CaseRow, ratings, work_orders};
use crate::error::ApiError;

/// Where a rating was made, and so whether the province is told of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// On Bianmin (the status page, the hall pad): reported upward.
    Bianmin,
    /// On the province's own page and sent back: the province has it already.
    Province,
}

/// Rate `case` (the whole of a joint case) at `stage`, through `channel`:
/// refused with a sentence when the stage is not open or already rated; a
/// 差评 opens a work order for the department in the same transaction.
pub async fn rate(
    state: &AppState,
    case: &CaseRow,
    stage: Stage,
    rating: &Rating,
    (channel, origin): (Channel, Origin),
) -> Result<u8, ApiError> {
    // A joint case is rated as a whole, as the applicant sees it.
    let status = crate::case::views::applicant_view(state, case).await?.status;
    let round = ratings::of_case(state, &case.case_number)
        .await?
        .next_round(status, stage)
        .map_err(|why| ApiError::Conflict(why.to_owned()))?;
    let given = Given { stage, round, overall: rating.overall };
    let mut tx = crate::db::begin_write(&state.db).await?;
    if !ratings::insert(&mut tx, &state.keys, &case.case_number, &case.department, given, rating, channel).await? {
        return Err(ApiError::Conflict("这个办件已经评价过了".to_owned()));
    }
    match origin {
        Origin::Bianmin => {
            crate::exchange::enqueue::rated(&mut tx, state, case, given, &rating.reason, channel).await?
        }
        Origin::Province => {}
    }
    if domain::case::work_order::is_bad(rating.overall) {
        let source = domain::case::work_order::Source::Rating;
        work_orders::open(&mut tx, state, source, case, &rating.reason).await?;
    }
    tx.commit().await?;
    tracing::info!(case = %case.case_number, stage = stage.as_str(), round, channel = channel.as_str(), "case rated");
    Ok(round)
}
