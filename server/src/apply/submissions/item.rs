//! Submitting one item's application, and the checks again on the server that
//! every submission shares.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::account::identity::Identity;
use domain::account::session::Prefill;
use domain::apply::form::FieldError;
use domain::apply::submission::{Filled, Receipt, Submission, SubmissionProblems, check_materials, slot_problems};
use domain::catalog::applying::Applying;
use domain::catalog::checklist::Checklist;

use crate::AppState;
use crate::account::routes::ProvenSession;
use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::apply::submissions::once::{
    IdempotencyKeyHeader, SubmissionAnswers, SubmissionHeaders, Submitter, finish, once, within_pace,
};
use crate::at_rest::lookup::Purpose;
use crate::case::create::{NewCase, Shape, create};
use crate::case::store::{self as cases, NewFile};
use crate::db::now_rfc3339;
use crate::error::ApiError;
use crate::hosting::client::Client;
use crate::notify::outbox::NoticeTo;

/// Submit an application once (e-submission). The same `Idempotency-Key` with the
/// same body answers the same receipt; with another body 422; while the first is
/// still running 409. Everything is checked again; problems come back by field and material.
#[utoipa::path(post, path = "/services/{code}/submissions", tag = "apply",
    params(("code" = String, Path, description = "事项编码"),
           IdempotencyKeyHeader, ApplicationKeyHeader),
    request_body = Submission,
    responses(SubmissionAnswers))]
pub async fn submit(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    owner: ApplicationKey,
    headers: SubmissionHeaders,
    Client(address): Client,
    ProvenSession(session): ProvenSession,
    body: Bytes,
) -> Result<Response, ApiError> {
    let SubmissionHeaders { key, source } = headers;
    within_pace(&state, address)?;
    let hash = crate::secret::sha256_hex(&[code.as_bytes(), &[0], &body].concat());
    let identity = session.map(|s| s.identity);
    let by = Submitter { owner: &owner, key: &key, signed_in: identity.as_ref(), source };
    once(&state, &key, &hash, accept(&state, &code, &body, &by)).await
}

/// Who signed in applies as themselves: the name and ID number (a legal
/// person: the organisation's name and credit code) their provider verified
/// replace what the page sent (an agent's, when an agent applies).
fn as_signed_in(submission: &mut Submission, identity: Option<&Identity>) {
    if let Some(verified) = identity.and_then(Prefill::of) {
        verified.fill(&mut submission.form);
    }
}

/// Everything a submission says, checked again with the domain rules for what
/// it applies for (an item or a bundle): the form, the recomputed checklist,
/// every upload, the notice email. All problems at once, by field and material.
pub async fn check(
    state: &AppState,
    applying: Applying<'_>,
    body: &[u8],
    owner: &ApplicationKey,
    identity: Option<&Identity>,
) -> Result<(Submission, Checklist, Vec<NewFile>), ApiError> {
    let mut submission: Submission = crate::extract::from_slice(body)
        .map_err(|_| ApiError::BadRequest("申请的格式不对，请刷新页面后再提交".to_owned()))?;
    as_signed_in(&mut submission, identity);
    if let Some(case_number) = submitted_elsewhere(state, owner, &submission).await? {
        return Err(ApiError::Conflict(format!(
            "这份申请已在另一台设备提交，办件编号 {case_number}。请用那台设备上的回执查看办理进度，不用再提交。"
        )));
    }
    let mut problems = SubmissionProblems {
        fields: applying.form_problems(&submission.form, &submission.answers, state.today().ymd()),
        materials: Vec::new(),
    };
    let checklist = applying.checklist(&submission.answers);
    if !checklist.unanswered.is_empty() {
        problems.fields.insert(0, unanswered_problem(checklist.unanswered.len()));
    }
    let (mut files, file_problems) =
        crate::apply::uploads::gather::gather(state, owner, applying.code(), &submission.files).await?;
    problems.materials.extend(file_problems);
    // Files of the person's earlier cases, chosen again for this application.
    let (reused, reuse_problems) =
        crate::apply::reuse::gather(state, identity, applying.code(), &submission.reused).await?;
    files.extend(reused);
    problems.materials.extend(reuse_problems);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        *counts.entry(file.material.clone()).or_default() += 1;
    }
    problems.materials.extend(check_materials(&checklist, &counts, &submission.later, submission.pledge_accepted));
    let mut filled: BTreeMap<String, Vec<Filled>> = BTreeMap::new();
    for file in &files {
        filled.entry(file.material.clone()).or_default().push(file.filled);
    }
    problems.materials.extend(slot_problems(&checklist, &filled));
    problems.fields.extend(email_problem(&submission));
    // Progress SMS only to a number this application proved with a one-time code.
    if submission.sms
        && state.sms.is_some()
        && !crate::apply::phone_codes::proven(state, owner, submission.form.notice_phone()).await?
    {
        let message = domain::apply::phone_code::UNPROVEN.to_owned();
        problems.fields.push(FieldError { field: "sms".to_owned(), message });
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    // Kept: the parties the application names, not one typed and then not needed.
    applying.keep_needed_parties(&mut submission.form, &submission.answers);
    Ok((submission, checklist, files))
}

