//! Cases as stored, one place that reads and writes them: a case row (single,
//! a joint case's whole or one of its parts), its events, files and rating;
//! creating a case; and writing a move, guarded by the row's version so two
//! moves never interleave, with its notifications in the same transaction.

use domain::ServiceItem;
use domain::apply::submission::{Submission, tolerance_deadline};
use domain::case::joint::JointSupplement;
use domain::case::view::{CaseFile, Rating};
use domain::case::{Action, Actor, Event, Status, SupplementItem};
use domain::reference::CaseNumber;
use domain::time::date::Date;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::AppState;
use crate::at_rest::data_key::DataKeys;
use crate::error::ApiError;
use domain::case::effect::{Changes, Clock};

/// A case as stored.
#[derive(Clone, Debug)]
pub struct CaseRow {
    pub case_number: String,
    pub query_code_hash: String,
    pub item_code: String,
    pub application: Submission,
    pub status: Status,
    pub submitted_at: String,
    pub department: String,
    pub promised_days: u16,
    pub version: i64,
    pub accepted_on: Option<Date>,
    pub due_on: Option<Date>,
    pub suspended_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub result: Option<String>,
    pub supplement: Vec<SupplementItem>,
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
        Ok(Self {
            case_number: row.try_get("case_number")?,
            query_code_hash: row.try_get("query_code_hash")?,
            item_code: row.try_get("item_code")?,
            application: serde_json::from_str(
                &keys.open("cases.application", &row.try_get::<String, _>("application")?)?,
            )
            .map_err(internal)?,
            status,
            submitted_at: row.try_get("submitted_at")?,
            department: row.try_get("department")?,
            promised_days: u16::try_from(row.try_get::<i64, _>("promised_days")?).unwrap_or(0),
            version: row.try_get("version")?,
            accepted_on: date(row, "accepted_on")?,
            due_on: date(row, "due_on")?,
            suspended_on: date(row, "suspended_on")?,
            completed_on: date(row, "completed_on")?,
            result: row.try_get("result")?,
            supplement: json_list(row, "supplement")?,
            kind: match (
                row.try_get::<Option<String>, _>("joint_number")?,
                row.try_get::<Option<String>, _>("bundle_code")?,
            ) {
                (Some(whole), _) => Kind::Part { whole, pending: json_list(row, "pending")? },
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

    /// When the 容缺 materials are due: counted from acceptance, never beyond the promise.
    pub fn later_due(&self, state: &AppState) -> Option<Date> {
        (!self.application.later.is_empty())
            .then_some(self.accepted_on?)
            .map(|accepted| tolerance_deadline(&state.calendar, accepted, self.promised_days))
    }
}

pub const COLUMNS: &str = "case_number, query_code_hash, item_code, application, status, submitted_at, department, \
                       promised_days, version, accepted_on, due_on, suspended_on, completed_on, result, supplement, \
                       joint_number, bundle_code, stage, notice, pending";

/// A case by the number a person or a staff system gave (parsed at the edge).
pub async fn load(state: &AppState, case_number: &CaseNumber) -> Result<Option<CaseRow>, ApiError> {
    load_stored(state, case_number.as_str()).await
}

/// A case again by the number it was stored under (after a change to it).
pub async fn load_stored(state: &AppState, case_number: &str) -> Result<Option<CaseRow>, ApiError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM cases WHERE case_number = $1"))
        .bind(case_number)
        .fetch_optional(&state.db)
        .await?;
    row.as_ref().map(|row| CaseRow::from_row(&state.keys, row)).transpose()
}

/// A department's cases, newest first, optionally of one status and item.
pub async fn list(
    state: &AppState,
    department: &str,
    status: Option<Status>,
    item: Option<&str>,
) -> Result<Vec<CaseRow>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM cases WHERE department = $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR item_code = $3) \
         ORDER BY submitted_at DESC LIMIT 500"
    ))
    .bind(department)
    .bind(status.map_or("", Status::as_str))
    .bind(item.unwrap_or(""))
    .fetch_all(&state.db)
    .await?;
    rows.iter().map(|row| CaseRow::from_row(&state.keys, row)).collect()
}

