//! Writing a case's records to the outbox, in the transaction that makes,
//! moves or rates the case, so a province is told of exactly what happened: a
//! rolled-back move is never reported, a committed one always is.

use std::collections::BTreeMap;

use domain::apply::submission::Submission;
use domain::case::event::CaseEvent;
use domain::case::exchange::codes::Source;
use domain::case::exchange::map::{self, CaseFacts, Happened};
use domain::case::exchange::records::{Material, Record};
use domain::case::rating::{self, Given};
use domain::case::{Action, Actor};
use domain::catalog::department::Department;
use domain::time::date::Date;

use crate::AppState;
use crate::case::store::CaseRow;
use crate::error::ApiError;
use crate::exchange::{Exchange, Profile, acceptance, national};
use crate::notify::Channel;
use crate::notify::outbox::{OutboxRow, insert};

/// How the outbox and the console name the province.
const RECIPIENT: &str = "省一体化政务服务平台";

/// A new case (a single case, a joint case's part), as its records need it.
pub struct Made<'a> {
    pub case_number: &'a str,
    /// The province's number it was just given (none: the province gives it, or nothing is reported).
    pub province_number: Option<&'a str>,
    pub code: &'a str,
    pub application: &'a Submission,
    pub at: &'a str,
    pub source: Source,
}

/// The records of a new case: 办事申请.
pub async fn submitted(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    m: Made<'_>,
) -> Result<(), ApiError> {
    let Made { case_number, province_number, code, application, at, source } = m;
    let Some(exchange) = &state.exchange else { return Ok(()) };
    let Some(province_number) = number_of(exchange, province_number) else { return Ok(()) };
    let Some((item, unit)) = item_and_unit(state, code) else { return Ok(()) };
    let mut materials: Vec<Material> = Vec::new();
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for (material, uploads) in application.files.iter().chain(&application.reused) {
        *counts.entry(material.as_str()).or_default() += u32::try_from(uploads.len()).unwrap_or(u32::MAX);
    }
    for m in &item.materials {
        let files = counts.get(m.id.as_str()).copied().unwrap_or(0);
        let later = application.later.contains(&m.id);
        if files > 0 || later {
            materials.push(Material { name: m.name.clone(), received: files > 0, files });
        }
    }
    let facts = facts(province_number, item, unit, &application.form);
    let happened = Happened::Submitted { at, source, materials };
    let mut records: Vec<Rendered> = Vec::new();
    if exchange.profile.numbers_cases() {
        let applied = domain::case::exchange::codes::stamp(at).unwrap_or_default();
        let call = acceptance::numbering(&item.code, &unit.region, &applied);
        records.push(("赋码", serde_json::to_string(&[call])?));
    }
    records.extend(render(exchange, map::records(&facts, &happened), 0)?);
    write(tx, state, case_number, records, at, 0).await
}

/// The case's province number for its records: the one it has, or (when the
/// province gives numbers) none yet — the calls are sent once it arrives.
fn number_of<'a>(exchange: &Exchange, number: Option<&'a str>) -> Option<&'a str> {
    match (number, exchange.profile.numbers_cases()) {
        (Some(number), _) => Some(number),
        (None, true) => Some(""),
        (None, false) => None,
    }
}

/// One move of a case, as the records of it need it.
pub struct Moved<'a> {
    pub case: &'a CaseRow,
    pub event: CaseEvent,
    pub action: Option<&'a Action>,
    pub actor: &'a Actor,
    pub at: &'a str,
    /// The promised day after the move.
    pub promised_by: Option<Date>,
}

/// The records of one move (nothing for a joint case's whole: its parts are reported).
pub async fn moved(tx: &mut sqlx::Transaction<'_, sqlx::Any>, state: &AppState, m: Moved<'_>) -> Result<(), ApiError> {
    let Moved { case, event, action, actor, at, promised_by } = m;
    let Some(exchange) = &state.exchange else { return Ok(()) };
    let Some(province_number) = number_of(exchange, case.province_number.as_deref()) else { return Ok(()) };
    let Some((item, unit)) = item_and_unit(state, &case.item_code) else { return Ok(()) };
    let facts = facts(province_number, item, unit, &case.application.form);
    let by = match actor {
        Actor::Staff { by: Some(by), .. } => by.clone(),
        Actor::Staff { department, by: None } => department.clone(),
        Actor::Applicant => "申请人".to_owned(),
        Actor::System => "系统".to_owned(),
    };
    // A pause ends with 恢复办理: the pause it ends, as its event recorded it.
    let paused = match event {
        CaseEvent::Resumed => last_pause(tx, &case.case_number).await?,
        _ => None,
    };
    // 受理通知书 or 不予受理决定书, as this move issued it: a joint case's part
    // is accepted by the lead's one notice, issued on the whole.
    let kind = match event {
        CaseEvent::Accepted | CaseEvent::DeemedAccepted => Some("acceptance"),
        CaseEvent::Refused => Some("refusal"),
        _ => None,
    };
    let mut document = None;
    if let Some(kind) = kind {
        for number in std::iter::once(case.case_number.as_str()).chain(case.whole_number()) {
            document = document_number(tx, number, kind).await?;
            if document.is_some() {
                break;
            }
        }
    }
    let step = map::Move {
        event,
        action,
        at,
        by: &by,
        document_number: document.as_deref(),
        promised_by,
        paused: paused.as_ref().map(|(since, note)| {
            let (procedure, reason) = domain::case::clock::Procedure::of_note(note);
            (since.as_str(), procedure, reason)
        }),
    };
    let seq = case.version + 1;
    let records = render(exchange, map::records(&facts, &Happened::Moved(step)), seq)?;
    write(tx, state, &case.case_number, records, at, seq).await
}

