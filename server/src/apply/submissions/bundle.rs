//! Submitting a bundle once (一件事一次办): `POST /api/bundles/{code}/submissions`,
//! with the same `Idempotency-Key` rules as an item's. One form, one set of
//! uploads (a shared document once), checked again with the bundle's merged
//! fields and checklist; then one joint case: the whole and one part per item,
//! each with its department, its own application and the files it uses, all in
//! one transaction.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::apply::submission::{Receipt, ReceiptPart, Submission};
use domain::catalog::applying::Applying;
use domain::catalog::bundle::BundleDetail;
use domain::catalog::checklist::Checklist;

use crate::AppState;
use crate::account::routes::ProvenSession;
use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::apply::submissions::item::{check, reference};
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

/// Submit a bundle's application once: one joint case (联办件) with a part per
/// item. The same `Idempotency-Key` with the same body answers the same
/// receipt; with another body 422; while the first is still running 409.
#[utoipa::path(post, path = "/bundles/{code}/submissions", tag = "apply",
    params(("code" = String, Path, description = "一件事编码"),
           IdempotencyKeyHeader, ApplicationKeyHeader),
    request_body = Submission,
    responses(SubmissionAnswers))]
pub async fn submit_bundle(
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
    let hash = crate::secret::sha256_hex(&[b"bundle\0", code.as_bytes(), &[0], &body].concat());
    let identity = session.map(|s| s.identity);
    let by = Submitter { owner: &owner, key: &key, signed_in: identity.as_ref(), source };
    once(&state, &key, &hash, accept(&state, &code, &body, &by)).await
}

/// Check everything again, with the bundle's own fields and checklist.
async fn accept(state: &AppState, code: &str, body: &[u8], by: &Submitter<'_>) -> Result<String, ApiError> {
    let detail =
        state.catalog.bundle(code).ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {code} 的一件事")))?;
    // The surest sign-in any of its items requires.
    let required = detail.items.iter().filter_map(|i| i.sign_in_level).max();
    if let Some(problem) = domain::account::identity::sign_in_problem(required, by.signed_in) {
        return Err(ApiError::Unauthorized(problem));
    }
    let (submission, checklist, files) = check(state, Applying::Bundle(detail), body, by.owner, by.signed_in).await?;
    make_joint_case(state, detail, (&submission, &checklist, &files), by).await
}

/// One item's share of the application: its own form, the files it uses
/// (under its own material ids), its 容缺 materials.
struct PartApplication {
    application: Submission,
    files: Vec<NewFile>,
}

fn part_application(
    detail: &BundleDetail,
    checklist: &Checklist,
    submission: &Submission,
    files: &[NewFile],
    item: &domain::ServiceItem,
) -> PartApplication {
    let by_material = detail.part_files(checklist, &submission.files, item);
    let reused = detail.part_files(checklist, &submission.reused, item);
    let mut own = Vec::new();
    for (material, uploads) in by_material.iter().chain(&reused) {
        for upload in uploads {
            if let Some(file) = files.iter().find(|f| &f.upload == upload) {
                own.push(NewFile { material: material.clone(), ..file.clone() });
            }
        }
    }
    PartApplication {
        application: Submission {
            answers: submission.answers.clone(),
            form: detail.part_form(&submission.form, item),
            files: by_material,
            reused,
            later: detail.part_materials(checklist, &submission.later, item),
            pledge_accepted: submission.pledge_accepted,
            email: submission.email.clone(),
            sms: submission.sms,
        },
        files: own,
    }
}

