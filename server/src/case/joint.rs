//! Joint cases (联办件) on the server. The whole and each part are case rows
//! (see migration 0009); every move goes through `domain::case::joint` and
//! writes every row it changes, the whole always, in one transaction, each
//! guarded by its version: two departments moving their parts at the same
//! moment never overwrite each other, and a crash leaves all or nothing.

use domain::case::joint::{Consult, Joint, Part, Target};
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
        let mut parts = cases::parts(state, number).await?;
        let order = |p: &CaseRow| detail.items.iter().position(|i| i.code == p.item_code).unwrap_or(usize::MAX);
        parts.sort_by_key(order);
        Ok(JointCase { whole, parts, detail })
    }

    /// The last day the co-departments answer the lead (from the materials' receipt).
    pub fn consult_by(&self, app: &AppState) -> domain::time::date::Date {
        app.calendar.add_working_days(self.whole.received_on, u32::from(self.detail.bundle.consult_days))
    }

    pub fn state(&self, app: &AppState) -> Joint {
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
                    // The lead's own part answers itself.
                    consult: p.consult().unwrap_or(if p.department == self.whole.department {
                        Consult::Answered
                    } else {
                        Consult::Awaited
                    }),
                })
                .collect(),
            notice: self.whole.stage_and_notice().1.to_vec(),
            consult_over: app.today() > self.consult_by(app),
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
    let Step { action, actor, label, mut note } = step;
    let joint = JointCase::of(state, case).await?;
    let target = joint.target(case);
    // The history names what a department asked; the deadline is the lead's notice's.
    if let (Some(Action::RequestSupplement { items, .. }), Target::Part(i)) = (action, target)
        && let Some(item) = state.catalog.get(&joint.parts[i].item_code)
    {
        note = Some(domain::case::supplement_list(items, &item.material_names()));
    }
    let before = joint.state(state);
    let after = match action {
        None => before.clone(),
        Some(action) => {
            let materials = |code: &str| -> Vec<(String, String)> {
                state.catalog.get(code).map(|i| i.material_names()).unwrap_or_default()
            };
            let after = before.apply(target, action, actor, &materials).map_err(refusal)?;
            if let Target::Part(i) = target {
                crate::case::store::may_complete(state, &joint.parts[i], action).await?;
            }
            after
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
    // The whole first: the lead's notice (受理通知书) it issues is what its parts' records name.
    let whole_before = before.status();
    let whole_after = after.status();
    // The whole keeps the lead's clocks: the answer clock and the 补正 deadline.
    let mut whole_changes =
        match action {
            Some(
                action @ (Action::Accept | Action::DeemAccept | Action::RequestSupplement { .. } | Action::Resubmit),
            ) if target == Target::Whole => changes(state, &joint.whole, action),
            _ => Changes::default(),
        };
    whole_changes.stage = Some(after.stage);
    whole_changes.notice = Some(after.notice.clone());
    if whole_after.is_final() && !whole_before.is_final() && after.accepted() {
        whole_changes.completed_on = Some(Some(today));
    }
    // The lead's acceptance names the departments taken to agree by their silence.
    let defaulted: Vec<&str> = before
        .parts
        .iter()
        .zip(&after.parts)
        .filter(|(old, new)| old.consult == Consult::Awaited && new.consult == Consult::Defaulted)
        .map(|(_, new)| new.department.as_str())
        .collect();
    let whole_note = if defaulted.is_empty() {
        note.clone()
    } else {
        Some(format!("{}答复期限内未答复，按缺席默认视为同意受理", defaulted.join("、")))
    };
    // The whole's timeline is the applicant's: a part's move says whose it is.
    let whole_label = match target {
        Target::Part(i) => format!("{}：{label}", after.parts[i].department),
        Target::Whole => label.to_owned(),
    };
    // The applicant hears of the whole: the lead's moves, and the end once every part has ended.
    let notice = domain::case::notices::of_joint_move(joint.detail, target, action, whole_before, &after);
    let step = Move {
        case: &joint.whole,
        status: whole_after.as_case_status(),
        changes: whole_changes,
        actor,
        event,
        action,
        label: &whole_label,
        note: whole_note,
        files: &[],
        claim: Claim::Now,
        notice,
        decided_here: false,
    };
    cases::write_move(&mut tx, state, step, &now).await?;
    for (i, (row, (old, new))) in joint.parts.iter().zip(before.parts.iter().zip(&after.parts)).enumerate() {
        let part_files: Vec<NewFile> = files.iter().filter(|(p, _)| *p == i).map(|(_, f)| f.clone()).collect();
        // The part moved keeps its status after an extension: written all the same.
        let moved = target == Target::Part(i) && action.is_some();
        if old == new && part_files.is_empty() && !moved {
            continue;
        }
        let mut changes = match action {
            Some(action) if old.status != new.status || moved => changes(state, row, action),
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
        if old.consult != new.consult {
            changes.consult = Some(new.consult);
        }
        // A silent department taken to agree says so in its timeline.
        let part_note = match (old.consult, new.consult) {
            (Consult::Awaited, Consult::Defaulted) => Some("缺席默认：答复期限内未答复，视为同意受理".to_owned()),
            (Consult::Answered | Consult::Awaited | Consult::Defaulted, _) => note.clone(),
        };
        let step = Move {
            case: row,
            status: new.status,
            changes,
            actor,
            event,
            action,
            label,
            note: part_note,
            files: &part_files,
            claim: Claim::Done,
            notice: None,
            // A department's own refusal or decision is its own paper.
            decided_here: moved && matches!(action, Some(Action::Refuse { .. } | Action::Complete { .. })),
        };
        cases::write_move(&mut tx, state, step, &now).await?;
    }
    tx.commit().await?;
    tracing::info!(case = %joint.whole.case_number, action = event.name(), "joint case moved");
    cases::load_stored(state, &case.case_number).await?.ok_or_else(|| internal("the case vanished"))
}