pub async fn events(state: &AppState, case_number: &str) -> Result<Vec<Event>, ApiError> {
    let rows = sqlx::query(
        "SELECT at, actor, action, label, note, status FROM case_events WHERE case_number = $1 ORDER BY seq",
    )
    .bind(case_number)
    .fetch_all(&state.db)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            let status = Status::parse(&status).ok_or_else(|| internal(format!("status {status}")))?;
            Ok(Event {
                at: row.try_get("at")?,
                actor: serde_json::from_str(&row.try_get::<String, _>("actor")?).map_err(internal)?,
                action: row.try_get("action")?,
                label: row.try_get("label")?,
                note: row.try_get("note")?,
                status,
            })
        })
        .collect()
}

/// A case's files with their materials' names, in the order they came.
pub async fn files(state: &AppState, case: &CaseRow) -> Result<Vec<CaseFile>, ApiError> {
    let rows = sqlx::query("SELECT upload, material, name, size, added_at FROM case_files WHERE case_number = $1 ORDER BY added_at, upload")
        .bind(&case.case_number)
        .fetch_all(&state.db)
        .await?;
    let item = case.item(state)?;
    rows.iter()
        .map(|row| {
            let material: String = row.try_get("material")?;
            let upload: String = row.try_get("upload")?;
            Ok(CaseFile {
                material_name: item
                    .materials
                    .iter()
                    .find(|m| m.id == material)
                    .map_or(material.clone(), |m| m.name.clone()),
                download: format!("/api/staff/cases/{}/files/{upload}", case.case_number),
                material,
                upload,
                name: state.keys.open("case_files.name", &row.try_get::<String, _>("name")?)?,
                size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or(0),
                added_at: row.try_get("added_at")?,
            })
        })
        .collect()
}

/// A file to record with a case.
#[derive(Clone, Debug)]
pub struct NewFile {
    pub upload: String,
    /// The hash of the application key that owns the upload.
    pub owner: String,
    pub material: String,
    pub name: String,
    pub size: u64,
}

/// What happens to a case, as the one asking for it says it: the action
/// (`None`: a step that keeps the status, a 容缺 material supplied), who,
/// and the timeline's words.
pub struct Step<'a> {
    pub action: Option<&'a Action>,
    pub actor: &'a Actor,
    pub label: &'a str,
    pub note: Option<String>,
}

impl<'a> Step<'a> {
    /// A move by `actor`, in the action's own words.
    pub fn of(action: &'a Action, actor: &'a Actor) -> Self {
        Self { action: Some(action), actor, label: action.label(), note: action.note() }
    }
}

/// One recorded move of one case row, written inside a transaction.
pub struct Move<'a> {
    pub case: &'a CaseRow,
    pub status: Status,
    pub changes: Changes,
    pub actor: &'a Actor,
    /// What happened (`LaterSupplied` for a step that keeps the status).
    pub event: domain::case::event::CaseEvent,
    pub label: &'a str,
    pub note: Option<String>,
    pub files: &'a [NewFile],
    /// Whether the files are claimed now, or were by the whole (a joint case's part).
    pub claim: Claim,
    /// What the applicant is told of it, if anything.
    pub notice: Option<domain::case::notices::NoticeEvent>,
}

/// Write a move: the row (only if nobody moved it since it was read), its event, its files.
pub async fn write_move(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    m: Move<'_>,
    now: &str,
) -> Result<(), ApiError> {
    let keys = &state.keys;
    let case = m.case;
    let changes = m.changes;
    let text = |d: Option<Option<Date>>, old: Option<Date>| d.unwrap_or(old).map(|d| d.to_string());
    let updated = sqlx::query(
        "UPDATE cases SET status = $1, version = version + 1, accepted_on = $2, due_on = $3, suspended_on = $4, \
         completed_on = $5, result = $6, supplement = $7, pending = $8, stage = $9, notice = $10 \
         WHERE case_number = $11 AND version = $12",
    )
    .bind(m.status.as_str())
    .bind(text(changes.accepted_on, case.accepted_on))
    .bind(text(changes.due_on, case.due_on))
    .bind(text(changes.suspended_on, case.suspended_on))
    .bind(text(changes.completed_on, case.completed_on))
    .bind(changes.result.clone().or_else(|| case.result.clone()))
    .bind(to_json(changes.supplement.as_ref().unwrap_or(&case.supplement))?)
    .bind(to_json(changes.pending.as_deref().unwrap_or(case.pending()))?)
    .bind(changes.stage.or(case.stage_and_notice().0).map(Status::as_str))
    .bind(to_json(changes.notice.as_deref().unwrap_or(case.stage_and_notice().1))?)
    .bind(&case.case_number)
    .bind(case.version)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ApiError::Conflict("办件刚刚有了新的变化，请刷新后再操作".to_owned()));
    }
    insert_event(tx, &case.case_number, case.version + 1, now, m.actor, m.event.name(), m.label, m.note, m.status)
        .await?;
    let event = crate::notify::outbox::EventFacts {
        case_number: &case.case_number,
        joint_number: case.whole_number(),
        department: &case.department,
        item_code: &case.item_code,
        event: m.event,
        status: m.status,
        at: now,
    };
    crate::notify::outbox::enqueue_case_event(tx, state, event).await?;
    if let Some(notice) = &m.notice {
        let title = case.title(state)?;
        let to = crate::notify::outbox::NoticeTo {
            case_number: &case.case_number,
            application: &case.application,
            title: &title,
            collect: case.collection(state)?,
        };
        crate::notify::outbox::enqueue_notice(tx, state, &to, notice, None).await?;
    }
    for file in m.files {
        insert_file(tx, keys, &case.case_number, file, now, m.claim).await?;
    }
    Ok(())
}

