//! Reading cases: by number, a department's list, a case's events, files,
//! outstanding 容缺 materials and rating.

use domain::ServiceItem;
use domain::case::search::{CaseQuery, Sort};
use domain::case::view::CaseFile;
use domain::case::{Event, Status};
use domain::reference::CaseNumber;
use domain::time::calendar::Light;
use sqlx::Row;

use super::index;
use super::row::{COLUMNS, CaseRow, internal};
use crate::AppState;
use crate::at_rest::column::Column;
use crate::error::ApiError;

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

/// Which page of a list, and how many rows a page.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// From 1.
    pub number: u32,
    pub rows: u32,
}

/// Which of a department's cases a list shows, and in what order.
#[derive(Clone, Debug)]
pub struct Filter {
    pub status: Option<Status>,
    /// An item's code (a joint case's whole: its bundle's).
    pub item: Option<String>,
    /// Cases whose clock runs, by light today.
    pub light: Option<Light>,
    /// A case number, or a name or number on the application.
    pub query: Option<CaseQuery>,
    pub sort: Sort,
}

/// A department's cases as `filter` says: one page of them, and whether another follows.
pub async fn list(
    state: &AppState,
    department: &str,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<CaseRow>, bool), ApiError> {
    let order = match filter.sort {
        Sort::Newest => "submitted_at DESC, case_number",
        // Running cases by due date first (the clock stops for the rest).
        Sort::Due => {
            "CASE WHEN status IN ('accepted', 'in_progress') AND due_on IS NOT NULL THEN 0 ELSE 1 END, \
             due_on, submitted_at DESC, case_number"
        }
    };
    let number = filter.query.as_ref().and_then(|q| q.number.as_ref()).map_or("", |n| n.as_str());
    let term = filter.query.as_ref().and_then(|q| q.term.as_deref()).map(|t| index::term_hash(state, t));
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM cases WHERE department = $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR item_code = $3) \
         AND ($4 = '' OR case_number = $4 OR joint_number = $4 OR EXISTS \
              (SELECT 1 FROM case_terms t WHERE t.case_number = cases.case_number AND t.term_hash = $5)) \
         AND ($6 = '' OR (status IN ('accepted', 'in_progress') AND due_on IS NOT NULL AND ( \
              ($6 = 'overdue' AND due_on < $7) OR ($6 = 'close' AND due_on >= $7 AND close_on <= $7) \
              OR ($6 = 'on_time' AND due_on >= $7 AND close_on > $7)))) \
         ORDER BY {order} LIMIT $8 OFFSET $9"
    ))
    .bind(department)
    .bind(filter.status.map_or("", Status::as_str))
    .bind(filter.item.as_deref().unwrap_or(""))
    // Something typed: the number, or a marker no number is, so the terms alone decide.
    .bind(if filter.query.is_some() { if number.is_empty() { "-" } else { number } } else { "" })
    .bind(term.unwrap_or_default())
    .bind(filter.light.map_or("", Light::as_str))
    .bind(state.today().to_string())
    // One row more than the page: whether there is a next one.
    .bind(i64::from(page.rows) + 1)
    .bind(i64::from(page.number.saturating_sub(1)) * i64::from(page.rows))
    .fetch_all(&state.db)
    .await?;
    let more = rows.len() > page.rows as usize;
    let rows = rows
        .iter()
        .take(page.rows as usize)
        .map(|row| CaseRow::from_row(&state.keys, row))
        .collect::<Result<_, _>>()?;
    Ok((rows, more))
}

/// The parts of a joint case, as stored (unordered).
pub async fn parts(state: &AppState, whole: &str) -> Result<Vec<CaseRow>, ApiError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM cases WHERE joint_number = $1"))
        .bind(whole)
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
    let rows = sqlx::query(
        "SELECT upload, material, name, size, added_at, scanned FROM case_files WHERE case_number = $1 \
         ORDER BY added_at, upload",
    )
    .bind(&case.case_number)
    .fetch_all(&state.db)
    .await?;
    let item = case.item(state)?;
    rows.iter()
        .map(|row| {
            let material: String = row.try_get("material")?;
            let upload: String = row.try_get("upload")?;
            let name = state.keys.open(Column::CaseFileName, &upload, &row.try_get::<String, _>("name")?)?;
            Ok(CaseFile {
                material_name: item
                    .materials
                    .iter()
                    .find(|m| m.id == material)
                    .map_or(material.clone(), |m| m.name.clone()),
                download: format!("/api/staff/cases/{}/files/{upload}", case.case_number),
                material,
                upload,
                name,
                size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or(0),
                added_at: row.try_get("added_at")?,
                scanned: row.try_get::<i64, _>("scanned")? != 0,
            })
        })
        .collect()
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

/// 办结 waits for the 容缺 materials (`domain::case::completion_blocked`), named as the item names them,
/// and records only a decision that can stand (`Decision::problem`).
pub async fn may_complete(state: &AppState, case: &CaseRow, action: &domain::case::Action) -> Result<(), ApiError> {
    let domain::case::Action::Complete { decision, .. } = action else { return Ok(()) };
    if let Some(why) = decision.as_ref().and_then(|d| d.problem(state.today())) {
        return Err(ApiError::Unprocessable(why));
    }
    let item = case.item(state)?;
    let names: Vec<String> = outstanding_later(state, case).await?.iter().map(|id| material_name(item, id)).collect();
    match domain::case::completion_blocked(&names) {
        Some(why) => Err(ApiError::Unprocessable(why)),
        None => Ok(()),
    }
}

/// A material's name as the item gives it (its id when the item no longer has it).
pub fn material_name(item: &ServiceItem, id: &str) -> String {
    item.materials.iter().find(|m| m.id == id).map_or(id.to_owned(), |m| m.name.clone())
}

/// An item's material asked for on the status page, with the catalog's definition.
pub fn material_ask(item: &ServiceItem, id: &str, reason: String) -> domain::case::view::MaterialAsk {
    let definition = item.materials.iter().find(|m| m.id == id).cloned();
    let name = definition.as_ref().map_or(id.to_owned(), |m| m.name.clone());
    domain::case::view::MaterialAsk { material: id.to_owned(), name, reason, definition }
}