/// The number of the case's latest document of `kind`.
async fn document_number(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_number: &str,
    kind: &str,
) -> Result<Option<String>, ApiError> {
    let row = sqlx::query(
        "SELECT number FROM documents WHERE case_number = $1 AND kind = $2 ORDER BY issued_on DESC, id DESC LIMIT 1",
    )
    .bind(case_number)
    .bind(kind)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| sqlx::Row::get(&r, "number")))
}

/// When the case's last pause began, and its note (`现场核查：…`).
async fn last_pause(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_number: &str,
) -> Result<Option<(String, String)>, ApiError> {
    let row = sqlx::query(
        "SELECT at, note FROM case_events WHERE case_number = $1 AND action = $2 ORDER BY seq DESC LIMIT 1",
    )
    .bind(case_number)
    .bind(CaseEvent::Suspended.name())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        sqlx::Row::try_get(&row, "at")?,
        sqlx::Row::try_get::<Option<String>, _>(&row, "note")?.unwrap_or_default(),
    )))
}

/// A rating of `case`: 评价, keyed on the province's number — for a joint
/// case (rated as a whole), one for each of its parts.
pub async fn rated(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    case: &CaseRow,
    given: Given,
    reason: &str,
    channel: rating::Channel,
) -> Result<(), ApiError> {
    let Some(exchange) = &state.exchange else { return Ok(()) };
    // Where applicants rate on the province's page, the province gives its own default ratings.
    if exchange.rating_page.is_some() && channel == rating::Channel::Default {
        return Ok(());
    }
    let targets = match case.bundle() {
        Some(_) => crate::case::store::parts(state, &case.case_number).await?,
        None => vec![case.clone()],
    };
    let at = crate::db::now_rfc3339();
    for target in &targets {
        let Some(province_number) = number_of(exchange, target.province_number.as_deref()) else { continue };
        let Some((item, unit)) = item_and_unit(state, &target.item_code) else { continue };
        let facts = facts(province_number, item, unit, &target.application.form);
        let happened = Happened::Rated {
            at: &at,
            channel,
            round: given.round,
            overall: given.overall,
            reason,
            stage: given.stage,
        };
        let seq = target.version + 1;
        let records = render(exchange, map::records(&facts, &happened), seq)?;
        write(tx, state, &target.case_number, records, &at, seq).await?;
    }
    Ok(())
}

/// What every record of a case names.
fn facts<'a>(
    province_number: &'a str,
    item: &'a domain::ServiceItem,
    unit: &'a Department,
    form: &'a domain::apply::form::ApplicationForm,
) -> CaseFacts<'a> {
    CaseFacts { case_number: province_number, item, basic_code: &item.basic_code, unit, form }
}

/// The item and its deciding department (every one is listed: the exchange does not start otherwise).
fn item_and_unit<'a>(state: &'a AppState, code: &str) -> Option<(&'a domain::ServiceItem, &'a Department)> {
    let item = state.catalog.get(code)?;
    Some((item, state.catalog.departments.get(&item.department)?))
}

/// A record's dataset and what the profile makes of it (rows or calls, as JSON).
type Rendered = (&'static str, String);

/// Each record in the profile's form.
fn render(exchange: &Exchange, records: Vec<Record>, seq: i64) -> Result<Vec<Rendered>, ApiError> {
    let mut out = Vec::new();
    for record in records {
        let payload = match exchange.profile {
            Profile::NationalDb => serde_json::to_string(&national::rows(&record, &exchange.credit_code_type, seq))?,
            Profile::AcceptanceHttp => serde_json::to_string(&[acceptance::call(&record, &exchange.credit_code_type)])?,
        };
        out.push((record.dataset(), payload));
    }
    Ok(out)
}

/// One outbox notification per record. Its id sorts as the case's records
/// were made (`seq`, the case event; then the place in this move), which is
/// the order a platform that needs it is sent them.
async fn write(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    case_number: &str,
    records: Vec<Rendered>,
    at: &str,
    seq: i64,
) -> Result<(), ApiError> {
    for (n, (dataset, payload)) in records.into_iter().enumerate() {
        let random = crate::secret::random_reference(8)?.replace('-', "").to_lowercase();
        let id = format!("prv_{seq:08}_{n:02}_{random}");
        let row = OutboxRow {
            id: &id,
            case_number,
            channel: Channel::Province,
            recipient: RECIPIENT,
            recipient_key: None,
            event: dataset,
            sealed_payload: state.keys.seal(crate::at_rest::column::Column::OutboxPayload, &id, &payload)?,
            at,
        };
        insert(&mut **tx, row).await?;
    }
    Ok(())
}