/// The case this application's own files already went into: a draft continued
/// on another device and submitted there is not submitted again from here.
async fn submitted_elsewhere(
    state: &AppState,
    owner: &ApplicationKey,
    submission: &Submission,
) -> Result<Option<String>, ApiError> {
    for upload in submission.files.values().flatten().take(domain::apply::submission::MAX_UPLOADS_PER_REQUEST) {
        let row = sqlx::query(
            "SELECT case_number FROM upload_owners \
             WHERE upload = $1 AND application_hash = $2 AND case_number IS NOT NULL",
        )
        .bind(upload)
        .bind(&owner.hash)
        .fetch_optional(&state.db)
        .await?;
        if let Some(row) = row {
            return Ok(Some(sqlx::Row::get(&row, "case_number")));
        }
    }
    Ok(None)
}

/// Check everything again and make the case.
async fn accept(state: &AppState, code: &str, body: &[u8], by: &Submitter<'_>) -> Result<String, ApiError> {
    let item = state.catalog.get(code).ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {code} 的事项")))?;
    if let Some(problem) = domain::account::identity::sign_in_problem(item.sign_in_level, by.signed_in) {
        return Err(ApiError::Unauthorized(problem));
    }
    let (submission, _, files) = check(state, Applying::Item(item), body, by.owner, by.signed_in).await?;
    make_case(state, item, &submission, &files, by).await
}

pub fn reference() -> Result<String, ApiError> {
    Ok(crate::secret::random_reference(8)?)
}

async fn make_case(
    state: &AppState,
    item: &domain::ServiceItem,
    submission: &Submission,
    files: &[NewFile],
    by: &Submitter<'_>,
) -> Result<String, ApiError> {
    let Submitter { owner, key, signed_in, source } = *by;
    let query_code = reference()?;
    let query_code_hash = state.keys.lookup().hash(Purpose::QueryCode, &query_code);
    let submitted_at = now_rfc3339();
    // A clash of two random case numbers is rare; the primary key refuses it, try again.
    for _ in 0..5 {
        let case_number = reference()?;
        let mut tx = crate::db::begin_write(&state.db).await?;
        let case = NewCase {
            number: &case_number,
            shape: Shape::Single { query_code_hash: &query_code_hash },
            code: &item.code,
            application: submission,
            department: &item.department,
            promised_days: item.promised_limit_days,
            submitted_at: &submitted_at,
            label: "提交申请",
            notice: Some(NoticeTo {
                case_number: &case_number,
                application: submission,
                title: &item.name,
                code: &item.code,
                collect: domain::case::notices::collection(submission.form.delivery.as_ref(), &item.place, &item.hours),
            }),
            owner: signed_in,
            source,
        };
        if create(&mut tx, state, case).await? {
            for file in files {
                cases::insert_file(&mut tx, &state.keys, &case_number, file, &submitted_at, cases::Claim::Now).await?;
            }
            let numbered = crate::case::province_number::of(&mut *tx, &case_number).await?;
            let receipt = Receipt {
                province_number: numbered.number,
                province_pending: numbered.pending,
                parts: Vec::new(),
                parties: Applying::Item(item)
                    .named_parties(&submission.form)
                    .iter()
                    .map(domain::apply::submission::ReceiptParty::from_named)
                    .collect(),
                notices: crate::notify::outbox::channels(state, submission, signed_in),
                case_number,
                query_code,
                item_code: item.code.clone(),
                item_name: item.name.clone(),
                department: item.department.clone(),
                submitted_at,
                promised_limit_days: item.promised_limit_days,
                consult_phone: item.consult_phone.clone(),
                later: submission.later.clone(),
                later_due_days: if submission.later.is_empty() {
                    0
                } else {
                    domain::apply::submission::tolerance_deadline_days(item.promised_limit_days)
                },
            };
            let text = serde_json::to_string(&receipt)?;
            finish(&mut tx, state, key, owner, &text).await?;
            tx.commit().await?;
            tracing::info!(item = %item.code, "application submitted");
            return Ok(text);
        }
    }
    Err(ApiError::Internal(anyhow::anyhow!("no free case number after five tries")))
}

/// The form's and the checklist's problems, the way the task list shows them.
fn unanswered_problem(count: usize) -> FieldError {
    FieldError {
        field: "answers".to_owned(), message: format!("还有 {count} 个情形问题没有回答，请先回答")
    }
}

/// The notice email the applicant chose, checked (none is fine).
fn email_problem(submission: &Submission) -> Option<FieldError> {
    let email = submission.email.trim();
    let message = (!email.is_empty()).then(|| domain::apply::identity::email_problem(email)).flatten()?;
    Some(FieldError { field: "email".to_owned(), message: message.to_owned() })
}
