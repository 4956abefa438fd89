//! Joint cases (联办件) on the server. The whole and each part are case rows
//! (see migration 0009); every move goes through `domain::case::joint` and
//! writes every row it changes, the whole always, in one transaction, each
//! guarded by its version: two departments moving their parts at the same
//! moment never overwrite each other, and a crash leaves all or nothing.

use std::collections::BTreeMap;

use domain::apply::submission::{MaterialError, SubmissionProblems};
use domain::case::joint::{Joint, JointStatus, Part, Target};
use domain::case::view::{CaseView, MaterialAsk, PartView, StaffCase};
use domain::case::{Action, Actor, Status};
use domain::catalog::bundle::BundleDetail;

use crate::AppState;
use crate::case::cases::{self, CaseRow, Changes, Move, NewFile, refusal};
use crate::db::now_rfc3339;
use crate::error::ApiError;

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
        let number = case.joint_number.as_deref().unwrap_or(&case.case_number);
        let whole = cases::load_stored(state, number).await?.ok_or_else(|| internal("no whole"))?;
        let code = whole.bundle_code.clone().ok_or_else(|| internal("the whole has no bundle"))?;
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
            stage: self.whole.stage.unwrap_or(self.whole.status),
            parts: self
                .parts
                .iter()
                .map(|p| Part {
                    item: p.item_code.clone(),
                    department: p.department.clone(),
                    status: p.status,
                    pending: p.pending.clone(),
                })
                .collect(),
            notice: self.whole.notice.clone(),
        }
    }

    fn target(&self, case: &CaseRow) -> Target {
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
    action: Option<&Action>,
    actor: &Actor,
    label: &str,
    note: Option<String>,
    files: &[(usize, NewFile)],
) -> Result<CaseRow, ApiError> {
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
    let name = action.map_or("supply_later", Action::name);
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
            Some(action) if old.status != new.status => Changes::of(state, row, action),
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
            action: name,
            label,
            note: note.clone(),
            files: &part_files,
            files_attached: true,
            notice: None,
        };
        cases::write_move(&mut tx, state, step, &now).await?;
    }
    let whole_before = before.status();
    let whole_after = after.status();
    let mut changes = match action {
        Some(action @ Action::Accept) if target == Target::Whole => Changes::of(state, &joint.whole, action),
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
        action: name,
        label: &whole_label,
        note,
        files: &[],
        files_attached: false,
        notice,
    };
    cases::write_move(&mut tx, state, step, &now).await?;
    tx.commit().await?;
    tracing::info!(case = %joint.whole.case_number, action = name, "joint case moved");
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

/// Apply the 容缺 rule to every part (each part's own deadline).
pub async fn enforce_deadlines(state: &AppState, whole: &CaseRow) -> Result<(), ApiError> {
    for part in JointCase::of(state, whole).await?.parts {
        cases::enforce_deadlines(state, part).await?;
    }
    Ok(())
}

/// A part as the applicant sees it.
fn part_view(state: &AppState, part: &CaseRow) -> Result<PartView, ApiError> {
    let (remaining_days, light) = cases::clock(state, part);
    Ok(PartView {
        item_code: part.item_code.clone(),
        item_name: part.title(state)?,
        department: part.department.clone(),
        status: part.status,
        status_label: part.status.label().to_owned(),
        due: part.due_on,
        remaining_days,
        light,
        result: part.result.clone(),
    })
}

/// The lead department's first item: its phones are the joint case's.
fn lead_item(detail: &BundleDetail) -> Option<&domain::ServiceItem> {
    detail.items.iter().find(|i| i.department == detail.bundle.lead_department)
}

