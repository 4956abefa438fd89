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
use domain::account::identity::Identity;
use domain::apply::submission::{Receipt, ReceiptPart, Submission};
use domain::catalog::applying::Applying;
use domain::catalog::bundle::BundleDetail;
use domain::catalog::checklist::Checklist;

use crate::AppState;
use crate::account::routes::ProvenSession;
use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::apply::submissions::item::{bind_to, check, reference};
use crate::apply::submissions::once::{
    IdempotencyKey, IdempotencyKeyHeader, SubmissionAnswers, finish, once, within_pace,
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
    key: IdempotencyKey,
    Client(address): Client,
    ProvenSession(session): ProvenSession,
    body: Bytes,
) -> Result<Response, ApiError> {
    let IdempotencyKey(key) = key;
    within_pace(&state, address)?;
    let hash = crate::secret::sha256_hex(&[b"bundle\0", code.as_bytes(), &[0], &body].concat());
    let identity = session.map(|s| s.identity);
    once(&state, &key, &hash, accept(&state, &code, &body, &owner, &key, identity.as_ref())).await
}

/// Check everything again, with the bundle's own fields and checklist.
async fn accept(
    state: &AppState,
    code: &str,
    body: &[u8],
    owner: &ApplicationKey,
    key: &str,
    identity: Option<&Identity>,
) -> Result<String, ApiError> {
    let detail =
        state.catalog.bundle(code).ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {code} 的一件事")))?;
    // The surest sign-in any of its items requires.
    let required = detail.items.iter().filter_map(|i| i.sign_in_level).max();
    if let Some(problem) = domain::account::identity::sign_in_problem(required, identity) {
        return Err(ApiError::Unauthorized(problem));
    }
    let (submission, checklist, files) = check(state, Applying::Bundle(detail), body, owner, identity).await?;
    let receipt = make_joint_case(state, detail, &checklist, &submission, &files, owner, key).await?;
    bind_to(state, identity, &submission, &receipt).await?;
    Ok(receipt)
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
    let mut own = Vec::new();
    for (material, uploads) in &by_material {
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
            reused: std::collections::BTreeMap::new(),
            later: detail.part_materials(checklist, &submission.later, item),
            pledge_accepted: submission.pledge_accepted,
            email: submission.email.clone(),
            sms: submission.sms,
        },
        files: own,
    }
}

async fn make_joint_case(
    state: &AppState,
    detail: &BundleDetail,
    checklist: &Checklist,
    submission: &Submission,
    files: &[NewFile],
    owner: &ApplicationKey,
    key: &str,
) -> Result<String, ApiError> {
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
        };
        if !create(&mut tx, state, whole).await? {
            continue;
        }
        // Each upload belongs to this one joint case, however many parts use it.
        for file in files {
            if !crate::apply::uploads::owner::attach(&mut tx, &file.upload, &file.owner, &number).await? {
                return Err(ApiError::Conflict(format!(
                    "“{}”已被删除或已随另一份申请提交，请重新上传这个文件",
                    file.name
                )));
            }
        }
        let mut clash = false;
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
            };
            if !create(&mut tx, state, new).await? {
                clash = true;
                break;
            }
            for file in &part.files {
                cases::insert_file(&mut tx, &state.keys, &part_number, file, &submitted_at, cases::Claim::Done).await?;
            }
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
                .map(|i| ReceiptPart { item_name: i.name.clone(), department: i.department.clone() })
                .collect(),
            notices: crate::notify::outbox::channels(state, submission),
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
