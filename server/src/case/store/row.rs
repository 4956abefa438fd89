//! A case row as stored: a single case, a joint case's whole or one of its
//! parts, read once from its columns.

use domain::ServiceItem;
use domain::apply::submission::{Submission, tolerance_deadline};
use domain::case::joint::JointSupplement;
use domain::case::{Status, SupplementItem};
use domain::time::date::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::AppState;
use crate::at_rest::data_key::{Column, DataKeys};
use crate::error::ApiError;

/// A case as stored.
#[derive(Clone, Debug)]
pub struct CaseRow {
    pub case_number: String,
    /// The province's number (办件编号), when the centre numbers cases for it.
    pub province_number: Option<String>,
    pub query_code_hash: String,
    pub item_code: String,
    pub application: Submission,
    pub status: Status,
    pub submitted_at: String,
    pub department: String,
    pub promised_days: u16,
    pub version: i64,
    /// The day the materials were (last) received (the answer clock runs from it).
    pub received_on: Date,
    /// The day 容缺 materials are counted from (the acceptance was made).
    pub later_from: Option<Date>,
    pub accepted_on: Option<Date>,
    pub due_on: Option<Date>,
    pub suspended_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub result: Option<String>,
    /// 办结's decision, when one was recorded.
    pub decision: Option<domain::case::decision::Decision>,
    pub supplement: Vec<SupplementItem>,
    /// The last day to supply what the 补正告知 asks for.
    pub supply_by: Option<Date>,
    pub kind: Kind,
}

/// What a case row is: a single case, the whole of a joint case, or one of its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Single,
    /// The whole of a joint case (the applicant's).
    Whole {
        /// Its bundle (`item_code` holds it too).
        bundle: String,
        /// The lead's stage (`status` is the whole as its parts make it).
        stage: Status,
        /// The combined supplement notice sent to the applicant.
        notice: Vec<JointSupplement>,
    },
    /// One item's part of a joint case (a department's).
    Part {
        /// The whole's number.
        whole: String,
        /// Supplements asked for in pre-review, waiting for the lead's notice.
        pending: Vec<SupplementItem>,
        /// Its answer to the lead before acceptance; `None` while it has not answered.
        consult: Option<domain::case::joint::Consult>,
    },
}

fn json_list<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<Vec<T>, ApiError> {
    match row.try_get::<Option<String>, _>(column)? {
        Some(text) => serde_json::from_str(&text).map_err(internal),
        None => Ok(Vec::new()),
    }
}

pub(crate) fn internal(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("a stored case could not be read: {error}"))
}

fn date(row: &AnyRow, column: &str) -> Result<Option<Date>, ApiError> {
    Ok(row.try_get::<Option<String>, _>(column)?.and_then(|text| Date::parse(&text)))
}

impl CaseRow {
    pub fn from_row(keys: &DataKeys, row: &AnyRow) -> Result<Self, ApiError> {
        let status: String = row.try_get("status")?;
        let status = Status::parse(&status).ok_or_else(|| internal(format!("status {status}")))?;
        let case_number: String = row.try_get("case_number")?;
        let application =
            keys.open(Column::CaseApplication, &case_number, &row.try_get::<String, _>("application")?)?;
        Ok(Self {
            application: serde_json::from_str(&application).map_err(internal)?,
            case_number,
            province_number: row.try_get("province_number")?,
            query_code_hash: row.try_get("query_code_hash")?,
            item_code: row.try_get("item_code")?,
            status,
            submitted_at: row.try_get("submitted_at")?,
            department: row.try_get("department")?,
            promised_days: u16::try_from(row.try_get::<i64, _>("promised_days")?).unwrap_or(0),
            version: row.try_get("version")?,
            received_on: match date(row, "received_on")? {
                Some(day) => day,
                // Stored before the column: the submission's day in Beijing.
                None => Date::in_beijing(&row.try_get::<String, _>("submitted_at")?)
                    .ok_or_else(|| internal("submitted_at is not a time"))?,
            },
            later_from: date(row, "later_from")?,
            accepted_on: date(row, "accepted_on")?,
            due_on: date(row, "due_on")?,
            suspended_on: date(row, "suspended_on")?,
            completed_on: date(row, "completed_on")?,
            result: row.try_get("result")?,
            decision: row
                .try_get::<Option<String>, _>("decision")?
                .map(|text| serde_json::from_str(&text).map_err(internal))
                .transpose()?,
            supplement: json_list(row, "supplement")?,
            supply_by: date(row, "supply_by")?,
            kind: match (
                row.try_get::<Option<String>, _>("joint_number")?,
                row.try_get::<Option<String>, _>("bundle_code")?,
            ) {
                (Some(whole), _) => Kind::Part {
                    whole,
                    pending: json_list(row, "pending")?,
                    consult: row
                        .try_get::<Option<String>, _>("consult")?
                        .as_deref()
                        .and_then(domain::case::joint::Consult::parse),
                },
                (None, Some(bundle)) => Kind::Whole {
                    bundle,
                    stage: row
                        .try_get::<Option<String>, _>("stage")?
                        .as_deref()
                        .and_then(Status::parse)
                        .unwrap_or(status),
                    notice: json_list(row, "notice")?,
                },
                (None, None) => Kind::Single,
            },
        })
    }

