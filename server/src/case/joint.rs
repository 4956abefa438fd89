//! Joint cases (联办件) on the server. The whole and each part are case rows
//! (see migration 0009); every move goes through `domain::case::joint` and
//! writes every row it changes, the whole always, in one transaction, each
//! guarded by its version: two departments moving their parts at the same
//! moment never overwrite each other, and a crash leaves all or nothing.

use domain::case::joint::{Joint, JointStatus, Part, Target};
use domain::case::{Action, Status};
use domain::catalog::bundle::BundleDetail;

use crate::AppState;
use crate::case::store::{self as cases, CaseRow, Claim, Move, NewFile, Step};
use crate::case::store::{changes, refusal};
use crate::db::now_rfc3339;
use crate::error::ApiError;
use domain::case::effect::Changes;
use domain::case::event::CaseEvent;

/// A joint case as stored: the whole, its parts in the bundle's item order, its bundle.
pub struct JointCase<'a> {
    pub whole: CaseRow,
    pub parts: Vec<CaseRow>,
    pub detail: &'a BundleDetail,
}

fn internal(what: &str) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("a joint case could not be read: {what}"))
}

impl<'a> JointCase<'a> {
    /// The joint case a whole or a part belongs to.
    pub async fn of(state: &'a AppState, case: &CaseRow) -> Result<JointCase<'a>, ApiError> {
        let number = case.whole_number().unwrap_or(&case.case_number);
        let whole = cases::load_stored(state, number).await?.ok_or_else(|| internal("no whole"))?;
        let code = whole.bundle().ok_or_else(|| internal("the whole has no bundle"))?.to_owned();
        let detail = state.catalog.bundle(&code).ok_or_else(|| internal("the bundle left the catalog"))?;
        let rows = sqlx::query(&format!("SELECT {} FROM cases WHERE joint_number = $1", cases::COLUMNS))
            .bind(number)
            .fetch_all(&state.db)
            .await?;
        let mut parts = rows.iter().map(|row| CaseRow::from_row(&state.keys, row)).collect::<Result<Vec<_>, _>>()?;
        let order = |p: &CaseRow| detail.items.iter().position(|i| i.code == p.item_code).unwrap_or(usize::MAX);
        parts.sort_by_key(order);
        Ok(JointCase { whole, parts, detail })
    }

    pub fn state(&self) -> Joint {
        Joint {
            lead_department: self.whole.department.clone(),
            stage: self.whole.stage_and_notice().0.unwrap_or(self.whole.status),
            parts: self
                .parts
                .iter()
                .map(|p| Part {
                    item: p.item_code.clone(),
                    department: p.department.clone(),
                    status: p.status,
                    pending: p.pending().to_vec(),
                })
                .collect(),
            notice: self.whole.stage_and_notice().1.to_vec(),
        }
    }

    pub fn target(&self, case: &CaseRow) -> Target {
        match self.parts.iter().position(|p| p.case_number == case.case_number) {
            Some(i) => Target::Part(i),
            None => Target::Whole,
        }
    }
}

/// Move a joint case's whole or one of its parts (`action` `None`: the
/// applicant supplied 容缺 documents, `files` going to the parts that use them).
pub async fn record(
    state: &AppState,
    case: &CaseRow,
    step: Step<'_>,
    files: &[(usize, NewFile)],
) -> Result<CaseRow, ApiError> {
    let Step { action, actor, label, note } = step;
    let joint = JointCase::of(state, case).await?;
    let target = joint.target(case);
    let before = joint.state();
    let after = match action {
        None => before.clone(),
        Some(action) => {
            let materials = |code: &str| -> Vec<String> {
                state.catalog.get(code).map(|i| i.materials.iter().map(|m| m.id.clone()).collect()).unwrap_or_default()
            };
            before.apply(target, action, actor, &materials).map_err(refusal)?
        }
    };
    let event = action.map_or(CaseEvent::LaterSupplied, CaseEvent::of);
    let today = state.today();
    let now = now_rfc3339();
    let mut tx = crate::db::begin_write(&state.db).await?;
    // Each new upload belongs to the joint case once, however many parts use it.
    let mut claimed = std::collections::BTreeSet::new();
    for (_, file) in files {
        if claimed.insert(file.upload.as_str())
            && !crate::apply::uploads::owner::attach(&mut tx, &file.upload, &file.owner, &joint.whole.case_number)
                .await?
        {
            return Err(ApiError::Conflict(format!("“{}”已被删除或已随另一份申请提交，请重新上传这个文件", file.name)));
        }
    }
    for (i, (row, (old, new))) in joint.parts.iter().zip(before.parts.iter().zip(&after.parts)).enumerate() {
        let part_files: Vec<NewFile> = files.iter().filter(|(p, _)| *p == i).map(|(_, f)| f.clone()).collect();
        if old == new && part_files.is_empty() {
            continue;
        }
        let mut changes = match action {
            Some(action) if old.status != new.status => changes(state, row, action),
            _ => Changes::default(),
        };
        if let Some(Action::RequestSupplement { .. }) = action {
            // Asked in pre-review: waits for the notice. Sent with the notice: the part now asks it.
            changes.supplement = (new.status == Status::NeedsSupplement).then(|| old.pending.clone());
            changes.pending = Some(new.pending.clone());
        }
        if matches!(action, Some(Action::Refuse { .. })) {
            changes.pending = Some(Vec::new());
        }
        let step = Move {
            case: row,
            status: new.status,
            changes,
            actor,
            event,
            label,
            note: note.clone(),
            files: &part_files,
            claim: Claim::Done,
            notice: None,
        };
        cases::write_move(&mut tx, state, step, &now).await?;
    }
    let whole_before = before.status();
    let whole_after = after.status();
    let mut changes = match action {
        Some(action @ Action::Accept) if target == Target::Whole => changes(state, &joint.whole, action),
        _ => Changes::default(),
    };
    changes.stage = Some(after.stage);
    changes.notice = Some(after.notice.clone());
    if whole_after.is_final() && !whole_before.is_final() && after.accepted() {
        changes.completed_on = Some(Some(today));
    }
    // The whole's timeline is the applicant's: a part's move says whose it is.
    let whole_label = match target {
        Target::Part(i) => format!("{}：{label}", after.parts[i].department),
        Target::Whole => label.to_owned(),
    };
    // The applicant hears of the whole: the lead's moves, and the end once every part has ended.
    let notice = whole_notice(&joint, target, action, whole_before, whole_after, &after);
    let step = Move {
        case: &joint.whole,
        status: whole_after.as_case_status(),
        changes,
        actor,
        event,
        label: &whole_label,
        note,
        files: &[],
        claim: Claim::Now,
        notice,
    };
    cases::write_move(&mut tx, state, step, &now).await?;
    tx.commit().await?;
    tracing::info!(case = %joint.whole.case_number, action = event.name(), "joint case moved");
    cases::load_stored(state, &case.case_number).await?.ok_or_else(|| internal("the case vanished"))
}

/// What the applicant is told of a joint case's move.
fn whole_notice(
    joint: &JointCase<'_>,
    target: Target,
    action: Option<&Action>,
    before: JointStatus,
    after: JointStatus,
    state_after: &Joint,
) -> Option<domain::case::notices::NoticeEvent> {
    use domain::case::notices::NoticeEvent as N;
    if after.is_final() && !before.is_final() && state_after.accepted() {
        let results: Vec<String> = joint
            .parts
            .iter()
            .zip(&state_after.parts)
            .map(|(row, part)| {
                let name = joint.detail.items.iter().find(|i| i.code == row.item_code).map_or("", |i| i.name.as_str());
                format!("{name}：{}", part.status.label())
            })
            .collect();
        return Some(match after {
            JointStatus::Terminated => N::Terminated(results.join("；")),
            _ => N::Completed(results.join("；")),
        });
    }
    if target != Target::Whole {
        return None;
    }
    Some(match action? {
        Action::Accept => N::Accepted,
        Action::RequestSupplement { .. } => N::SupplementRequested(
            state_after
                .notice
                .iter()
                .map(|n| {
                    let name = document_key(joint.detail, &n.item, &n.material)
                        .map_or(n.material.clone(), |k| document_name(joint.detail, &k));
                    (name, format!("{}：{}", n.department, n.reason))
                })
                .collect(),
        ),
        Action::Refuse { reason } => N::NotAccepted(reason.clone()),
        _ => return None,
    })
}

/// The name of a bundle checklist document (`CODE.material`).
pub fn document_name(detail: &BundleDetail, key: &str) -> String {
    key.split_once('.')
        .and_then(|(item, id)| detail.items.iter().find(|i| i.code == item)?.materials.iter().find(|m| m.id == id))
        .map_or(key.to_owned(), |m| m.name.clone())
}

/// The key a part's material has in the bundle's checklist: the first item's
/// that needs a document of that name.
pub fn document_key(detail: &BundleDetail, item: &str, material: &str) -> Option<String> {
    let name = &detail.items.iter().find(|i| i.code == item)?.materials.iter().find(|m| m.id == material)?.name;
    detail.items.iter().find_map(|i| {
        i.materials.iter().find(|m| &m.name == name).map(|m| domain::catalog::bundle::field_key(&i.code, &m.id))
    })
}