/// The name of a bundle checklist document (`CODE.material`).
fn document_name(detail: &BundleDetail, key: &str) -> String {
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

/// What the applicant sees of a joint case: the whole in plain words, each
/// part, one timeline, one notice of every department's supplements.
pub async fn applicant_view(state: &AppState, whole: &CaseRow) -> Result<CaseView, ApiError> {
    enforce_deadlines(state, whole).await?;
    let joint = JointCase::of(state, whole).await?;
    let whole = &joint.whole;
    let status = joint.state().status();
    let (remaining_days, light) = cases::clock(state, whole);
    let mut later: Vec<MaterialAsk> = Vec::new();
    let mut later_due = None;
    for part in joint.parts.iter().filter(|p| p.status.takes_later_materials()) {
        for id in cases::outstanding_later(state, part).await? {
            let Some(key) = document_key(joint.detail, &part.item_code, &id) else { continue };
            if !later.iter().any(|m| m.material == key) {
                later.push(MaterialAsk {
                    name: document_name(joint.detail, &key),
                    material: key,
                    reason: String::new(),
                });
            }
            later_due = match (later_due, part.later_due(state)) {
                (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
                (a, b) => a.or(b),
            };
        }
    }
    let mut supplement: Vec<MaterialAsk> = Vec::new();
    if status == JointStatus::NeedsSupplement {
        for ask in &whole.notice {
            let Some(key) = document_key(joint.detail, &ask.item, &ask.material) else { continue };
            let reason = format!("{}：{}", ask.department, ask.reason);
            match supplement.iter_mut().find(|m| m.material == key) {
                Some(existing) => existing.reason = format!("{}；{reason}", existing.reason),
                None => supplement.push(MaterialAsk { name: document_name(joint.detail, &key), material: key, reason }),
            }
        }
    }
    let rating = cases::rating(state, &whole.case_number).await?;
    let results: Vec<String> = joint
        .parts
        .iter()
        .filter_map(|p| p.result.as_ref().map(|r| format!("{}：{r}", p.title(state).unwrap_or_default())))
        .collect();
    Ok(CaseView {
        case_number: whole.case_number.clone(),
        item_code: joint.detail.bundle.code.clone(),
        item_name: joint.detail.bundle.name.clone(),
        department: whole.department.clone(),
        consult_phone: lead_item(joint.detail).map(|i| i.consult_phone.clone()).unwrap_or_default(),
        complaint_phone: lead_item(joint.detail).map(|i| i.complaint_phone.clone()).unwrap_or_default(),
        status: status.as_case_status(),
        status_label: status.label().to_owned(),
        next_step: status.next_step().to_owned(),
        submitted_at: whole.submitted_at.clone(),
        promised_limit_days: whole.promised_days,
        accepted_on: whole.accepted_on,
        due: whole.due_on,
        remaining_days,
        light,
        timeline: cases::events(state, &whole.case_number).await?,
        supplement,
        later_due: later_due.filter(|_| !later.is_empty()),
        later,
        result: (!results.is_empty()).then(|| results.join("；")),
        can_withdraw: whole.stage.unwrap_or(whole.status).may_withdraw(),
        can_rate: status.is_final() && status.as_case_status() == Status::Completed && rating.is_none(),
        rating,
        parts: joint.parts.iter().map(|p| part_view(state, p)).collect::<Result<_, _>>()?,
    })
}

/// What staff see of a whole (the lead: every part side by side) or of a part.
pub async fn staff_view(state: &AppState, case: &CaseRow) -> Result<StaffCase, ApiError> {
    let joint = JointCase::of(state, case).await?;
    let shape = joint.state();
    let target = joint.target(case);
    let actions = |target, department: &str| -> Vec<String> {
        shape.staff_actions(target, department).into_iter().map(str::to_owned).collect()
    };
    let Target::Whole = target else {
        let mut view = cases::single_staff_view(state, case).await?;
        view.actions = actions(target, &case.department);
        view.joint_number = Some(joint.whole.case_number.clone());
        view.pending = case.pending.clone();
        return Ok(view);
    };
    let whole = &joint.whole;
    let status = shape.status();
    let (_, light) = cases::clock(state, whole);
    let mut view = StaffCase {
        case_number: whole.case_number.clone(),
        item_code: joint.detail.bundle.code.clone(),
        item_name: joint.detail.bundle.name.clone(),
        department: whole.department.clone(),
        status: status.as_case_status(),
        status_label: status.label().to_owned(),
        submitted_at: whole.submitted_at.clone(),
        accepted_on: whole.accepted_on,
        due: whole.due_on,
        light,
        application: whole.application.clone(),
        files: Vec::new(),
        supplement: Vec::new(),
        timeline: cases::events(state, &whole.case_number).await?,
        actions: actions(Target::Whole, &whole.department),
        joint_number: None,
        parts: Vec::new(),
        notice: whole.notice.clone(),
        pending: Vec::new(),
        notifications: crate::outbox::of_case(&state.db, &whole.case_number).await?,
    };
    for (i, part) in joint.parts.iter().enumerate() {
        let mut part_view = cases::single_staff_view(state, part).await?;
        part_view.actions = actions(Target::Part(i), &part.department);
        part_view.joint_number = Some(whole.case_number.clone());
        part_view.pending = part.pending.clone();
        view.parts.push(part_view);
    }
    Ok(view)
}

/// The applicant's supplement of a joint case: the documents the combined
/// notice asked for (then the whole goes back to the lead), or 容缺 documents
/// left for later. Each file goes to every part whose item uses the document.
pub async fn supply(
    state: &AppState,
    owner: &crate::apply::application_key::ApplicationKey,
    whole: &CaseRow,
    request: &BTreeMap<String, Vec<String>>,
) -> Result<CaseRow, ApiError> {
    let view = applicant_view(state, whole).await?;
    let Some((asked, resubmit)) = view.to_supply() else {
        return Err(ApiError::Conflict(format!("办件“{}”时不需要补交材料", view.status_label)));
    };
    let joint = JointCase::of(state, whole).await?;
    let code = &joint.detail.bundle.code;
    let mut problems = Vec::new();
    let mut wanted = BTreeMap::new();
    for (material, uploads) in request {
        if asked.iter().any(|a| &a.material == material) {
            wanted.insert(material.clone(), uploads.clone());
        } else {
            problems.push(MaterialError {
                material: material.clone(),
                message: "这项材料不在补交范围内，不用上传".to_owned(),
            });
        }
    }
    let (files, file_problems) = crate::apply::uploads::gather(state, owner, code, &wanted).await?;
    problems.extend(file_problems);
    for ask in &asked {
        let Some(material) = state.catalog.material(code, &ask.material) else { continue };
        let have = files.iter().filter(|f| f.material == ask.material).count();
        if resubmit && have == 0 {
            problems.push(MaterialError {
                material: ask.material.clone(),
                message: format!("请上传补正后的“{}”", material.name),
            });
        }
        if let Err(message) = domain::apply::files::check_material_files(material, have) {
            problems.push(MaterialError { material: ask.material.clone(), message });
        }
    }
    if files.is_empty() && problems.is_empty() {
        problems.push(MaterialError {
            material: asked[0].material.clone(), message: "请上传要补交的材料".to_owned()
        });
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(SubmissionProblems { fields: Vec::new(), materials: problems }));
    }
    // Every part whose item needs a document of that name gets the file under its own id.
    let mut by_part = Vec::new();
    for file in &files {
        let name = document_name(joint.detail, &file.material);
        for (i, part) in joint.parts.iter().enumerate().filter(|(_, p)| !p.status.is_final()) {
            let Some(item) = state.catalog.get(&part.item_code) else { continue };
            if let Some(own) = item.materials.iter().find(|m| m.name == name) {
                by_part.push((i, NewFile { material: own.id.clone(), ..file.clone() }));
            }
        }
    }
    if resubmit {
        let action = Action::Resubmit;
        record(state, whole, Some(&action), &Actor::Applicant, action.label(), None, &by_part).await
    } else {
        let note = Some(format!("补交 {} 个文件", files.len()));
        record(state, whole, None, &Actor::Applicant, "补交容缺材料", note, &by_part).await
    }
}