    /// A joint case's whole or part (moved and shown by the joint rules).
    pub fn is_joint(&self) -> bool {
        !matches!(self.kind, Kind::Single)
    }

    /// The whole of a joint case: its bundle.
    pub fn bundle(&self) -> Option<&str> {
        match &self.kind {
            Kind::Whole { bundle, .. } => Some(bundle),
            Kind::Single | Kind::Part { .. } => None,
        }
    }

    /// A part of a joint case: the whole's number.
    pub fn whole_number(&self) -> Option<&str> {
        match &self.kind {
            Kind::Part { whole, .. } => Some(whole),
            Kind::Single | Kind::Whole { .. } => None,
        }
    }

    /// A part's supplement requests waiting for the lead's notice.
    pub fn pending(&self) -> &[SupplementItem] {
        match &self.kind {
            Kind::Part { pending, .. } => pending,
            Kind::Single | Kind::Whole { .. } => &[],
        }
    }

    /// A part's stored answer to the lead's consultation.
    pub fn consult(&self) -> Option<domain::case::joint::Consult> {
        match &self.kind {
            Kind::Part { consult, .. } => *consult,
            Kind::Single | Kind::Whole { .. } => None,
        }
    }

    /// The whole's stage and combined notice.
    pub fn stage_and_notice(&self) -> (Option<Status>, &[JointSupplement]) {
        match &self.kind {
            Kind::Whole { stage, notice, .. } => (Some(*stage), notice),
            Kind::Single | Kind::Part { .. } => (None, &[]),
        }
    }

    /// The item's name, or the bundle's for the whole of a joint case.
    pub fn title(&self, state: &AppState) -> Result<String, ApiError> {
        match self.bundle() {
            Some(code) => state
                .catalog
                .bundle(code)
                .map(|b| b.bundle.name.clone())
                .ok_or_else(|| internal(format!("bundle {code} left the catalog"))),
            None => Ok(self.item(state)?.name.clone()),
        }
    }

    /// The item of the case in the catalog.
    pub fn item<'a>(&self, state: &'a AppState) -> Result<&'a ServiceItem, ApiError> {
        state.catalog.get(&self.item_code).ok_or_else(|| internal(format!("item {} left the catalog", self.item_code)))
    }

    /// How the applicant collects the result: the window of the item (a joint
    /// case's lead item), at its hours, or by post as the form chose.
    pub fn collection(&self, state: &AppState) -> Result<domain::case::notices::Collection, ApiError> {
        let item = match self.bundle() {
            Some(code) => {
                let detail =
                    state.catalog.bundle(code).ok_or_else(|| internal(format!("bundle {code} left the catalog")))?;
                detail.lead_item().ok_or_else(|| internal(format!("bundle {code} has no lead item")))?
            }
            None => self.item(state)?,
        };
        Ok(domain::case::notices::collection(self.application.form.delivery.as_ref(), &item.place, &item.hours))
    }

    /// Waiting for the first answer (a part: with its whole): the last day to
    /// give it before the application counts as accepted.
    pub fn answer_by(&self, state: &AppState) -> Option<Date> {
        let stage = self.stage_and_notice().0.unwrap_or(self.status);
        (self.whole_number().is_none() && stage.waits_for_answer())
            .then(|| domain::case::clock::answer_by(&state.calendar, self.received_on))
    }

    /// The light of the answer clock, while it runs.
    pub fn answer_light(&self, state: &AppState) -> Option<domain::time::calendar::Light> {
        self.answer_by(state).map(|by| domain::case::clock::answer_light(&state.calendar, state.today(), by))
    }

    /// When the 容缺 materials are due: counted from the day of acceptance (an
    /// acceptance by law: the day it was made), never beyond the promise.
    pub fn later_due(&self, state: &AppState) -> Option<Date> {
        (!self.application.later.is_empty())
            .then_some(self.later_from.or(self.accepted_on)?)
            .map(|accepted| tolerance_deadline(&state.calendar, accepted, self.promised_days))
    }
}

pub const COLUMNS: &str = "case_number, query_code_hash, item_code, application, status, submitted_at, department, \
                       promised_days, version, accepted_on, due_on, suspended_on, completed_on, result, supplement, \
                       joint_number, bundle_code, stage, notice, pending, received_on, later_from, decision, supply_by, consult, \
                       province_number";