/// A list stored as JSON text.
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(internal)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_number: &str,
    seq: i64,
    at: &str,
    actor: &Actor,
    action: &str,
    label: &str,
    note: Option<String>,
    status: Status,
) -> Result<(), ApiError> {
    sqlx::query("INSERT INTO case_events (case_number, seq, at, actor, action, label, note, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(case_number)
        .bind(seq)
        .bind(at)
        .bind(serde_json::to_string(actor).map_err(internal)?)
        .bind(action)
        .bind(label)
        .bind(note)
        .bind(status.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whose upload a file is when a case records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The case claims it now: refused if another case holds it or it is gone.
    Now,
    /// Already claimed, by a joint case's whole for its parts.
    Done,
}

/// A file's record in one case, its upload claimed for it (`Claim::Now`) or
/// already claimed by the whole it belongs to.
pub async fn insert_file(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    keys: &DataKeys,
    case_number: &str,
    file: &NewFile,
    at: &str,
    claim: Claim,
) -> Result<(), ApiError> {
    if claim == Claim::Now && !crate::apply::uploads::owner::attach(tx, &file.upload, &file.owner, case_number).await? {
        return Err(ApiError::Conflict(format!("“{}”已被删除或已随另一份申请提交，请重新上传这个文件", file.name)));
    }
    sqlx::query(
        "INSERT INTO case_files (case_number, upload, material, name, size, added_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_number)
    .bind(&file.upload)
    .bind(&file.material)
    .bind(keys.seal("case_files.name", &file.name)?)
    .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// 容缺 materials not supplied yet.
pub async fn outstanding_later(state: &AppState, case: &CaseRow) -> Result<Vec<String>, ApiError> {
    let supplied: Vec<String> = sqlx::query("SELECT DISTINCT material FROM case_files WHERE case_number = $1")
        .bind(&case.case_number)
        .fetch_all(&state.db)
        .await?
        .iter()
        .map(|row| row.try_get("material"))
        .collect::<Result<_, _>>()?;
    Ok(case.application.later.iter().filter(|m| !supplied.contains(m)).cloned().collect())
}

/// Apply the 容缺 rule: a case whose 容缺 materials are still missing after
pub fn material_name(item: &ServiceItem, id: &str) -> String {
    item.materials.iter().find(|m| m.id == id).map_or(id.to_owned(), |m| m.name.clone())
}

pub async fn rating(state: &AppState, case_number: &str) -> Result<Option<Rating>, ApiError> {
    let row = sqlx::query("SELECT rating FROM ratings WHERE case_number = $1")
        .bind(case_number)
        .fetch_optional(&state.db)
        .await?;
    row.map(|r| serde_json::from_str(&r.try_get::<String, _>("rating")?).map_err(internal)).transpose()
}

/// What `action` changes on `case` today.
pub fn changes(state: &AppState, case: &CaseRow, action: &Action) -> Changes {
    let clock = Clock { promised_days: case.promised_days, due_on: case.due_on, suspended_on: case.suspended_on };
    Changes::of(action, clock, state.today(), &state.calendar)
}

/// A refused move as the API's error: 409 when the status does not allow it.
pub fn refusal(e: domain::case::TransitionError) -> ApiError {
    if e.conflict { ApiError::Conflict(e.message) } else { ApiError::Unprocessable(e.message) }
}
