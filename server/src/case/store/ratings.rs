//! A case's ratings as stored: each stage (受理, 办结) and round, with its
//! channel; whether the department answered an unhappy one (the applicant
//! may then rate again); and the default rating the service gives a case
//! left unrated after completion.

use domain::case::Status;
use domain::case::rating::{self, Channel, Given, Stage};
use domain::case::view::Rating;
use sqlx::Row;

use super::row::internal;
use crate::AppState;
use crate::at_rest::column::Column;
use crate::db::now_rfc3339;
use crate::error::ApiError;

/// Every rating of one case.
#[derive(Debug, Default)]
pub struct Ratings {
    pub given: Vec<(Given, Rating)>,
    /// The department answered a 差评 of the case.
    pub replied: bool,
}

impl Ratings {
    /// The rating that stands for `stage` (its last round).
    pub fn standing(&self, stage: Stage) -> Option<Rating> {
        let shown = rating::standing(&self.facts(), stage)?;
        self.given.iter().find(|(g, _)| *g == shown).map(|(_, r)| r.clone())
    }

    /// The round a new rating of `stage` would be, or why not.
    pub fn next_round(&self, status: Status, stage: Stage) -> Result<u8, &'static str> {
        rating::next_round(status, stage, &self.facts(), self.replied)
    }

    fn facts(&self) -> Vec<Given> {
        self.given.iter().map(|(g, _)| *g).collect()
    }
}

pub async fn of_case(state: &AppState, case_number: &str) -> Result<Ratings, ApiError> {
    let rows = sqlx::query("SELECT id, stage, round, overall, rating FROM case_ratings WHERE case_number = $1")
        .bind(case_number)
        .fetch_all(&state.db)
        .await?;
    let mut given = Vec::with_capacity(rows.len());
    for row in rows {
        let stage: String = row.try_get("stage")?;
        let facts = Given {
            stage: Stage::parse(&stage).ok_or_else(|| internal(format!("rating stage {stage}")))?,
            round: u8::try_from(row.try_get::<i64, _>("round")?).map_err(internal)?,
            overall: u8::try_from(row.try_get::<i64, _>("overall")?).map_err(internal)?,
        };
        let id: String = row.try_get("id")?;
        let shown = state.keys.open(Column::CaseRating, &id, &row.try_get::<String, _>("rating")?)?;
        given.push((facts, serde_json::from_str(&shown).map_err(internal)?));
    }
    let replied = sqlx::query(
        "SELECT 1 FROM work_orders WHERE case_number = $1 AND source = 'rating' AND reply IS NOT NULL LIMIT 1",
    )
    .bind(case_number)
    .fetch_optional(&state.db)
    .await?
    .is_some();
    Ok(Ratings { given, replied })
}

/// One rating of a case row (the whole for a joint case); false when that
/// stage and round was rated meanwhile.
pub async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    keys: &crate::at_rest::data_key::DataKeys,
    case_number: &str,
    department: &str,
    given: Given,
    rating: &Rating,
    channel: Channel,
) -> Result<bool, ApiError> {
    let id = format!("{case_number}:{}:{}", given.stage.as_str(), given.round);
    let text = serde_json::to_string(rating).map_err(|e| ApiError::Internal(e.into()))?;
    let inserted = sqlx::query(
        "INSERT INTO case_ratings (id, case_number, stage, round, department, overall, rating, channel, rated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (case_number, stage, round) DO NOTHING",
    )
    .bind(&id)
    .bind(case_number)
    .bind(given.stage.as_str())
    .bind(i64::from(given.round))
    .bind(department)
    .bind(i64::from(given.overall))
    .bind(keys.seal(Column::CaseRating, &id, &text)?)
    .bind(channel.as_str())
    .bind(now_rfc3339())
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Rate by default (满意) every case completed `days` or more days ago and
/// not rated at completion (hourly; a second instance finds them rated).
pub async fn give_defaults(state: &AppState, days: u16) -> Result<usize, ApiError> {
    let before = domain::time::date::Date::from_days(state.today().days() - i64::from(days));
    let rows = sqlx::query(
        "SELECT c.case_number, c.department FROM cases c WHERE c.status = 'completed' AND c.joint_number IS NULL \
         AND c.completed_on <= $1 AND NOT EXISTS (SELECT 1 FROM case_ratings r \
         WHERE r.case_number = c.case_number AND r.stage = 'completion')",
    )
    .bind(before.to_string())
    .fetch_all(&state.db)
    .await?;
    let level = rating::DEFAULT_LEVEL;
    let given = Given { stage: Stage::Completion, round: 1, overall: level };
    let shown = Rating { overall: level, ..Rating::default() };
    let mut rated = 0;
    for row in rows {
        let (case, department): (String, String) = (row.try_get("case_number")?, row.try_get("department")?);
        let stored = super::load_stored(state, &case).await?;
        let mut tx = crate::db::begin_write(&state.db).await?;
        if insert(&mut tx, &state.keys, &case, &department, given, &shown, Channel::Default).await? {
            rated += 1;
            if let Some(row) = &stored {
                crate::exchange::enqueue::rated(&mut tx, state, row, given, "", Channel::Default).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(rated)
}