/// The whole and its parts, in one transaction. `checked` is what `check` gave.
async fn make_joint_case(
    state: &AppState,
    detail: &BundleDetail,
    checked: (&Submission, &Checklist, &[NewFile]),
    by: &Submitter<'_>,
) -> Result<String, ApiError> {
    let (submission, checklist, files) = checked;
    let Submitter { owner, key, signed_in, source } = *by;
    let query_code = reference()?;
    let query_code_hash = state.keys.lookup().hash(Purpose::QueryCode, &query_code);
    let promised = detail.promised_limit_days();
    let submitted_at = now_rfc3339();
    let (place, hours) = detail.lead_item().map_or(("", ""), |i| (i.place.as_str(), i.hours.as_str()));
    // A clash of random case numbers is rare; the primary key refuses it, and the whole transaction is tried again.
    for _ in 0..5 {
        let number = reference()?;
        let mut tx = crate::db::begin_write(&state.db).await?;
        let whole = NewCase {
            number: &number,
            shape: Shape::Whole { query_code_hash: &query_code_hash },
            code: &detail.bundle.code,
            application: submission,
            department: &detail.bundle.lead_department,
            promised_days: promised,
            submitted_at: &submitted_at,
            label: "提交申请（一件事）",
            notice: Some(NoticeTo {
                case_number: &number,
                application: submission,
                title: &detail.bundle.name,
                code: &detail.bundle.code,
                collect: domain::case::notices::collection(submission.form.delivery.as_ref(), place, hours),
            }),
            owner: signed_in,
            source,
        };
        if !create(&mut tx, state, whole).await? {
            continue;
        }
        // Each upload belongs to this one joint case, however many parts use it.
        for file in files {
            // A reused file stays its first case's (and is still held, in this transaction).
            let attached = if file.reused {
                cases::held(&mut tx, &file.upload).await?
            } else {
                crate::apply::uploads::owner::attach(&mut tx, &file.upload, &file.owner, &number).await?
            };
            if !attached {
                return Err(ApiError::Conflict(format!(
                    "“{}”已被删除或已随另一份申请提交，请重新上传这个文件",
                    file.name
                )));
            }
        }
        let mut clash = false;
        let mut province_numbers = Vec::new();
        for item in &detail.items {
            let part = part_application(detail, checklist, submission, files, item);
            let part_number = reference()?;
            let new = NewCase {
                number: &part_number,
                shape: Shape::Part { whole: &number },
                code: &item.code,
                application: &part.application,
                department: &item.department,
                // A part never promises more than the whole.
                promised_days: item.promised_limit_days.min(promised),
                submitted_at: &submitted_at,
                label: "提交申请",
                notice: None,
                owner: None,
                source,
            };
            if !create(&mut tx, state, new).await? {
                clash = true;
                break;
            }
            for file in &part.files {
                cases::insert_file(&mut tx, &state.keys, &part_number, file, &submitted_at, cases::Claim::Done).await?;
            }
            province_numbers.push(crate::case::province_number::of(&mut *tx, &part_number).await?);
        }
        if clash {
            tx.rollback().await?;
            continue;
        }
        let later_items: Vec<String> = checklist
            .entries
            .iter()
            .filter(|e| submission.later.contains(&e.material.id))
            .flat_map(|e| e.items.clone())
            .collect();
        let receipt = Receipt {
            case_number: number,
            province_number: None,
            province_pending: false,
            query_code: query_code.clone(),
            item_code: detail.bundle.code.clone(),
            item_name: detail.bundle.name.clone(),
            department: detail.bundle.lead_department.clone(),
            submitted_at: submitted_at.clone(),
            promised_limit_days: promised,
            consult_phone: detail.lead_item().map(|i| i.consult_phone.clone()).unwrap_or_default(),
            later: submission.later.clone(),
            later_due_days: if submission.later.is_empty() { 0 } else { detail.later_due_days(&later_items) },
            parts: detail
                .items
                .iter()
                .zip(province_numbers)
                .map(|(i, numbered)| ReceiptPart {
                    item_name: i.name.clone(),
                    department: i.department.clone(),
                    province_number: numbered.number,
                    province_pending: numbered.pending,
                })
                .collect(),
            notices: crate::notify::outbox::channels(state, submission, signed_in),
            parties: Applying::Bundle(detail)
                .named_parties(&submission.form)
                .iter()
                .map(domain::apply::submission::ReceiptParty::from_named)
                .collect(),
        };
        let text = serde_json::to_string(&receipt)?;
        finish(&mut tx, state, key, owner, &text).await?;
        tx.commit().await?;
        tracing::info!(bundle = %detail.bundle.code, "joint application submitted");
        return Ok(text);
    }
    Err(ApiError::Internal(anyhow::anyhow!("no free case number after five tries")))
}
